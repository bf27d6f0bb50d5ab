// Tests only (npm run lint:arch refuses it to product code): the raw tables behind a Store, for what no product
// path may do — dump every row, set a pragma, hold a connection, fake another replica's lease.
import type { Kysely } from 'kysely';
import { databases } from './database.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

export function databaseOf(store: Store): Kysely<Database> {
  const db = databases.get(store);
  if (!db) throw new Error('not an open Store');
  return db;
}
