// ECS native blue/green, linear and canary deployments in the sandbox: the real ECS and ELBv2 SDK clients over HTTP,
// the sandbox clock advanced by hand, service deployments and listener-rule weights read back through the API.
import {
  ClientException,
  ConflictException,
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ServiceDeploymentNotFoundException,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type DeploymentLifecycleHook,
  type ServiceDeployment,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const CLUSTER = 'prod-cluster';
const SERVICE = 'checkout';
const ALARM = 'checkout-5xx';

/** The pause of ops.example.yml's checkout target: after test traffic, one hour, then rollback. */
const pauseAt = (stages: string[], timeoutInMinutes = 60, action: 'ROLLBACK' | 'CONTINUE' = 'ROLLBACK'): DeploymentLifecycleHook =>
  ({ targetType: 'PAUSE', lifecycleStages: stages, timeoutConfiguration: { timeoutInMinutes, action } }) as DeploymentLifecycleHook;

/** The error a call rejects with; a call that succeeds fails the test. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to be refused');
}

const BLUE_GREEN: DeploymentConfiguration = {
  strategy: 'BLUE_GREEN',
  bakeTimeInMinutes: 5,
  lifecycleHooks: [pauseAt(['POST_TEST_TRAFFIC_SHIFT'])],
  alarms: { alarmNames: [ALARM], enable: true, rollback: true },
};

describe('ECS service deployments on the sandbox', () => {
  let sb: TestSandbox;
  /** checkout's deploy target in ops.example.yml: the two target groups and the two listener rules. */
  let ck: { blueTg: string; greenTg: string; prodRule: string; testRule: string; roleArn: string };
  const ecs = () => sb.clients.ecs;
  const advance = (ms: number) => sb.world.clock.advance(ms);

  beforeEach(async () => {
    sb = await startSandbox();
    const d = sb.config.environments.prod!.deploy.checkout!;
    if (d.strategy !== 'ecs' || !d.testListenerRuleArn) throw new Error('ops.example.yml: checkout should be an ECS-native deploy target with a test rule');
    ck = { blueTg: d.targetGroupArn, greenTg: d.alternateTargetGroupArn, prodRule: d.productionListenerRuleArn, testRule: d.testListenerRuleArn, roleArn: d.roleArn };
  });
  afterEach(async () => {
    await sb.close();
  });

  async function revision(tag: string): Promise<string> {
    const out = await ecs().send(
      new RegisterTaskDefinitionCommand({
        family: SERVICE,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: `registry.example/checkout:${tag}`, essential: true, portMappings: [{ containerPort: 8080 }] }],
      }),
    );
    return out.taskDefinition!.taskDefinitionArn!;
  }

  /** UpdateService for checkout with a strategy and the load balancer's advancedConfiguration, as the bot sends it. */
  function update(taskDefinition: string | undefined, dc: DeploymentConfiguration | undefined = BLUE_GREEN, advanced: Record<string, string> = {}): UpdateServiceCommandInput {
    return {
      cluster: CLUSTER,
      service: SERVICE,
      ...(taskDefinition ? { taskDefinition } : {}),
      ...(dc ? { deploymentConfiguration: dc } : {}),
      loadBalancers: [
        {
          targetGroupArn: ck.blueTg,
          containerName: 'web',
          containerPort: 8080,
          advancedConfiguration: { alternateTargetGroupArn: ck.greenTg, productionListenerRule: ck.prodRule, testListenerRule: ck.testRule, roleArn: ck.roleArn, ...advanced },
        },
      ],
    };
  }

  /** Starts a deployment and returns its ARN, read back with ListServiceDeployments (newest first). */
  async function deploy(input: UpdateServiceCommandInput): Promise<string> {
    await ecs().send(new UpdateServiceCommand(input));
    const list = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE }));
    return list.serviceDeployments![0]!.serviceDeploymentArn!;
  }

  async function describeOne(arn: string): Promise<ServiceDeployment> {
    const out = await ecs().send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    return out.serviceDeployments![0]!;
  }

  /** A rule's forward weights per target group name, through ELBv2 DescribeRules. */
  async function weights(ruleArn: string): Promise<Record<string, number>> {
    const out = await sb.clients.elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
    const forward = out.Rules![0]!.Actions!.find((a) => a.Type === 'forward')!;
    return Object.fromEntries(forward.ForwardConfig!.TargetGroups!.map((t) => [t.TargetGroupArn!.split('/')[1]!, t.Weight!]));
  }
  /** Production traffic on a target group, in percent of the rule's total weight. */
  async function share(ruleArn: string, tg: string): Promise<number> {
    const w = await weights(ruleArn);
    const total = Object.values(w).reduce((a, b) => a + b, 0);
    return Math.round((100 * (w[tg.split('/')[1]!] ?? 0)) / total);
  }

  /** RUNNING tasks of checkout per task definition revision, through ListTasks and DescribeTasks. */
  async function runningByRevision(): Promise<Record<string, number>> {
    const arns = (await ecs().send(new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE }))).taskArns ?? [];
    if (arns.length === 0) return {};
    const tasks = (await ecs().send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? [];
    const out: Record<string, number> = {};
    for (const t of tasks) if (t.lastStatus === 'RUNNING') out[t.taskDefinitionArn!.split('/')[1]!] = (out[t.taskDefinitionArn!.split('/')[1]!] ?? 0) + 1;
    return out;
  }

  /**
   * Advances the clock `stepMs` at a time for `totalMs` like a poller would, noting each new
   * "status stage green%" reading, with the simulated seconds since the watch began.
   */
  async function watch(arn: string, green: string, totalMs: number, stepMs = 1000): Promise<{ t: number; line: string }[]> {
    const seen: { t: number; line: string }[] = [];
    for (let t = 0; ; t += stepMs) {
      const d = await describeOne(arn);
      const line = `${d.status} ${d.lifecycleStage} ${await share(ck.prodRule, green)}`;
      if (seen.at(-1)?.line !== line) seen.push({ t: t / 1000, line });
      if (t >= totalMs) return seen;
      await advance(stepMs);
    }
  }
  const lines = (w: { line: string }[]) => w.map((x) => x.line);

  it('BLUE_GREEN pauses after test traffic, continues on CONTINUE, moves production 100/0 → 0/100 and removes blue', async () => {
    // Prepare
    const v2 = await revision('v2');
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 1, 'checkout-green': 0 });
    // Act: up to the pause
    const arn = await deploy(update(v2));
    const toPause = await watch(arn, ck.greenTg, 40_000);
    const paused = await describeOne(arn);
    const svcDuring = (await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }))).services![0]!;
    const testDuring = await weights(ck.testRule);
    const prodDuring = await weights(ck.prodRule);
    const tasksDuring = await runningByRevision();
    const hook = paused.lifecycleHookDetails![0]!;
    const answer = await ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId!, action: 'CONTINUE' }));
    const toEnd = await watch(arn, ck.greenTg, 6 * 60_000);
    const done = await describeOne(arn);
    const svcAfter = (await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }))).services![0]!;
    // Assess: every stage seen in order, each lasting long enough for a 1 s poller
    expect(arn).toMatch(/^arn:aws:ecs:ap-northeast-1:111111111111:service-deployment\/prod-cluster\/checkout\/[A-Za-z0-9_-]{22}$/);
    expect(lines(toPause)).toEqual([
      'IN_PROGRESS PRE_SCALE_UP 0',
      'IN_PROGRESS SCALE_UP 0',
      'IN_PROGRESS POST_SCALE_UP 0',
      'IN_PROGRESS TEST_TRAFFIC_SHIFT 0',
      'IN_PROGRESS POST_TEST_TRAFFIC_SHIFT 0',
    ]);
    expect(toPause.map((x) => x.t)).toEqual([0, 5, 11, 16, 21]); // green's tasks run after 5 s (+250 ms stagger)
    expect(hook).toMatchObject({ targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' });
    expect(hook.hookId).toMatch(/^ecs-pause-[A-Za-z0-9_-]+$/);
    expect(hook.expiresAt!.getTime() - paused.updatedAt!.getTime()).toBe(60 * 60_000);
    expect(testDuring).toEqual({ 'checkout-blue': 0, 'checkout-green': 100 });
    expect(prodDuring).toEqual({ 'checkout-blue': 1, 'checkout-green': 0 });
    expect(paused.targetServiceRevision).toMatchObject({ requestedTaskCount: 2, runningTaskCount: 2, requestedProductionTrafficWeight: 0, requestedTestTrafficWeight: 100 });
    expect(paused.sourceServiceRevisions).toEqual([expect.objectContaining({ requestedTaskCount: 2, runningTaskCount: 2, requestedProductionTrafficWeight: 100, requestedTestTrafficWeight: 0 })]);
    expect(paused.alarms).toEqual({ status: 'MONITORING', alarmNames: [ALARM], triggeredAlarmNames: [] });
    // DescribeServices shows green PRIMARY in progress and blue ACTIVE, both with their tasks.
    expect(svcDuring.deployments!.map((d) => [d.status, d.taskDefinition, d.rolloutState, d.runningCount])).toEqual([
      ['PRIMARY', v2, 'IN_PROGRESS', 2],
      ['ACTIVE', expect.stringMatching(/checkout:1$/), 'COMPLETED', 2],
    ]);
    expect(tasksDuring).toEqual({ 'checkout:1': 2, 'checkout:2': 2 });
    expect(svcDuring.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }] });
    expect(svcDuring.loadBalancers![0]!.advancedConfiguration).toEqual({ alternateTargetGroupArn: ck.greenTg, productionListenerRule: ck.prodRule, testListenerRule: ck.testRule, roleArn: ck.roleArn });

    expect(answer.serviceDeploymentArn).toBe(arn);
    expect(lines(toEnd)).toEqual([
      'IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 0',
      'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 100',
      'IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT 100',
      'IN_PROGRESS BAKE_TIME 100',
      'IN_PROGRESS CLEAN_UP 100',
      'SUCCESSFUL CLEAN_UP 100',
    ]);
    const bake = toEnd.find((x) => x.line.includes('BAKE_TIME'))!.t;
    const clean = toEnd.find((x) => x.line.includes('CLEAN_UP'))!.t;
    expect(clean - bake).toBe(5 * 60);
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 0, 'checkout-green': 100 });
    expect(await runningByRevision()).toEqual({ 'checkout:2': 2 });
    expect(done).toMatchObject({ status: 'SUCCESSFUL', alarms: { status: 'MONITORING_COMPLETE', triggeredAlarmNames: [] } });
    expect(done.lifecycleHookDetails![0]!.status).toBe('SUCCEEDED');
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.rollback).toBeUndefined();
    expect(done.targetServiceRevision?.requestedProductionTrafficWeight).toBe(100);
    expect(svcAfter.deployments!.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([['PRIMARY', v2, 'COMPLETED']]);
    expect(svcAfter.taskDefinition).toBe(v2);
  });

  it('CANARY holds the canary share for its bake, then moves the rest', async () => {
    const v2 = await revision('v2');
    const arn = await deploy(update(v2, { strategy: 'CANARY', bakeTimeInMinutes: 1, canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 }, lifecycleHooks: [] }));

    const seen = await watch(arn, ck.greenTg, 14 * 60_000, 2000);

    expect(lines(seen)).toEqual([
      'IN_PROGRESS PRE_SCALE_UP 0',
      'IN_PROGRESS SCALE_UP 0',
      'IN_PROGRESS POST_SCALE_UP 0',
      'IN_PROGRESS TEST_TRAFFIC_SHIFT 0',
      'IN_PROGRESS POST_TEST_TRAFFIC_SHIFT 0',
      'IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 0',
      'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 10',
      'IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 10',
      'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 100',
      'IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT 100',
      'IN_PROGRESS BAKE_TIME 100',
      'IN_PROGRESS CLEAN_UP 100',
      'SUCCESSFUL CLEAN_UP 100',
    ]);
    const at = (line: string) => seen.find((x) => x.line === line)!.t;
    // The canary share stays for the canary bake (plus the stage's own 5 s).
    expect(at('IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 10') - at('IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 10')).toBeGreaterThanOrEqual(10 * 60);
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 0, 'checkout-green': 100 });
  });

  it('CANARY reports the canary weight on the rule and in the revisions while it bakes', async () => {
    const v2 = await revision('v2');
    const arn = await deploy(update(v2, { strategy: 'CANARY', bakeTimeInMinutes: 0, canaryConfiguration: { canaryPercent: 12.5, canaryBakeTimeInMinutes: 10 }, lifecycleHooks: [] }));
    await advance(60_000);
    const d = await describeOne(arn);
    expect(d.lifecycleStage).toBe('PRODUCTION_TRAFFIC_SHIFT');
    // 12.5 % rounds to an integer weight of 13 on the rule; the revisions report the same numbers.
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 87, 'checkout-green': 13 });
    expect(d.targetServiceRevision?.requestedProductionTrafficWeight).toBe(13);
    expect(d.sourceServiceRevisions?.[0]?.requestedProductionTrafficWeight).toBe(87);
    expect(d.deploymentConfiguration?.canaryConfiguration).toEqual({ canaryPercent: 12.5, canaryBakeTimeInMinutes: 10 });
  });

  it('LINEAR walks every step, 34 → 68 → 100, baking between steps but not after the last', async () => {
    const v2 = await revision('v2');
    const arn = await deploy(update(v2, { strategy: 'LINEAR', bakeTimeInMinutes: 0, linearConfiguration: { stepPercent: 34, stepBakeTimeInMinutes: 1 }, lifecycleHooks: [] }));

    const seen = await watch(arn, ck.greenTg, 4 * 60_000);

    const production = lines(seen).filter((l) => l.includes('PRODUCTION_TRAFFIC_SHIFT'));
    expect(production).toEqual([
      'IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 0',
      'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 34',
      'IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 34',
      'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 68',
      'IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 68',
      'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 100',
      'IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT 100',
    ]);
    const at = (line: string) => seen.find((x) => x.line === line)!.t;
    expect(at('IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 34') - at('IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 34')).toBe(65);
    expect(at('IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT 68') - at('IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 68')).toBe(65);
    expect(at('IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT 100') - at('IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT 100')).toBe(5);
    expect(lines(seen).at(-1)).toBe('SUCCESSFUL CLEAN_UP 100');
  });

  it('Continue with ROLLBACK at the pause puts production and test traffic back on blue and stops green', async () => {
    const v2 = await revision('v2');
    const arn = await deploy(update(v2));
    await advance(30_000);
    const hook = (await describeOne(arn)).lifecycleHookDetails![0]!;

    await ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId!, action: 'ROLLBACK' }));
    const requested = await describeOne(arn);
    await advance(1_000);
    const rolling = await describeOne(arn);
    const trafficWhileRolling = [await weights(ck.prodRule), await weights(ck.testRule)];
    await advance(5_000);
    const done = await describeOne(arn);
    const svc = (await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }))).services![0]!;

    expect(requested.status).toBe('ROLLBACK_REQUESTED');
    expect(requested.lifecycleHookDetails![0]!.status).toBe('FAILED');
    expect(rolling.status).toBe('ROLLBACK_IN_PROGRESS');
    expect(trafficWhileRolling).toEqual([
      { 'checkout-blue': 100, 'checkout-green': 0 },
      { 'checkout-blue': 100, 'checkout-green': 0 },
    ]);
    expect(done.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(done.statusReason).toMatch(/ContinueServiceDeployment at POST_TEST_TRAFFIC_SHIFT/);
    expect(done.rollback).toMatchObject({ reason: done.statusReason, serviceRevisionArn: done.sourceServiceRevisions![0]!.arn });
    expect(done.rollback!.startedAt!.getTime()).toBe(requested.updatedAt!.getTime());
    expect(done.targetServiceRevision).toMatchObject({ requestedTaskCount: 0, runningTaskCount: 0, requestedProductionTrafficWeight: 0 });
    expect(await runningByRevision()).toEqual({ 'checkout:1': 2 });
    expect(svc.taskDefinition).toMatch(/checkout:1$/);
    expect(svc.deployments!.map((d) => d.status)).toEqual(['PRIMARY']);
  });

  it('StopServiceDeployment ROLLBACK during the canary bake ends ROLLBACK_SUCCESSFUL with blue serving everything', async () => {
    const v2 = await revision('v2');
    const arn = await deploy(update(v2, { strategy: 'CANARY', bakeTimeInMinutes: 1, canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 10 }, lifecycleHooks: [] }));
    await advance(60_000);
    const canary = await weights(ck.prodRule);

    const out = await ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    await advance(10_000);
    const done = await describeOne(arn);
    const again = await rejection(ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })));

    expect(canary).toEqual({ 'checkout-blue': 80, 'checkout-green': 20 });
    expect(out.serviceDeploymentArn).toBe(arn);
    expect(done).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', statusReason: 'Stopped by StopServiceDeployment with ROLLBACK.' });
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 100, 'checkout-green': 0 });
    expect(await runningByRevision()).toEqual({ 'checkout:1': 2 });
    expect(again).toBeInstanceOf(ConflictException);
    expect(again.message).toMatch(/is ROLLBACK_SUCCESSFUL: only a deployment in progress can be stopped/);
  });

  it('a pause nobody answers times out: ROLLBACK rolls back, CONTINUE goes on to success', async () => {
    const v2 = await revision('v2');
    const short = (action: 'ROLLBACK' | 'CONTINUE'): DeploymentConfiguration => ({ ...BLUE_GREEN, bakeTimeInMinutes: 0, lifecycleHooks: [pauseAt(['POST_SCALE_UP'], 2, action)] });
    // ROLLBACK on timeout
    const first = await deploy(update(v2, short('ROLLBACK')));
    await advance(60_000);
    const waiting = await describeOne(first);
    await advance(2 * 60_000);
    const timedOut = await describeOne(first);
    // CONTINUE on timeout: a second revision, since the first rolled back
    const v3 = await revision('v3');
    const second = await deploy(update(v3, short('CONTINUE')));
    await advance(3 * 60_000);
    const continued = await describeOne(second);

    expect(waiting).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_SCALE_UP' });
    expect(timedOut.lifecycleHookDetails!.map((h) => h.status)).toEqual(['TIMED_OUT']);
    expect(timedOut.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(timedOut.rollback?.reason).toMatch(/^Lifecycle hook ecs-pause-\S+ at POST_SCALE_UP timed out \(timeout action ROLLBACK\)\.$/);
    expect(continued.lifecycleHookDetails!.map((h) => [h.status, h.timeoutAction])).toEqual([['TIMED_OUT', 'CONTINUE']]);
    expect(continued.status).toBe('SUCCESSFUL');
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 0, 'checkout-green': 100 });
    expect(await runningByRevision()).toEqual({ 'checkout:3': 2 });
  });

  it('an alarm in ALARM during the bake rolls back with the alarm TRIGGERED (set through /_sandbox/alarms)', async () => {
    const v2 = await revision('v2');
    const arn = await deploy(update(v2, { ...BLUE_GREEN, lifecycleHooks: [] }));
    await advance(60_000);
    const baking = await describeOne(arn);
    const post = (body: unknown) => fetch(`${sb.server.url}/_sandbox/alarms`, { method: 'POST', body: JSON.stringify(body) });

    const bad = await post({ name: ALARM, state: 'RED' });
    const badBody = (await bad.json()) as { error: string[] };
    const set = await post({ name: ALARM, state: 'ALARM' });
    const setBody = (await set.json()) as { alarms: Record<string, string> };
    const triggered = await describeOne(arn);
    await advance(5_000);
    const done = await describeOne(arn);

    expect(baking).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME', alarms: { status: 'MONITORING' } });
    expect(bad.status).toBe(400);
    expect(badBody.error).toEqual(['state must be "OK", "ALARM" or "INSUFFICIENT_DATA"']);
    expect(set.status).toBe(200);
    expect(setBody.alarms).toMatchObject({ [ALARM]: 'ALARM' });
    expect(triggered.status).toBe('ROLLBACK_REQUESTED');
    expect(triggered.alarms).toEqual({ status: 'TRIGGERED', alarmNames: [ALARM], triggeredAlarmNames: [ALARM] });
    expect(done.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(done.rollback?.reason).toBe(`Alarm ${ALARM} in ALARM`);
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 100, 'checkout-green': 0 });
    expect(await runningByRevision()).toEqual({ 'checkout:1': 2 });
  });

  it('an alarm with rollback off stops the deployment; an alarm not watched changes nothing', async () => {
    const v2 = await revision('v2');
    sb.world.setAlarm('some-other-alarm', 'ALARM');
    const arn = await deploy(update(v2, { ...BLUE_GREEN, lifecycleHooks: [], alarms: { alarmNames: [ALARM], enable: true, rollback: false } }));
    await advance(60_000);
    const unaffected = await describeOne(arn);
    sb.world.setAlarm(ALARM, 'ALARM');
    const stopped = await describeOne(arn);

    expect(unaffected).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME', alarms: { status: 'MONITORING', triggeredAlarmNames: [] } });
    expect(stopped).toMatchObject({ status: 'STOPPED', alarms: { status: 'TRIGGERED', triggeredAlarmNames: [ALARM] } });
    expect(stopped.statusReason).toBe(`Alarm ${ALARM} in ALARM: the deployment stopped (alarms.rollback is false).`);
    expect(stopped.rollback).toBeUndefined();
    expect(stopped.stoppedAt).toBeInstanceOf(Date);
  });

  it('green tasks that fail to start fail the deployment and roll it back; blue never stops', async () => {
    const v2 = await revision('v2');
    sb.world.ecs.failTasks(CLUSTER, SERVICE, true);
    const arn = await deploy(update(v2, { ...BLUE_GREEN, lifecycleHooks: [] }));

    const seen = await watch(arn, ck.greenTg, 30_000);
    const done = await describeOne(arn);

    expect(lines(seen)).toEqual(['IN_PROGRESS PRE_SCALE_UP 0', 'IN_PROGRESS SCALE_UP 0', 'ROLLBACK_REQUESTED SCALE_UP 0', 'ROLLBACK_IN_PROGRESS SCALE_UP 0', 'ROLLBACK_SUCCESSFUL SCALE_UP 0']);
    expect(done.rollback?.reason).toMatch(/tasks failed to start \(deployment circuit breaker: 3 failed tasks\)/);
    expect(done.deploymentCircuitBreaker).toEqual({ status: 'TRIGGERED', failureCount: 3, threshold: 3 });
    expect(await runningByRevision()).toEqual({ 'checkout:1': 2 });
  });

  it('a second deployment after a successful one moves production back to the original target group', async () => {
    const v2 = await revision('v2');
    const v3 = await revision('v3');
    const noPause: DeploymentConfiguration = { ...BLUE_GREEN, bakeTimeInMinutes: 0, lifecycleHooks: [] };
    const first = await deploy(update(v2, noPause));
    await advance(60_000);
    const afterFirst = await weights(ck.prodRule);
    // The second UpdateService names only the revision: the strategy and load balancer are remembered.
    const second = await deploy({ cluster: CLUSTER, service: SERVICE, taskDefinition: v3 });
    await advance(30_000);
    const midSecond = [await weights(ck.prodRule), await weights(ck.testRule)];
    await advance(30_000);
    const done = await describeOne(second);

    expect(afterFirst).toEqual({ 'checkout-blue': 0, 'checkout-green': 100 });
    expect(second).not.toBe(first);
    expect(midSecond).toEqual([
      { 'checkout-blue': 0, 'checkout-green': 100 },
      { 'checkout-blue': 100, 'checkout-green': 0 },
    ]);
    expect(done.status).toBe('SUCCESSFUL');
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 100, 'checkout-green': 0 });
    expect(await runningByRevision()).toEqual({ 'checkout:3': 2 });
    // Newest first, filtered by status and creation time, paginated.
    const all = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE }));
    expect(all.serviceDeployments!.map((d) => [d.serviceDeploymentArn, d.status])).toEqual([
      [second, 'SUCCESSFUL'],
      [first, 'SUCCESSFUL'],
    ]);
    expect(all.serviceDeployments![0]!.targetServiceRevisionArn).toBe(done.targetServiceRevision!.arn);
    const page1 = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE, maxResults: 1 }));
    const page2 = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE, maxResults: 1, nextToken: page1.nextToken }));
    expect([page1.serviceDeployments![0]!.serviceDeploymentArn, page2.serviceDeployments![0]!.serviceDeploymentArn, page2.nextToken]).toEqual([second, first, undefined]);
    const firstAt = (await describeOne(first)).createdAt!;
    const after = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE, createdAt: { after: firstAt } }));
    expect(after.serviceDeployments!.map((d) => d.serviceDeploymentArn)).toEqual([second]);
    const inProgress = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE, status: ['IN_PROGRESS', 'PENDING'] }));
    expect(inProgress.serviceDeployments).toEqual([]);
  });

  it('a new UpdateService during a deployment stops it (superseded) with traffic on blue, and the new one starts from that blue', async () => {
    const v2 = await revision('v2');
    const v3 = await revision('v3');
    const noPause: DeploymentConfiguration = { ...BLUE_GREEN, bakeTimeInMinutes: 10, lifecycleHooks: [] };
    const first = await deploy(update(v2, noPause));
    await advance(60_000); // baking, production on checkout-green
    const baking = await weights(ck.prodRule);

    const second = await deploy(update(v3, noPause));
    const stopped = await describeOne(first);
    const trafficNow = await weights(ck.prodRule);
    await advance(60_000);

    expect(baking).toEqual({ 'checkout-blue': 0, 'checkout-green': 100 });
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.statusReason).toMatch(/^Superseded/);
    expect(trafficNow).toEqual({ 'checkout-blue': 100, 'checkout-green': 0 });
    expect((await describeOne(second)).lifecycleStage).toBe('BAKE_TIME');
    expect(await weights(ck.prodRule)).toEqual({ 'checkout-blue': 0, 'checkout-green': 100 });
    expect(await runningByRevision()).toEqual({ 'checkout:1': 2, 'checkout:3': 2 });
    expect((await describeOne(second)).sourceServiceRevisions![0]!.arn).toBe(stopped.sourceServiceRevisions![0]!.arn);
  });

  it('refuses bad hook answers and unknown deployments, and changes nothing', async () => {
    const v2 = await revision('v2');
    const arn = await deploy(update(v2));
    await advance(30_000);
    const hook = (await describeOne(arn)).lifecycleHookDetails![0]!;
    const fail = rejection;
    const missing = `${arn.slice(0, arn.lastIndexOf('/'))}/nope0000000000000000nope`;

    const wrongHook = await fail(ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: 'ecs-pause-wrong' })));
    const stillPaused = await describeOne(arn);
    const unknown = await fail(ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: missing, hookId: hook.hookId! })));
    const unknownStop = await fail(ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: missing, stopType: 'ROLLBACK' })));
    const described = await ecs().send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn, missing] }));
    await ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! })); // action defaults to CONTINUE
    const twice = await fail(ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId!, action: 'CONTINUE' })));
    await advance(10 * 60_000);
    const finished = await fail(ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId!, action: 'ROLLBACK' })));
    const stopFinished = await fail(ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn })));

    expect(wrongHook).toBeInstanceOf(InvalidParameterException);
    expect(wrongHook.message).toMatch(/has no lifecycle hook ecs-pause-wrong/);
    expect(stillPaused).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    expect(stillPaused.lifecycleHookDetails![0]!.status).toBe('AWAITING_ACTION');
    expect(unknown).toBeInstanceOf(ServiceDeploymentNotFoundException);
    expect(unknownStop).toBeInstanceOf(ServiceDeploymentNotFoundException);
    expect(described.serviceDeployments!.map((d) => d.serviceDeploymentArn)).toEqual([arn]);
    expect(described.failures).toEqual([{ arn: missing, reason: 'MISSING', detail: 'The service deployment does not exist.' }]);
    expect(twice).toBeInstanceOf(ClientException);
    expect(twice.message).toMatch(/is SUCCEEDED, not AWAITING_ACTION/);
    expect((await describeOne(arn)).status).toBe('SUCCESSFUL');
    expect(finished).toBeInstanceOf(ClientException);
    expect(finished.message).toMatch(/is SUCCESSFUL: only a deployment IN_PROGRESS/);
    expect(stopFinished).toBeInstanceOf(ConflictException);
  });

  it('StopServiceDeployment is refused in CLEAN_UP, where blue is already going away', async () => {
    const v2 = await revision('v2');
    const arn = await deploy(update(v2, { ...BLUE_GREEN, bakeTimeInMinutes: 0, lifecycleHooks: [] }));
    let d = await describeOne(arn);
    while (d.lifecycleStage !== 'CLEAN_UP') {
      await advance(1_000);
      d = await describeOne(arn);
    }
    const err = await rejection(ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })));
    await advance(10_000);
    expect(err).toBeInstanceOf(ConflictException);
    expect(err.message).toMatch(/in CLEAN_UP/);
    expect((await describeOne(arn)).status).toBe('SUCCESSFUL');
  });

  describe('UpdateService validation', () => {
    const cases: [string, DeploymentConfiguration, Record<string, string>, RegExp][] = [
      ['a PAUSE hook at PRODUCTION_TRAFFIC_SHIFT', { ...BLUE_GREEN, lifecycleHooks: [pauseAt(['POST_SCALE_UP', 'PRODUCTION_TRAFFIC_SHIFT'])] }, {}, /PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT/],
      ['a PAUSE hook at TEST_TRAFFIC_SHIFT', { ...BLUE_GREEN, lifecycleHooks: [pauseAt(['TEST_TRAFFIC_SHIFT'])] }, {}, /PAUSE hooks cannot be configured/],
      ['an unknown hook stage', { ...BLUE_GREEN, lifecycleHooks: [pauseAt(['AFTER_LUNCH'])] }, {}, /"AFTER_LUNCH" is not a lifecycle stage/],
      ['bakeTimeInMinutes 1441', { ...BLUE_GREEN, bakeTimeInMinutes: 1441 }, {}, /bakeTimeInMinutes must be a whole number from 0 to 1440; got 1441/],
      ['no bakeTimeInMinutes for BLUE_GREEN', { strategy: 'BLUE_GREEN' }, {}, /bakeTimeInMinutes is required with the BLUE_GREEN/],
      ['canaryPercent 0.05', { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.05, canaryBakeTimeInMinutes: 1 } }, {}, /canaryPercent must be a multiple of 0\.1 from 0\.1 to 100; got 0\.05/],
      ['canaryPercent 101', { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 101, canaryBakeTimeInMinutes: 1 } }, {}, /canaryPercent must be .* to 100; got 101/],
      ['canaryBakeTimeInMinutes 1441', { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 1441 } }, {}, /canaryBakeTimeInMinutes must be a whole number from 0 to 1440/],
      ['stepPercent 2', { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2, stepBakeTimeInMinutes: 1 } }, {}, /stepPercent must be a multiple of 0\.1 from 3 to 100; got 2/],
      ['stepBakeTimeInMinutes 2000', { strategy: 'LINEAR', linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 2000 } }, {}, /stepBakeTimeInMinutes must be a whole number from 0 to 1440/],
      ['timeoutInMinutes 0', { ...BLUE_GREEN, lifecycleHooks: [pauseAt(['POST_SCALE_UP'], 0)] }, {}, /timeoutInMinutes must be a whole number from 1 to 20160; got 0/],
      ['timeoutInMinutes 20161', { ...BLUE_GREEN, lifecycleHooks: [pauseAt(['POST_SCALE_UP'], 20161)] }, {}, /from 1 to 20160; got 20161/],
      ['no alternate target group', BLUE_GREEN, { alternateTargetGroupArn: '' }, /advancedConfiguration is missing alternateTargetGroupArn/],
      ['an unknown production rule', BLUE_GREEN, { productionListenerRule: 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener-rule/app/prod-shop/7777777777777777/7777777777777701/00000000000000ff' }, /listener rule .* does not exist/],
    ];

    it.each(cases)('refuses %s with InvalidParameterException and leaves the service as it was', async (_name, dc, advanced, message) => {
      const v2 = await revision('v2');
      const err = await rejection(ecs().send(new UpdateServiceCommand({ ...update(v2, dc, advanced), desiredCount: 5 })));
      const svc = (await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }))).services![0]!;
      const list = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE }));
      expect(err).toBeInstanceOf(InvalidParameterException);
      expect(err.message).toMatch(message);
      expect(svc.taskDefinition).toMatch(/checkout:1$/);
      expect(svc.desiredCount).toBe(2);
      expect(svc.deploymentConfiguration?.strategy).toBeUndefined();
      expect(svc.loadBalancers![0]!.advancedConfiguration).toBeUndefined();
      expect(list.serviceDeployments).toEqual([]);
    });

    it('refuses a strategy without advancedConfiguration, and on a CodeDeploy service', async () => {
      const v2 = await revision('v2');
      const noAdvanced = await rejection(ecs().send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: v2, deploymentConfiguration: BLUE_GREEN })));
      const codeDeploy = await rejection(ecs().send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'payment', deploymentConfiguration: BLUE_GREEN })));
      expect(noAdvanced).toBeInstanceOf(InvalidParameterException);
      expect(noAdvanced.message).toMatch(/BLUE_GREEN deployment strategy needs a load balancer whose advancedConfiguration has alternateTargetGroupArn, productionListenerRule and roleArn/);
      expect(codeDeploy).toBeInstanceOf(InvalidParameterException);
      expect(codeDeploy.message).toMatch(/needs the ECS deployment controller; service payment uses CODE_DEPLOY/);
    });
  });

  it('a plain UpdateService (no strategy, or ROLLING) still does a rolling update and no service deployment', async () => {
    // Prepare: web never had a strategy; checkout is switched back to ROLLING after a blue/green.
    const web = await ecs().send(
      new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'registry.example/web:v2' }], requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc' }),
    );
    const v2 = await revision('v2');
    const v3 = await revision('v3');
    await deploy(update(v2, { ...BLUE_GREEN, bakeTimeInMinutes: 0, lifecycleHooks: [] }));
    await advance(60_000);
    const prodBefore = await weights(ck.prodRule);
    // Act
    await ecs().send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: web.taskDefinition!.taskDefinitionArn! }));
    const rolling = await ecs().send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: v3, deploymentConfiguration: { strategy: 'ROLLING' } }));
    const during = (await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web', SERVICE] }))).services!;
    await advance(20_000);
    const after = (await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web', SERVICE] }))).services!;
    // Assess
    expect(rolling.service?.deploymentConfiguration).toMatchObject({ strategy: 'ROLLING', maximumPercent: 200, minimumHealthyPercent: 100 });
    expect(during.map((s) => s.deployments!.map((d) => `${d.status}:${d.rolloutState}`))).toEqual([
      ['PRIMARY:IN_PROGRESS', 'ACTIVE:COMPLETED'],
      ['PRIMARY:IN_PROGRESS', 'ACTIVE:COMPLETED'],
    ]);
    expect(during[0]!.deploymentConfiguration).toEqual({ deploymentCircuitBreaker: { enable: true, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100 });
    expect(after.map((s) => [s.taskDefinition!.split('/')[1], s.deployments!.map((d) => `${d.status}:${d.rolloutState}`), s.runningCount])).toEqual([
      ['web:2', ['PRIMARY:COMPLETED'], 2],
      ['checkout:3', ['PRIMARY:COMPLETED'], 2],
    ]);
    const webDeployments = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web' }));
    const checkoutDeployments = await ecs().send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE }));
    expect(webDeployments.serviceDeployments).toEqual([]);
    expect(checkoutDeployments.serviceDeployments).toHaveLength(1); // only the blue/green one
    expect(await weights(ck.prodRule)).toEqual(prodBefore);
  });

  it('records the new operations and lets faults hit them like any other', async () => {
    const v2 = await revision('v2');
    sb.world.faults.add({ service: 'ecs', op: 'DescribeServiceDeployments', kind: 'throttle', count: 1 });
    const mark = sb.world.record.mark();
    const arn = await deploy(update(v2));
    await advance(30_000);
    const d = await describeOne(arn);
    await ecs().send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: d.lifecycleHookDetails![0]!.hookId! }));
    const calls = sb.world.record.since(mark).filter((c) => c.service === 'ecs');
    expect(calls.map((c) => `${c.op}${c.error ? `!${c.error}` : ''}`)).toEqual([
      'UpdateService',
      'ListServiceDeployments',
      'DescribeServiceDeployments!ThrottlingException',
      'DescribeServiceDeployments',
      'ContinueServiceDeployment',
    ]);
    expect(sb.world.record.mutations(mark)).toEqual(['ecs:UpdateService', 'ecs:ContinueServiceDeployment']);
    expect(sb.world.ecs.snapshot()[CLUSTER]?.checkout?.serviceDeployment).toMatchObject({ strategy: 'BLUE_GREEN', status: 'IN_PROGRESS', stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', greenPercent: 0 });
  });
});
