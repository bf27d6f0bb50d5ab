// /maintenance end to end: signed Slack requests in, the sandbox's listener rules and call record as the evidence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';

const DEV_API = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/dev-web/1111111111111111/1111111111111101';
const PROD = (n: string) => `arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/22222222222222${n}`;

describe('/maintenance', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ userGroups: { S0SRE0001: ['U0SRE0001', 'U0SRE0002', 'U0LEAD001'], S0LEADS01: ['U0LEAD001', 'U0LEAD002'] } });
  });
  afterAll(async () => t.close());

  const rulesOf = (arn: string) =>
    JSON.stringify(
      (t.aws.world.elbv2.snapshot() as { listeners: { arn: string; rules: { priority: unknown; arn: string }[] }[] }).listeners
        .find((l) => l.arn === arn)
        ?.rules.map((r) => [r.arn, r.priority]),
    );
  const latest = (channel: string) => t.slack.messages(channel).at(-1)!;
  const waitText = (channel: string, needle: string) =>
    t.slack.waitFor(() => t.slack.messages(channel).some((m) => textOf(m.blocks).includes(needle)), { timeoutMs: 10_000 });

  it('refuses malformed arguments with the right form and touches no AWS API', async () => {
    const mark = t.aws.world.record.mark();
    for (const text of ['', 'begin dev', 'start', 'start staging', 'start dev extra', 'start dev --force']) {
      const res = await t.client.command(`/maintenance ${text}`, { user: 'U0DEV0001' });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain('/maintenance start <env>');
    }
    expect(t.aws.world.record.since(mark)).toEqual([]);
  });

  it('--dry-run lists the calls and changes nothing', async () => {
    const mark = t.aws.world.record.mark();
    await t.client.command('/maintenance start dev --dry-run', { user: 'U0DEV0001' });
    await t.slack.waitFor(() => t.slack.ephemerals().some((e) => e.text.includes('Dry run')), { timeoutMs: 5000 });
    const reply = t.slack.ephemerals().find((e) => e.text.includes('Dry run'))!.text;
    expect(reply).toContain('CreateRule priority 1 path /* → 503 application/json');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('start puts the listener into maintenance, the message ends ✅, and start again changes nothing', async () => {
    const before = rulesOf(DEV_API);
    const mark = t.aws.world.record.mark();
    const res = await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    expect(JSON.stringify(res.body)).toContain('accepted as run');
    await waitText('C0DEV0001', '✅ Maintenance on · dev');
    expect(textOf(latest('C0DEV0001').blocks)).toContain('api*: maintenance ON');
    // Priorities 1 and 2 were taken: two moves down (bottom-up), then the rule at the top.
    expect(t.aws.world.record.mutations(mark)).toEqual(['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule']);
    expect(t.aws.world.elbv2.evaluate(DEV_API, { path: '/api/users', sourceIp: '198.51.100.7' })).toMatchObject({ kind: 'fixed-response', status: 503 });
    expect(rulesOf(DEV_API)).not.toEqual(before);

    const again = t.aws.world.record.mark();
    await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    await waitText('C0DEV0001', 'Already in maintenance — nothing changed.');
    expect(t.aws.world.record.mutations(again)).toEqual([]);

    await t.client.command('/maintenance status dev', { user: 'U0DEV0001' });
    await t.slack.waitFor(() => t.slack.ephemerals().some((e) => e.text.includes('Maintenance · dev') && e.text.includes('maintenance ON')), { timeoutMs: 5000 });

    // End: every priority back exactly, the managed rule gone.
    const endMark = t.aws.world.record.mark();
    await t.client.command('/maintenance end dev', { user: 'U0DEV0001' });
    await waitText('C0DEV0001', '✅ Maintenance off · dev');
    expect(t.aws.world.record.mutations(endMark)).toEqual(['elbv2:DeleteRule', 'elbv2:SetRulePriorities', 'elbv2:SetRulePriorities']);
    expect(rulesOf(DEV_API)).toEqual(before);
    expect(t.aws.world.elbv2.evaluate(DEV_API, { path: '/api/users', sourceIp: '198.51.100.7' }).kind).toBe('forward');
  });

  it('prod asks for confirmation, then for a second person, and lets the allowlist through', async () => {
    const res = await t.client.command('/maintenance start prod', { user: 'U0SRE0001', triggerId: 'trig-1' });
    expect(res.status).toBe(200);
    const view = await t.slack.waitFor(() => t.slack.views().find((v) => v.view.callback_id === 'run.confirm'), { timeoutMs: 5000 });
    // A wrong confirmation is refused in the modal.
    const wrong = await t.client.submitView(view.view, { confirm: { env: 'dev' } }, { user: 'U0SRE0001' });
    expect(JSON.stringify(wrong.body)).toContain('Type prod exactly');
    const mark = t.aws.world.record.mark();
    await t.client.submitView(view.view, { confirm: { env: 'prod' } }, { user: 'U0SRE0001' });
    await waitText('C0PROD001', 'Waiting for a second person to approve');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);

    const msg = latest('C0PROD001');
    await t.client.press(msg, 'run.approve', { user: 'U0SRE0002' });
    await t.slack.waitFor(() => t.slack.ephemerals('U0SRE0002').some((e) => e.text.includes('you may not approve')), { timeoutMs: 5000 });
    expect(t.aws.world.record.mutations(mark)).toEqual([]);

    await t.client.press(latest('C0PROD001'), 'run.approve', { user: 'U0LEAD001' });
    await waitText('C0PROD001', '✅ Maintenance on · prod');
    const text = textOf(latest('C0PROD001').blocks);
    expect(text).toContain('frontend*: maintenance ON');
    expect(text).toContain('bff*: maintenance ON');
    expect(text).toContain('api*: maintenance ON');
    expect(t.aws.world.elbv2.evaluate(PROD('01'), { path: '/', sourceIp: '198.51.100.7' })).toMatchObject({ kind: 'redirect', status: 302 });
    expect(t.aws.world.elbv2.evaluate(PROD('01'), { path: '/', sourceIp: '203.0.113.9' }).kind).toBe('forward');
    expect(t.aws.world.elbv2.evaluate(PROD('02'), { path: '/x', sourceIp: '198.51.100.7' })).toMatchObject({ kind: 'fixed-response', status: 503 });
    expect(t.slack.thread('C0PROD001', latest('C0PROD001').ts).some((m) => m.text.includes('Approved by <@U0LEAD001>'))).toBe(true);

    // The way back is a button on the message, and the way back never waits for a second person (Issue 17).
    const endMark = t.aws.world.record.mark();
    await t.client.press(latest('C0PROD001'), 'maintenance.end', { user: 'U0LEAD001' });
    await waitText('C0PROD001', '✅ Maintenance off · prod');
    expect(t.aws.world.elbv2.evaluate(PROD('01'), { path: '/', sourceIp: '198.51.100.7' }).kind).toBe('forward');
    expect(t.aws.world.record.mutations(endMark).every((m) => m.startsWith('elbv2:'))).toBe(true);
  });

  it('a second start while one runs is told who holds the lock', async () => {
    const modals = () => t.slack.views().filter((v) => v.view.callback_id === 'run.confirm');
    const n = modals().length;
    const first = await t.client.command('/maintenance start prod', { user: 'U0SRE0001', triggerId: 'trig-2' });
    expect(first.status).toBe(200);
    const view = await t.slack.waitFor(() => (modals().length > n ? modals().at(-1) : undefined), { timeoutMs: 5000 });
    await t.client.submitView(view.view, { confirm: { env: 'prod' } }, { user: 'U0SRE0001' });
    await waitText('C0PROD001', 'Waiting for a second person to approve');
    // Busy is told before the confirmation dialog opens (issue 21): no dialog, the holder named at once.
    const refused = await t.client.command('/maintenance start prod', { user: 'U0SRE0002', triggerId: 'trig-3' });
    expect(JSON.stringify(refused.body)).toContain('is busy');
    await t.settled();
    expect(modals().length).toBe(n + 1);
    await t.client.press(latest('C0PROD001'), 'run.cancel', { user: 'U0SRE0001' });
    await waitText('C0PROD001', 'nothing changed');
  });

  it('no secret reached a log line', () => {
    const all = t.logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(t.secrets.botToken);
    expect(all).not.toContain(t.secrets.signingSecret);
  });
});

