// The one test harness: the whole bot in-process (the real Bolt receiver, a fake Slack, the AWS sandbox) on one
// simulated clock, plus the builders for the configs the suites run on. `bot.ts` and `fast-bot.ts` re-export it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { systemClock, type Clock } from '../../src/clock.js';
import { formatIssues, loadConfig } from '../../src/config/load.js';
import { OpsConfigSchema, type EnvironmentSchema, type OpsConfig } from '../../src/config/schema.js';
import { readEnv } from '../../src/env.js';
import { createLog } from '../../src/log.js';
import { createBot, type Bot } from '../../src/main.js';
import { SimClock } from '../../sandbox/clock.js';
import { SharedClock, simulatedStart } from './clock.js';
import { startFakeSlack, textOf, type FakeSlack, type SlackMessage } from '../../playground/fake-slack.js';
import { timeSkipper, type TimeSkipper } from './time-skipping.js';
import { EXAMPLE_CONFIG, SANDBOX_CREDENTIALS, startSandbox, withoutTheExampleSchedules, type TestSandbox } from './sandbox.js';
import { slackClient } from './slack-client.js';

// ---------------------------------------------------------------------------------------------------------------
// Config builders: typed pieces of ops.yml, composed, validated by the product's own zod schema (defaults applied).
// ---------------------------------------------------------------------------------------------------------------

/** What one environment of ops.yml may say, before zod fills in the defaults. */
export type EnvInput = z.input<typeof EnvironmentSchema>;
type Permissions = NonNullable<EnvInput['permissions']>;

export const DEV = 'C0DEV0001';
export const PROD = 'C0PROD001';
export const CLUSTER = 'dev-cluster';
export const SERVICES = ['service-a', 'service-b', 'service-c', 'service-d', 'service-e'];
/** The prod user groups most suites use: four operators, two of them approvers. */
export const SRE = 'S0SRE0001';
export const LEADS = 'S0LEADS01';
export const PROD_GROUPS = { [SRE]: ['U0SRE0001', 'U0SRE0002', 'U0LEAD001', 'U0LEAD002'], [LEADS]: ['U0LEAD001', 'U0LEAD002'] };

/** Anyone in the channel may operate, nobody needs a second person: for suites about the operation, not the people. */
export const OPEN: Permissions = { operate: [], approve: [], requireApproval: false };

/**
 * A prod environment in ap-northeast-1 on `prod-cluster`, posting to C0PROD001; SREs operate, leads approve, a
 * second person is required and no confirmation modal. Every part can be overridden:
 * `prodEnv({ canary: { web: … }, requireApproval: false })`, `prodEnv({ permissions: OPEN, cutover: { … } })`.
 */
export function prodEnv(parts: Partial<EnvInput> & { requireApproval?: boolean } = {}): EnvInput {
  const { requireApproval, permissions, ...rest } = parts;
  const base: Permissions = permissions ?? { operate: [SRE], approve: [LEADS], requireApproval: true, confirm: false };
  return {
    region: 'ap-northeast-1',
    channel: PROD,
    cluster: 'prod-cluster',
    ...rest,
    permissions: { ...base, ...(requireApproval === undefined ? {} : { requireApproval }) },
  };
}

/** A dev environment like ops.example.yml's (channel C0DEV0001, dev-cluster), open to everyone in its channel. */
export function devEnv(parts: Partial<EnvInput> & { requireApproval?: boolean } = {}): EnvInput {
  return prodEnv({ channel: DEV, cluster: CLUSTER, permissions: OPEN, ...parts });
}

/** A staging environment: like prod, on its own channel and cluster, with no second person needed. */
export function stagingEnv(parts: Partial<EnvInput> & { requireApproval?: boolean } = {}): EnvInput {
  return prodEnv({ channel: 'C0STG0001', cluster: 'staging-cluster', requireApproval: false, ...parts });
}

/**
 * Parts of one environment written as in ops.yml — the `services:`, `deploy:` or `canary:` sections a suite is about —
 * for `prodEnv({ ...envYaml(`…`) })`. Indented as it would be under the environment, or not: the text is dedented first.
 */
