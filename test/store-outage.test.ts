// Issue 18: the database goes away (stopped, connections killed) and nothing is lost, nobody is left uninformed, no
// replica dies and no run is failed by it. Real PostgreSQL, real bot processes, real signals.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import type { SlackMessage } from './support/fake-slack.js';
import { postgresForTests, postgresMissing } from './support/postgres.js';
import { startCluster, statusMessages, type Cluster, type Replica } from './support/replicas.js';
import { until } from './support/wait.js';

const ROOT = new URL('..', import.meta.url).pathname;

/** `/startup dev`: the sandbox's clock stands still, so the run waits on service-a with its Stop button shown. */
async function startupWaiting(c: Cluster, r: Replica): Promise<SlackMessage> {
  const before = statusMessages(c.slack).length;
  await r.client.command('/startup dev', { user: 'U0DEV0001' });
  return c.slack.waitFor(() => {
    const m = statusMessages(c.slack).at(-1);
    return statusMessages(c.slack).length > before && m?.blocks && JSON.stringify(m.blocks).includes('run.stop') && m;
  });
}

async function runOf(url: string, kind: string) {
  const store = await Store.open(url);
  try {
    const [run] = await store.listRuns({ kind });
    return run;
  } finally {
    await store.close();
  }
}

describe.skipIf(postgresMissing)('the store goes away', () => {
  const server = postgresForTests();

  it('a connection dropped while checked out between two queries does not kill the process; the next query reconnects', async () => {
    const url = await server().freshDatabase();
    // A process of its own: pg's unheard 'error' event ends the process (exit 1), which is what this must show not happening.
    const script = `
      import { sql } from 'kysely';
      import { Store } from './src/store/store.ts';
      import { databaseOf } from './src/store/testing.ts';
      const store = await Store.open(process.env.DB);
      await databaseOf(store).connection().execute(async (db) => {
        await sql\`select 1\`.execute(db);
        console.log('HOLDING');
        await new Promise((r) => process.stdin.once('data', r)); process.stdin.destroy();
        try { await sql\`select 1\`.execute(db); console.log('QUERY-OK'); } catch (e) { console.log('QUERY-FAILED ' + e.name + ': ' + e.message); }
      });
      await store.getRun('nothing');
      console.log('RECONNECTED');
      await store.close();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DB: url }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await waitUntil(() => out.includes('HOLDING') || child.exitCode !== null, 20_000);
    expect(await server().terminateConnections(url)).toBeGreaterThan(0);
    // Barrier: the server has dropped the backend; the client's socket closes with it.
    await waitUntil(async () => (await backendsOf(server().url, url)) === 0, 5000);
    child.stdin.end('go\n');
    const code = await exited;
    expect(out).not.toContain("Unhandled 'error' event");
    expect(code).toBe(0);
    // The query on the dead connection fails as an outage, in words with no address; a new connection serves the next one.
    expect(out).toMatch(/QUERY-FAILED StoreUnavailable: the bot's database is unavailable \(connection lost\)/);
    expect(out).not.toMatch(/127\.0\.0\.1/);
    expect(out).toContain('RECONNECTED');
  }, 60_000);

  it('a press and a command during an outage are answered "not recorded", the replica lives, and a press after recovery acts', async () => {
    const url = await server().freshDatabase();
    const c = await startCluster(url);
    try {
      const a = await c.startReplica('a');
      const message = await startupWaiting(c, a);
      server().stopServer();
      let restarted = false;
      try {
        // Act: Stop pressed and a command typed while the database is down.
        const pressed = await a.client.press(message, 'run.stop', { user: 'U0DEV0002' });
        expect(pressed.status).toBe(200);
        const notice = await c.slack.waitFor(() => c.slack.ephemerals('U0DEV0002').find((e) => /not recorded/.test(e.text ?? '')), { timeoutMs: 10_000 });
        expect(notice.text).toContain('press *stop* again');
        expect(notice.text).toContain('database');
        const cmd = await a.client.command('/maintenance start dev', { user: 'U0DEV0001' });
        const said = JSON.stringify(cmd.body);
        expect(said).toContain('cannot reach its database');
        // Never the database's address or the driver's words.
        expect(said).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}/);
        server().startServer();
        restarted = true;
      } finally {
        if (!restarted) server().startServer();
      }
      expect(a.proc.exitCode).toBeNull();
      // Assess: nothing was recorded during the outage; the run is still waiting, not failed, and a new press acts.
      expect((await runOf(url, 'startup'))?.state).toBe('running');
      await a.client.press(message, 'run.stop', { user: 'U0DEV0002' });
      const run = await waitForRun(url, 'startup', (r) => r.state !== 'running');
      expect(run.state).not.toBe('failed');
      expect(a.proc.exitCode).toBeNull();
    } finally {
      await c.close();
    }
  }, 90_000);

  it('a step that meets a dropped connection pauses the run instead of failing it, and the run carries on', async () => {
    const url = await server().freshDatabase();
    // service-a takes ten minutes to start: the run is still polling it (and reading its intents, by run_id) when the
    // lock below is taken, however slow this machine is — a startup already finished would read nothing.
    const c = await startCluster(url, { world: { startDelaySeconds: 600 } });
    const admin = new pg.Client({ connectionString: url });
    // Who waits is read on a connection of its own: inside the lock's transaction, pg_stat_activity is one snapshot
    // taken at its first read, so a look that found nobody waiting would find nobody for the rest of the test.
    const watcher = new pg.Client({ connectionString: url });
    try {
      const a = await c.startReplica('a');
      const message = await startupWaiting(c, a);
      // Make the run's next look at its intents hang on a table lock, then kill the connection it hangs on:
      // the query fails with "terminating connection due to administrator command", as in a failover.
      await admin.connect();
      await watcher.connect();
      await admin.query('begin');
      await admin.query('lock table intents in access exclusive mode');
      // A hang guard, not a pace: the run reads its intents once per poll, and polls stretch to 12 s while service-a
      // stays unchanged (startup's back-off); under a loaded CI worker one pass took longer than 15 s.
      // The replica's intent poll (once a second, for any run) hangs on the lock too, often first: killing only that
      // one would leave the run untouched. Wait for the run's own read of its intents, then kill every waiter.
      await waitUntil(async () => (await lockWaiters(watcher)).some((w) => RUN_READS_INTENTS.test(w.query)), 45_000, "the run's read of its intents to wait on the lock");
      const waiting = await lockWaiters(watcher);
      // A poll still waiting is not asked again: polls piled up a tick at a time once held all ten connections of
      // the pool, and the run's read (and its lease renewal) never reached the database.
      expect(waiting.filter((w) => !RUN_READS_INTENTS.test(w.query)).length).toBeLessThanOrEqual(1);
      for (const w of waiting) await watcher.query('select pg_terminate_backend($1)', [w.pid]);
      await admin.query('rollback');
      // Assess: the run is not failed; the replica carries on driving it (a press acts), and it lives.
      await waitUntil(() => a.output().includes('the database is back: resuming the run'), 45_000, "the replica's log to say the database is back");
      expect((await runOf(url, 'startup'))?.state).toBe('running');
      // People watching the run are told it paused and carried on, in its thread.
      const thread = await c.slack.waitFor(() => {
        const replies = c.slack.thread(message.channel, message.ts).map((m) => m.text);
        return replies.some((t) => t.includes('▶️ The database is back')) && replies;
      });
      expect(thread.some((t) => t.includes('⏸ Paused where it was') && !/127\.0\.0\.1|administrator/.test(t))).toBe(true);
      await a.client.press(message, 'run.stop', { user: 'U0DEV0002' });
      const run = await waitForRun(url, 'startup', (r) => r.state !== 'running');
      expect(run.state).not.toBe('failed');
      expect(run.error ?? '').not.toMatch(/administrator command/);
      expect(a.proc.exitCode).toBeNull();
    } finally {
      await admin.end().catch(() => undefined);
      await watcher.end().catch(() => undefined);
      await c.close();
    }
  }, 150_000);
});

/** A run reading its own intents (`Store.pendingIntents`, `countIntents`), as Kysely writes it; the poll reads by id. */
const RUN_READS_INTENTS = /from "intents" where "run_id" = \$1/;

async function lockWaiters(watcher: pg.Client): Promise<{ pid: number; query: string }[]> {
  const res = await watcher.query<{ pid: number; query: string }>("select pid, query from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
  return res.rows;
}

async function backendsOf(adminUrl: string, databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const res = await client.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [new URL(databaseUrl).pathname.slice(1)]);
    return Number(res.rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function waitForRun(url: string, kind: string, ok: (r: NonNullable<Awaited<ReturnType<typeof runOf>>>) => boolean, timeoutMs = 20_000) {
  let last: Awaited<ReturnType<typeof runOf>>;
  await waitUntil(async () => {
    last = await runOf(url, kind);
    return last !== undefined && ok(last);
  }, timeoutMs);
  return last!;
}

/** The harness's waiter, in this file's argument order: an observable fact, not a fixed sleep. */
async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what = 'the condition'): Promise<void> {
  await until(cond, { what, timeoutMs, pollMs: 25 });
}
