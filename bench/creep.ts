// Where the memory of 1,000 runs goes (issue 23): the built bot with bench/probe.mjs preloaded, N maintenance runs as
// footprint.ts makes them, and at each checkpoint a forced GC, process.memoryUsage(), V8's heap spaces and
// (CREEP_SNAPSHOTS=1) a heap snapshot. `npx tsx bench/creep.ts [runs] [checkpoints…]`; `node --import tsx
// bench/heap-count.ts a.heapsnapshot b.heapsnapshot` then compares object counts by constructor.
// CREEP_ENV='STATUS_UPDATE_INTERVAL_MS=0 LOG_LEVEL=silent' adds/overrides the bot's environment (parts switched off).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { slackClient } from '../playground/slack-client.js';
import { benchWorld, botEnv } from './measure.js';

const ROOT = new URL('..', import.meta.url).pathname;
const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
const total = Number(process.argv[2] ?? 1000);
const checkpoints = new Set(process.argv.slice(3).map(Number));
if (checkpoints.size === 0) for (const n of [0, 100, 500, 1000]) checkpoints.add(n);

if (process.env.CREEP_BUILD !== '0') execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
const { aws, botToken, signingSecret, slack, port, dir } = await benchWorld('ecs-chatops-creep-');
const probeFile = join(dir, 'probe.jsonl');
const extra = Object.fromEntries((process.env.CREEP_ENV ?? '').split(' ').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const proc = spawn(process.execPath, ['--expose-gc', '--import', './bench/probe.mjs', ...flags, 'dist/src/cli.js'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    PATH: process.env.PATH ?? '',
    ...botEnv({ botToken, signingSecret, slackUrl: slack.url, awsUrl: aws.server.url, dir, port }),
    STATUS_UPDATE_INTERVAL_MS: '0',
    PROBE_FILE: probeFile,
    ...(process.env.CREEP_SNAPSHOTS === '1' ? { PROBE_SNAPSHOTS: dir } : {}),
    ...extra,
  },
});
const lines = () => (existsSync(probeFile) ? readFileSync(probeFile, 'utf8').trim().split('\n').filter(Boolean) : []);
async function probe(at: number): Promise<void> {
  const before = lines().length;
  const rssBefore = rssMb(proc.pid!);
  proc.kill('SIGUSR2');
  while (lines().length === before) await new Promise((r) => setTimeout(r, 50));
  const p = JSON.parse(lines().at(-1)!) as Record<string, unknown>;
  console.log(JSON.stringify({ runs: at, rssBeforeGc: rssBefore, ...p, rssAfterGc: rssMb(proc.pid!) }));
  // CREEP_SMAPS=1: the process's memory by kind (anonymous = heaps and malloc; file = code and data mapped from files).
  if (process.env.CREEP_SMAPS === '1') {
    const rollup = readFileSync(`/proc/${proc.pid}/smaps_rollup`, 'utf8');
    const kb = (k: string) => Math.round(Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0) / 1024);
    console.log(JSON.stringify({ runs: at, rssMb: kb('Rss'), anonMb: kb('Anonymous'), fileMb: kb('Rss') - kb('Anonymous') }));
  }
}
try {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 2000));
  if (checkpoints.has(0)) await probe(0);
  const client = slackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack: slack });
  const db = new Database(join(dir, 'db.sqlite'), { readonly: true, fileMustExist: true });
  const unfinished = db.prepare("select count(*) as n from runs where state in ('planned','running','awaiting_approval','awaiting_confirmation')");
  const count = db.prepare('select count(*) as n from runs');
  const t0 = performance.now();
  for (let i = 1; i <= total; i += 1) {
    await client.command(`/maintenance ${i % 2 === 1 ? 'start' : 'end'} dev`, { user: 'U0DEV0001' });
    for (;;) {
      const { n } = unfinished.get() as { n: number };
      if (n === 0 && (count.get() as { n: number }).n === i) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    if (checkpoints.has(i)) await probe(i);
  }
  console.log(JSON.stringify({ meanRunMs: Math.round((performance.now() - t0) / total) }));
  await new Promise((r) => setTimeout(r, 5000));
  await probe(-1);
  console.log(`probe file and snapshots in ${dir}`);
} finally {
  proc.kill('SIGTERM');
  await slack.close();
  await aws.close();
}
process.exit(0);
