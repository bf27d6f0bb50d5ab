// The whole bot in-process for end-to-end tests: the AWS sandbox, a fake Slack, and the real Bolt receiver between them.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { OpsConfig } from '../../src/config/schema.js';
import { readEnv } from '../../src/env.js';
import { createLog } from '../../src/log.js';
import { createBot, type Bot } from '../../src/main.js';
import { SimClock } from '../../sandbox/clock.js';
import { SharedClock, simulatedStart } from './clock.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { timeSkipper, type TimeSkipper } from './time-skipping.js';
import { startSandbox, type TestSandbox } from './sandbox.js';
import { slackClient } from './slack-client.js';

export interface TestBot {
  bot: Bot;
  /** The bot's receiver root, http://127.0.0.1:PORT */
  url: string;
  slack: FakeSlack;
  client: ReturnType<typeof slackClient>;
  aws: TestSandbox;
  /** The one simulated time of the bot, the sandbox and Slack's request timestamps; it moves only when advanced. */
  clock: SharedClock;
  /** Skips simulated time while a waiter (slack.waitFor) waits and everything else only sleeps. */
  skipper: TimeSkipper;
  /** Every log line the bot wrote, to scan for secrets. */
  logs: string[];
  secrets: { botToken: string; signingSecret: string };
  /**
   * The barrier after a request: resolves once no Slack handler is running (Bolt acks from inside the handler, so
   * a request whose answer has arrived has started its handler). Then "it changed nothing" can be read off the record.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startBot(opts: { config?: OpsConfig; userGroups?: Record<string, string[]>; world?: Parameters<typeof startSandbox>[0]; maxAttempts?: number } = {}): Promise<TestBot> {
  const sim = opts.world?.clock ?? new SimClock(simulatedStart(), 'manual');
  const clock = new SharedClock(sim);
  const aws = await startSandbox({ ...(opts.world ?? {}), clock: sim, ...(opts.config ? { config: opts.config } : {}) });
  const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startFakeSlack({ botToken, ...(opts.userGroups ? { userGroups: opts.userGroups } : {}) });
  const skipper = skipWhileWaiting(slack, clock);
  const env = readEnv({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.url,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: ':memory:',
    LOG_LEVEL: 'debug',
    STATUS_UPDATE_INTERVAL_MS: '20',
    RUN_LEASE_MS: '2000',
  });
  const logs: string[] = [];
  const log = createLog({ level: 'debug', secrets: [botToken, signingSecret], destination: new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString()), cb()) }) });
  const bot = await createBot({ env, config: aws.config, log, clock, aws: undefined, awsClientOptions: { endpoint: aws.server.url, credentials: { accessKeyId: 'SANDBOXACCESSKEY', secretAccessKey: 'sandbox-secret-not-real' }, retryDelayMs: 5, maxAttempts: opts.maxAttempts ?? 4 }, schedulerEveryMs: 50 });
  const settled = trackHandlers(bot);
  const { url } = await bot.start();
  const client = slackClient({ baseUrl: url!, signingSecret, fakeSlack: slack, now: () => clock.now() });
  return {
    settled,
    clock,
    skipper,
    bot,
    url: url!,
    slack,
    client,
    aws,
    logs,
    secrets: { botToken, signingSecret },
    close: async () => {
      skipper.dispose();
      await bot.stop();
      await slack.close();
      await aws.close();
    },
  };
}

/** Counts the Slack handlers in flight with a global Bolt middleware; returns the barrier that waits for none. */
export function trackHandlers(bot: Bot): () => Promise<void> {
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
  return () => (running === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r)));
}

/** Every wait on the fake Slack skips simulated time while the bot has nothing to do but sleep. */
export function skipWhileWaiting(slack: FakeSlack, clock: SharedClock): TimeSkipper {
  const skipper = timeSkipper({ now: () => clock.now(), nextWake: () => clock.nextWake(), advance: (ms) => clock.advance(ms), onSleep: (l) => clock.onSleep(l) });
  const waitFor = slack.waitFor.bind(slack);
  slack.waitFor = (predicate, o) => skipper.during(waitFor(predicate, o));
  return skipper;
}
