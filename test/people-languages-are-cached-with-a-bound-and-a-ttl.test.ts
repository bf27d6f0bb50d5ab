// Each person's language comes from Slack's users.info (include_locale), through the real WebClient against the
// fake Slack, cached on the injected clock: an hour per person, at most N people, a failed lookup remembered a
// minute, and never more than a reply's budget of waiting (src/slack/locale.ts).
import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLog } from '../src/log.js';
import { LOCALE_REPLY_BUDGET_MS, LOCALE_FAILED_TTL_MS, LOCALE_TTL_MS, PeopleLanguages } from '../src/slack/locale.js';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';
import { TestClock } from './support/clock.js';

describe("a person's language", () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
    slack = await startFakeSlack({ botToken, users: { U0JA00001: { locale: 'ja-JP' }, U0FR00001: { locale: 'fr-FR' } } });
    client = new WebClient(botToken, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  });
  afterAll(async () => slack.close());

  const log = createLog({ level: 'error' });
  const people = (clock: TestClock, opts: { max?: number } = {}) =>
    new PeopleLanguages({ lookup: async (user) => (await client.users.info({ user, include_locale: true })).user?.locale, clock, log }, opts);
  const lookups = (user: string) => slack.callsTo('users.info').filter((c) => c.args.user === user).length;

  it("is the locale's, looked up once an hour; a locale the bot does not speak falls back to the environment's", async () => {
    const clock = new TestClock();
    const p = people(clock);
    const before = lookups('U0JA00001');
    expect(await p.langOf('U0JA00001', 'en')).toBe('ja');
    expect(await p.langOf('U0JA00001', 'en')).toBe('ja');
    expect(lookups('U0JA00001') - before).toBe(1);
    clock.advance(LOCALE_TTL_MS + 1);
    expect(await p.langOf('U0JA00001', 'en')).toBe('ja');
    expect(lookups('U0JA00001') - before).toBe(2);
    expect(await p.langOf('U0FR00001', 'ja')).toBe('ja');
    expect(await p.langOf('U0FR00001', 'en')).toBe('en');
  });

  it('a failed lookup answers in the fallback and is not retried for a minute', async () => {
    const clock = new TestClock();
    const p = people(clock);
    slack.failNext('users.info', 'ratelimited', 1);
    const before = lookups('U0JA00001');
    expect(await p.langOf('U0JA00001', 'en')).toBe('en');
    expect(await p.langOf('U0JA00001', 'en')).toBe('en');
    expect(lookups('U0JA00001') - before).toBe(1);
    clock.advance(LOCALE_FAILED_TTL_MS + 1);
    expect(await p.langOf('U0JA00001', 'en')).toBe('ja');
  });

  it('keeps at most `max` people, the oldest dropped first', async () => {
    const clock = new TestClock();
    const p = people(clock, { max: 2 });
    slack.setUser('U0JA00002', { locale: 'ja-JP' });
    slack.setUser('U0JA00003', { locale: 'ja-JP' });
    for (const u of ['U0JA00001', 'U0JA00002', 'U0JA00003']) await p.langOf(u, 'en');
    expect(p.cached('U0JA00001')).toBeUndefined();
    expect(p.cached('U0JA00002')).toBe('ja');
    expect(p.cached('U0JA00003')).toBe('ja');
  });

  it('a lookup slower than the budget answers in the fallback, and fills the cache when it comes', async () => {
    const clock = new TestClock();
    let answer: (locale: string) => void = () => undefined;
    let asked = 0;
    const p = new PeopleLanguages({ lookup: () => ((asked += 1), new Promise<string>((resolve) => (answer = resolve))), clock, log });
    const first = p.langOf('U0SLOW0001', 'en');
    const second = p.langOf('U0SLOW0001', 'en');
    clock.advance(LOCALE_REPLY_BUDGET_MS);
    expect(await first).toBe('en');
    expect(await second).toBe('en');
    expect(asked).toBe(1); // one lookup in flight per person
    answer('ja-JP');
    await new Promise((r) => setImmediate(r));
    expect(await p.langOf('U0SLOW0001', 'en')).toBe('ja');
    expect(asked).toBe(1);
  });
});
