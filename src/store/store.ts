// The one storage interface the run engine uses; SQLite by default, the same queries for PostgreSQL (Kysely).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider, type Selectable } from 'kysely';
import { migrations } from './migrations.js';
import type { AuditTable, Database, IntentsTable, RunsTable, StepsTable } from './schema.js';

export type RunRow = Selectable<RunsTable>;
export type StepRow = Selectable<StepsTable>;
export type IntentRow = Selectable<IntentsTable>;
export type AuditRow = Selectable<AuditTable>;

const ACTIVE_STATES = ['planned', 'awaiting_confirmation', 'running', 'awaiting_approval'];

/** `file:./data/x.db`, a bare path, or `:memory:`. PostgreSQL URLs are refused with a clear message until that dialect lands. */
export function openDatabase(url: string): Kysely<Database> {
  if (/^postgres(ql)?:/.test(url)) {
    throw new Error('DATABASE_URL: PostgreSQL support is not built yet — use a SQLite path such as file:./data/ecs-chatops.db');
  }
  const path = url.replace(/^file:/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets readers and the writer work at once; busy_timeout rides out a second process's write.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

export class Store {
  constructor(readonly db: Kysely<Database>) {}

  static async open(url: string): Promise<Store> {
    const store = new Store(openDatabase(url));
    await store.migrate();
    return store;
  }

  async migrate(): Promise<void> {
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    const { error } = await new Migrator({ db: this.db, provider }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  // ── runs and locks ──────────────────────────────────────────────────────────

  /**
   * Inserts a run and takes its lock in one transaction. The lock row's primary key is what makes
   * "one active run per target" true across processes; a lock whose run has ended is taken over.
   */
  async createRunWithLock(run: RunRow, lockTarget: string): Promise<{ ok: true } | { ok: false; holder: RunRow }> {
    return this.db.transaction().execute(async (trx) => {
      const lock = await trx.selectFrom('locks').selectAll().where('target', '=', lockTarget).executeTakeFirst();
      if (lock) {
        const holder = await trx.selectFrom('runs').selectAll().where('id', '=', lock.run_id).executeTakeFirst();
        if (holder && ACTIVE_STATES.includes(holder.state)) return { ok: false as const, holder };
        await trx.deleteFrom('locks').where('target', '=', lockTarget).execute();
      }
      await trx.insertInto('locks').values({ target: lockTarget, run_id: run.id, held_by: run.requested_by, since: run.created_at }).execute();
      await trx.insertInto('runs').values(run).execute();
      return { ok: true as const };
    });
  }

  /** Takes a lock for an existing run (a Retry); returns the holding run when another active run has it. */
  async takeLock(target: string, runId: string, by: string, now: number): Promise<RunRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const lock = await trx.selectFrom('locks').selectAll().where('target', '=', target).executeTakeFirst();
      if (lock && lock.run_id !== runId) {
        const holder = await trx.selectFrom('runs').selectAll().where('id', '=', lock.run_id).executeTakeFirst();
        if (holder && ACTIVE_STATES.includes(holder.state)) return holder;
        await trx.deleteFrom('locks').where('target', '=', target).execute();
      }
      if (!lock || lock.run_id !== runId) await trx.insertInto('locks').values({ target, run_id: runId, held_by: by, since: now }).execute();
      return undefined;
    });
  }

  async releaseLocks(runId: string): Promise<void> {
    await this.db.deleteFrom('locks').where('run_id', '=', runId).execute();
  }

  getRun(id: string): Promise<RunRow | undefined> {
    return this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Optimistic concurrency: the update lands only when the row is still at `version`. */
  async updateRun(id: string, version: number, patch: Partial<Omit<RunRow, 'id' | 'version'>>): Promise<RunRow | undefined> {
    const res = await this.db
      .updateTable('runs')
      .set({ ...patch, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return undefined;
    return this.getRun(id);
  }

  listRuns(opts: { env?: string; limit?: number; kind?: string; active?: boolean } = {}): Promise<RunRow[]> {
    let q = this.db.selectFrom('runs').selectAll();
    if (opts.env) q = q.where('env', '=', opts.env);
    if (opts.kind) q = q.where('kind', '=', opts.kind);
    if (opts.active) q = q.where('state', 'in', ACTIVE_STATES);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit ?? 20).execute();
  }

  /** Claims (or renews) ownership of a run: free, expired, or already ours. */
  async claimRun(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const res = await this.db
      .updateTable('runs')
      .set({ owner, lease_until: now + leaseMs })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('owner', '=', owner), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async releaseRun(id: string, owner: string): Promise<void> {
    await this.db.updateTable('runs').set({ owner: null, lease_until: null }).where('id', '=', id).where('owner', '=', owner).execute();
  }

  // ── steps ────────────────────────────────────────────────────────────────────

  getStep(runId: string, stepId: string): Promise<StepRow | undefined> {
    return this.db.selectFrom('steps').selectAll().where('run_id', '=', runId).where('step_id', '=', stepId).executeTakeFirst();
  }

  listSteps(runId: string): Promise<StepRow[]> {
    return this.db.selectFrom('steps').selectAll().where('run_id', '=', runId).orderBy('started_at').execute();
  }

  async startStep(runId: string, stepId: string, now: number): Promise<void> {
    await this.db
      .insertInto('steps')
      .values({ run_id: runId, step_id: stepId, status: 'started', result: null, error: null, started_at: now, ended_at: null })
      .onConflict((oc) => oc.columns(['run_id', 'step_id']).doUpdateSet({ status: 'started', error: null }))
      .execute();
  }

  async endStep(runId: string, stepId: string, now: number, outcome: { result?: unknown; error?: string }): Promise<void> {
    await this.db
      .updateTable('steps')
      .set({
        status: outcome.error === undefined ? 'done' : 'failed',
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error: outcome.error ?? null,
        ended_at: now,
      })
      .where('run_id', '=', runId)
      .where('step_id', '=', stepId)
      .execute();
  }

  // ── intents (button presses, commands acting on a run) ──────────────────────

  /** Records an intent once; a second press with the same dedupe key returns false. */
  async addIntent(i: { run_id: string; name: string; by: string; at: number; dedupe: string }): Promise<boolean> {
    const res = await this.db
      .insertInto('intents')
      .values({ ...i, consumed_at: null })
      .onConflict((oc) => oc.columns(['run_id', 'name', 'dedupe']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  pendingIntents(runId: string): Promise<IntentRow[]> {
    return this.db.selectFrom('intents').selectAll().where('run_id', '=', runId).where('consumed_at', 'is', null).orderBy('id').execute();
  }

  async consumeIntent(id: number, now: number): Promise<void> {
    await this.db.updateTable('intents').set({ consumed_at: now }).where('id', '=', id).execute();
  }

  // ── audit ────────────────────────────────────────────────────────────────────

  async audit(e: { at: number; env?: string | null; run_id?: string | null; actor: string; action: string; detail?: unknown }): Promise<void> {
    await this.db
      .insertInto('audit')
      .values({ at: e.at, env: e.env ?? null, run_id: e.run_id ?? null, actor: e.actor, action: e.action, detail: JSON.stringify(e.detail ?? {}) })
      .execute();
  }

  listAudit(opts: { env?: string; runId?: string; limit?: number } = {}): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit').selectAll();
    if (opts.env) q = q.where('env', '=', opts.env);
    if (opts.runId) q = q.where('run_id', '=', opts.runId);
    return q.orderBy('id', 'desc').limit(opts.limit ?? 20).execute();
  }

  // ── key/value (small remembered facts: desired counts at shutdown, a maintenance's moves) ─

  async getKv<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async setKv(key: string, value: unknown, now: number): Promise<void> {
    const v = JSON.stringify(value);
    await this.db
      .insertInto('kv')
      .values({ key, value: v, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: now }))
      .execute();
  }

  async deleteKv(key: string): Promise<void> {
    await this.db.deleteFrom('kv').where('key', '=', key).execute();
  }

  // ── scheduled fires ─────────────────────────────────────────────────────────

  /** Claims one fire of a schedule; true for exactly one caller, however many processes try. */
  async claimFire(key: string, at: number): Promise<boolean> {
    const res = await this.db.insertInto('fires').values({ key, at, run_id: null }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}
