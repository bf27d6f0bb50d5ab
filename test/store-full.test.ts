// Issue 18 item 5: a full disk is said in words an operator can act on, never as the driver's leftovers
// ("cannot rollback - no transaction is active"). SQLite's own size limit (max_page_count) makes it full for real.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from '../src/store/outage.js';
import { Store } from '../src/store/store.js';
import { databaseOf } from '../src/store/testing.js';

describe('the store on a full disk', () => {
  it('a transaction that cannot grow the file fails as "the database disk is full", not as a failed rollback', async () => {
    const store = await Store.open(`file:${join(mkdtempSync(join(tmpdir(), 'ecs-chatops-full-')), 'runs.db')}`);
    try {
      // Checkpoint the WAL into the file, then forbid the file to grow: the next page it needs is "disk full".
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(databaseOf(store));
      await sql`pragma journal_mode = DELETE`.execute(databaseOf(store));
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(databaseOf(store));
      await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(databaseOf(store));
      const now = Date.now();
      const big = JSON.stringify({ note: 'x'.repeat(200_000) });
      const row = { id: 'r-full', kind: 'maintenance', env: 'dev', target: 'dev:x', params: big, requested_by: 'U0DEV0001', state: 'running', channel: 'C0DEV0001', ts: null, thread_note: null, version: 1, view: '{}', pause: null, error: null, owner: null, lease_until: null, created_at: now, updated_at: now, ended_at: null };
      const err = await store.createRunWithLock(row, 'dev:x').then(() => undefined, (e: unknown) => e);
      expect(err).toBeDefined();
      expect(isStoreUnavailable(err)).toBe(true);
      expect((err as Error).message).toBe("the bot's database is unavailable (the database disk is full)");
      expect(String((err as Error).message)).not.toContain('cannot rollback');
      // Nothing half-written: the transaction did not commit.
      expect(await store.getRun('r-full')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
