// A DNS cutover guarded by CloudWatch alarms: checked before the switch, watched after it; an alarm switches back by
// itself to exactly the records from before. Bot and sandbox share one fast clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCH_EVERY_MS } from '../src/ops/gates.js';
import { textOf, latestIn } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { OPEN, opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const NEW_LB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/fargate-web/5555555555555555';
const config = opsConfig({
  prod: prodEnv({
    permissions: OPEN,
    cutover: {
      www: { hostedZoneId: 'Z0PUBLIC00001', recordName: 'www.example.com.', to: { loadBalancerArn: NEW_LB }, alarms: ['www-5xx'], watchMinutes: 5 },
      shop: { hostedZoneId: 'Z0PUBLIC00001', recordName: 'shop.example.com.', to: { loadBalancerArn: NEW_LB }, alarms: ['shop-5xx-never-made'] },
    },
  }),
});

describe('cutover gated by CloudWatch alarms', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());
  const { waitLatest } = latestIn(() => h.slack, CH, 30_000);
  const records = (name: string) => JSON.stringify(h.aws.world.route53.records('Z0PUBLIC00001').filter((r) => r.name === name));

  it('an alarm going into ALARM after the switch switches back by itself, exactly, within one poll', async () => {
    const before = records('www.example.com.');
    await h.client.command('/cutover prod www', { user: 'U0SRE0001' });
    const watching = await waitLatest('Watching alarms www-5xx');
    expect(textOf(watching.blocks)).toContain('[Rollback]');
    expect(records('www.example.com.')).not.toEqual(before);
    const mark = h.aws.world.record.mark();
    h.aws.world.setAlarm('www-5xx', 'ALARM', 'Threshold Crossed: 5XX on the new load balancer');
    const firedAt = h.aws.world.clock.now();
    const done = await waitLatest('↩️ DNS cutover · www · prod');
    expect(textOf(done.blocks)).toContain('Switched back by itself: alarm `www-5xx` in ALARM since');
    expect(textOf(done.blocks)).toContain('Threshold Crossed: 5XX on the new load balancer');
    expect(h.aws.world.record.mutations(mark)).toEqual(['route53:ChangeResourceRecordSets']);
    expect(h.aws.world.record.since(mark).find((c) => c.mutating)!.at - firedAt).toBeLessThanOrEqual(WATCH_EVERY_MS + 3000);
    expect(records('www.example.com.')).toEqual(before);
  });

  it('an alarm that does not exist refuses the cutover before anything changes', async () => {
    h.aws.world.deleteAlarm('shop-5xx-never-made');
    const mark = h.aws.world.record.mark();
    await h.client.command('/cutover prod shop', { user: 'U0SRE0001' });
    const done = await waitLatest('❌ DNS cutover · shop · prod');
    expect(textOf(done.blocks)).toContain('Refused: alarm `shop-5xx-never-made` does not exist in CloudWatch');
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
  });
});
