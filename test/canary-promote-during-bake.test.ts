// Promote while a canary step bakes (Argo Rollouts' `promote` / `promote --full`): the buttons are on the message while
// it bakes, Promote ends the bake and moves to the next step (from a second approver in prod), Promote to 100 % skips
// the rest, and a press recorded while nobody drives the run is carried out once by the next bot.
import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { messagesIn, opsConfig, PROD, PROD_GROUPS, prodEnv } from './support/harness.js';

const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';
const BLUE_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/3333333333333301';
const GREEN_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-green/3333333333333302';
const BAKE_MS = 3600_000;

// An hour's bake per step: a canary that reaches the next step within the test did so because of a Promote.
const CONFIG = opsConfig({
  prod: prodEnv({ canary: { web: { alb: { listenerArn: LISTENER, blueTargetGroupArn: BLUE_TG, greenTargetGroupArn: GREEN_TG }, steps: [10, 50, 100], bakeSeconds: BAKE_MS / 1000 } } }),
});

const greenWeight = (t: TestBot) => {
  const r = t.aws.world.elbv2.evaluate(LISTENER, { path: '/', sourceIp: '198.51.100.7' }) as { targetGroups?: Record<string, number> };
  return r.targetGroups?.[GREEN_TG];
};

let t: TestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function startBaking(bot: TestBot) {
  const ch = messagesIn(bot.slack, PROD);
  await bot.client.command('/canary prod web start', { user: 'U0LEAD001' });
  const waiting = await ch.waitLatest('Waiting for a second person to approve');
  await bot.client.press(waiting, 'run.approve', { user: 'U0LEAD002' });
  const msg = await ch.waitLatest('Bake ends');
  return { ch, msg, bakeEnd: bot.clock.now() + BAKE_MS };
}

describe('Promote during a bake', () => {
  it('shows Promote and Promote to 100 % while it bakes; Promote from a second approver ends the bake and moves to the next step', async () => {
    t = await startBot({ config: CONFIG, userGroups: PROD_GROUPS });
    const { ch, msg, bakeEnd } = await startBaking(t);
    const shown = JSON.stringify(ch.latest().blocks);
    expect(shown).toContain('"run.promote"');
    expect(shown).toContain('"run.promote-full"');
    expect(greenWeight(t)).toBe(10);
    const mark = t.aws.world.record.mark();

    // The requester in prod, then an operator who is not an approver: each told privately, nothing moves.
    await t.client.press(msg, 'run.promote', { user: 'U0LEAD001' });
    await t.slack.waitFor(() => t!.slack.ephemerals('U0LEAD001').find((e) => e.text.includes('needs a second person')), { timeoutMs: 10_000 });
    await t.client.press(msg, 'run.promote', { user: 'U0SRE0002' });
    await t.slack.waitFor(() => t!.slack.ephemerals('U0SRE0002').find((e) => e.text.includes('only approvers may promote')), { timeoutMs: 10_000 });
    await t.settled();
    expect(t.aws.world.record.mutations(mark)).toEqual([]);

    await t.client.press(msg, 'run.promote', { user: 'U0LEAD002' });
    await ch.threadHas(msg, '▶️ Promoted by <@U0LEAD002> at step 1/3: the bake ends');
    await ch.waitLatest('Step 2/3');
    await ch.waitLatest('Bake ends');
    expect(t.clock.now()).toBeLessThan(bakeEnd);
    expect(greenWeight(t)).toBe(50);
    expect(t.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);

    // Promote to 100 % at step 2's bake: straight to the last step, then done.
    await t.client.press(ch.latest(), 'run.promote-full', { user: 'U0LEAD002' });
    await ch.waitLatest('✅ Canary · web · prod');
    expect(greenWeight(t)).toBe(100);
    expect(t.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener', 'elbv2:ModifyListener']);
    await ch.threadHas(msg, '⏩ Promoted to 100 % by <@U0LEAD002> at step 2/3');
  });

  it('/canary … promote --full while it bakes skips every remaining step', async () => {
    t = await startBot({ config: CONFIG, userGroups: PROD_GROUPS });
    const { ch, bakeEnd } = await startBaking(t);
    const res = await t.client.command('/canary prod web promote --full', { user: 'U0LEAD002' });
    expect(JSON.stringify(res.body)).toContain('promote --full* noted');
    await ch.waitLatest('✅ Canary · web · prod');
    expect(t.clock.now()).toBeLessThan(bakeEnd);
    expect(greenWeight(t)).toBe(100);
    expect(textOf(ch.latest().blocks)).toContain('Step 3/3 · green 100 %');
  });

  it('a refused /canary … promote says why in one line, without the usage text', async () => {
    t = await startBot({ config: CONFIG, userGroups: PROD_GROUPS });
    await startBaking(t);
    const own = await t.client.command('/canary prod web promote', { user: 'U0LEAD001' });
    const said = JSON.stringify(own.body);
    expect(said).toContain('needs a second person');
    expect(said).not.toContain('/canary <env> <target>');
    const wrong = await t.client.command('/canary prod web pause --full', { user: 'U0LEAD002' });
    expect(JSON.stringify(wrong.body)).toContain('`--full` goes with `promote` only');
  });

  it('a Promote recorded while no bot drives the run is carried out once by the next one', async () => {
    t = await startBot({ config: CONFIG, userGroups: PROD_GROUPS, db: 'file' });
    const { msg, bakeEnd } = await startBaking(t);
    const mark = t.aws.world.record.mark();
    // The driver lets go (as in a crash, nothing more happens on this bot), the press is still recorded.
    await t.bot.deps.engine.stop({ graceMs: 5000 });
    await t.client.press(msg, 'run.promote', { user: 'U0LEAD002' });
    await t.settled();
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    await t.restart();
    const ch = messagesIn(t.slack, PROD);
    await ch.threadHas(msg, '▶️ Promoted by <@U0LEAD002> at step 1/3');
    await t.slack.waitFor(() => (greenWeight(t!) === 50 && textOf(t!.slack.message(PROD, msg.ts)!.blocks).includes('Bake ends') ? true : undefined), { timeoutMs: 20_000 });
    expect(t.clock.now()).toBeLessThan(bakeEnd);
    // Once: step 2 bakes (its own bake is not skipped by the same press), one shift since the press.
    expect(textOf(t.slack.message(PROD, msg.ts)!.blocks)).toContain('Step 2/3');
    expect(t.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
  });
});
