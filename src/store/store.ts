// The one storage interface the run engine uses; SQLite by default, PostgreSQL (DATABASE_URL=postgres://…) for replicas, the same queries (Kysely).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider, type Selectable, type SqliteDatabase } from 'kysely';
import type pg from 'pg';
import { Dialect, migrationsFor } from './migrations.js';
import { outageAware } from './outage.js';
import { databases } from './database.js';
import type { AuditTable, Database, IntentsTable, RunsTable, SchedulesTable, StepsTable } from './schema.js';

export type RunRow = Selectable<RunsTable>;
export type StepRow = Selectable<StepsTable>;
export type IntentRow = Selectable<IntentsTable>;
export type AuditRow = Selectable<AuditTable>;
export type ScheduleRow = Selectable<SchedulesTable>;
export { Dialect };

const ACTIVE_STATES = ['planned', 'awaiting_confirmation', 'running', 'awaiting_approval'];

/** The NOTIFY channel replicas share (NOTIFY is scoped to one database, so one name serves every deployment). */
export const WAKE_CHANNEL = 'ecs_chatops_wake';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

// pg is loaded only by a store on PostgreSQL: a bot on SQLite never needs it (issue 23, idle footprint). require()
// keeps openDatabase synchronous (pg is CommonJS).
const load = createRequire(import.meta.url);
let pgModule: typeof pg | undefined;
const pgLib = (): typeof pg => (pgModule ??= load('pg') as typeof pg);

/** int8 (bigint, oid 20) comes back from pg as a string; our bigints are ms timestamps, exact as JS numbers. */
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : pgLib().types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

