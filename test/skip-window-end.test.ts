// Skipping the end of a maintenance window asks first, says plainly that maintenance stays on, names who must end
// it, updates the reminder, and at the end time the channel reads "stays in maintenance" — and it does.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.js';
import { createLog } from '../src/log.js';
import { createBot, type Bot } from '../src/main.js';
import { TestClock } from './support/clock.js';
import { timeSkipper } from './support/time-skipping.js';
import { startFakeSlack, textOf, type FakeSlack } from './support/fake-slack.js';
import { SANDBOX_CREDENTIALS, startSandbox, type TestSandbox } from './support/sandbox.js';
import { slackClient } from './support/slack-client.js';

const DEV = 'C0DEV0001';
const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/dev-web/1111111111111111/1111111111111101';

/** "2026-12-02 10:05" in Asia/Tokyo (the example's zone). */
const tokyo = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('skipping the end of a maintenance window', () => {
  let aws: TestSandbox;
  let slack: FakeSlack;
  let bot: Bot;
  let client: ReturnType<typeof slackClient>;
  // The bot's clock starts at the wall clock (Slack signatures are made with it) and is moved by hand.
  const clock = new TestClock(Math.ceil(Date.now() / 60_000) * 60_000);
  // While the test waits for a run, the bot's own short sleeps (the status message's debounce) pass on this clock.
  const skipper = timeSkipper(clock);
  beforeAll(async () => {
    aws = await startSandbox();
    const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
    const signingSecret = randomBytes(16).toString('hex');
    slack = await startFakeSlack({ botToken });
    const env = readEnv({ SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.url, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: ':memory:', LOG_LEVEL: 'info', STATUS_UPDATE_INTERVAL_MS: '20', RUN_LEASE_MS: '2000' });
    const log = createLog({ level: 'info', secrets: [botToken, signingSecret], destination: new Writable({ write: (_c: Buffer, _e, cb) => cb() }) });
    bot = await createBot({ env, config: aws.config, log, clock, awsClientOptions: { endpoint: aws.server.url, credentials: SANDBOX_CREDENTIALS, retryDelayMs: 5, maxAttempts: 4 }, schedulerEveryMs: 50 });
    const { url } = await bot.start();
    client = slackClient({ baseUrl: url!, signingSecret, fakeSlack: slack });
  });
  afterAll(async () => {
    skipper.dispose();
    await bot.stop();
    await slack.close();
    await aws.close();
  });

  const inChannel = (needle: string) => slack.waitFor(() => slack.messages(DEV).find((m) => textOf(m.blocks).includes(needle) || m.text.includes(needle)), { timeoutMs: 10_000, message: `no message with "${needle}"` });

  it('asks, says maintenance stays on, names who ends it, and at the end time the site is still in maintenance', async () => {
    const start = clock.now() + 5 * 60_000;
    const end = start + 10 * 60_000;
    await client.command(`/maintenance schedule dev ${tokyo(start)} ${tokyo(end).slice(11)}`, { user: 'U0DEV0001' });
    // Both reminders are due at once (15 minutes before each fire).
    const reminder = await inChannel('maintenance end at');
    const skip = JSON.stringify(reminder.blocks);
    expect(skip).toContain('Skip the end (stay in maintenance)');
    expect(skip).toContain('Stay in maintenance?');
    expect(skip).toContain('will NOT come out of maintenance');

    await client.press(reminder, 'schedule.skip', { user: 'U0DEV0002' });
    const told = await slack.waitFor(() => slack.ephemerals('U0DEV0002').find((e) => e.text.includes('will NOT end')), { timeoutMs: 5000 });
    expect(told.text).toContain('It is yours to end: `/maintenance end dev`');
    // The reminder itself now says what happens, and who must end it; its buttons are gone.
    const updated = await slack.waitFor(() => {
      const m = slack.message(DEV, reminder.ts);
      return m && textOf(m.blocks).includes('stays in maintenance') ? m : undefined;
    }, { timeoutMs: 5000 });
    expect(textOf(updated.blocks)).toContain('<@U0DEV0002> must end it with `/maintenance end dev`');
    expect(JSON.stringify(updated.blocks)).not.toContain('schedule.skip');

    clock.set(start + 1000);
    await skipper.during(inChannel('✅ Maintenance on · dev'));
    clock.set(end + 1000);
    const fired = await skipper.during(inChannel('stays in maintenance: the end of window'));
    expect(fired.text).toContain('End it with `/maintenance end dev`');
    expect(aws.world.elbv2.evaluate(LISTENER, { path: '/', sourceIp: '198.51.100.7' })).toMatchObject({ kind: 'fixed-response', status: 503 });
  });
});