export function envYaml(text: string): Partial<EnvInput> {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  const doc = parseDocument(lines.map((l) => l.slice(indent)).join('\n'), { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`test config YAML is invalid: ${doc.errors.map((e) => e.message.split('\n')[0]).join('; ')}`);
  return (doc.toJS() ?? {}) as Partial<EnvInput>;
}

/** A whole ops.yml from its environments (timezone Asia/Tokyo unless given), through the product's zod schema. */
export function opsConfig(environments: Record<string, EnvInput>, opts: { timezone?: string } = {}): OpsConfig {
  const parsed = OpsConfigSchema.safeParse({ timezone: opts.timezone ?? 'Asia/Tokyo', environments });
  if (!parsed.success) throw new Error(`test config is invalid:\n${formatIssues(parsed.error.issues).join('\n')}`);
  return parsed.data;
}

/** ops.example.yml, its dev environment polling every second; `patch` changes the copy. */
export function devConfig(patch: (c: OpsConfig) => void = () => undefined): OpsConfig {
  const c = structuredClone(loadConfig(EXAMPLE_CONFIG));
  c.environments.dev!.startup = { ...c.environments.dev!.startup!, pollSeconds: 1 };
  patch(c);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// The bot under test.
// ---------------------------------------------------------------------------------------------------------------

export interface TestBot {
  /** The running bot (a new one after `restart()`). */
  bot: Bot;
  /** The bot's receiver root, http://127.0.0.1:PORT */
  url: string;
  slack: FakeSlack;
  /** Signs requests to the running bot (a new one after `restart()`). */
  client: ReturnType<typeof slackClient>;
  aws: TestSandbox;
  /** The one simulated time of the bot, the sandbox and Slack's request timestamps; it moves only when advanced. */
  clock: SharedClock;
  /** Skips simulated time while a waiter (slack.waitFor, wait.ts until) waits and everything else only sleeps. */
  skipper: TimeSkipper;
  /** Every log line the bot wrote (debug and up), to scan for secrets. */
  logs: string[];
  secrets: { botToken: string; signingSecret: string };
  /**
   * The barrier after a request: resolves once no Slack handler is running (Bolt acks from inside the handler, so
   * a request whose answer has arrived has started its handler). Then "it changed nothing" can be read off the record.
   */
  settled(): Promise<void>;
  /**
   * Stops this bot and starts the next on the same database (owner bot-2, bot-3, …): a restart. Needs `db: 'file'`.
   * `whileStopped` runs between the two, with no bot running (e.g. an operator's edit of the database).
   */
  restart(opts?: { whileStopped?: () => unknown }): Promise<void>;
  /** The bot's DATABASE_URL: `:memory:`, or `file:<path>` with `db: 'file'`. */
  databaseUrl: string;
  close(): Promise<void>;
}

export interface BotOptions {
  /** The ops.yml (default ops.example.yml); see `opsConfig`, `prodEnv`, `devConfig`. */
  config?: OpsConfig;
  /** The fake Slack's user groups. */
  userGroups?: Record<string, string[]>;
  /** The sandbox's world: task start delays, Route 53 sync time, or a clock of its own. */
  world?: Parameters<typeof startSandbox>[0];
  /** SDK attempts per call (default 4). */
  maxAttempts?: number;
  /** The AWS endpoint the bot calls: the sandbox's (default), or another such as moto_server's (test/support/moto.ts). */
  awsEndpoint?: string;
  /** 'memory' (default): SQLite in memory. 'file': SQLite in a temp file, so that `restart()` can reopen it. */
  db?: 'memory' | 'file';
  /** The bot's log level (default debug: every line lands in `logs`). */
  logLevel?: 'debug' | 'info';
  /**
   * 'simulated' (default): one clock that moves only when advanced or skipped. 'fast': the old wall-clock ratio
   * (20× the wall clock), kept for test/startup.test.ts's Retry case (docs/decisions.md, issue 19).
   */
  time?: 'simulated' | 'fast';
}

/** The bot, a fake Slack and the sandbox on one simulated clock. */
export async function startBot(opts: BotOptions = {}): Promise<TestBot> {
  const fast = opts.time === 'fast' ? fastClock() : undefined;
  const sim = fast?.sandbox ?? opts.world?.clock ?? new SimClock(simulatedStart(), 'manual');
  const clock = new SharedClock(sim);
  const botClock: Clock = fast?.bot ?? clock;
  const aws = await startSandbox({ ...(opts.world ?? {}), clock: sim, ...(opts.config ? { config: opts.config } : {}) });
  const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startFakeSlack({ botToken, ...(opts.userGroups ? { userGroups: opts.userGroups } : {}) });
  // The bot of the moment (a restart makes a new one) holds simulated time while it works on something that is neither
  // an HTTP request nor a sleep: a Slack handler still running after its ack (Bolt acks first; the press is read and
  // recorded after a turn of the event loop, and under load the skipper's timer can fire in that turn), or a run it
  // has just woken for a press, until that run sleeps again, or a status message being rendered and sent (its store
  // reads and render come between the debounce's wake and chat.update).
  let current: { bot: Bot; handlers: () => number } | undefined;
  const skipper = fast ? noSkipping : skipWhileWaiting(slack, clock, () => (current ? current.handlers() > 0 || current.bot.deps.engine.roused() || current.bot.publisher.busy() : false));
  const databaseUrl = opts.db === 'file' ? `file:${join(mkdtempSync(join(tmpdir(), 'ecs-chatops-test-')), 'runs.db')}` : ':memory:';
  const level = opts.logLevel ?? 'debug';
  const env = readEnv({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.url,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: level,
    STATUS_UPDATE_INTERVAL_MS: '20',
    RUN_LEASE_MS: '2000',
  });
  const logs: string[] = [];
  const log = createLog({ level, secrets: [botToken, signingSecret], destination: new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString()), cb()) }) });
  // ops.example.yml's own cron schedules stay out of tests that did not ask for them (see withoutTheExampleSchedules).
  const botConfig = withoutTheExampleSchedules(aws.config);
  let n = 0;
  const boot = async () => {
    n += 1;
    const bot = await createBot({
      env,
      config: botConfig,
      log,
      clock: botClock,
      owner: `bot-${n}`,
      awsClientOptions: { endpoint: opts.awsEndpoint ?? aws.server.url, credentials: SANDBOX_CREDENTIALS, retryDelayMs: 5, maxAttempts: opts.maxAttempts ?? 4 },
      schedulerEveryMs: 50,
    });
    const settled = trackHandlers(bot);
    current = { bot, handlers: settled.running };
    const { url } = await bot.start();
    const client = slackClient({ baseUrl: url!, signingSecret, fakeSlack: slack, ...(fast ? {} : { now: () => clock.now() }) });
    return { bot, url: url!, client, settled };
  };
  const first = await boot();
  let settled = first.settled;
  const t: TestBot = {
    bot: first.bot,
    url: first.url,
    client: first.client,
    settled: () => settled(),
    clock,
    skipper,
    slack,
    aws,
    logs,
    secrets: { botToken, signingSecret },
    databaseUrl,
    restart: async (o = {}) => {
      if (databaseUrl === ':memory:') throw new Error("restart() needs the runs on disk: startBot({ db: 'file' })");
      await t.bot.stop();
      await o.whileStopped?.();
      const next = await boot();
      Object.assign(t, { bot: next.bot, url: next.url, client: next.client });
      settled = next.settled;
    },
    close: async () => {
      skipper.dispose();
      await t.bot.stop();
      await slack.close();
      await aws.close();
    },
  };
  return t;
}