describe('/maintenance schedule', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(async () => t.close());

  it('stores a window in the configured zone, lists it and cancels it; bad times are refused with the form', async () => {
    const res = await t.client.command('/maintenance schedule dev 2030-12-01 02:00 2h', { user: 'U0DEV0001' });
    const text = JSON.stringify(res.body);
    expect(text).toContain('2030-12-01 02:00 JST → 2030-12-01 04:00 JST');
    const id = /`(w-[0-9a-z]+-[0-9a-z]+)`/.exec(text)?.[1];
    expect(id).toBeDefined();
    const list = JSON.stringify((await t.client.command('/maintenance schedules dev', { user: 'U0DEV0001' })).body);
    expect(list).toContain('2030-12-01 02:00 JST — maintenance start');
    expect(list).toContain('2030-12-01 04:00 JST — maintenance end');
    const cancel = JSON.stringify((await t.client.command(`/maintenance cancel ${id}`, { user: 'U0DEV0001' })).body);
    expect(cancel).toContain('Cancelled window');
    expect(JSON.stringify((await t.client.command('/maintenance schedules dev', { user: 'U0DEV0001' })).body)).not.toContain(id!);
    for (const bad of ['2030-13-01 02:00 2h', '2020-01-01 02:00 2h', '2030-12-01 02:00 forever', '2030-12-01 2h']) {
      const r = JSON.stringify((await t.client.command(`/maintenance schedule dev ${bad}`, { user: 'U0DEV0001' })).body);
      expect(r).toContain('⚠️');
    }
    expect(t.aws.world.record.mutations()).toEqual([]);
  });
});

