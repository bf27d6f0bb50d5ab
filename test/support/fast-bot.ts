// The bot and the sandbox on one simulated clock, with a fake Slack: for operations that wait on ECS progress.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { systemClock, type Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import type { OpsConfig } from '../../src/config/schema.js';
import { readEnv } from '../../src/env.js';
import { createLog } from '../../src/log.js';
import { createBot, type Bot } from '../../src/main.js';
import { SimClock } from '../../sandbox/clock.js';
import { skipWhileWaiting } from './bot.js';
import { SharedClock, simulatedStart } from './clock.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import type { TimeSkipper } from './time-skipping.js';
import { EXAMPLE_CONFIG, startSandbox, type TestSandbox } from './sandbox.js';
import { slackClient } from './slack-client.js';

/*
 * Time: the bot and the sandbox share one simulated clock (./clock.ts SharedClock) that moves only when advanced;
 * while a test waits (the fake Slack's waitFor, ./wait.ts until) and the bot has nothing left but sleeps, the
 * harness skips to the earliest one (./time-skipping.ts). A 30-minute wait costs no wall time, and a busy machine
 * cannot make the bot's timers and the sandbox's disagree. Slack's request timestamps come from the same clock.
 */
/** @deprecated kept for tests written against the wall-clock-ratio harness; startHarness no longer uses it. */
export const SPEED = 20;
/** @deprecated see SPEED: a clock SPEED times the wall clock, for benches that want wall-time behaviour. */
export function fastClock(): { bot: Clock; sandbox: SimClock } {
  const start = Date.now();
  return {
    bot: { now: () => start + (Date.now() - start) * SPEED, sleep: (ms, signal) => systemClock.sleep(ms / SPEED, signal) },
    sandbox: new SimClock(start, 'real', SPEED),
  };
}
export const DEV = 'C0DEV0001';
export const CLUSTER = 'dev-cluster';
export const SERVICES = ['service-a', 'service-b', 'service-c', 'service-d', 'service-e'];

export function devConfig(patch: (c: OpsConfig) => void = () => undefined): OpsConfig {
  const c = structuredClone(loadConfig(EXAMPLE_CONFIG));
  c.environments.dev!.startup = { ...c.environments.dev!.startup!, pollSeconds: 1 };
  patch(c);
  return c;
}

export interface Harness {
  aws: TestSandbox;
  slack: FakeSlack;
  bot: Bot;
  client: ReturnType<typeof slackClient>;
  /** A second bot process on the same database (the first is stopped first): a restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
  /** The one simulated time (bot, sandbox, Slack timestamps); `clock.advance('5m')` moves it. */
  clock: SharedClock;
  skipper: TimeSkipper;
}

export async function startHarness(
  opts: {
    config?: OpsConfig;
    startDelays?: Record<string, number>;
    startDelaySeconds?: number;
    /**
     * 'simulated' (default): one clock that moves only when advanced or skipped. 'fast': the old wall-clock ratio
     * (SPEED), kept for test/startup.test.ts until its Retry-after-failure case passes on simulated time (see
     * docs/decisions.md, issue 19).
     */
    time?: 'simulated' | 'fast';
  } = {},
): Promise<Harness> {
  const config = opts.config ?? devConfig();
  const fast = opts.time === 'fast' ? fastClock() : undefined;
  const sim = fast?.sandbox ?? new SimClock(simulatedStart(), 'manual');
  const clock = new SharedClock(sim);
  const botClock: Clock = fast?.bot ?? clock;
  const aws = await startSandbox({ config, clock: sim, ...(opts.startDelays ? { startDelays: opts.startDelays } : {}), startDelaySeconds: opts.startDelaySeconds ?? 5 });
  const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startFakeSlack({ botToken });
  const skipper = fast ? noSkipping : skipWhileWaiting(slack, clock);
  const db = join(mkdtempSync(join(tmpdir(), 'ecs-chatops-startup-')), 'runs.db');
  const env = readEnv({ SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.url, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${db}`, LOG_LEVEL: 'info', STATUS_UPDATE_INTERVAL_MS: '20', RUN_LEASE_MS: '2000' });
  const log = createLog({ level: 'info', secrets: [botToken, signingSecret], destination: new Writable({ write: (_c: Buffer, _e, cb) => cb() }) });
  let n = 0;
  const boot = async () => {
    n += 1;
    const bot = await createBot({ env, config, log, clock: botClock, owner: `bot-${n}`, awsClientOptions: { endpoint: aws.server.url, credentials: { accessKeyId: 'SANDBOXACCESSKEY', secretAccessKey: 'sandbox-secret-not-real' }, retryDelayMs: 5, maxAttempts: 4 }, schedulerEveryMs: 50 });
    const { url } = await bot.start();
    return { bot, client: slackClient({ baseUrl: url!, signingSecret, fakeSlack: slack, ...(fast ? {} : { now: () => clock.now() }) }) };
  };
  const h = { aws, slack, clock, skipper, ...(await boot()) } as Harness;
  h.restart = async () => {
    await h.bot.stop();
    Object.assign(h, await boot());
  };
  h.close = async () => {
    skipper.dispose();
    await h.bot.stop();
    await slack.close();
    await aws.close();
  };
  return h;
}


const noSkipping: TimeSkipper = { during: (p) => p, skipped: () => 0, dispose: () => undefined };