/**
 * Counts the Slack handlers in flight with a global Bolt middleware; returns the barrier that waits for none, which
 * also says how many are running now (`running()`: the time-skipper's busy signal).
 */
export function trackHandlers(bot: Bot): (() => Promise<void>) & { running(): number } {
  let running = 0;
  const idle: (() => void)[] = [];
  bot.app.use(async ({ next }) => {
    running += 1;
    try {
      await next();
    } finally {
      running -= 1;
      if (running === 0) for (const r of idle.splice(0)) r();
    }
  });
  const settled = () => (running === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r)));
  return Object.assign(settled, { running: () => running });
}

/** Every wait on the fake Slack skips simulated time while the bot has nothing to do but sleep. */
export function skipWhileWaiting(slack: FakeSlack, clock: SharedClock, busy?: () => boolean): TimeSkipper {
  const skipper = timeSkipper({ now: () => clock.now(), nextWake: () => clock.nextWake(), advance: (ms) => clock.advance(ms), onSleep: (l) => clock.onSleep(l) }, busy ? { busy } : {});
  const waitFor = slack.waitFor.bind(slack);
  slack.waitFor = (predicate, o) => skipper.during(waitFor(predicate, o));
  return skipper;
}

const noSkipping: TimeSkipper = { during: (p) => p, skipped: () => 0, dispose: () => undefined };

/** @deprecated the wall-clock ratio of `time: 'fast'`; startBot no longer uses it otherwise. */
export const SPEED = 20;
/** @deprecated see SPEED: a clock SPEED times the wall clock, for benches that want wall-time behaviour. */
export function fastClock(): { bot: Clock; sandbox: SimClock } {
  const start = Date.now();
  return {
    bot: { now: () => start + (Date.now() - start) * SPEED, sleep: (ms, signal) => systemClock.sleep(ms / SPEED, signal) },
    sandbox: new SimClock(start, 'real', SPEED),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Waiters on what people see: they wait on the fake Slack's events (and skip simulated time meanwhile), never on time.
// ---------------------------------------------------------------------------------------------------------------

/** The status messages of `channel`: the newest, a wait until the newest / any / a thread reply shows a text. */
export function messagesIn(slack: FakeSlack | (() => FakeSlack), channel: string, defaultTimeoutMs = 30_000) {
  const s = typeof slack === 'function' ? slack : () => slack;
  const latest = (): SlackMessage => s().messages(channel).at(-1)!;
  return {
    latest,
    /** The newest message (a run just started posts the newest) once it shows `needle`. */
    waitLatest: (needle: string, timeoutMs = defaultTimeoutMs) =>
      s().waitFor(() => { const m = latest(); return m && textOf(m.blocks).includes(needle) ? m : undefined; }, { timeoutMs, message: `latest message lacks "${needle}"` }),
    /** Any message of the channel once one shows `needle`. */
    waitText: (needle: string, timeoutMs = defaultTimeoutMs) =>
      s().waitFor(() => s().messages(channel).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs, message: `no message with "${needle}"` }),
    /** A reply in `msg`'s thread once one says `needle`. */
    threadHas: (msg: SlackMessage, needle: string, timeoutMs = defaultTimeoutMs) =>
      s().waitFor(() => s().thread(channel, msg.ts).find((m) => m.text.includes(needle)), { timeoutMs, message: `no thread reply with "${needle}"` }),
  };
}
