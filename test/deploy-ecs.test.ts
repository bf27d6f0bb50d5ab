// /deploy through ECS's own blue/green, linear and canary deployments, end to end: signed Slack requests in; the
// sandbox's service deployments, listener rules and call record as the evidence. Bot and sandbox share one fast clock.
import { UpdateServiceCommand, type UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcsGateway } from '../src/aws/ecs.js';
import { textOf, type SlackMessage, latestIn } from './support/fake-slack.js';
import { until as waitUntil } from './support/wait.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { envYaml, opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const ACCT = '111111111111';
const LB = `arn:aws:elasticloadbalancing:ap-northeast-1:${ACCT}`;
const rule = (n: string, listener = '01') => `${LB}:listener-rule/app/prod-shop/7777777777777777/77777777777777${listener}/00000000000000${n}`;
const tg = (name: string, n: string) => `${LB}:targetgroup/${name}/77777777777777${n}`;
const image = (service: string, tag: string) => `${ACCT}.dkr.ecr.ap-northeast-1.amazonaws.com/${service}:${tag}`;

/** One ECS-native target per service, each with its own target groups and rules, so tests do not meet. */
const target = (service: string, n: number, extra: string) => `
      ${service}:
        strategy: ecs
        container: web
        port: 8080
        targetGroupArn: ${tg(`${service}-blue`, `${n}1`)}
        alternateTargetGroupArn: ${tg(`${service}-green`, `${n}2`)}
        productionListenerRuleArn: ${rule(`${n}1`)}
        testListenerRuleArn: ${rule(`${n}2`, '02')}
        roleArn: arn:aws:iam::${ACCT}:role/ecsInfrastructureRoleForLoadBalancers
${extra
  .trim()
  .split('\n')
  .map((l) => `        ${l.trim()}`)
  .join('\n')}`;

/** Re-reads `check` (which asks the sandbox over the SDK) until it returns a value: the harness's waiter. */
const until = <T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, what = 'a condition'): Promise<T> =>
  waitUntil(check, { what, timeoutMs, pollMs: 100 });

const config = opsConfig({ prod: prodEnv({ permissions: { operate: [], approve: ['U0LEAD001', 'U0LEAD002'], requireApproval: true }, ...envYaml(`
    services:
      checkout: { desiredCount: 2 }
      cart: { desiredCount: 2 }
      search: { desiredCount: 1 }
      orders: { desiredCount: 1 }
    deploy:${target('checkout', 1, `
        type: BLUE_GREEN
        bakeMinutes: 1
        pauseAt: [POST_TEST_TRAFFIC_SHIFT]
        pauseTimeoutMinutes: 30`)}${target('cart', 2, `
        type: CANARY
        canaryPercent: 10
        canaryBakeMinutes: 10`)}${target('search', 3, `
        type: LINEAR
        linearStepPercent: 34
        linearBakeMinutes: 1`)}${target('orders', 4, `
        type: BLUE_GREEN
        bakeMinutes: 10
        alarms: [orders-5xx]
        pauseAt: [PRE_SCALE_UP]
        pauseTimeoutMinutes: 60`)}
`) }) });

