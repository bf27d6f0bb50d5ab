// The bot's Slack edge through its real Bolt receiver: signed requests answered, forged or replayed ones refused with no side effect.
import { stringify } from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { signSlackRequest } from './support/slack-client.js';
import { startBot, type TestBot } from './support/bot.js';

describe('Slack edge', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(async () => t.close());

  const noSideEffects = async <T extends { status: number }>(send: () => Promise<T>): Promise<T> => {
    const calls = t.slack.calls.length;
    const aws = t.aws.world.record.mark();
    const audit = (await t.bot.deps.store.listAudit({ limit: 1000 })).length;
    const res = await send();
    // Barrier: every handler the request started has finished; only then is "nothing changed" a fact.
    await t.settled();
    expect(t.slack.calls.length).toBe(calls);
    expect(t.aws.world.record.since(aws)).toEqual([]);
    expect((await t.bot.deps.store.listAudit({ limit: 1000 })).length).toBe(audit);
    return res;
  };

  it('answers GET /healthz', async () => {
    const res = await fetch(new URL('/healthz', t.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, draining: false, store: 'ok' });
  });

  it('answers a signed /ops help with every command and its forms', async () => {
    const res = await t.client.command('/ops help');
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const c of ['/ops status <env>', '/maintenance start <env>', '/canary <env> <target>', '/startup <env>', '/shutdown <env>', '/deploy <env> <service> <image>', '/cutover <env> <name>']) expect(text).toContain(c);
  });

  it('every command answers help, and an unknown subcommand gets the right form and reaches no AWS code', async () => {
    for (const cmd of ['/ops', '/maintenance', '/canary', '/startup', '/shutdown', '/deploy', '/cutover']) {
      const res = await noSideEffects(() => t.client.command(`${cmd} help`));
      expect(JSON.stringify(res.body)).toContain(cmd);
    }
    const res = await noSideEffects(() => t.client.command('/ops frobnicate'));
    expect(JSON.stringify(res.body)).toContain('unknown subcommand `frobnicate`');
  });

  it('refuses a bad signature, a missing one and a stale timestamp with 401 and no side effect', async () => {
    expect((await noSideEffects(() => t.client.command('/maintenance start dev', { signature: 'bad' }))).status).toBe(401);
    expect((await noSideEffects(() => t.client.command('/maintenance start dev', { signature: 'missing' }))).status).toBe(401);
    expect((await noSideEffects(() => t.client.command('/maintenance start dev', { timestampOffsetSeconds: -6 * 60 }))).status).toBe(401);
  });

  it('refuses a timestamp from the future and a replayed request, which Bolt alone would accept', async () => {
    expect((await noSideEffects(() => t.client.command('/ops help', { timestampOffsetSeconds: 10 * 60 }))).status).toBe(401);
    const body = stringify({ command: '/ops', text: 'runs', user_id: 'U0DEV0001', channel_id: 'C0DEV0001', team_id: 'T0FAKE0001', response_url: t.slack.responseUrl('replay'), trigger_id: 't' });
    const ts = Math.floor(Date.now() / 1000);
    const send = () =>
      fetch(new URL('/slack/events', t.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(t.secrets.signingSecret, ts, body) },
        body,
      });
    expect((await send()).status).toBe(200);
    expect((await noSideEffects(send)).status).toBe(401);
  });

  it('/ops status reads services, maintenance and canary weights live from AWS in one DescribeServices call', async () => {
    const mark = t.aws.world.record.mark();
    await t.client.command('/ops status prod', { user: 'U0DEV0001' });
    const reply = await t.slack.waitFor(() => t.slack.ephemerals('U0DEV0001').find((e) => e.text.includes('prod — live status')), { timeoutMs: 5000 });
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain('`web` 2/2');
    expect(text).toContain('`api` 3/3');
    expect(text).toContain('frontend*: serving normally');
    expect(text).toContain('web*: blue 100% · green 0%');
    expect(text).toContain('api-internal*: blue 100% · green 0%');
    expect(t.aws.world.record.since(mark).filter((c) => c.op === 'DescribeServices')).toHaveLength(1);
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('/ops runs and /ops audit list what happened', async () => {
    await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    await t.slack.waitFor(() => t.slack.messages('C0DEV0001').some((m) => m.text.includes('Done')), { timeoutMs: 10_000 });
    const runs = await t.client.command('/ops runs dev');
    expect(JSON.stringify(runs.body)).toMatch(/✅ \*Done\* · maintenance start on \*dev\* .* · `r-[0-9a-z]+-[0-9a-z]+`/);
    const audit = await t.client.command('/ops audit dev');
    expect(JSON.stringify(audit.body)).toContain('<@U0DEV0001> asked for maintenance start on *dev*');
    expect(JSON.stringify(audit.body)).toContain('finished: it succeeded');
  });
});

describe('/ops status at 100 services', () => {
  it('reads them in 10 DescribeServices calls and fits one message', async () => {
    const services = Array.from({ length: 100 }, (_, i) => `      svc-${i}: { desiredCount: 2 }`).join('\n');
    const config = parseConfig(`
timezone: UTC
environments:
  big:
    region: ap-northeast-1
    channel: C0BIG0001
    cluster: big-cluster
    services:
${services}
`);
    const t = await startBot({ config });
    try {
      const mark = t.aws.world.record.mark();
      await t.client.command('/ops status big', { user: 'U0DEV0001' });
      const reply = await t.slack.waitFor(() => t.slack.ephemerals('U0DEV0001').find((e) => e.text.includes('big — live status')), { timeoutMs: 10_000 });
      expect(t.aws.world.record.since(mark).filter((c) => c.op === 'DescribeServices')).toHaveLength(10);
      expect(JSON.stringify(reply.blocks)).toContain('`svc-99` 2/2');
    } finally {
      await t.close();
    }
  });
});
