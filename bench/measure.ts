// Small statistics for the benchmarks: percentiles over samples in milliseconds.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlack } from '../playground/fake-slack.js';
import { SANDBOX_CREDENTIALS, startSandbox } from '../test/support/sandbox.js';

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

export function summary(samples: readonly number[]): { n: number; p50: number; p99: number; max: number } {
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: percentile(samples, 100) };
}

/** Runs `fn` `total` times, `concurrency` at a time, returning each call's duration in ms. */
export async function timed(total: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await fn(i);
      out.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/**
 * The node flags the Docker image runs the bot with (its CMD), so the benches measure the bot as deployed;
 * BENCH_NODE_FLAGS (even empty) replaces them, and drops the image's malloc settings, for experiments.
 */
export function deployedNodeFlags(): string[] {
  if (process.env.BENCH_NODE_FLAGS !== undefined) return process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean);
  const cmd = /^CMD \[(.*)\]\s*$/m.exec(readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8'))?.[1] ?? '';
  const args = (JSON.parse(`[${cmd}]`) as string[]).slice(1);
  return args.slice(0, Math.max(0, args.indexOf('dist/src/cli.js')));
}

/** The malloc settings the Docker image sets (its `ENV MALLOC_…` lines), for the bot's environment in the benches. */
export function deployedMallocEnv(): Record<string, string> {
  if (process.env.BENCH_NODE_FLAGS !== undefined) return {};
  const lines = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8').matchAll(/^ENV (MALLOC_[A-Z_]+)=(\S+)\s*$/gm);
  return Object.fromEntries([...lines].map((m) => [m[1]!, m[2]!]));
}

/**
 * The environment every bench starts the built bot with: the fake Slack, the sandbox's AWS, a SQLite file in `dir`,
 * ops.example.yml. Each bench adds or overrides what it measures differently (log level, update interval, probes).
 */
export function botEnv(o: { botToken: string; signingSecret: string; slackUrl: string; awsUrl: string; dir: string; port?: number }): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: o.botToken,
    SLACK_SIGNING_SECRET: o.signingSecret,
    SLACK_API_URL: o.slackUrl,
    PORT: String(o.port ?? 0),
    HOST: '127.0.0.1',
    OPS_CONFIG: 'ops.example.yml',
    DATABASE_URL: `file:${join(o.dir, 'db.sqlite')}`,
    LOG_LEVEL: 'warn',
    AWS_ENDPOINT_URL: o.awsUrl,
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
  };
}

/** What a bench's bot process talks to: the sandbox, a fake Slack with fresh secrets, a port and a temp dir. */
export async function benchWorld(dirPrefix: string) {
  const aws = await startSandbox();
  const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startFakeSlack({ botToken });
  const port = 30_000 + Math.floor(Math.random() * 10_000);
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  return { aws, botToken, signingSecret, slack, port, dir };
}
