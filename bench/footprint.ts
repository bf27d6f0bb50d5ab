// Footprint of the built bot as a separate process: cold start to ready, idle RSS, RSS over 1,000 runs.
// BENCH_STARTS=n (default 1) starts the bot n times for the idle figure (reported with every start's value and the
// median: one start moves by several MB on a busy machine); BENCH_RUNS=0 measures idle only.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { slackClient } from '../playground/slack-client.js';
import { benchWorld, botEnv, deployedMallocEnv, deployedNodeFlags } from './measure.js';

const ROOT = new URL('..', import.meta.url).pathname;
const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

export async function run(): Promise<Record<string, unknown>> {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const starts = Math.max(1, Number(process.env.BENCH_STARTS ?? 1));
  const earlier: Record<string, unknown>[] = [];
  for (let i = 1; i < starts; i += 1) earlier.push(await once(0));
  const last = await once(Number(process.env.BENCH_RUNS ?? 1000));
  if (starts === 1) return last;
  const all = [...earlier, last];
  const idles = all.map((f) => f['idle RSS (MB)'] as number);
  return {
    ...last,
    'idle RSS (MB)': [...idles].sort((a, b) => a - b)[Math.floor(idles.length / 2)],
    'idle RSS of each start (MB)': idles,
    'load average at each start': all.map((f) => f['load average at start']),
  };
}

/** One start of the bot: cold start, idle RSS 2 s after /healthz first answers, then `total` runs (none: idle only). */
async function once(total: number): Promise<Record<string, unknown>> {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const { aws, botToken, signingSecret, slack, port, dir } = await benchWorld('ecs-chatops-bench-');
  const t0 = performance.now();
  // The bot runs as the Dockerfile runs it (its node flags included); BENCH_NODE_FLAGS overrides them for experiments.
  const flags = deployedNodeFlags();
  const proc = spawn(process.execPath, [...flags, 'dist/src/cli.js'], {
    cwd: ROOT,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH ?? '',
      ...deployedMallocEnv(),
      ...botEnv({ botToken, signingSecret, slackUrl: slack.url, awsUrl: aws.server.url, dir, port }),
      STATUS_UPDATE_INTERVAL_MS: '0',
    },
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const coldStartMs = Math.round(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 2000));
    const idle = rssMb(proc.pid!);
    const client = slackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack: slack });
    const samples: Record<string, number> = { 0: idle };
    const runsStarted = performance.now();
    // Runs end in the database; the status messages follow at Slack's pace (chat.update is budgeted at ~50 a
    // minute per workspace), so waiting on them would measure Slack's budget, not the bot.
    const db = new Database(join(dir, 'db.sqlite'), { readonly: true, fileMustExist: true });
    const unfinished = db.prepare("select count(*) as n from runs where state in ('planned','running','awaiting_approval','awaiting_confirmation')");
    const count = db.prepare('select count(*) as n from runs');
    for (let i = 1; i <= total; i += 1) {
      await client.command(`/maintenance ${i % 2 === 1 ? 'start' : 'end'} dev`, { user: 'U0DEV0001' });
      for (;;) {
        const { n } = unfinished.get() as { n: number };
        if (n === 0 && (count.get() as { n: number }).n === i) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      if (i % Math.max(1, Math.floor(total / 5)) === 0) samples[i] = rssMb(proc.pid!);
    }
    const perRun = (performance.now() - runsStarted) / total;
    // Flat after the last run: the same process a few seconds later, nothing running.
    await new Promise((r) => setTimeout(r, 5000));
    const after = rssMb(proc.pid!);
    if (total === 0) return { 'cold start to ready (ms)': coldStartMs, 'idle RSS (MB)': idle, 'load average at start': load };
    return {
      'load average at start': load,
      'cold start to ready (ms)': coldStartMs,
      'idle RSS (MB)': idle,
      'RSS after N runs (MB)': samples,
      'RSS 5 s after the last run (MB)': after,
      'mean run, command to done in the store (ms)': Math.round(perRun),
    };
  } finally {
    proc.kill('SIGTERM');
    await slack.close();
    await aws.close();
  }
}
