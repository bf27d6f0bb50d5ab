// Ordered startup against the sandbox: wall time versus the critical path of start times and versus seed 003's level-by-level loop, and the AWS calls it took.
/*
 * How time works here: the sandbox's SimClock follows the wall clock SPEED times faster, and the bot's clock is
 * the same scaled clock (its sleeps SPEED times shorter), so a 3 s poll and a 40 s task start keep their real
 * proportions while a run of several simulated minutes takes seconds. Every figure below is in simulated time.
 * The run is the real one: the bot (engine, store, startup operation, SDK clients) on a fake Slack, driven by
 * engine.request/start as a slash command would, against the simulated ECS with per-service start delays.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { systemClock, type Clock } from '../src/clock.js';
import { parseConfig } from '../src/config/load.js';
import type { OpsConfig } from '../src/config/schema.js';
import { readEnv } from '../src/env.js';
import { createLog } from '../src/log.js';
import { createBot } from '../src/main.js';
import { startFakeSlack } from '../playground/fake-slack.js';
import { SimClock } from '../sandbox/clock.js';
import { startSandboxServer } from '../sandbox/server.js';
import { SANDBOX_CREDENTIALS } from '../sandbox/start.js';
import { World } from '../sandbox/world.js';

/** 5: one simulated second is 200 ms of wall time, so a few ms of HTTP and SQLite per round do not read as seconds. */
const SPEED = 5;
const POLL_SECONDS = 3;
/** Seed 003's Step Functions loop: start a level, poll every 10 s until it all runs, then the next level. */
const SEED_POLL_SECONDS = 10;

type Graph = Record<string, string[]>;

/** A deterministic pseudo-random source, so every run of the benchmark measures the same DAG. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomDag(n: number, seed: number): { graph: Graph; delays: Record<string, number> } {
  const r = rng(seed);
  const graph: Graph = {};
  const delays: Record<string, number> = {};
  for (let i = 0; i < n; i += 1) {
    const name = `svc-${String(i).padStart(2, '0')}`;
    const deps = new Set<string>();
    const k = i === 0 ? 0 : Math.floor(r() * 3);
    for (let j = 0; j < k; j += 1) deps.add(`svc-${String(Math.floor(r() * i)).padStart(2, '0')}`);
    graph[name] = [...deps];
    delays[name] = 10 + Math.floor(r() * 50);
  }
  return { graph, delays };
}

/** The earliest each service can be ready: its own start time after the latest of its dependencies. */
function criticalPath(graph: Graph, delays: Record<string, number>): number {
  const memo: Record<string, number> = {};
  const done = (s: string): number => (memo[s] ??= Math.max(0, ...(graph[s] ?? []).map(done)) + delays[s]!);
  return Math.max(...Object.keys(graph).map(done));
}

/** Seed 003's loop: level by level, each level polled every 10 s until all of it runs. */
function sequentialLoop(graph: Graph, delays: Record<string, number>): number {
  const level: Record<string, number> = {};
  const lv = (s: string): number => (level[s] ??= (graph[s] ?? []).length === 0 ? 0 : 1 + Math.max(...graph[s]!.map(lv)));
  const levels = Math.max(...Object.keys(graph).map(lv)) + 1;
  let t = 0;
  for (let l = 0; l < levels; l += 1) {
    const slowest = Math.max(...Object.keys(graph).filter((s) => lv(s) === l).map((s) => delays[s]!));
    t += Math.ceil(slowest / SEED_POLL_SECONDS) * SEED_POLL_SECONDS;
  }
  return t;
}

function configFor(graph: Graph): OpsConfig {
  const services = Object.entries(graph)
    .map(([s, deps]) => `      ${s}: { desiredCount: 1, dependsOn: [${deps.join(', ')}], timeoutSeconds: 3600 }`)
    .join('\n');
  return parseConfig(`timezone: Asia/Tokyo
environments:
  dev:
    region: ap-northeast-1
    channel: C0DEV0001
    cluster: dev-cluster
    services:
${services}
    startup: { engine: inline, pollSeconds: ${POLL_SECONDS} }
`);
}

