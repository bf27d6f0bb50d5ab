// Several bot processes on one database, with the AWS sandbox and a fake Slack in this process (tests and bench/failover.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Store } from '../../src/store/store.js';
import { compiledPath } from './compiled.js';
import { databaseOf } from '../../src/store/testing.js';
import { startFakeSlack, type FakeSlack, type SlackMessage } from './fake-slack.js';
import { exampleConfigWithoutSchedules, SANDBOX_CREDENTIALS, startSandbox, type TestSandbox } from './sandbox.js';
import { slackClient } from './slack-client.js';
import { until } from './wait.js';

const DEV = 'C0DEV0001';

/** A fresh SQLite file for the replicas to share, in a temp dir of its own (`file:` URL). */
export const sqliteFile = (name: string): string => `file:${join(mkdtempSync(join(tmpdir(), `ecs-chatops-${name}-`)), 'runs.db')}`;

/** Whether `replica`'s process holds the run's lease now (the owner id carries its pid). */
export const ownsRun = async (store: Store, runId: string, replica: { proc: { pid?: number | undefined } }): Promise<boolean> =>
  ((await store.getRun(runId))?.owner ?? '').includes(`|${replica.proc.pid}|`);

export const statusMessages = (slack: FakeSlack): SlackMessage[] => slack.messages(DEV).filter((m) => !m.thread_ts || m.thread_ts === m.ts);

const ROOT = new URL('../..', import.meta.url).pathname;

export interface Replica {
  name: string;
  proc: ChildProcess;
  port: number;
  client: ReturnType<typeof slackClient>;
  exited: Promise<number | null>;
  output: () => string;
}

export interface Cluster {
  aws: TestSandbox;
  slack: FakeSlack;
  databaseUrl: string;
  replicas: Replica[];
  startReplica(name: string, extra?: Record<string, string>): Promise<Replica>;
  /** SIGTERM to every replica and wait for each to exit: the barrier after which no replica can act again. */
  drain(): Promise<(number | null)[]>;
  close(): Promise<void>;
}

/** The sandbox and a fake Slack in this process, and bot processes (src/cli.ts compiled once, ./compiled.ts) on one database. */
export async function startCluster(databaseUrl: string, opts: { leaseMs?: number; world?: Parameters<typeof startSandbox>[0] } = {}): Promise<Cluster> {
  const aws = await startSandbox(opts.world ?? {});
  const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startFakeSlack({ botToken });
  const env = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.url,
    PORT: '0',
    HOST: '127.0.0.1',
    OPS_CONFIG: exampleConfigWithoutSchedules(),
    DATABASE_URL: databaseUrl,
    STATUS_UPDATE_INTERVAL_MS: '10',
    RUN_LEASE_MS: String(opts.leaseMs ?? 1000),
    LOG_LEVEL: 'info',
    AWS_ENDPOINT_URL: aws.server.url,
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
  };
  const replicas: Replica[] = [];
  const cli = await compiledPath('src/cli.ts', 'bundled');
  const startReplica = async (name: string, extra: Record<string, string> = {}): Promise<Replica> => {
    const proc = spawn(process.execPath, [cli], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const port = await new Promise<number>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"port":(\d+).*listening for Slack/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      proc.once('exit', () => reject(new Error(`replica ${name} exited before listening:\n${out.slice(-2000)}`)));
    });
    const replica = { name, proc, port, exited, output: () => out, client: slackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack: slack }) };
    replicas.push(replica);
    return replica;
  };
  return {
    aws,
    slack,
    databaseUrl,
    replicas,
    startReplica,
    drain: async () => {
      for (const r of replicas) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGTERM');
      return Promise.all(replicas.map((r) => r.exited));
    },
    close: async () => {
      for (const r of replicas) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
      await Promise.all(replicas.map((r) => r.exited));
      await slack.close();
      await aws.close();
    },
  };
}

/** Starts `/startup dev` on `owner` (the sandbox clock stands still, so it waits on service-a) and presses Stop on `other`, `n` times. */
export async function pressLatencies(c: Cluster, owner: Replica, other: Replica, n: number): Promise<number[]> {
  const samples: number[] = [];
  const store = await Store.open(c.databaseUrl);
  try {
    for (let i = 0; i < n; i += 1) {
      const before = statusMessages(c.slack).length;
      const began = c.aws.world.record.mark();
      await owner.client.command('/startup dev', { user: 'U0DEV0001' });
      const message: SlackMessage = await c.slack.waitFor(() => statusMessages(c.slack).length > before && statusMessages(c.slack).at(-1)!.blocks && JSON.stringify(statusMessages(c.slack).at(-1)!.blocks).includes('run.stop') && statusMessages(c.slack).at(-1));
      // Let the run settle into its poll of service-a, then note where the record stands.
      const update = await c.slack.waitFor(() => c.aws.world.record.since(began).find((e) => e.op === 'UpdateService' && (e.input as { desiredCount?: number }).desiredCount === 1));
      // In its poll: a DescribeServices after that UpdateService.
      await c.slack.waitFor(() => c.aws.world.record.since(update.seq).some((e) => e.op === 'DescribeServices') || undefined);
      const mark = c.aws.world.record.mark();
      const pressedAt = performance.now();
      await other.client.press(message, 'run.stop', { user: 'U0DEV0002' });
      const call = await c.slack.waitFor(() => c.aws.world.record.since(mark).find((e) => e.mutating && e.op === 'UpdateService'), { timeoutMs: 30_000 });
      samples.push(call.receivedAt! - pressedAt);
      // The next /startup needs the lock: wait until the store says the stopped run has ended and let it go.
      await until(async () => ((await databaseOf(store).selectFrom('locks').select('run_id').execute()).length === 0 && (await store.listRuns({ active: true })).length === 0) || undefined, {
        what: 'the stopped run to end and release its lock',
        timeoutMs: 30_000,
      });
    }
  } finally {
    await store.close();
  }
  return samples;
}

