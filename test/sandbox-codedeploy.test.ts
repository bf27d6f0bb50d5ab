// CodeDeploy sandbox + gateway: real SDK client → HTTP → simulated CodeDeploy walking ECS blue/green deployments on the sandbox clock.
import {
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  DeploymentIsNotInReadyStateException,
  DeploymentLimitExceededException,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  InvalidRevisionException,
} from '@aws-sdk/client-codedeploy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodeDeployGateway, buildAppSpec, type DeploymentGroupSpec } from '../src/aws/codedeploy.js';
import { EcsGateway } from '../src/aws/ecs.js';
import { Elbv2Gateway } from '../src/aws/elbv2.js';
import { AwsGatewayError } from '../src/aws/errors.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const REGION = 'ap-northeast-1';
const PROD_LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-pay/4444444444444444/4444444444444401';
const APP = 'AppEcs-prod-payment';

/** The payment group of ops.example.yml, with the reroute wait and config switched per test. */
function paymentSpec(over: Partial<DeploymentGroupSpec> = {}): DeploymentGroupSpec {
  return {
    app: APP,
    group: 'DgpEcs-prod-payment',
    serviceRoleArn: 'arn:aws:iam::111111111111:role/ecsCodeDeployRole',
    cluster: 'prod-cluster',
    service: 'payment',
    blueTargetGroup: 'payment-blue',
    greenTargetGroup: 'payment-green',
    prodListenerArn: PROD_LISTENER,
    waitForReroute: false,
    rerouteWaitMinutes: 60,
    terminationWaitMinutes: 2,
    alarms: [],
    autoRollbackOnFailure: true,
    configPath: 'environments.prod.deploy.payment',
    ...over,
  };
}

