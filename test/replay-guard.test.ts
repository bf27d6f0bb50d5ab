// A captured request replayed is refused, whatever unsigned header or signature tail rides along; Events API
// retries (same event_id, new signature) are handled once.
import { stringify } from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../playground/slack-client.js';
import { startBot, type TestBot } from './support/bot.js';
import { textOf } from './support/fake-slack.js';

const DEV = 'C0DEV0001';

describe('replay guard', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(async () => t.close());

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${t.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

  it('a captured /maintenance start replayed with X-Slack-Retry-Num or a "=x" tail is refused and starts nothing', async () => {
    const body = stringify({
      token: 'fake-verification-token',
      team_id: t.slack.teamId,
      channel_id: DEV,
      user_id: 'U0DEV0001',
      user_name: 'u0dev0001',
      command: '/maintenance',
      text: 'start dev',
      api_app_id: t.slack.appId,
      response_url: t.slack.responseUrl('replay-1', { user: 'U0DEV0001', channel: DEV }),
      trigger_id: '1.2.replay',
    });
    const ts = Math.floor(Date.now() / 1000);
    const signature = signSlackRequest(t.secrets.signingSecret, ts, body);
    const headers = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature };

    const first = await post(body, headers);
    expect(first.status).toBe(200);
    await t.slack.waitFor(() => t.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Maintenance on · dev')), { timeoutMs: 10_000 });
    const runs = async () => (await t.bot.deps.store.listRuns({ env: 'dev', limit: 50 })).length;
    const before = await runs();
    const mark = t.aws.world.record.mark();

    expect((await post(body, { ...headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(401);
    expect((await post(body, { ...headers, 'x-slack-signature': `${signature}=x` })).status).toBe(401);
    expect((await post(body, { ...headers, 'x-slack-signature': signature.toUpperCase().replace('V0=', 'v0=') })).status).toBe(401);
    expect((await post(body, headers)).status).toBe(401);

    // Barrier: a fresh, properly signed command is answered, so every request before it was fully handled.
    expect((await t.client.command('/maintenance status dev')).status).toBe(200);
    expect(await runs()).toBe(before);
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    // Clean up: the environment out of maintenance again.
    await t.client.command('/maintenance end dev');
    await t.slack.waitFor(() => t.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Maintenance off · dev')), { timeoutMs: 10_000 });
  });

  it('an Events API retry (same event_id, new timestamp and signature, X-Slack-Retry-Num) is handled once', async () => {
    const event = (id: string, user: string) =>
      JSON.stringify({
        token: 'fake-verification-token',
        team_id: t.slack.teamId,
        api_app_id: t.slack.appId,
        event: { type: 'app_home_opened', user, channel: 'D0DEV0001', tab: 'home', event_ts: '1.000001' },
        type: 'event_callback',
        event_id: id,
        event_time: Math.floor(Date.now() / 1000),
      });
    const published = (user: string) => t.slack.callsTo('views.publish').filter((c) => JSON.stringify(c).includes(user)).length;
    expect((await t.client.raw(event('Ev0REPLAY01', 'U0HOME001'), {}, { contentType: 'application/json' })).status).toBe(200);
    await t.slack.waitFor(() => published('U0HOME001') === 1 || undefined, { timeoutMs: 5000 });
    // Slack's retry: a new request, signed anew one second later, carrying the same event_id.
    expect((await t.client.raw(event('Ev0REPLAY01', 'U0HOME001'), { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }, { contentType: 'application/json', timestampOffsetSeconds: 1 })).status).toBe(200);
    await t.slack.waitFor(() => t.logs.some((l) => l.includes('Ev0REPLAY01') && l.includes('already handled')) || undefined, { timeoutMs: 5000 });
    // Barrier: a different event after it is handled.
    expect((await t.client.raw(event('Ev0REPLAY02', 'U0HOME002'), {}, { contentType: 'application/json', timestampOffsetSeconds: 2 })).status).toBe(200);
    await t.slack.waitFor(() => published('U0HOME002') === 1 || undefined, { timeoutMs: 5000 });
    expect(published('U0HOME001')).toBe(1);
  });
});