describe('a listener that fails mid-way', () => {
  it('leaves the run failed where it stopped, with Retry and End maintenance that puts the done listeners back', async () => {
    const { parseConfig } = await import('../src/config/load.js');
    const config = parseConfig(`
timezone: Asia/Tokyo
environments:
  prod:
    region: ap-northeast-1
    channel: C0PROD001
    cluster: prod-cluster
    maintenance:
      listeners:
        - name: frontend
          listenerArn: ${PROD('01')}
          response: { fixed: { status: 503 } }
        - name: bff
          listenerArn: ${PROD('02')}
          ruleArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener-rule/app/prod-web/2222222222222222/2222222222222202/00000000000000ff
`);
    const t = await startBot({ config });
    try {
      // Someone deleted the prepared rule by hand: the bff listener cannot be put into maintenance.
      await t.bot.aws.gateways('prod').elbv2.deleteRule('arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener-rule/app/prod-web/2222222222222222/2222222222222202/00000000000000ff');
      await t.client.command('/maintenance start prod', { user: 'U0SRE0001' });
      await t.slack.waitFor(() => t.slack.messages('C0PROD001').some((m) => m.text.includes('Failed')), { timeoutMs: 10_000 });
      const msg = t.slack.messages('C0PROD001').at(-1)!;
      const text = textOf(msg.blocks);
      expect(text).toContain('frontend*: maintenance ON');
      expect(text).toContain('bff*: failed');
      expect(text).toContain('stopped at step `plan:bff`');
      expect(text).toContain('[Retry]');
      expect(text).toContain('[End maintenance]');
      expect(t.aws.world.elbv2.evaluate(PROD('01'), { path: '/', sourceIp: '198.51.100.7' })).toMatchObject({ kind: 'fixed-response', status: 503 });
      await t.client.press(msg, 'maintenance.end', { user: 'U0SRE0001' });
      await t.slack.waitFor(() => t.slack.messages('C0PROD001').some((m) => m.text.includes('Maintenance off · prod — Done')), { timeoutMs: 10_000 });
      expect(t.aws.world.elbv2.evaluate(PROD('01'), { path: '/', sourceIp: '198.51.100.7' }).kind).toBe('forward');
    } finally {
      await t.close();
    }
  });
});