function pgPool(url: string): pg.Pool {
  const pool = new (pgLib().Pool)({ connectionString: url, max: 10, types: PG_TYPES, idleTimeoutMillis: 30_000 });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // Nor a checked-out client's: pg-pool listens for errors only while a client is idle, so a connection dropped
  // between two queries of a transaction (a restart, pg_terminate_backend) emitted an 'error' nobody heard and
  // the process died. The query in flight still fails (as a StoreUnavailable), and pg-pool discards the client.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/** `file:./data/x.db`, a bare path, `:memory:`, or `postgres://user@host:5432/db`. */
function openDatabase(url: string): Kysely<Database> {
  if (isPostgresUrl(url)) return new Kysely<Database>({ dialect: outageAware(new PostgresDialect({ pool: pgPool(url) })) });
  const path = url.replace(/^file:/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets readers and the writer work at once; busy_timeout rides out a second process's write.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: outageAware(new SqliteDialect({ database: reusingStatements(sqlite) })) });
}

/** How many prepared statements the SQLite store keeps (its queries are a few dozen shapes; `in (…)` lists add some). */
export const STATEMENT_CACHE = 200;

/**
 * The database as kysely's SQLite driver sees it, with each statement prepared once and reused (least recently used
 * dropped past STATEMENT_CACHE). kysely prepares every query anew; each better-sqlite3 statement holds native memory
 * that is freed only when V8 collects its small JS object — rarely, in a bot whose heap barely grows — so RSS crept
 * with every query, and every query paid SQLite's parse (docs/decisions.md, issue 23 "Fifth session"). One
 * connection behind kysely's mutex: a statement is never run twice at once.
 */
export function reusingStatements(db: SQLite.Database, max = STATEMENT_CACHE): SqliteDatabase & { readonly cached: number } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(query: string) {
      let stmt = cache.get(query);
      if (stmt) cache.delete(query);
      else stmt = db.prepare(query);
      cache.set(query, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
    get cached() {
      return cache.size;
    },
  };
}

/** Two replicas racing for one row: a unique key taken in between (PostgreSQL 23505, SQLite constraint) or a busy SQLite file. */
function isRace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === '40001' || code === '40P01' || (typeof code === 'string' && /^SQLITE_(CONSTRAINT_PRIMARYKEY|CONSTRAINT_UNIQUE|BUSY)/.test(code));
}

async function retryRace<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= 4 || !isRace(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}

/**
 * Cross-replica wake-ups: PostgreSQL LISTEN on one dedicated connection. It reconnects by itself; a
 * notification lost while it is down is covered by the engine's slow poll of new intents.
 */
class PgListener {
  private client: pg.Client | undefined;
  private closed = false;
  private readonly handlers = new Set<(payload: string) => void>();

  constructor(private readonly url: string) {}

  on(handler: (payload: string) => void): () => void {
    this.handlers.add(handler);
    void this.connect();
    return () => this.handlers.delete(handler);
  }

  private connecting: Promise<void> | undefined;

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new (pgLib().Client)({ connectionString: this.url, types: PG_TYPES });
      const lost = () => {
        if (this.client !== client) return;
        this.client = undefined;
        client.end().catch(() => undefined);
        if (!this.closed) setTimeout(() => void this.connect(), 1000).unref();
      };
      client.on('error', lost);
      client.on('end', lost);
      client.on('notification', (n) => {
        if (n.channel !== WAKE_CHANNEL) return;
        for (const h of this.handlers) h(n.payload ?? '');
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${WAKE_CHANNEL}`);
        this.client = client;
      } catch {
        client.end().catch(() => undefined);
        if (!this.closed) setTimeout(() => void this.connect(), 1000).unref();
      }
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Resolves once LISTEN is in place (tests and start-up wait for it). */
  async ready(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}

/** `x` as a LIKE pattern that matches `x` itself only (its `%`, `_` and backslash taken literally, with a backslash as the escape). */
function likeLiteral(x: string): string {
  return x.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Everything the bot keeps, behind named methods: no SQL leaves this file. The query builder is a true private
 * field (`#db`), so `store.db` from another module fails the type-check (and would be undefined at run time);
 * tests that must reach the tables (a raw dump, a pragma) go through `src/store/testing.ts`, which only tests may
 * import (npm run lint:arch).
 */
export class Store {
  readonly #db: Kysely<Database>;
  private readonly listener: PgListener | undefined;

  private constructor(
    db: Kysely<Database>,
    readonly dialect: Dialect = Dialect.sqlite,
    url?: string,
  ) {
    this.#db = db;
    databases.set(this, db);
    this.listener = dialect === Dialect.postgres && url ? new PgListener(url) : undefined;
  }

  static async open(url: string): Promise<Store> {
    const store = new Store(openDatabase(url), isPostgresUrl(url) ? Dialect.postgres : Dialect.sqlite, url);
    await store.migrate();
    return store;
  }

  /** Whether other processes learn of a write at once (LISTEN/NOTIFY) or only by polling (SQLite). */
  get pushes(): boolean {
    return this.listener !== undefined;
  }

  async migrate(): Promise<void> {
    const provider: MigrationProvider = { getMigrations: async () => migrationsFor(this.dialect) };
    const { error } = await new Migrator({ db: this.#db, provider }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
  }

  async close(): Promise<void> {
    await this.listener?.close();
    await this.#db.destroy();
  }

  /**
   * Readiness: the store answers and accepts a write (a full disk, a read-only standby after a failover and a
   * stopped server all fail here). One small row, overwritten.
   */
  async probe(now: number): Promise<void> {
    await this.setKv('health:probe', { at: now }, now);
  }

  // ── cross-replica signals ───────────────────────────────────────────────────

  /** Tells every replica (PostgreSQL NOTIFY); on SQLite a no-op, the replicas poll instead. */
  async signal(payload: string): Promise<void> {
    if (this.dialect !== Dialect.postgres) return;
    await sql`select pg_notify(${WAKE_CHANNEL}, ${payload})`.execute(this.#db);
  }

  /** Calls `handler` for every signal from any replica (this one included); returns the unsubscribe. */
  onSignal(handler: (payload: string) => void): () => void {
    return this.listener?.on(handler) ?? (() => undefined);
  }

  async signalsReady(): Promise<void> {
    await this.listener?.ready();
  }

  // ── runs and locks ──────────────────────────────────────────────────────────

  /**
   * Inserts a run and takes its lock in one transaction. The lock row's primary key is what makes
   * "one active run per target" true across processes; a lock whose run has ended is taken over.
   */
  async createRunWithLock(run: RunRow, lockTargets: string | readonly string[]): Promise<{ ok: true } | { ok: false; holder: RunRow; target: string }> {
    const targets = typeof lockTargets === 'string' ? [lockTargets] : [...new Set(lockTargets)];
    // Two replicas inserting the same lock at once: one insert fails on the primary key, and its retry sees the holder.
    return retryRace(() => this.#db.transaction().execute(async (trx) => {
      // Every lock of the run or none: the first one held by an active run refuses the whole request.
      for (const lockTarget of targets) {
        const lock = await trx.selectFrom('locks').selectAll().where('target', '=', lockTarget).executeTakeFirst();
        if (lock) {
          const holder = await trx.selectFrom('runs').selectAll().where('id', '=', lock.run_id).executeTakeFirst();
          if (holder && ACTIVE_STATES.includes(holder.state)) return { ok: false as const, holder, target: lockTarget };
          await trx.deleteFrom('locks').where('target', '=', lockTarget).execute();
        }
      }
      for (const lockTarget of targets) await trx.insertInto('locks').values({ target: lockTarget, run_id: run.id, held_by: run.requested_by, since: run.created_at }).execute();
      await trx.insertInto('runs').values(run).execute();
      return { ok: true as const };
    }));
  }

  /** Takes a run's locks again (a Retry); returns the holding run when another active run has one of them. */
  async takeLock(lockTargets: string | readonly string[], runId: string, by: string, now: number): Promise<RunRow | undefined> {
    const targets = typeof lockTargets === 'string' ? [lockTargets] : [...new Set(lockTargets)];
    return retryRace(() => this.#db.transaction().execute(async (trx) => {
      const mine: string[] = [];
      for (const target of targets) {
        const lock = await trx.selectFrom('locks').selectAll().where('target', '=', target).executeTakeFirst();
        if (lock && lock.run_id === runId) continue;
        if (lock) {
          const holder = await trx.selectFrom('runs').selectAll().where('id', '=', lock.run_id).executeTakeFirst();
          if (holder && ACTIVE_STATES.includes(holder.state)) return holder;
          await trx.deleteFrom('locks').where('target', '=', target).execute();
        }
        mine.push(target);
      }
      for (const target of mine) await trx.insertInto('locks').values({ target, run_id: runId, held_by: by, since: now }).execute();
      return undefined;
    }));
  }

  async releaseLocks(runId: string): Promise<void> {
    await this.#db.deleteFrom('locks').where('run_id', '=', runId).execute();
  }

  getRun(id: string): Promise<RunRow | undefined> {
    return this.#db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Optimistic concurrency: the update lands only when the row is still at `version`. */
  async updateRun(id: string, version: number, patch: Partial<Omit<RunRow, 'id' | 'version'>>): Promise<RunRow | undefined> {
    const res = await this.#db
      .updateTable('runs')
      .set({ ...patch, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return undefined;
    return this.getRun(id);
  }

  listRuns(opts: { env?: string; limit?: number; kind?: string; active?: boolean } = {}): Promise<RunRow[]> {
    let q = this.#db.selectFrom('runs').selectAll();
    if (opts.env) q = q.where('env', '=', opts.env);
    if (opts.kind) q = q.where('kind', '=', opts.kind);
    if (opts.active) q = q.where('state', 'in', ACTIVE_STATES);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit ?? 20).execute();
  }

  /**
   * Claims (or renews) ownership of an active run: free, expired, or already ours. A run that has ended cannot be
   * claimed: a replica waking from a freeze after another finished the run must not drive (or show) it again.
   */
  async claimRun(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const res = await this.#db
      .updateTable('runs')
      .set({ owner, lease_until: now + leaseMs })
      .where('id', '=', id)
      .where('state', 'in', ACTIVE_STATES)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('owner', '=', owner), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Takes a run from an owner proven dead, whatever its lease says; false when the row moved on meanwhile. */
  async takeOverRun(id: string, from: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const res = await this.#db.updateTable('runs').set({ owner, lease_until: now + leaseMs }).where('id', '=', id).where('owner', '=', from).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async releaseRun(id: string, owner: string): Promise<void> {
    await this.#db.updateTable('runs').set({ owner: null, lease_until: null }).where('id', '=', id).where('owner', '=', owner).execute();
  }

  /**
   * Active runs nobody drives: owner gone (lease ended) or handed back (released). A run just requested
   * carries a lease with no owner, so the replica that took the request drives it, not the first sweeper.
   */
  async listClaimable(now: number, limit = 100): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('runs')
      .select('id')
      .where('state', 'in', ACTIVE_STATES)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  // ── steps ────────────────────────────────────────────────────────────────────

  getStep(runId: string, stepId: string): Promise<StepRow | undefined> {
    return this.#db.selectFrom('steps').selectAll().where('run_id', '=', runId).where('step_id', '=', stepId).executeTakeFirst();
  }

  listSteps(runId: string): Promise<StepRow[]> {
    return this.#db.selectFrom('steps').selectAll().where('run_id', '=', runId).orderBy('started_at').execute();
  }

  async startStep(runId: string, stepId: string, now: number): Promise<void> {
    await this.#db
      .insertInto('steps')
      .values({ run_id: runId, step_id: stepId, status: 'started', result: null, error: null, started_at: now, ended_at: null })
      .onConflict((oc) => oc.columns(['run_id', 'step_id']).doUpdateSet({ status: 'started', error: null }))
      .execute();
  }

  async endStep(runId: string, stepId: string, now: number, outcome: { result?: unknown; error?: string }): Promise<void> {
    await this.#db
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
    const res = await this.#db
      .insertInto('intents')
      .values({ ...i, consumed_at: null })
      .onConflict((oc) => oc.columns(['run_id', 'name', 'dedupe']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Whether this exact press (run, intent, button nonce) was recorded, acted on or not. */
  /** Whether the run has this intent recorded: from one rendering (`dedupe`), or from any when it is left out. */
  async hasIntent(runId: string, name: string, dedupe?: string): Promise<boolean> {
    let q = this.#db.selectFrom('intents').select('id').where('run_id', '=', runId).where('name', '=', name);
    if (dedupe !== undefined) q = q.where('dedupe', '=', dedupe);
    const row = await q.executeTakeFirst();
    return row !== undefined;
  }

  pendingIntents(runId: string): Promise<IntentRow[]> {
    return this.#db.selectFrom('intents').selectAll().where('run_id', '=', runId).where('consumed_at', 'is', null).orderBy('id').execute();
  }

  /** Intents recorded after `afterId` on any replica, still unconsumed: the SQLite replicas' poll for presses. */
  async intentsAfter(afterId: number): Promise<{ id: number; run_id: string }[]> {
    return this.#db.selectFrom('intents').select(['id', 'run_id']).where('id', '>', afterId).where('consumed_at', 'is', null).orderBy('id').limit(500).execute();
  }

  async lastIntentId(): Promise<number> {
    const row = await this.#db.selectFrom('intents').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  async consumeIntent(id: number, now: number): Promise<void> {
    await this.#db.updateTable('intents').set({ consumed_at: now }).where('id', '=', id).execute();
  }

  /** How many times `name` was asked of a run (a Retry counts the attempts of a run), consumed or not. */
  async countIntents(runId: string, name: string): Promise<number> {
    const row = await this.#db
      .selectFrom('intents')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where('run_id', '=', runId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  // ── audit ────────────────────────────────────────────────────────────────────

  async audit(e: { at: number; env?: string | null; run_id?: string | null; actor: string; action: string; detail?: unknown }): Promise<void> {
    await this.#db
      .insertInto('audit')
      .values({ at: e.at, env: e.env ?? null, run_id: e.run_id ?? null, actor: e.actor, action: e.action, detail: JSON.stringify(e.detail ?? {}) })
      .execute();
  }

  listAudit(opts: { env?: string; runId?: string; limit?: number } = {}): Promise<AuditRow[]> {
    let q = this.#db.selectFrom('audit').selectAll();
    if (opts.env) q = q.where('env', '=', opts.env);
    if (opts.runId) q = q.where('run_id', '=', opts.runId);
    return q.orderBy('id', 'desc').limit(opts.limit ?? 20).execute();
  }

  // ── key/value (small remembered facts: desired counts at shutdown, a maintenance's moves) ─

  async getKv<T>(key: string): Promise<T | undefined> {
    const row = await this.#db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async setKv(key: string, value: unknown, now: number): Promise<void> {
    const v = JSON.stringify(value);
    await this.#db
      .insertInto('kv')
      .values({ key, value: v, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: now }))
      .execute();
  }

  async deleteKv(key: string): Promise<void> {
    await this.#db.deleteFrom('kv').where('key', '=', key).execute();
  }

  // ── what each run's Slack message shows ─────────────────────────────────────

  /** Records that the run's message now shows `version` (never moves backwards). */
  async markShown(runId: string, version: number): Promise<void> {
    await this.#db
      .insertInto('shown')
      .values({ run_id: runId, version })
      .onConflict((oc) => oc.column('run_id').doUpdateSet({ version }).where('shown.version', '<', version))
      .execute();
  }

  /** Finished runs (ended after `since`, last changed before `before`) whose message does not show their last version. */
  async listUnshown(since: number, before: number, limit = 50): Promise<RunRow[]> {
    return this.#db
      .selectFrom('runs')
      .leftJoin('shown', 'shown.run_id', 'runs.id')
      .selectAll('runs')
      .where('runs.state', 'not in', ACTIVE_STATES)
      .where('runs.ts', 'is not', null)
      .where('runs.ended_at', '>=', since)
      .where('runs.updated_at', '<=', before)
      .where((eb) => eb.or([eb('shown.version', 'is', null), eb('shown.version', '<', eb.ref('runs.version'))]))
      .orderBy('runs.ended_at')
      .limit(limit)
      .execute();
  }

  // ── schedules (maintenance windows typed in Slack, cron schedules from ops.yml) ─

  getSchedule(id: string): Promise<ScheduleRow | undefined> {
    return this.#db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Schedules still to fire (not cancelled, with a next time), soonest first; of one environment when given. */
  pendingSchedules(env?: string): Promise<ScheduleRow[]> {
    let q = this.#db.selectFrom('schedules').selectAll().where('cancelled_at', 'is', null).where('next_at', 'is not', null);
    if (env) q = q.where('env', '=', env);
    return q.orderBy('next_at').execute();
  }

  /**
   * Writes a recurring schedule from ops.yml: a new row, or the existing one with its new expression and next time,
   * not cancelled and with no skip pending (a changed schedule starts afresh). Who made it, its kind and parameters
   * stay as first written.
   */
  async putCronSchedule(row: Omit<ScheduleRow, 'type' | 'cancelled_at' | 'skip_at'>): Promise<void> {
    await this.#db
      .insertInto('schedules')
      .values({ ...row, type: 'cron', cancelled_at: null, skip_at: null })
      .onConflict((oc) => oc.column('id').doUpdateSet({ spec: row.spec, next_at: row.next_at, cancelled_at: null, skip_at: null }))
      .execute();
  }

  /** Adds one-off schedules (a window's start and end) together: all of them or, on any conflict, none. */
  async addOnceSchedules(rows: readonly Omit<ScheduleRow, 'type' | 'cancelled_at' | 'skip_at'>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#db
      .insertInto('schedules')
      .values(rows.map((r) => ({ ...r, type: 'once', cancelled_at: null, skip_at: null })))
      .execute();
  }

  /** Cancels the schedule `id`, or every schedule of the window `id` (`id:start`, `id:end`); returns how many were still live. */
  async cancelSchedules(id: string, now: number): Promise<number> {
    const res = await this.#db
      .updateTable('schedules')
      .set({ cancelled_at: now })
      .where((eb) => eb.or([eb('id', '=', id), sql<boolean>`${eb.ref('id')} like ${`${likeLiteral(id)}:%`} escape '\\'`]))
      .where('cancelled_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Marks the fire at `at` to be skipped; false when the schedule has moved on (or never was at `at`). */
  async skipScheduleOnce(id: string, at: number): Promise<boolean> {
    const res = await this.#db.updateTable('schedules').set({ skip_at: at }).where('id', '=', id).where('next_at', '=', at).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Moves a schedule from the fire at `from` to `to` (null: no more fires) and forgets any skip. Compare-and-set on
   * the next time: a replica that fired the same time late changes nothing.
   */
  async advanceSchedule(id: string, from: number, to: number | null): Promise<boolean> {
    const res = await this.#db.updateTable('schedules').set({ next_at: to, skip_at: null }).where('id', '=', id).where('next_at', '=', from).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  // ── scheduled fires ─────────────────────────────────────────────────────────

  /** Claims one fire of a schedule; true for exactly one caller, however many processes try. */
  async claimFire(key: string, at: number): Promise<boolean> {
    const res = await this.#db.insertInto('fires').values({ key, at, run_id: null }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Gives a claimed fire back, so that the next pass (of any replica) may claim it again. */
  async releaseFire(key: string): Promise<void> {
    await this.#db.deleteFrom('fires').where('key', '=', key).execute();
  }

  // ── shared budgets ──────────────────────────────────────────────────────────

  /**
   * Takes one token from a bucket shared by every replica (refilled at `perMinute`, holding at most
   * `burst`). One UPDATE decides, so two replicas cannot spend the same token.
   */
  async takeToken(key: string, now: number, perMinute: number, burst: number): Promise<boolean> {
    // Typed parameters: PostgreSQL would otherwise infer bigint for the rate and refuse a fraction.
    const at = sql<number>`cast(${now} as bigint)`;
    const perMs = sql<number>`cast(${perMinute / 60_000} as double precision)`;
    const cap = sql<number>`cast(${burst} as double precision)`;
    // Clock skew between replicas: a refill time in the future counts as no time passed.
    const elapsed = sql<number>`(case when ${at} > refilled_at then ${at} - refilled_at else 0 end)`;
    const level = sql<number>`(case when tokens + ${elapsed} * ${perMs} > ${cap} then ${cap} else tokens + ${elapsed} * ${perMs} end)`;
    const take = () =>
      this.#db
        .updateTable('budget')
        .set({ tokens: sql<number>`${level} - 1`, refilled_at: sql<number>`(case when ${at} > refilled_at then ${at} else refilled_at end)` })
        .where('key', '=', key)
        .where(level, '>=', 1)
        .executeTakeFirst();
    if (Number((await take()).numUpdatedRows) === 1) return true;
    // No row yet (first use), or none left. Create it full minus this token; another replica creating it first
    // means the row exists now, so take from it instead.
    const inserted = await this.#db.insertInto('budget').values({ key, tokens: burst - 1, refilled_at: now }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
    return Number((await take()).numUpdatedRows) === 1;
  }
}
