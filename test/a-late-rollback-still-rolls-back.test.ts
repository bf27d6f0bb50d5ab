// A Rollback pressed on a rendering the run has since moved past (the approval was given a moment before, on another
// screen) still rolls back: a press toward safety is carried out in whatever state still offers it, once, however
// many times the old button is pressed. A press toward risk from an old rendering stays refused as out of date.
// Found by the playground's browser test under load: the Rollback a person saw beside Approve was refused with
// "that button is out of date: the run is now running" — at 3 a.m., the one button that must never say no.
import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/bot.js';
import { messagesIn, opsConfig, PROD, PROD_GROUPS, prodEnv } from './support/harness.js';

const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';
const BLUE_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/3333333333333301';
const GREEN_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-green/3333333333333302';

const CONFIG = opsConfig({
  prod: prodEnv({ canary: { web: { alb: { listenerArn: LISTENER, blueTargetGroupArn: BLUE_TG, greenTargetGroupArn: GREEN_TG }, steps: [10, 50, 100], bakeSeconds: 3600 } } }),
});

const greenWeight = (t: TestBot) => {
  const r = t.aws.world.elbv2.evaluate(LISTENER, { path: '/', sourceIp: '198.51.100.7' }) as { targetGroups?: Record<string, number> };
  return r.targetGroups?.[GREEN_TG] ?? 0;
};

let t: TestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('a Rollback pressed on an older rendering', () => {
  it('rolls back after the approval moved the run on, once for two presses; an old Approve is not taken again', async () => {
    t = await startBot({ config: CONFIG, userGroups: PROD_GROUPS });
    const ch = messagesIn(t.slack, PROD);
    await t.client.command('/canary prod web start', { user: 'U0LEAD001' });
    // The rendering an operator is looking at: waiting for approval, with Approve and Rollback.
    const waiting = await ch.waitLatest('Waiting for a second person to approve');
    expect(JSON.stringify(waiting.blocks)).toContain('"run.rollback"');
    await t.client.press(waiting, 'run.approve', { user: 'U0LEAD002' });
    await ch.waitLatest('Bake ends');
    expect(greenWeight(t)).toBe(10);

    // The operator's screen had not refreshed: the Rollback of the waiting rendering.
    const mark = t.aws.world.record.mark();
    await t.client.press(waiting, 'run.rollback', { user: 'U0SRE0001', asShown: true });
    await ch.waitLatest('↩️');
    expect(greenWeight(t)).toBe(0);
    expect(t.slack.ephemerals('U0SRE0001').map((e) => e.text).join('\n')).not.toContain('out of date');
    const rolledBack = t.aws.world.record.mutations(mark);
    expect(rolledBack).toEqual(['elbv2:ModifyListener']);

    // The same old button again: one intent, nothing more is sent to AWS.
    await t.client.press(waiting, 'run.rollback', { user: 'U0SRE0001', asShown: true });
    // An Approve of that old rendering moves nothing toward risk: the run is over.
    await t.client.press(waiting, 'run.approve', { user: 'U0LEAD002', asShown: true });
    await t.settled();
    expect(t.aws.world.record.mutations(mark)).toEqual(rolledBack);
    const runs = await t.bot.deps.store.listRuns({ env: 'prod', kind: 'canary', limit: 10 });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.state).toBe('rolled_back');
  });
});