describe('/deploy through ECS native deployments', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());

  const { waitLatest } = latestIn(() => h.slack, CH, 60_000);
  /** Production traffic on a target group, in percent, as the ALB would route it now. */
  const weight = (ruleArn: string, tgArn: string) => {
    const w = h.aws.world.elbv2.ruleWeights(ruleArn);
    const total = Object.values(w).reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : Math.round((100 * (w[tgArn] ?? 0)) / total);
  };
  const thread = (m: SlackMessage) => h.slack.thread(CH, m.ts).map((r) => r.text);
  /** Where requireApproval, a deploy with no pause before production traffic waits before its first change (Issue 17). */
  const approveStart = async () => h.client.press(await waitLatest('Waiting for a second person to approve'), 'run.approve', { user: 'U0LEAD001' });
  const calls = (mark: number, op: string) => h.aws.world.record.since(mark).filter((c) => c.op === op && !c.error);

  it('--dry-run shows the exact UpdateService request and changes nothing; bad input gets the form', async () => {
    const mark = h.aws.world.record.mark();
    expect(JSON.stringify((await h.client.command('/deploy prod checkout', { user: 'U0DEV0001' })).body)).toContain('/deploy <env> <service>');
    expect(JSON.stringify((await h.client.command(`/deploy prod checkout ${image('checkout', 'v2')} --config CodeDeployDefault.ECSAllAtOnce`, { user: 'U0DEV0001' })).body)).toContain(
      'deploys through ECS (BLUE_GREEN)',
    );
    await h.client.command(`/deploy prod checkout ${image('checkout', 'v2')} --dry-run`, { user: 'U0DEV0001' });
    const dry = await h.slack.waitFor(() => h.slack.ephemerals().find((e) => e.text.includes('Dry run: /deploy prod checkout')), { timeoutMs: 10_000 });
    const json = JSON.parse(/```\n([\s\S]*)\n```/.exec(dry.text)![1]!) as UpdateServiceCommandInput;
    expect(json.taskDefinition).toBe(`arn:aws:ecs:ap-northeast-1:${ACCT}:task-definition/checkout:2`);
    expect(json.deploymentConfiguration).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 30, action: 'ROLLBACK' } }],
    });
    expect(json.loadBalancers?.[0]?.advancedConfiguration).toEqual({
      alternateTargetGroupArn: tg('checkout-green', '12'),
      productionListenerRule: rule('11'),
      testListenerRule: rule('12', '02'),
      roleArn: `arn:aws:iam::${ACCT}:role/ecsInfrastructureRoleForLoadBalancers`,
    });
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('BLUE_GREEN pauses after test traffic; the requester cannot approve, a second person can; every stage is in the thread', async () => {
    await h.client.command(`/deploy prod checkout ${image('checkout', 'v2')}`, { user: 'U0LEAD001' });
    const paused = await waitLatest('Green passed test traffic');
    const text = textOf(paused.blocks);
    expect(text).toContain('POST_TEST_TRAFFIC_SHIFT');
    expect(text).toContain('ECS rolls the deployment back and production stays on blue (timeout action ROLLBACK)');
    expect(weight(rule('11'), tg('checkout-green', '12'))).toBe(0);
    expect(weight(rule('12', '02'), tg('checkout-green', '12'))).toBe(100);

    const mark = h.aws.world.record.mark();
    // The requester is an approver, but not of their own deploy; someone who may not approve is refused too.
    await h.client.press(paused, 'run.approve', { user: 'U0LEAD001' });
    await h.slack.waitFor(() => h.slack.ephemerals('U0LEAD001').some((e) => e.text.includes('needs a second person')), { timeoutMs: 10_000 });
    await h.client.press(paused, 'run.approve', { user: 'U0DEV0001' });
    await h.slack.waitFor(() => h.slack.ephemerals('U0DEV0001').some((e) => e.text.includes('may not approve')), { timeoutMs: 10_000 });
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
    await h.client.press(paused, 'run.approve', { user: 'U0LEAD002' });
    await h.client.press(paused, 'run.approve', { user: 'U0LEAD002' }); // a repeated press is one effect

    const done = await waitLatest('✅ Deploy · checkout · prod');
    expect(textOf(done.blocks)).toContain('green 100 %');
    expect(weight(rule('11'), tg('checkout-green', '12'))).toBe(100);
    const continues = calls(mark, 'ContinueServiceDeployment');
    expect(continues).toHaveLength(1);
    expect(continues[0]!.input).toMatchObject({ action: 'CONTINUE' });
    const lines = thread(done);
    for (const stage of ['SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP']) {
      expect(lines.some((l) => l.includes(`\`${stage}\``)), `thread line for ${stage}`).toBe(true);
    }
    expect(lines.some((l) => l.includes('Approved by <@U0LEAD002>'))).toBe(true);
  });

  it('CANARY: Rollback during the canary bake stops the deployment and puts all traffic back on blue', async () => {
    await h.client.command(`/deploy prod cart ${image('cart', 'v2')}`, { user: 'U0DEV0001' });
    await approveStart();
    const baking = await waitLatest('green 10 %');
    expect(textOf(baking.blocks)).toContain('Bake ends about');
    expect(weight(rule('21'), tg('cart-green', '22'))).toBe(10);
    const mark = h.aws.world.record.mark();
    await h.client.press(baking, 'run.rollback', { user: 'U0DEV0001' });
    const done = await waitLatest('↩️ Deploy · cart · prod');
    expect(textOf(done.blocks)).toContain('rolled back by <@U0DEV0001>');
    expect(h.aws.world.record.mutations(mark)).toEqual(['ecs:StopServiceDeployment']);
    const stop = calls(mark, 'StopServiceDeployment')[0]!;
    expect(stop.input).toMatchObject({ stopType: 'ROLLBACK' });
    expect(weight(rule('21'), tg('cart-green', '22'))).toBe(0);
  });

  it('LINEAR walks every step to success, each one visible in the thread', async () => {
    await h.client.command(`/deploy prod search ${image('search', 'v2')}`, { user: 'U0DEV0001' });
    await approveStart();
    const done = await waitLatest('✅ Deploy · search · prod', 90_000);
    const lines = thread(done);
    for (const step of [34, 68, 100]) expect(lines.some((l) => l.includes(`production now ${step} % on green`)), `step ${step}`).toBe(true);
    expect(lines.some((l) => l.includes('production now 34 % on green — next step after'))).toBe(true);
    expect(lines.some((l) => l.includes('POST_PRODUCTION_TRAFFIC_SHIFT'))).toBe(true);
    expect(weight(rule('31'), tg('search-green', '32'))).toBe(100);
  });

  it('an alarm in ALARM during the bake rolls the deploy back by itself, announced on the same message', async () => {
    await h.client.command(`/deploy prod orders ${image('orders', 'v2')}`, { user: 'U0DEV0001' });
    const paused = await waitLatest("Approve to start green's tasks");
    await h.client.press(paused, 'run.approve', { user: 'U0LEAD001' });
    const baking = await waitLatest('Bake ends about');
    expect(textOf(baking.blocks)).toContain('Alarms watched: orders-5xx');
    h.aws.world.setAlarm('orders-5xx', 'ALARM');
    const done = await waitLatest('↩️ Deploy · orders · prod');
    expect(done.ts).toBe(paused.ts);
    expect(textOf(done.blocks)).toContain('rolled back by ECS: alarm orders-5xx in ALARM');
    expect(weight(rule('41'), tg('orders-green', '42'))).toBe(0);
    h.aws.world.setAlarm('orders-5xx', 'OK');
  });

  it("refuses while someone else's deployment runs, and a restart mid-deploy re-attaches by ARN; Rollback at a pause answers it", async () => {
    // What production serves now, whatever earlier tests did: a rolled-back deploy must leave it so.
    const serving = h.aws.world.elbv2.ruleWeights(rule('11'));
    // Someone deploys checkout from the console: the bot shows it with a link and refuses a second one.
    const current = await h.aws.clients.ecs.send(new UpdateServiceCommand({ cluster: 'prod-cluster', service: 'checkout', forceNewDeployment: true }));
    expect(current.service?.deploymentConfiguration?.strategy).toBe('BLUE_GREEN');
    await h.client.command(`/deploy prod checkout ${image('checkout', 'v3')}`, { user: 'U0DEV0001' });
    const refused = await waitLatest('❌ Deploy · checkout · prod');
    expect(textOf(refused.blocks)).toMatch(/already in progress on checkout/);
    expect(textOf(refused.blocks)).toContain('console.aws.amazon.com/ecs/v2/clusters/prod-cluster/services/checkout/deployments');
    const gw = new EcsGateway(h.aws.clients.ecs, { envName: 'prod', region: 'ap-northeast-1', cluster: 'prod-cluster' });
    const [theirs] = await gw.activeDeployments('checkout');
    expect(theirs).toBeDefined();

    // Theirs pauses after test traffic like ours would; someone answers it from the console, and it ends.
    const mark = h.aws.world.record.mark();
    const hook = await until(async () => (await gw.serviceDeployment(theirs!.arn)).hooks.find((x) => x.status === 'AWAITING_ACTION'));
    await gw.continueDeployment(theirs!.arn, hook.id, 'ROLLBACK');
    await until(async () => ((await gw.serviceDeployment(theirs!.arn)).status === 'ROLLBACK_SUCCESSFUL' ? true : undefined));

    await h.client.command(`/deploy prod checkout ${image('checkout', 'v3')}`, { user: 'U0DEV0001' });
    await h.slack.waitFor(() => (calls(mark, 'UpdateService').length > 0 ? true : undefined), { timeoutMs: 10_000 });
    await h.restart();
    const paused = await waitLatest('Green passed test traffic');
    const before = h.aws.world.record.mark();
    await h.client.press(paused, 'run.rollback', { user: 'U0DEV0001' });
    const done = await waitLatest('↩️ Deploy · checkout · prod');
    expect(done.ts).toBe(paused.ts);
    expect(h.aws.world.record.mutations(before)).toEqual(['ecs:ContinueServiceDeployment']);
    expect(calls(before, 'ContinueServiceDeployment')[0]!.input).toMatchObject({ action: 'ROLLBACK' });
    expect(calls(mark, 'UpdateService')).toHaveLength(1);
    expect(h.aws.world.elbv2.ruleWeights(rule('11'))).toEqual(serving);
  });
});
