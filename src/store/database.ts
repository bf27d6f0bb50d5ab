// Each open store's query builder, for the store itself and the tests' `databaseOf` only (nothing else may import this).
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Filled by the Store's constructor; weak, so a closed and dropped store leaves nothing behind. */
export const databases = new WeakMap<object, Kysely<Database>>();
