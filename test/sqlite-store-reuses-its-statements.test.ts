// The SQLite store prepares each query once and reuses it, within a bound (issue 23, the RSS creep over 1,000 runs).
// kysely prepares every query anew; each better-sqlite3 statement holds native memory until V8 happens to collect
// its JS object, so a busy bot's RSS crept with every query. Real better-sqlite3 and kysely, a file on disk.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { reusingStatements, STATEMENT_CACHE } from '../src/store/store.js';

describe('the SQLite store’s statements', () => {
  it('1,000 runs of the same queries prepare each one once; 500 different ones keep at most STATEMENT_CACHE', async () => {
    const raw = new SQLite(join(mkdtempSync(join(tmpdir(), 'stmts-')), 'db.sqlite'));
    let prepared = 0;
    const prepare = raw.prepare.bind(raw);
    raw.prepare = ((q: string) => {
      prepared += 1;
      return prepare(q);
    }) as typeof raw.prepare;
    const database = reusingStatements(raw);
    const db = new Kysely<{ t: { k: string; v: number } }>({ dialect: new SqliteDialect({ database }) });
    try {
      await sql`create table t (k text primary key, v integer not null)`.execute(db);
      const before = prepared;
      for (let i = 0; i < 1000; i += 1) {
        await db.insertInto('t').values({ k: `k${i}`, v: i }).execute();
        await db.updateTable('t').set({ v: i + 1 }).where('k', '=', `k${i}`).execute();
        const row = await db.selectFrom('t').select('v').where('k', '=', `k${i}`).executeTakeFirstOrThrow();
        expect(row.v).toBe(i + 1);
      }
      // Three shapes of query, whatever their values.
      expect(prepared - before).toBe(3);
      expect((await db.selectFrom('t').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n).toBe(1000);
      for (let n = 1; n <= 500; n += 1) {
        await db.selectFrom('t').select('k').where('k', 'in', Array.from({ length: n }, (_, i) => `k${i}`)).execute();
      }
      expect(database.cached).toBe(STATEMENT_CACHE);
    } finally {
      await db.destroy();
    }
  });
});