async function measure(name: string, graph: Graph, delays: Record<string, number>): Promise<Record<string, unknown>> {
  const config = configFor(graph);
  const start = Date.now();
  const simClock = new SimClock(start, 'real', SPEED);
  const clock: Clock = { now: () => start + (Date.now() - start) * SPEED, sleep: (ms, signal) => systemClock.sleep(ms / SPEED, signal) };
  const world = new World({ clock: simClock, startDelays: delays }).seed(config);
  const server = await startSandboxServer(world);
  const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
  const slack = await startFakeSlack({ botToken });
  const env = readEnv({ SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'), SLACK_API_URL: slack.url, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: ':memory:', LOG_LEVEL: 'warn', STATUS_UPDATE_INTERVAL_MS: '200', RUN_LEASE_MS: '60000' });
  const log = createLog({ level: 'warn', secrets: [botToken], destination: new Writable({ write: (_c: Buffer, _e, cb) => cb() }) });
  const bot = await createBot({ env, config, log, clock, awsClientOptions: { endpoint: server.url, credentials: SANDBOX_CREDENTIALS, maxAttempts: 4 } });
  try {
    const mark = world.record.mark();
    const t0 = clock.now();
    const answer = await bot.deps.engine.request({ kind: 'startup', envName: 'dev', params: {}, by: 'U0BENCH01' });
    if (!answer.accepted) throw new Error(answer.reason);
    bot.deps.engine.start(answer.run.id);
    for (;;) {
      const run = await bot.deps.engine.getRun(answer.run.id);
      if (run && ['succeeded', 'failed', 'cancelled'].includes(run.state)) {
        if (run.state !== 'succeeded') throw new Error(`${name}: run ${run.state}: ${run.error ?? ''}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const doneAt = clock.now();
    const calls = world.record.since(mark);
    const critical = criticalPath(graph, delays);
    // From the first UpdateService to done: what the ordering costs. The cold process's first steps before it
    // (first SQLite write, first SDK client, first connection) are wall-clock ms that SPEED would multiply; they
    // are shown apart, in wall ms.
    const firstCall = Math.min(...calls.filter((c) => c.op === 'UpdateService').map((c) => c.at));
    const wall = (doneAt - firstCall) / 1000;
    // A dependent's start (its UpdateService) after the moment its last dependency became ready (that one's
    // UpdateService plus its start time): the figure the 1 s goal is about.
    const startedAt = Object.fromEntries(calls.filter((c) => c.op === 'UpdateService').map((c) => [(c.input as { service: string }).service, c.at]));
    const lags = Object.entries(graph)
      .filter(([, ds]) => ds.length > 0)
      .map(([s, ds]) => startedAt[s]! - Math.max(...ds.map((d) => startedAt[d]! + delays[d]! * 1000)));
    const loop = sequentialLoop(graph, delays);
    return {
      services: Object.keys(graph).length,
      firstCallToDoneSeconds: Number(wall.toFixed(1)),
      criticalPathSeconds: critical,
      overPathSeconds: Number((wall - critical).toFixed(1)),
      firstCallAfterWallMs: Math.round((firstCall - t0) / SPEED),
      doneAfterLastReadySeconds: Number(((doneAt - Math.max(...Object.entries(startedAt).map(([s, at]) => at + delays[s]! * 1000))) / 1000).toFixed(2)),
      maxStartLagSeconds: Number((Math.max(...lags) / 1000).toFixed(2)),
      meanStartLagSeconds: Number((lags.reduce((a, b) => a + b, 0) / lags.length / 1000).toFixed(2)),
      pollSeconds: POLL_SECONDS,
      seed003LoopSeconds: loop,
      fasterThanLoopSeconds: Number((loop - wall).toFixed(1)),
      describeServicesCalls: calls.filter((c) => c.op === 'DescribeServices').length,
      updateServiceCalls: calls.filter((c) => c.op === 'UpdateService').length,
      throttled: calls.filter((c) => c.error !== undefined).length,
      maxServicesPerDescribe: Math.max(...calls.filter((c) => c.op === 'DescribeServices').map((c) => (c.input as { services: string[] }).services.length)),
    };
  } finally {
    await bot.stop();
    await slack.close();
    await server.close();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  // Seed 003: A, then B (needs A), then C–E (need B); start times in simulated seconds.
  const seed: Graph = { 'service-a': [], 'service-b': ['service-a'], 'service-c': ['service-b'], 'service-d': ['service-b'], 'service-e': ['service-b'] };
  const seedDelays = { 'service-a': 30, 'service-b': 45, 'service-c': 20, 'service-d': 35, 'service-e': 25 };
  const random = randomDag(50, 3);
  return {
    seed003: await measure('seed003', seed, seedDelays),
    dag50: await measure('dag50', random.graph, random.delays),
  };
}

// `tsx bench/startup.ts` prints the figures on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
  process.exit(0);
}
