// Proves the Slack test support against real Bolt and the real WebClient: signed requests in, Web API calls out.
import { App, ExpressReceiver, HTTPReceiver, LogLevel, type Logger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, textOf, type FakeSlack } from './support/fake-slack.js';
import { signSlackRequest, slackClient, type SlackClient } from './support/slack-client.js';

const BOT_TOKEN = ['xoxb', 'fake', 'test', 'token'].join('-');
const SIGNING_SECRET = 'fake-signing-secret-for-tests';
const CHANNEL = 'C0DEV0001';

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

interface Bot {
  app: App;
  client: SlackClient;
  handled: string[];
}

/** A tiny Bolt app with the same receiver setup as the bot: a command that posts, a modal, a button that respond()s. */
async function startBoltApp(fake: FakeSlack, receiverKind: 'http' | 'express' = 'http'): Promise<Bot> {
  const handled: string[] = [];
  const receiver =
    receiverKind === 'http'
      ? new HTTPReceiver({ signingSecret: SIGNING_SECRET, processBeforeResponse: false, logger: silent })
      : new ExpressReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', processBeforeResponse: false, logger: silent });
  const app = new App({
    receiver,
    token: BOT_TOKEN,
    logger: silent,
    clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 20 } },
  });
  app.command('/ping', async ({ ack, command, client: web }) => {
    await ack();
    handled.push(`command:${command.text}`);
    await web.chat.postMessage({
      channel: command.channel_id,
      text: `pong ${command.text}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Pong' } },
        { type: 'section', text: { type: 'mrkdwn', text: `pong *${command.text}*` } },
        { type: 'actions', block_id: 'ping.actions', elements: [{ type: 'button', action_id: 'ping.again', text: { type: 'plain_text', text: 'Again' }, value: 'again-1' }] },
      ],
    });
  });
  app.command('/ask', async ({ ack, command, client: web }) => {
    await ack({ response_type: 'ephemeral', text: 'opening a form' });
    await web.views.open({
      trigger_id: command.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'ask.form',
        title: { type: 'plain_text', text: 'Ask' },
        submit: { type: 'plain_text', text: 'Go' },
        blocks: [
          { type: 'input', block_id: 'confirm', label: { type: 'plain_text', text: 'Type dev' }, element: { type: 'plain_text_input', action_id: 'env' } },
          {
            type: 'input',
            block_id: 'size',
            label: { type: 'plain_text', text: 'Size' },
            element: { type: 'static_select', action_id: 'pick', options: ['s', 'm'].map((v) => ({ text: { type: 'plain_text', text: v.toUpperCase() }, value: v })) },
          },
        ],
      },
    });
  });
  app.view('ask.form', async ({ ack, view }) => {
    const env = view.state.values.confirm?.env?.value;
    const size = view.state.values.size?.pick?.selected_option?.value;
    handled.push(`view:${env}:${size}`);
    if (env !== 'dev') await ack({ response_action: 'errors', errors: { confirm: 'Type dev exactly.' } });
    else await ack();
  });
  app.action('ping.again', async ({ ack, respond, body }) => {
    await ack();
    const action = (body as { actions: { value?: string }[] }).actions[0];
    handled.push(`action:${action?.value}`);
    await respond({ response_type: 'ephemeral', replace_original: false, text: `again from <@${body.user.id}> (${action?.value})` });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  const client = slackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, fakeSlack: fake, defaultChannel: CHANNEL });
  return { app, client, handled };
}

describe('Slack edge test support against real Bolt', () => {
  let fake: FakeSlack;
  let bot: Bot;
  let client: SlackClient;
  let handled: string[];

  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN });
    bot = await startBoltApp(fake);
    ({ client, handled } = bot);
  });
  afterAll(async () => {
    await bot.app.stop();
    await fake.close();
  });
  beforeEach(() => {
    handled.length = 0;
  });

  it('a signed command is acked and its message reaches the fake Slack', async () => {
    const res = await client.command('/ping hello world', { user: 'U0DEV0001' });
    expect(res.status).toBe(200);
    const msg = await fake.waitFor(() => fake.messages(CHANNEL).find((m) => m.text === 'pong hello world'), { timeoutMs: 3000 });
    expect(handled).toEqual(['command:hello world']);
    expect(msg.user).toBe(fake.botUserId);
    expect(msg.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(textOf(msg.blocks)).toBe('Pong\npong *hello world*\n[Again]');
    // The WebClient sent blocks as a JSON form field; the fake decoded them back.
    const call = fake.callsTo('chat.postMessage').at(-1)!;
    expect(Array.isArray(call.args.blocks)).toBe(true);
    expect(call.args).not.toHaveProperty('token');
  });

  it('a bad signature, a missing one, and a 6-minute-old timestamp are refused with 401 and reach no handler', async () => {
    const before = fake.callsTo('chat.postMessage').length;
    expect((await client.command('/ping forged', { signature: 'bad' })).status).toBe(401);
    expect((await client.command('/ping unsigned', { signature: 'missing' })).status).toBe(401);
    expect((await client.command('/ping stale', { timestampOffsetSeconds: -6 * 60 })).status).toBe(401);
    // Within Bolt's five minutes it is still accepted: the offset itself is not the problem.
    expect((await client.command('/ping recent', { timestampOffsetSeconds: -4 * 60 })).status).toBe(200);
    await fake.waitFor(() => fake.messages(CHANNEL).some((m) => m.text === 'pong recent'), { timeoutMs: 3000 });
    expect(handled).toEqual(['command:recent']);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(before + 1);
  });

  it('raw() signs exactly the bytes it sends, so a hand-built body is accepted and a wrong content type is not acked', async () => {
    const body = new URLSearchParams({ command: '/ping', text: 'raw', channel_id: CHANNEL, user_id: 'U0DEV0001', team_id: fake.teamId, response_url: fake.responseUrl('raw-1'), trigger_id: '1.2.x' }).toString();
    expect((await client.raw(body)).status).toBe(200);
    await fake.waitFor(() => fake.messages(CHANNEL).some((m) => m.text === 'pong raw'), { timeoutMs: 3000 });
    const wrongType = await client.raw(body, {}, { contentType: 'text/plain' });
    expect(wrongType.status).not.toBe(200);
    expect(signSlackRequest('s', 1, 'b')).toMatch(/^v0=[0-9a-f]{64}$/);
  });

  it("a press on the posted message reaches the action handler and its respond() lands as the presser's ephemeral", async () => {
    await client.command('/ping press-me');
    const msg = await fake.waitFor(() => fake.messages(CHANNEL).find((m) => m.text === 'pong press-me'), { timeoutMs: 3000 });
    const res = await client.press(msg, 'ping.again', { user: 'U0SRE0002' });
    expect(res.status).toBe(200);
    const eph = await fake.waitFor(() => fake.ephemerals('U0SRE0002').find((e) => e.text.includes('again from')), { timeoutMs: 3000 });
    expect(eph).toMatchObject({ source: 'response_url', channel: CHANNEL, text: 'again from <@U0SRE0002> (again-1)' });
    expect(handled).toContain('action:again-1');
    // replace_original: false left the message alone.
    expect(fake.message(CHANNEL, msg.ts)!.updates).toBe(0);
  });

  it('press() of a button the message does not show throws, naming the buttons it does show', async () => {
    await client.command('/ping no-such-button');
    const msg = await fake.waitFor(() => fake.messages(CHANNEL).find((m) => m.text === 'pong no-such-button'), { timeoutMs: 3000 });
    await expect(client.press(msg, 'run.approve')).rejects.toThrow(/no element with action_id "run\.approve".*ping\.again \("Again"\)/);
  });

  it('press() reads what the user sees now: a button removed by chat.update cannot be pressed unless asShown', async () => {
    await client.command('/ping stale-screen');
    const msg = await fake.waitFor(() => fake.messages(CHANNEL).find((m) => m.text === 'pong stale-screen'), { timeoutMs: 3000 });
    const web = new WebClient(BOT_TOKEN, { slackApiUrl: fake.url, logger: silent });
    await web.chat.update({ channel: CHANNEL, ts: msg.ts, text: 'done', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'done' } }] });
    await expect(client.press(msg, 'ping.again')).rejects.toThrow(/it shows: no buttons/);
    // A user whose screen had not refreshed can still press the old button: the bot must cope.
    expect((await client.press(msg, 'ping.again', { asShown: true, user: 'U0LATE001' })).status).toBe(200);
    await fake.waitFor(() => fake.ephemerals('U0LATE001').length === 1, { timeoutMs: 3000 });
  });

  it('a button on an ephemeral reply can be pressed too (container is_ephemeral)', async () => {
    const url = fake.responseUrl('eph-1', { user: 'U0EPH0001', channel: CHANNEL });
    const blocks = [{ type: 'actions', elements: [{ type: 'button', action_id: 'ping.again', text: { type: 'plain_text', text: 'Again' }, value: 'from-ephemeral' }] }];
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'choose', blocks }) })).status).toBe(200);
    const eph = fake.ephemerals('U0EPH0001').find((e) => e.text === 'choose')!;
    await client.press(eph, 'ping.again', { user: 'U0EPH0001' });
    await fake.waitFor(() => fake.ephemerals('U0EPH0001').some((e) => e.text.includes('(from-ephemeral)')), { timeoutMs: 3000 });
  });

  it('a modal opens from a command trigger, a wrong value gets the errors back, a right one closes it', async () => {
    const res = await client.command('/ask', { user: 'U0SRE0001' });
    expect(res.body).toMatchObject({ text: 'opening a form' });
    expect(fake.ephemerals('U0SRE0001').some((e) => e.source === 'ack' && e.text === 'opening a form')).toBe(true);
    const entry = await fake.waitFor(() => fake.views().find((v) => v.view.callback_id === 'ask.form'), { timeoutMs: 3000 });
    expect(entry.user).toBe('U0SRE0001');
    await expect(client.submitView(entry.view, { confirm: { nope: 'x' } })).rejects.toThrow(/no input confirm\.nope; inputs: confirm\.env, size\.pick/);
    await expect(client.submitView(entry.view, { size: { pick: 'xl' } })).rejects.toThrow(/no option with value "xl"/);
    const wrong = await client.submitView(entry.view, { confirm: { env: 'prod' }, size: { pick: 'm' } }, { user: 'U0SRE0001' });
    expect(wrong.body).toEqual({ response_action: 'errors', errors: { confirm: 'Type dev exactly.' } });
    expect(fake.view(entry.view.id)).toMatchObject({ closed: false, errors: { confirm: 'Type dev exactly.' } });
    const right = await client.submitView(entry.view, { confirm: { env: 'dev' }, size: { pick: 's' } }, { user: 'U0SRE0001' });
    expect(right.status).toBe(200);
    expect(fake.view(entry.view.id)!.closed).toBe(true);
    expect(handled).toEqual(['view:prod:m', 'view:dev:s']);
  });

  it('a configured rate limit answers 429 with Retry-After, and the WebClient waits and retries', async () => {
    // A one-second window keeps the 429 → Retry-After: 1 → retry round trip near a second.
    const limited = await startFakeSlack({ botToken: BOT_TOKEN, rateLimit: { method: 'chat.postMessage', perMinute: 1, windowMs: 1000 } });
    const other = await startBoltApp(limited);
    try {
      await other.client.command('/ping first');
      await limited.waitFor(() => limited.messages(CHANNEL).some((m) => m.text === 'pong first'), { timeoutMs: 3000 });
      await other.client.command('/ping second');
      await limited.waitFor(() => limited.messages(CHANNEL).some((m) => m.text === 'pong second'), { timeoutMs: 5000 });
      const posts = limited.callsTo('chat.postMessage');
      expect(posts.map((c) => [c.outcome, c.status])).toEqual([
        ['ok', 200],
        ['ratelimited', 429],
        ['ok', 200],
      ]);
      expect(posts[2]!.at - posts[1]!.at).toBeGreaterThanOrEqual(900);
    } finally {
      await other.app.stop();
      await limited.close();
    }
  });
});

describe('the same client against ExpressReceiver (what the bot runs)', () => {
  it('signs commands and presses it accepts, and its 401s what is forged', async () => {
    const fake = await startFakeSlack({ botToken: BOT_TOKEN });
    const bot = await startBoltApp(fake, 'express');
    try {
      expect((await bot.client.command('/ping express', { signature: 'bad' })).status).toBe(401);
      expect((await bot.client.command('/ping express', { timestampOffsetSeconds: -6 * 60 })).status).toBe(401);
      expect((await bot.client.command('/ping express')).status).toBe(200);
      const msg = await fake.waitFor(() => fake.messages(CHANNEL).find((m) => m.text === 'pong express'), { timeoutMs: 3000 });
      expect(fake.messages(CHANNEL)).toHaveLength(1);
      await bot.client.press(msg, 'ping.again', { user: 'U0SRE0001', value: 'custom' });
      await fake.waitFor(() => fake.ephemerals('U0SRE0001').some((e) => e.text === 'again from <@U0SRE0001> (custom)'), { timeoutMs: 3000 });
      expect(bot.handled).toEqual(['command:express', 'action:custom']);
    } finally {
      await bot.app.stop();
      await fake.close();
    }
  });
});

describe('fake Slack Web API, through the real WebClient', () => {
  let fake: FakeSlack;
  let web: WebClient;
  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN, userGroups: { S0LEADS01: ['U0LEAD001'] }, users: { U0LEAD001: { name: 'lead', tz: 'Europe/Paris' } } });
    web = new WebClient(BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: silent });
  });
  afterAll(async () => fake.close());

  it('refuses a wrong token with invalid_auth and a missing one with not_authed', async () => {
    const wrong = new WebClient(['xoxb', 'not', 'the', 'right', 'one'].join('-'), { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    await expect(wrong.chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'invalid_auth' } });
    const none = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    await expect(none.auth.test()).rejects.toMatchObject({ data: { error: 'not_authed' } });
    expect(fake.messages(CHANNEL)).toEqual([]);
    await expect(web.apiCall('chat.frobnicate')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
  });

  it('keeps ts strictly increasing, threads replies, versions updates and refuses unknown ts', async () => {
    const a = await web.chat.postMessage({ channel: CHANNEL, text: 'status: running' });
    const b = await web.chat.postMessage({ channel: CHANNEL, text: 'other' });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    const r = await web.chat.postMessage({ channel: CHANNEL, thread_ts: a.ts!, text: 'step 1 done' });
    expect(r.message?.thread_ts).toBe(a.ts);
    await web.chat.update({ channel: CHANNEL, ts: a.ts!, text: 'status: done', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '✅ done' } }] });
    // Text only: Slack keeps the blocks.
    await web.chat.update({ channel: CHANNEL, ts: a.ts!, text: 'status: done!' });
    const m = fake.message(CHANNEL, a.ts!)!;
    expect(m).toMatchObject({ text: 'status: done!', updates: 2, reply_count: 1, thread_ts: a.ts });
    expect(textOf(m.blocks)).toBe('✅ done');
    expect(m.history.map((h) => h.text)).toEqual(['status: running', 'status: done', 'status: done!']);
    expect(fake.messages(CHANNEL).map((x) => x.text)).toEqual(['status: done!', 'other']);
    expect(fake.thread(CHANNEL, a.ts!).map((x) => x.text)).toEqual(['step 1 done']);
    await expect(web.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
    const link = await web.chat.getPermalink({ channel: CHANNEL, message_ts: a.ts! });
    expect(link.permalink).toBe(`${fake.origin}/archives/${CHANNEL}/p${a.ts!.replace('.', '')}`);
  });

  it('refuses what Slack refuses: no text, too many blocks, a header over 150 characters', async () => {
    await expect(web.chat.postMessage({ channel: CHANNEL, text: '' })).rejects.toMatchObject({ data: { error: 'no_text' } });
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    await expect(web.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: many })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(web.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] })).rejects.toMatchObject({
      data: { error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]'] } },
    });
  });

  it('answers the reads: user groups, users, conversations, ephemerals and views', async () => {
    expect((await web.usergroups.users.list({ usergroup: 'S0LEADS01' })).users).toEqual(['U0LEAD001']);
    await expect(web.usergroups.users.list({ usergroup: 'S0NOPE001' })).rejects.toMatchObject({ data: { error: 'no_such_subteam' } });
    expect((await web.users.info({ user: 'U0LEAD001' })).user).toMatchObject({ id: 'U0LEAD001', name: 'lead', tz: 'Europe/Paris' });
    expect((await web.users.info({ user: 'U0OTHER01' })).user).toMatchObject({ tz: 'Asia/Tokyo', tz_offset: 32400 });
    expect((await web.conversations.info({ channel: CHANNEL })).channel).toMatchObject({ id: CHANNEL, is_member: true });
    const eph = await web.chat.postEphemeral({ channel: CHANNEL, user: 'U0LEAD001', text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.ephemerals('U0LEAD001').map((e) => e.text)).toEqual(['only you']);
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    await expect(web.views.open({ view } as unknown as Parameters<WebClient['views']['open']>[0])).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    const opened = await web.views.open({ trigger_id: '1.1.abc', view });
    await expect(web.views.open({ trigger_id: '1.1.abc', view })).rejects.toMatchObject({ data: { error: 'expired_trigger_id' } });
    await web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: { ...view, title: { type: 'plain_text', text: 'T2' } } });
    await expect(web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view })).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
    await web.views.publish({ user_id: 'U0LEAD001', view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'home' } }] } });
    await web.views.publish({ user_id: 'U0LEAD001', view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'home 2' } }] } });
    const home = fake.views().filter((v) => v.method === 'views.publish');
    expect(home).toHaveLength(1);
    expect(textOf(home[0]!.view.blocks)).toBe('home 2');
    expect(fake.view(opened.view!.id!)!.updates).toBe(1);
  });

  it('response_url: ephemeral, in_channel and replace_original land where Slack puts them; unknown urls 404', async () => {
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: 'with buttons' });
    const url = fake.responseUrl('r-1', { user: 'U0LEAD001', channel: CHANNEL, message: { channel: CHANNEL, ts: posted.ts! } });
    const post = (u: string, body: unknown) => fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(url, { text: 'just you' })).status).toBe(200);
    expect((await post(url, { response_type: 'in_channel', text: 'everyone' })).status).toBe(200);
    expect((await post(url, { replace_original: true, text: 'replaced' })).status).toBe(200);
    expect(fake.ephemerals('U0LEAD001').some((e) => e.source === 'response_url' && e.text === 'just you')).toBe(true);
    expect(fake.messages(CHANNEL).map((m) => m.text)).toEqual(expect.arrayContaining(['everyone', 'replaced']));
    expect(fake.message(CHANNEL, posted.ts!)!.history.at(-1)!.via).toBe('response_url');
    expect(fake.replies().map((r) => r.effect)).toEqual(['ephemeral', 'in_channel', 'replaced']);
    expect((await post(`${fake.origin}/response/nope`, { text: 'x' })).status).toBe(404);
    expect((await post(url, {})).status).toBe(400);
  });

  it('waitFor resolves with the value, follows events, and on timeout lists the latest calls', async () => {
    const seen: string[] = [];
    fake.events.on('message', (m: { text: string }) => seen.push(m.text));
    const waiting = fake.waitFor(() => fake.messages(CHANNEL).find((m) => m.text === 'later'));
    await web.chat.postMessage({ channel: CHANNEL, text: 'later' });
    expect((await waiting).text).toBe('later');
    expect(seen).toContain('later');
    fake.failNext('chat.update', 'ratelimited');
    await expect(web.chat.update({ channel: CHANNEL, ts: (await waiting).ts, text: 'x' })).rejects.toMatchObject({ data: { error: 'ratelimited' } });
    const err = await fake.waitFor(() => fake.messages(CHANNEL).some((m) => m.text === 'never'), { timeoutMs: 50 }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/timed out after 50 ms[\s\S]*chat\.postMessage C0DEV0001 "later" → ok[\s\S]*chat\.update .* → ratelimited/);
  });
});
