// /cutover end to end: checks first, one change batch to the new load balancer, and Switch back restoring the exact records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const NEW_LB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/fargate-web/5555555555555555';
const CONFIG = opsConfig({ prod: prodEnv({ cutover: { www: { hostedZoneId: 'Z0PUBLIC00001', recordName: 'www.example.com.', to: { loadBalancerArn: NEW_LB } } } }) });

describe('/cutover', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: CONFIG, userGroups: { S0SRE0001: ['U0SRE0001', 'U0LEAD001'], S0LEADS01: ['U0LEAD001'] }, world: { route53SyncSeconds: 0 } });
  });
  afterAll(async () => t.close());

  const latest = () => t.slack.messages(CH).at(-1)!;
  const waitLatest = (needle: string) =>
    t.slack.waitFor(() => (textOf(latest()?.blocks).includes(needle) ? latest() : undefined), { timeoutMs: 10_000, message: `latest message lacks "${needle}"` });
  const www = () => t.aws.world.route53.records('Z0PUBLIC00001').filter((r) => r.name === 'www.example.com.');
  const tg = () => t.aws.world.elbv2.targetGroupArnByName('fargate-web-tg')!;

  it('refuses bad input with the form, and --dry-run lists checks and calls without changing anything', async () => {
    const mark = t.aws.world.record.mark();
    for (const text of ['', 'prod', 'prod nope', 'prod www extra']) {
      const res = await t.client.command(`/cutover ${text}`, { user: 'U0SRE0001' });
      expect(JSON.stringify(res.body)).toContain('/cutover <env> <name>');
    }
    await t.client.command('/cutover prod www --dry-run', { user: 'U0SRE0001' });
    const dry = await t.slack.waitFor(() => t.slack.ephemerals().find((e) => e.text.includes('Dry run: /cutover prod www')), { timeoutMs: 5000 });
    expect(dry.text).toContain('✅ load balancer *fargate-web* is active');
    expect(dry.text).toContain('✅ target group *fargate-web-tg*: 2/2 healthy');
    expect(dry.text).toContain('route53:ChangeResourceRecordSets (one batch) UPSERT A www.example.com. alias → dualstack.fargate-web-5555555555555555.ap-northeast-1.elb.amazonaws.com.');
    expect(dry.text).toContain('UPSERT AAAA');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('refuses when the new load balancer has unhealthy targets, listing what failed, and changes nothing', async () => {
    const before = www();
    t.aws.world.elbv2.setTargetHealth(tg(), 'unhealthy');
    try {
      const mark = t.aws.world.record.mark();
      await t.client.command('/cutover prod www', { user: 'U0SRE0001' });
      await waitLatest('❌ DNS cutover · www · prod');
      const text = textOf(latest().blocks);
      expect(text).toContain('Checked (1/2 passed)');
      expect(text).toContain('✅ load balancer *fargate-web* is active');
      expect(text).toContain('❌ target group *fargate-web-tg*: 0/2 healthy');
      expect(text).toContain('cutover refused, nothing changed');
      expect(t.aws.world.record.mutations(mark)).toEqual([]);
      expect(www()).toEqual(before);
    } finally {
      t.aws.world.elbv2.setTargetHealth(tg(), 'healthy');
    }
  });

  it('switches A and AAAA to the new load balancer in one batch after approval, and Switch back restores them exactly', async () => {
    const before = www();
    expect(before.map((r) => r.type).sort()).toEqual(['A', 'AAAA']);
    const mark = t.aws.world.record.mark();
    await t.client.command('/cutover prod www', { user: 'U0SRE0001' });
    const msg = await waitLatest('Waiting for a second person to approve the cutover');
    expect(textOf(msg.blocks)).toContain('Checked (2/2 passed)');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    await t.client.press(msg, 'run.approve', { user: 'U0LEAD001' });
    await waitLatest('✅ DNS cutover · www · prod');
    expect(t.aws.world.record.mutations(mark)).toEqual(['route53:ChangeResourceRecordSets']);
    for (const r of www()) {
      expect(r.aliasTarget).toEqual({ hostedZoneId: 'Z14GRHDCWA56QT', dnsName: 'dualstack.fargate-web-5555555555555555.ap-northeast-1.elb.amazonaws.com.', evaluateTargetHealth: true });
    }
    const text = textOf(latest().blocks);
    expect(text).toMatch(/Route 53 INSYNC \d\d:\d\d JST · fully effective by \d\d:\d\d JST/);
    expect(text).toContain('[Switch back]');
    expect(text).toMatch(/until \d{4}-\d\d-\d\d \d\d:\d\d JST/);

    const backMark = t.aws.world.record.mark();
    const shown = latest();
    await t.client.press(shown, 'cutover.back', { user: 'U0SRE0001' });
    // Switch back is the way back to safety: it never waits for a second person (Issue 17).
    await waitLatest('✅ Switch back · www · prod');
    expect(t.aws.world.record.mutations(backMark)).toEqual(['route53:ChangeResourceRecordSets']);
    expect(www()).toEqual(before);

    // The button leaves the cutover's message; a press of the old rendering is refused: that cutover was already undone.
    const cut = await t.slack.waitFor(() => t.slack.messages(CH).find((m) => textOf(m.blocks).includes('✅ DNS cutover · www · prod') && textOf(m.blocks).includes('Switched back by run')), { timeoutMs: 5000 });
    expect(textOf(cut.blocks)).not.toContain('[Switch back]');
    await t.client.press(shown, 'cutover.back', { user: 'U0SRE0001', asShown: true });
    await t.slack.waitFor(() => t.slack.ephemerals('U0SRE0001').find((e) => e.text.includes('was already switched back')), { timeoutMs: 5000 });
    expect(t.aws.world.record.mutations(backMark)).toEqual(['route53:ChangeResourceRecordSets']);
  });
});
