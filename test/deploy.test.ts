// /deploy through CodeDeploy end to end: signed Slack requests in; the sandbox's deployments, listener and call
// record as the evidence. The bot and the sandbox share one fast clock (test/support/fast-bot.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeDeployGateway } from '../src/aws/codedeploy.js';
import { textOf, latestIn } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { until } from './support/wait.js';
import { envYaml, opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const PAY_LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-pay/4444444444444444/4444444444444401';
const SHOP_LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-shop/7777777777777777/7777777777777701';
const IMAGE = '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v2';

const config = opsConfig({ prod: prodEnv({ permissions: { operate: [], approve: ['U0LEAD001'], requireApproval: true }, ...envYaml(`
    services:
      payment: { desiredCount: 2 }
      checkout: { desiredCount: 1 }
    deploy:
      payment:
        strategy: codedeploy
        container: web
        port: 80
        application: AppEcs-prod-payment
        deploymentGroup: DgpEcs-prod-payment
        serviceRoleArn: arn:aws:iam::111111111111:role/ecsCodeDeployRole
        targetGroups: [payment-blue, payment-green]
        prodListenerArn: ${PAY_LISTENER}
        terminationWaitMinutes: 1
      checkout:
        strategy: codedeploy
        container: web
        port: 80
        application: AppEcs-prod-checkout
        deploymentGroup: DgpEcs-prod-checkout
        serviceRoleArn: arn:aws:iam::111111111111:role/ecsCodeDeployRole
        targetGroups: [checkout-blue, checkout-green]
        prodListenerArn: ${SHOP_LISTENER}
        waitForReroute: true
        rerouteWaitMinutes: 30
        terminationWaitMinutes: 30
`) }) });

describe('/deploy (CodeDeploy blue/green)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());

  const { waitLatest } = latestIn(() => h.slack, CH, 30_000);
  /** Where requireApproval, a deploy with no approval point of its own waits before its first change (Issue 17). */
  const approveStart = async () => h.client.press(await waitLatest('Waiting for a second person to approve'), 'run.approve', { user: 'U0LEAD001' });
  const green = (listener: string, name: string) => h.aws.world.elbv2.evaluate(listener, { path: '/', sourceIp: '198.51.100.7' }).targetGroups?.[h.aws.world.elbv2.targetGroupArnByName(name)!] ?? 0;

  it('refuses bad input with the form, and --dry-run shows the diff and the AppSpec without changing anything', async () => {
    const mark = h.aws.world.record.mark();
    for (const text of ['prod', 'prod nope x:1', 'prod payment', 'prod payment UPPER/Case::bad', 'prod payment taskdef=oops', 'prod payment a:b extra']) {
      expect(JSON.stringify((await h.client.command(`/deploy ${text}`, { user: 'U0DEV0001' })).body)).toContain('/deploy <env> <service>');
    }
    await h.client.command(`/deploy prod payment ${IMAGE} --dry-run`, { user: 'U0DEV0001' });
    const dry = await h.slack.waitFor(() => h.slack.ephemerals().find((e) => e.text.includes('Dry run: /deploy')), { timeoutMs: 10_000 });
    expect(dry.text).toContain(`image \`111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v1\` → \`${IMAGE}\``);
    expect(dry.text).toContain('"ContainerName": "web"');
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('an all-at-once deploy walks every hook to success with production on green', async () => {
    const mark = h.aws.world.record.mark();
    await h.client.command(`/deploy prod payment ${IMAGE}`, { user: 'U0DEV0001' });
    await approveStart();
    const done = await waitLatest('✅ Deploy · payment · prod');
    const text = textOf(done.blocks);
    expect(text).toContain('green 100 %');
    expect(text).toContain('AfterAllowTraffic');
    expect(green(PAY_LISTENER, 'payment-green')).toBe(100);
    const m = h.aws.world.record.mutations(mark);
    expect(m.filter((x) => x === 'ecs:RegisterTaskDefinition')).toHaveLength(1);
    expect(m.filter((x) => x === 'codedeploy:CreateDeployment')).toHaveLength(1);
    expect(h.slack.thread(CH, done.ts).some((r) => r.text.includes('New revision') && r.text.includes(IMAGE))).toBe(true);
  });

  it('waits for a second person to approve the reroute, then Rollback during the termination wait puts production back on blue', async () => {
    await h.client.command(`/deploy prod checkout ${IMAGE.replace('payment', 'checkout')}`, { user: 'U0DEV0001' });
    const waiting = await waitLatest('Approve to move production');
    expect(green(SHOP_LISTENER, 'checkout-green')).toBe(0);
    const mark = h.aws.world.record.mark();
    await h.client.press(waiting, 'run.approve', { user: 'U0DEV0001' });
    await h.slack.waitFor(() => h.slack.ephemerals('U0DEV0001').some((e) => e.text.includes('may not approve')), { timeoutMs: 10_000 });
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
    await h.client.press(waiting, 'run.approve', { user: 'U0LEAD001' });
    const term = await waitLatest('blue is kept for a fast rollback');
    expect(green(SHOP_LISTENER, 'checkout-green')).toBe(100);
    const before = h.aws.world.record.mark();
    await h.client.press(term, 'run.rollback', { user: 'U0DEV0001' });
    await waitLatest('↩️ Deploy · checkout · prod');
    expect(h.aws.world.record.mutations(before)).toEqual(['codedeploy:StopDeployment']);
    expect(green(SHOP_LISTENER, 'checkout-green')).toBe(0);
  });

  it('a failing lifecycle hook rolls back by itself, with its diagnostics in the thread', async () => {
    h.aws.world.codedeploy.failLifecycleEvent('DgpEcs-prod-payment', 'AfterAllowTraffic', 'smoke test: 5xx on /health');
    await h.client.command(`/deploy prod payment ${IMAGE.replace('v2', 'v3')}`, { user: 'U0DEV0001' });
    await approveStart();
    const done = await waitLatest('↩️ Deploy · payment · prod');
    expect(textOf(done.blocks)).toContain('rolled back by CodeDeploy');
    expect(h.slack.thread(CH, done.ts).some((r) => r.text.includes('AfterAllowTraffic') && r.text.includes('smoke test'))).toBe(true);
  });

  it('a deployment already in progress in CodeDeploy is refused, and a restart mid-deploy re-attaches', async () => {
    // Someone else's deployment holds the checkout group.
    const cd = new CodeDeployGateway(h.aws.clients.codedeploy, { envName: 'prod', region: 'ap-northeast-1' });
    const other = await cd.createDeployment({ app: 'AppEcs-prod-checkout', group: 'DgpEcs-prod-checkout', taskDefinitionArn: 'arn:aws:ecs:ap-northeast-1:111111111111:task-definition/checkout:1', container: 'web', port: 80 });
    await h.client.command(`/deploy prod checkout ${IMAGE.replace('payment', 'checkout')}`, { user: 'U0DEV0001' });
    const refused = await waitLatest('❌ Deploy · checkout · prod');
    expect(textOf(refused.blocks)).toContain(`a deployment ${other} is already in progress`);
    await cd.rollback(other);
    // This test's own starting point: no payment deployment of an earlier test still rolling back in CodeDeploy.
    await until(async () => ((await cd.inProgressDeployments('AppEcs-prod-payment', 'DgpEcs-prod-payment')).length === 0 ? true : undefined), {
      what: "earlier tests' payment deployments to end",
      pollMs: 100,
    });

    const mark = h.aws.world.record.mark();
    await h.client.command(`/deploy prod payment ${IMAGE.replace('v2', 'v4')}`, { user: 'U0DEV0001' });
    await approveStart();
    await h.slack.waitFor(() => h.aws.world.record.since(mark).some((c) => c.op === 'CreateDeployment' && !c.error), { timeoutMs: 10_000 });
    await h.restart();
    await waitLatest('✅ Deploy · payment · prod');
    expect(h.aws.world.record.mutations(mark).filter((x) => x === 'codedeploy:CreateDeployment')).toHaveLength(1);
  });
});
