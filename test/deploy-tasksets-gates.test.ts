// A task-set deploy (seed 004) watched by its canary target's CloudWatch alarm: an alarm during a bake rolls the deploy
// back by itself, the alarm and its reason on the message. Bot and sandbox share one fast clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCH_EVERY_MS } from '../src/ops/gates.js';
import { textOf, latestIn, type SlackMessage } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { envYaml, OPEN, opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const ACCT = '111111111111';
const ZONE = 'Z0PRIVATE0001';
const registry = (colour: 'blue' | 'green') => `arn:aws:servicediscovery:ap-northeast-1:${ACCT}:service/srv-payments-${colour}`;

const config = opsConfig({ prod: prodEnv({ permissions: OPEN, ...envYaml(`
    services:
      payments: { desiredCount: 2 }
      refunds: { desiredCount: 2 }
    canary:
      payments:
        route53: { hostedZoneId: ${ZONE}, recordName: payments.internal.example., type: CNAME, blue: payments-blue, green: payments-green }
        steps: [10, 100]
        bakeSeconds: 120
        alarms: [payments-5xx]
      refunds:
        route53: { hostedZoneId: ${ZONE}, recordName: refunds.internal.example., type: CNAME, blue: refunds-blue, green: refunds-green }
        steps: [10, 100]
        alarms: [refunds-never-made]
    deploy:
      payments:
        strategy: tasksets
        container: app
        port: 8080
        canary: payments
        blueRegistryArn: ${registry('blue')}
        greenRegistryArn: ${registry('green')}
        terminationWaitMinutes: 1
      refunds:
        strategy: tasksets
        container: app
        port: 8080
        canary: refunds
        blueRegistryArn: arn:aws:servicediscovery:ap-northeast-1:${ACCT}:service/srv-refunds-blue
        greenRegistryArn: arn:aws:servicediscovery:ap-northeast-1:${ACCT}:service/srv-refunds-green
        terminationWaitMinutes: 1
`) }) });

describe('task-set deploy gated by CloudWatch alarms', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());
  const { waitLatest } = latestIn(() => h.slack, CH, 60_000);
  const thread = (m: SlackMessage) => h.slack.thread(CH, m.ts).map((r) => r.text);
  const weights = (name: string) =>
    Object.fromEntries(
      h.aws.world.route53
        .records(ZONE)
        .filter((r) => r.name === name)
        .map((r) => [r.setIdentifier?.endsWith('-blue') ? 'blue' : 'green', r.weight]),
    );

  it('an alarm in ALARM during the bake rolls back within one poll and names the alarm', async () => {
    await h.client.command(`/deploy prod payments ${ACCT}.dkr.ecr.ap-northeast-1.amazonaws.com/payments:v2`, { user: 'U0SRE0001' });
    await waitLatest('Bake ends about');
    expect(weights('payments.internal.example.')).toEqual({ blue: 90, green: 10 });
    const mark = h.aws.world.record.mark();
    h.aws.world.setAlarm('payments-5xx', 'ALARM', 'Threshold Crossed: 1 datapoint [57.0] was greater than the threshold (10.0).');
    const firedAt = h.aws.world.clock.now();
    const done = await waitLatest('↩️ Deploy · payments · prod');
    expect(textOf(done.blocks)).toContain('rolled back by itself: gate failed at step 1/2 (green 10 %): alarm `payments-5xx` in ALARM since');
    expect(textOf(done.blocks)).toContain('Threshold Crossed: 1 datapoint [57.0]');
    expect(h.aws.world.record.mutations(mark)).toEqual(['route53:ChangeResourceRecordSets', 'ecs:DeleteTaskSet']);
    expect(weights('payments.internal.example.')).toEqual({ blue: 100, green: 0 });
    const back = h.aws.world.record.since(mark).find((c) => c.op === 'ChangeResourceRecordSets' && !c.error)!;
    expect(back.at - firedAt).toBeLessThanOrEqual(WATCH_EVERY_MS + 3000);
    expect(thread(done).some((l) => l.includes('↩️ Rolled back by itself: gate failed'))).toBe(true);
  });

  it('an alarm that does not exist stops the deploy before any traffic moves', async () => {
    h.aws.world.deleteAlarm('refunds-never-made');
    const mark = h.aws.world.record.mark();
    await h.client.command(`/deploy prod refunds ${ACCT}.dkr.ecr.ap-northeast-1.amazonaws.com/refunds:v2`, { user: 'U0SRE0001' });
    const done = await waitLatest('↩️ Deploy · refunds · prod');
    expect(textOf(done.blocks)).toContain('alarm `refunds-never-made` does not exist in CloudWatch');
    // Green was started and is removed again; the records were never shifted toward it.
    const shifts = h.aws.world.record.since(mark).filter((c) => c.op === 'ChangeResourceRecordSets' && !c.error);
    expect(shifts.every((c) => /<SetIdentifier>refunds-green<\/SetIdentifier><Weight>0<\/Weight>/.test((c.input as { body: string }).body))).toBe(true);
    expect(weights('refunds.internal.example.')).toEqual({ blue: 100, green: 0 });
  });
});