describe('CodeDeploy blue/green on the sandbox', () => {
  let sb: TestSandbox;
  let cd: CodeDeployGateway;
  let ecs: EcsGateway;
  let alb: Elbv2Gateway;
  let newTaskDef: string;
  const advance = (ms: number) => sb.world.clock.advance(ms);

  /** Production traffic in percent per colour, read back from the listener through the ELBv2 API. */
  async function traffic(): Promise<{ blue: number; green: number }> {
    const w = await alb.forwardWeights(PROD_LISTENER);
    const blue = w[sb.world.elbv2.targetGroupArnByName('payment-blue')!] ?? 0;
    const green = w[sb.world.elbv2.targetGroupArnByName('payment-green')!] ?? 0;
    return { blue: Math.round((100 * blue) / (blue + green)), green: Math.round((100 * green) / (blue + green)) };
  }

  async function ensureGroup(over: Partial<DeploymentGroupSpec> = {}): Promise<void> {
    await cd.ensureApplication(APP);
    await cd.ensureDeploymentGroup(paymentSpec(over));
  }

  const deploy = (config?: string) =>
    cd.createDeployment({ app: APP, group: 'DgpEcs-prod-payment', taskDefinitionArn: newTaskDef, container: 'web', port: 80, description: 'web:v2', ...(config ? { config } : {}) });

  beforeEach(async () => {
    sb = await startSandbox();
    cd = new CodeDeployGateway(sb.clients.codedeploy, { envName: 'prod', region: REGION });
    ecs = new EcsGateway(sb.clients.ecs, { envName: 'prod', region: REGION, cluster: 'prod-cluster' });
    alb = new Elbv2Gateway(sb.clients.elbv2, { envName: 'prod', region: REGION });
    const current = await ecs.currentTaskDefinition('payment');
    newTaskDef = (await ecs.registerWithImage(current.arn, 'web', 'registry.example/payment:v2')).arn;
  });
  afterEach(async () => {
    await sb.close();
  });

  it('ensureApplication and ensureDeploymentGroup create what is missing, then find it', async () => {
    // Act
    const app1 = await cd.ensureApplication(APP);
    const app2 = await cd.ensureApplication(APP);
    const group1 = await cd.ensureDeploymentGroup(paymentSpec({ waitForReroute: true, rerouteWaitMinutes: 30 }));
    const group2 = await cd.ensureDeploymentGroup(paymentSpec({ waitForReroute: true, rerouteWaitMinutes: 30 }));
    const drifted = await cd.ensureDeploymentGroup(paymentSpec({ terminationWaitMinutes: 9 }));
    // Assess
    expect([app1.created, app2.created]).toEqual([true, false]);
    expect([group1, group2]).toEqual([{ created: true, drift: [] }, { created: false, drift: [] }]);
    expect(drifted.drift).toEqual(['waitForReroute is true in AWS, false in ops.yml', 'terminationWaitMinutes is 2 in AWS, 9 in ops.yml']);
    const info = (await sb.clients.codedeploy.send(new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: 'DgpEcs-prod-payment' }))).deploymentGroupInfo;
    expect(info?.computePlatform).toBe('ECS');
    expect(info?.ecsServices).toEqual([{ clusterName: 'prod-cluster', serviceName: 'payment' }]);
    expect(info?.blueGreenDeploymentConfiguration?.deploymentReadyOption).toEqual({ actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 });
    expect(info?.loadBalancerInfo?.targetGroupPairInfoList?.[0]?.targetGroups).toEqual([{ name: 'payment-blue' }, { name: 'payment-green' }]);
    expect(sb.world.record.mutations().filter((m) => m.startsWith('codedeploy:'))).toEqual(['codedeploy:CreateApplication', 'codedeploy:CreateDeploymentGroup']);
  });

  it('a group pointing at a missing target group is refused with the ops.yml field to fix', async () => {
    await cd.ensureApplication(APP);
    const err = await cd.ensureDeploymentGroup(paymentSpec({ greenTargetGroup: 'payment-gren' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsGatewayError);
    expect((err as AwsGatewayError).message).toMatch(/Target group payment-gren does not exist — check environments\.prod\.deploy\.payment\.targetGroups/);
  });

  it('an all-at-once deployment walks every lifecycle event to Succeeded with production on green', async () => {
    // Prepare
    await ensureGroup();
    expect(await traffic()).toEqual({ blue: 100, green: 0 });
    // Act
    const id = await deploy();
    await advance(20_000);
    const installing = await cd.deployment(id);
    await advance(14_000); // past AfterAllowTraffic: into the blue termination wait
    const waiting = await cd.deployment(id);
    const trafficDuringWait = await traffic();
    await advance(2 * 60_000);
    const done = await cd.deployment(id);
    // Assess
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(installing.status).toBe('InProgress');
    expect(installing.lifecycle.map((e) => e.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded', 'InProgress', 'Pending', 'Pending', 'Pending', 'Pending']);
    expect(installing.taskSets.find((t) => t.label === 'Green')).toMatchObject({ targetGroup: 'payment-green', running: 2, trafficWeight: 0 });
    expect(waiting).toMatchObject({ status: 'InProgress', waitingFor: 'termination', trafficToGreen: 100 });
    expect(trafficDuringWait).toEqual({ blue: 0, green: 100 });
    expect(done.status).toBe('Succeeded');
    expect(done.waitingFor).toBeUndefined();
    expect(done.lifecycle.map((e) => `${e.name}:${e.status}`)).toEqual([
      'BeforeInstall:Succeeded',
      'Install:Succeeded',
      'AfterInstall:Succeeded',
      'BeforeAllowTestTraffic:Succeeded',
      'AllowTestTraffic:Succeeded',
      'AfterAllowTestTraffic:Succeeded',
      'BeforeAllowTraffic:Succeeded',
      'AllowTraffic:Succeeded',
      'AfterAllowTraffic:Succeeded',
    ]);
    expect(done.taskSets.map((t) => t.label)).toEqual(['Green']);
    expect(done.completedAt!.getTime() - done.createdAt.getTime()).toBe(34_000 + 2 * 60_000);
    expect(await traffic()).toEqual({ blue: 0, green: 100 });
    expect((await ecs.currentTaskDefinition('payment')).arn).toBe(newTaskDef);
    expect(await cd.inProgressDeployments(APP, 'DgpEcs-prod-payment')).toEqual([]);
  });

  it('finishNow ends the termination wait early, and the next deployment starts from green', async () => {
    await ensureGroup();
    const first = await deploy();
    await advance(40_000);
    await cd.finishNow(first);
    expect((await cd.deployment(first)).status).toBe('Succeeded');
    // The second deployment's blue is the target group the first one moved traffic to.
    const second = await deploy();
    await advance(40_000);
    const view = await cd.deployment(second);
    expect(view.taskSets.map((t) => `${t.label}:${t.targetGroup}:${t.trafficWeight}`)).toEqual(['Blue:payment-green:0', 'Green:payment-blue:100']);
    expect(await traffic()).toEqual({ blue: 100, green: 0 });
  });

  it('a STOP_DEPLOYMENT group holds at Ready until approveReroute, then shifts traffic', async () => {
    // Prepare
    await ensureGroup({ waitForReroute: true, rerouteWaitMinutes: 30 });
    const id = await deploy();
    // Act
    await advance(10 * 60_000);
    const held = await cd.deployment(id);
    const trafficWhileHeld = await traffic();
    const early = await cd.finishNow(id).catch((e: unknown) => e);
    await cd.approveReroute(id);
    const again = await sb.clients.codedeploy.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })).catch((e: unknown) => e);
    await advance(12_000);
    const shifted = await cd.deployment(id);
    // Assess
    expect(held).toMatchObject({ status: 'Ready', waitingFor: 'reroute', trafficToGreen: 0 });
    expect(held.lifecycle.find((e) => e.name === 'BeforeAllowTraffic')?.status).toBe('Pending');
    expect(trafficWhileHeld).toEqual({ blue: 100, green: 0 });
    expect((early as AwsGatewayError).code).toBe('conflict');
    expect(again).toBeInstanceOf(DeploymentIsNotInReadyStateException);
    expect(shifted).toMatchObject({ status: 'InProgress', waitingFor: 'termination', trafficToGreen: 100 });
    expect(await traffic()).toEqual({ blue: 0, green: 100 });
  });

  it('an unapproved reroute stops the deployment when the wait runs out', async () => {
    await ensureGroup({ waitForReroute: true, rerouteWaitMinutes: 5 });
    const id = await deploy();
    await advance(26_000 + 5 * 60_000);
    const view = await cd.deployment(id);
    expect(view).toMatchObject({ status: 'Stopped', errorCode: 'TIMEOUT' });
    expect(await traffic()).toEqual({ blue: 100, green: 0 });
  });

  it('rollback during the termination wait puts the listener back on blue and ends Stopped', async () => {
    // Prepare
    await ensureGroup();
    const before = (await ecs.currentTaskDefinition('payment')).arn;
    const id = await deploy();
    await advance(40_000);
    expect(await traffic()).toEqual({ blue: 0, green: 100 });
    const mark = sb.world.record.mark();
    // Act
    const result = await cd.rollback(id);
    const afterStop = await traffic();
    await advance(20_000);
    const view = await cd.deployment(id);
    const rollback = await cd.deployment(view.rollback!.deploymentId!);
    // Assess
    expect(sb.world.record.mutations(mark)).toEqual(['codedeploy:StopDeployment']);
    expect(result.status).toBe('pending');
    expect(afterStop).toEqual({ blue: 100, green: 0 });
    expect(view).toMatchObject({ status: 'Stopped', trafficToGreen: 0 });
    expect(view.rollback?.deploymentId).toMatch(/^d-/);
    expect(rollback).toMatchObject({ status: 'Succeeded', creator: 'codeDeployRollback', rollback: { triggeredBy: id } });
    expect(rollback.taskSets.map((t) => t.label)).toEqual(['Blue']);
    expect((await ecs.currentTaskDefinition('payment')).arn).toBe(before);
    const late = await cd.rollback(id).catch((e: unknown) => e);
    expect((late as AwsGatewayError).message).toMatch(/already finished, so CodeDeploy cannot roll it back/);
  });

  it('a failing lifecycle hook fails the deployment with its diagnostics and rolls traffic back', async () => {
    // Prepare
    await ensureGroup();
    sb.world.codedeploy.failLifecycleEvent('DgpEcs-prod-payment', 'AfterAllowTraffic', 'smoke test: 3 of 10 checks returned 500');
    const id = await deploy();
    // Act
    await advance(31_000);
    const trafficAfterShift = await traffic();
    await advance(3_000);
    const view = await cd.deployment(id);
    // Assess
    expect(trafficAfterShift).toEqual({ blue: 0, green: 100 });
    expect(view.status).toBe('Failed');
    expect(view.errorCode).toBe('HOOK_EXECUTION_FAILURE');
    expect(view.errorMessage).toContain('smoke test: 3 of 10 checks returned 500');
    expect(view.lifecycle.find((e) => e.name === 'AfterAllowTraffic')).toMatchObject({
      status: 'Failed',
      diagnostics: { errorCode: 'ScriptFailed', message: 'smoke test: 3 of 10 checks returned 500' },
    });
    expect(view.rollback?.deploymentId).toMatch(/^d-/);
    expect(await traffic()).toEqual({ blue: 100, green: 0 });
  });

  it('a second deployment while one runs is DeploymentLimitExceededException, read as a conflict naming the first', async () => {
    await ensureGroup();
    const first = await deploy();
    // The raw API error, as the SDK types it.
    const raw = await sb.clients.codedeploy
      .send(
        new CreateDeploymentCommand({
          applicationName: APP,
          deploymentGroupName: 'DgpEcs-prod-payment',
          revision: { revisionType: 'AppSpecContent', appSpecContent: { content: buildAppSpec({ taskDefinitionArn: newTaskDef, container: 'web', port: 80 }) } },
        }),
      )
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(DeploymentLimitExceededException);
    // Through the gateway.
    const err = await deploy().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsGatewayError);
    expect((err as AwsGatewayError).code).toBe('conflict');
    expect((err as AwsGatewayError).message).toBe(`a deployment ${first} is already in progress for DgpEcs-prod-payment — wait for it or roll it back`);
    expect(await cd.inProgressDeployments(APP, 'DgpEcs-prod-payment')).toEqual([first]);
  });

  it('a canary config sends 10 % to green, then the rest after its interval', async () => {
    await ensureGroup();
    const id = await deploy('CodeDeployDefault.ECSCanary10Percent5Minutes');
    await advance(29_000);
    expect(await traffic()).toEqual({ blue: 90, green: 10 });
    expect((await cd.deployment(id)).trafficToGreen).toBe(10);
    await advance(4 * 60_000);
    expect(await traffic()).toEqual({ blue: 90, green: 10 });
    await advance(60_000);
    expect(await traffic()).toEqual({ blue: 0, green: 100 });
    const cfg = await sb.clients.codedeploy.send(new GetDeploymentConfigCommand({ deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes' }));
    expect(cfg.deploymentConfigInfo?.trafficRoutingConfig).toEqual({ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } });
  });

  it('a custom linear config moves a quarter of the traffic every minute', async () => {
    await ensureGroup();
    await sb.clients.codedeploy.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: 'Linear25Every1',
        computePlatform: 'ECS',
        trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 25, linearInterval: 1 } },
      }),
    );
    const id = await deploy('Linear25Every1');
    const seen: number[] = [];
    await advance(28_000);
    for (let i = 0; i < 4; i++) {
      seen.push((await traffic()).green);
      await advance(60_000);
    }
    expect(seen).toEqual([25, 50, 75, 100]);
    const snap = sb.world.codedeploy.snapshot() as { deployments: { id: string; greenPercent: number; waiting?: string }[] };
    expect(snap.deployments).toEqual([expect.objectContaining({ id, greenPercent: 100, waiting: 'termination' })]);
  });

  it('an AppSpec without a container port is refused as InvalidRevisionException', async () => {
    await ensureGroup();
    const bad = 'version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: payment:2\n        LoadBalancerInfo:\n          ContainerName: web\n';
    const raw = await sb.clients.codedeploy
      .send(new CreateDeploymentCommand({ applicationName: APP, deploymentGroupName: 'DgpEcs-prod-payment', revision: { revisionType: 'AppSpecContent', appSpecContent: { content: bad } } }))
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(InvalidRevisionException);
    expect((raw as Error).message).toMatch(/LoadBalancerInfo\.ContainerPort/);
  });

  it('a deployment of a container the task definition lacks fails at Install', async () => {
    await ensureGroup({ autoRollbackOnFailure: false });
    const id = await cd.createDeployment({ app: APP, group: 'DgpEcs-prod-payment', taskDefinitionArn: newTaskDef, container: 'nginx', port: 80 });
    await advance(5_000);
    const view = await cd.deployment(id);
    expect(view).toMatchObject({ status: 'Failed', errorCode: 'ECS_UPDATE_ERROR' });
    expect(view.lifecycle[1]).toMatchObject({ name: 'Install', status: 'Failed' });
    expect(view.rollback).toBeUndefined();
  });

  it('seedGroup gives tests a ready group without the API', async () => {
    sb.world.codedeploy.seedGroup({
      application: 'AppEcs-seeded',
      deploymentGroup: 'seeded',
      cluster: 'prod-cluster',
      service: 'payment',
      targetGroups: ['payment-blue', 'payment-green'],
      prodListenerArn: PROD_LISTENER,
      waitForReroute: true,
    });
    const found = await cd.ensureDeploymentGroup({ ...paymentSpec({ app: 'AppEcs-seeded', group: 'seeded', waitForReroute: true, terminationWaitMinutes: 5 }) });
    expect(found).toEqual({ created: false, drift: [] });
  });

  it('buildAppSpec writes the documented ECS AppSpec', () => {
    const spec = buildAppSpec({ taskDefinitionArn: 'arn:aws:ecs:ap-northeast-1:111111111111:task-definition/payment:3', container: 'web', port: 8080 });
    expect(spec).toContain('"version": 0.0');
    expect(JSON.parse(spec)).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: { TaskDefinition: 'arn:aws:ecs:ap-northeast-1:111111111111:task-definition/payment:3', LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 8080 } },
          },
        },
      ],
    });
  });
});
