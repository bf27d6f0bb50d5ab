// The ECS gateway against the sandbox's simulated ECS, through the real SDK over HTTP.
import type {
  ECSClient} from '@aws-sdk/client-ecs';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  InvalidParameterException,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsGatewayError } from '../src/aws/errors.js';
import { EcsGateway } from '../src/aws/ecs.js';
import { OpsConfigSchema, type OpsConfig } from '../src/config/schema.js';
import type { StartupEcs } from '../src/ops/startup.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const REGION = 'ap-northeast-1';
let sb: TestSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const gateway = (s: TestSandbox, envName: string, cluster?: string) =>
  new EcsGateway(s.clients.ecs, { envName, region: REGION, cluster: cluster ?? s.config.environments[envName]!.cluster });

const calls = (s: TestSandbox, op: string, mark = 0) => s.world.record.since(mark).filter((c) => c.service === 'ecs' && c.op === op);

/** An environment with `n` services, for batching and pagination. */
function bigConfig(n: number): OpsConfig {
  const services = Object.fromEntries(Array.from({ length: n }, (_, i) => [`svc-${String(i + 1).padStart(2, '0')}`, { desiredCount: 1 }]));
  return OpsConfigSchema.parse({ environments: { big: { region: REGION, channel: 'C0BIG0001', cluster: 'big-cluster', services } } });
}

describe('ECS status', () => {
  it('describes 25 services in exactly 3 DescribeServices calls, in the order asked', async () => {
    sb = await startSandbox({ config: bigConfig(25) });
    const ecs = gateway(sb, 'big');
    const names = Object.keys(sb.config.environments.big!.services).reverse();
    const mark = sb.world.record.mark();

    const statuses = await ecs.describeServices(names);

    expect(calls(sb, 'DescribeServices', mark)).toHaveLength(3);
    expect(calls(sb, 'DescribeServices', mark).map((c) => (c.input as { services: string[] }).services.length)).toEqual([10, 10, 5]);
    expect(statuses.map((s) => s.name)).toEqual(names);
    expect(statuses[0]).toMatchObject({ desired: 1, running: 1, pending: 0, rolloutState: 'COMPLETED', deploymentCount: 1, deploymentController: 'ECS' });
    expect(statuses[0]!.taskDefinition).toMatch(/^arn:aws:ecs:ap-northeast-1:111111111111:task-definition\/svc-25:1$/);
  });

  it('lists every service across pages', async () => {
    sb = await startSandbox({ config: bigConfig(25) });
    const mark = sb.world.record.mark();
    const names = await gateway(sb, 'big').listServices();
    expect(names).toHaveLength(25);
    expect(new Set(names).size).toBe(25);
    expect(calls(sb, 'ListServices', mark)).toHaveLength(1);
    // ECS's default page is 10, with a token for the rest.
    const first = await sb.clients.ecs.send(new ListServicesCommand({ cluster: 'big-cluster' }));
    expect(first.serviceArns).toHaveLength(10);
    const third = await sb.clients.ecs.send(new ListServicesCommand({ cluster: 'big-cluster', maxResults: 10, nextToken: (await sb.clients.ecs.send(new ListServicesCommand({ cluster: 'big-cluster', nextToken: first.nextToken }))).nextToken }));
    expect(third.serviceArns).toHaveLength(5);
    expect(third.nextToken).toBeUndefined();
  });

  it('retries injected throttling and succeeds', async () => {
    sb = await startSandbox();
    sb.world.faults.add({ service: 'ecs', op: 'DescribeServices', kind: 'throttle', count: 2 });
    const mark = sb.world.record.mark();
    const [web] = await gateway(sb, 'prod').describeServices(['web']);
    expect(web).toMatchObject({ name: 'web', desired: 2, running: 2 });
    expect(calls(sb, 'DescribeServices', mark).map((c) => c.error ?? 'ok')).toEqual(['ThrottlingException', 'ThrottlingException', 'ok']);
  });

  it('seeds a dev environment with a startup schedule stopped, and CodeDeploy services with a PRIMARY task set', async () => {
    sb = await startSandbox();
    const dev = await gateway(sb, 'dev').describeServices(['service-a', 'service-b']);
    expect(dev.map((s) => [s.desired, s.running])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const [payment] = await gateway(sb, 'prod').describeServices(['payment']);
    expect(payment).toMatchObject({ deploymentController: 'CODE_DEPLOY', deploymentCount: 1, running: 2, rolloutState: undefined });
    const raw = await sb.clients.ecs.send(new DescribeServicesCommand({ cluster: 'prod-cluster', services: ['payment'] }));
    expect(raw.services?.[0]?.deployments).toEqual([]);
    expect(raw.services?.[0]?.taskSets?.[0]).toMatchObject({ status: 'PRIMARY', scale: { value: 100, unit: 'PERCENT' }, stabilityStatus: 'STEADY_STATE' });
  });
});

describe('ECS scaling on the simulated clock', () => {
  it('scaling up shows PENDING, then RUNNING after the start delay, then a steady state', async () => {
    sb = await startSandbox({ startDelays: { 'service-a': 20 } });
    // The gateway is the startup operation's ECS port as it stands (compile-time check).
    const ecs: StartupEcs & EcsGateway = gateway(sb, 'dev');

    await ecs.setDesiredCount('service-a', 2);
    const [starting] = await ecs.describeServices(['service-a']);
    expect(starting).toMatchObject({ desired: 2, running: 0, pending: 2 });
    expect(starting!.lastEvent?.message).toMatch(/^\(service service-a\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/);

    sb.world.clock.advance(10_000);
    expect((await ecs.describeServices(['service-a']))[0]).toMatchObject({ running: 0, pending: 2 });

    sb.world.clock.advance(15_000);
    const [ready] = await ecs.describeServices(['service-a']);
    expect(ready).toMatchObject({ desired: 2, running: 2, pending: 0, rolloutState: 'COMPLETED', deploymentCount: 1, failedTasks: 0 });
    expect(ready!.lastEvent?.message).toBe('(service service-a) has reached a steady state.');
    expect(ready!.lastEvent?.at).toBe(sb.world.clock.now() - 25_000 + 20_000 + 250);
  });

  it('scaling to zero stops the tasks after a short delay and says so', async () => {
    sb = await startSandbox();
    const ecs = gateway(sb, 'prod');
    await ecs.setDesiredCount('api', 0);
    const raw = await sb.clients.ecs.send(new DescribeServicesCommand({ cluster: 'prod-cluster', services: ['api'] }));
    expect(raw.services?.[0]?.events?.[0]?.message).toMatch(/^\(service api\) has stopped 3 running tasks: /);
    sb.world.clock.advance(5_000);
    const [api] = await ecs.describeServices(['api']);
    expect(api).toMatchObject({ desired: 0, running: 0, pending: 0 });
    expect(api!.lastEvent?.message).toBe('(service api) has reached a steady state.');
  });

  it('a new deployment whose tasks fail is stopped by the circuit breaker (FAILED, ≥ 3 failed tasks); healed, the next one completes', async () => {
    sb = await startSandbox();
    const ecs = gateway(sb, 'prod');
    sb.world.ecs.failTasks('prod-cluster', 'web', true);

    await ecs.setDesiredCount('web', 2, true);
    const [rolling] = await ecs.describeServices(['web']);
    expect(rolling).toMatchObject({ rolloutState: 'IN_PROGRESS', deploymentCount: 2, running: 2, pending: 2 });

    sb.world.clock.advance(60_000);
    const [failed] = await ecs.describeServices(['web']);
    expect(failed!.rolloutState).toBe('FAILED');
    expect(failed!.failedTasks).toBeGreaterThanOrEqual(3);
    expect(failed!.running).toBe(2); // the old deployment keeps serving: circuit breaker without rollback
    expect(failed!.lastEvent?.message).toMatch(/^\(service web\) deployment ecs-svc\/\d+ deployment failed: tasks failed to start\.$/);
    const raw = await sb.clients.ecs.send(new DescribeServicesCommand({ cluster: 'prod-cluster', services: ['web'] }));
    expect(raw.services?.[0]?.events?.some((e) => /\(task [0-9a-f]{32}\) failed to start/.test(e.message ?? ''))).toBe(true);

    sb.world.ecs.failTasks('prod-cluster', 'web', false);
    await ecs.setDesiredCount('web', 2, true);
    sb.world.clock.advance(60_000);
    const [healed] = await ecs.describeServices(['web']);
    expect(healed).toMatchObject({ rolloutState: 'COMPLETED', deploymentCount: 1, running: 2, failedTasks: 0 });
  });

  it('scaling a settled service whose tasks fail: no rollout to fail, failedTasks stays 0, ECS throttles and says why', async () => {
    sb = await startSandbox();
    const ecs = gateway(sb, 'dev');
    sb.world.ecs.failTasks('dev-cluster', 'service-a', true);
    await ecs.setDesiredCount('service-a', 1);
    sb.world.clock.advance(60_000);
    const [a] = await ecs.describeServices(['service-a']);
    expect(a).toMatchObject({ desired: 1, running: 0, rolloutState: 'COMPLETED', failedTasks: 0 });
    const raw = await sb.clients.ecs.send(new DescribeServicesCommand({ cluster: 'dev-cluster', services: ['service-a'] }));
    expect(raw.services?.[0]?.events?.map((e) => e.message)).toContain(
      '(service service-a) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.',
    );
    // Healed, the next launch (no longer throttled) runs.
    sb.world.ecs.failTasks('dev-cluster', 'service-a', false);
    sb.world.clock.advance(10_000);
    expect((await ecs.describeServices(['service-a']))[0]).toMatchObject({ running: 1, pending: 0 });
  });

  it('a task definition change rolls out a new deployment and drains the old one', async () => {
    sb = await startSandbox();
    const ecs = gateway(sb, 'prod');
    const current = await ecs.currentTaskDefinition('api');
    const next = await ecs.registerWithImage(current.arn, 'api', '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/api:v2');
    await ecs.deployTaskDefinition('api', next.arn);
    sb.world.clock.advance(30_000);
    const [api] = await ecs.describeServices(['api']);
    expect(api).toMatchObject({ taskDefinition: next.arn, rolloutState: 'COMPLETED', deploymentCount: 1, running: 3 });
    expect(sb.world.ecs.snapshot()['prod-cluster']?.api).toMatchObject({ desired: 3, running: 3, taskDefinition: next.arn });
  });
});

describe('task definitions', () => {
  it('registerWithImage replaces one container image, keeps every other field, in exactly one RegisterTaskDefinition', async () => {
    sb = await startSandbox();
    // A two-container revision, so "only that container" means something.
    const base = await sb.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
    const td = base.taskDefinition!;
    const sidecar = { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0', essential: false, cpu: 0, memoryReservation: 50 };
    const two = await sb.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: td.family!,
        executionRoleArn: td.executionRoleArn,
        networkMode: td.networkMode,
        containerDefinitions: [...td.containerDefinitions!, sidecar],
        requiresCompatibilities: td.requiresCompatibilities,
        cpu: td.cpu,
        memory: td.memory,
      }),
    );
    const ecs = gateway(sb, 'prod');
    const before = await ecs.describeTaskDefinition(two.taskDefinition!.taskDefinitionArn!);
    const mark = sb.world.record.mark();

    const out = await ecs.registerWithImage(before.arn, 'web', '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/web:v2');

    expect(sb.world.record.mutations(mark)).toEqual(['ecs:RegisterTaskDefinition']);
    expect(out).toMatchObject({ revision: before.revision + 1, diff: { container: 'web', from: '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/web:v1', to: '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/web:v2' } });
    const after = await ecs.describeTaskDefinition(out.arn);
    const strip = (t: Record<string, unknown>) => {
      const { arn: _a, taskDefinitionArn: _b, revision: _r, registeredAt: _t, containerDefinitions: _c, ...rest } = t;
      return rest;
    };
    expect(strip(after)).toEqual(strip(before));
    expect(after.containerDefinitions[1]).toEqual(before.containerDefinitions[1]);
    expect(after.containerDefinitions[0]).toEqual({ ...before.containerDefinitions[0], image: '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/web:v2' });
  });

  it('an unknown container is refused by name, before anything is registered', async () => {
    sb = await startSandbox();
    const ecs = gateway(sb, 'prod');
    const td = await ecs.currentTaskDefinition('web');
    const mark = sb.world.record.mark();
    const err = await ecs.registerWithImage(td.arn, 'nginx', 'x:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsGatewayError);
    expect((err as AwsGatewayError).code).toBe('invalid');
    expect((err as AwsGatewayError).message).toContain('container "nginx" is not in web:1 (containers: web)');
    expect(sb.world.record.mutations(mark)).toEqual([]);
  });
});

describe('ECS errors', () => {
  it('an unknown service is a readable not_found naming it and the ops.yml path', async () => {
    sb = await startSandbox();
    const ecs = gateway(sb, 'prod');
    const missing = await ecs.describeServices(['web', 'nope', 'gone']).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AwsGatewayError);
    expect((missing as AwsGatewayError).code).toBe('not_found');
    expect((missing as AwsGatewayError).message).toBe('services nope, gone not found in cluster prod-cluster (ap-northeast-1) — check environments.prod.services');

    const update = await ecs.setDesiredCount('nope', 1).catch((e: unknown) => e);
    expect((update as AwsGatewayError).message).toBe('service nope not found in cluster prod-cluster (ap-northeast-1) — check environments.prod.services');
    expect((update as AwsGatewayError).cause).toBeInstanceOf(ServiceNotFoundException);
  });

  it('an unknown cluster names the cluster, the region and environments.<env>.cluster', async () => {
    sb = await startSandbox();
    const err = await gateway(sb, 'prod', 'prod-clustr').describeServices(['web']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsGatewayError);
    expect((err as AwsGatewayError).code).toBe('not_found');
    expect((err as AwsGatewayError).message).toBe('cluster prod-clustr not found in ap-northeast-1 — check environments.prod.cluster');
  });

  it('the raw SDK raises the modelled exception classes (wire format)', async () => {
    sb = await startSandbox();
    const client: ECSClient = sb.clients.ecs;
    const notFound = await client.send(new UpdateServiceCommand({ cluster: 'prod-cluster', service: 'nope', desiredCount: 1 })).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ServiceNotFoundException);
    const tooMany = await client
      .send(new DescribeServicesCommand({ cluster: 'prod-cluster', services: Array.from({ length: 11 }, (_, i) => `s${i}`) }))
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(InvalidParameterException);
    // CodeDeploy owns the task definition of a CODE_DEPLOY service.
    const viaEcs = await client.send(new UpdateServiceCommand({ cluster: 'prod-cluster', service: 'payment', forceNewDeployment: true })).catch((e: unknown) => e);
    expect(viaEcs).toBeInstanceOf(InvalidParameterException);
  });
});

describe('task sets (EXTERNAL controller)', () => {
  const config = () =>
    OpsConfigSchema.parse({
      environments: {
        prod: {
          region: REGION,
          channel: 'C0PROD001',
          cluster: 'prod-cluster',
          services: { 'api-internal': { desiredCount: 2 } },
          canary: {
            'api-internal': { route53: { hostedZoneId: 'Z0PRIVATE0001', recordName: 'api.internal.example.', blue: 'api-blue', green: 'api-green' } },
          },
          deploy: {
            'api-internal': {
              strategy: 'tasksets',
              container: 'app',
              port: 8080,
              canary: 'api-internal',
              blueRegistryArn: 'arn:aws:servicediscovery:ap-northeast-1:111111111111:service/srv-blue',
              greenRegistryArn: 'arn:aws:servicediscovery:ap-northeast-1:111111111111:service/srv-green',
            },
          },
        },
      },
    });

  it('create green, make it primary, delete blue', async () => {
    sb = await startSandbox({ config: config() });
    const ecs = gateway(sb, 'prod');
    const [blue] = await ecs.describeTaskSets('api-internal');
    expect(blue).toMatchObject({ status: 'PRIMARY', desired: 2, running: 2, scalePercent: 100, stable: true });
    const td = await ecs.currentTaskDefinition('api-internal');
    expect(td.containerDefinitions.map((c) => c.name)).toEqual(['app']);
    const v2 = await ecs.registerWithImage(td.arn, 'app', '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/api-internal:v2');

    const green = await ecs.createTaskSet('api-internal', {
      taskDefinition: v2.arn,
      externalId: 'run-42',
      scalePercent: 100,
      registryArns: ['arn:aws:servicediscovery:ap-northeast-1:111111111111:service/srv-green'],
    });
    expect(green).toMatchObject({ status: 'ACTIVE', desired: 2, pending: 2, running: 0, stable: false, externalId: 'run-42' });
    sb.world.clock.advance(10_000);
    expect((await ecs.describeTaskSets('api-internal', [green.id]))[0]).toMatchObject({ running: 2, stable: true });
    expect((await ecs.describeServices(['api-internal']))[0]).toMatchObject({ running: 4, deploymentCount: 2, deploymentController: 'EXTERNAL' });

    expect(await ecs.makePrimary('api-internal', green.arn)).toMatchObject({ status: 'PRIMARY' });
    // The old primary still has its tasks: deleting it needs a scale-down first (or force).
    const refused = await ecs.deleteTaskSet('api-internal', blue!.id).catch((e: unknown) => e);
    expect((refused as AwsGatewayError).code).toBe('invalid');
    await ecs.scaleTaskSet('api-internal', blue!.id, 0);
    expect(await ecs.deleteTaskSet('api-internal', blue!.id)).toMatchObject({ status: 'DRAINING' });
    sb.world.clock.advance(5_000);

    const sets = await ecs.describeTaskSets('api-internal');
    expect(sets.map((s) => [s.id, s.status])).toEqual([[green.id, 'PRIMARY']]);
    const [svc] = await ecs.describeServices(['api-internal']);
    expect(svc).toMatchObject({ running: 2, deploymentCount: 1, taskDefinition: v2.arn });
  });

  it('task set calls on an ECS-controlled service are refused as AWS does', async () => {
    sb = await startSandbox();
    const err = await gateway(sb, 'prod').createTaskSet('web', { taskDefinition: 'web:1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsGatewayError);
    expect((err as AwsGatewayError).cause).toBeInstanceOf(InvalidParameterException);
  });
});

describe('for other simulators', () => {
  it('setServiceTaskDefinition moves a CODE_DEPLOY service to a new PRIMARY task set', async () => {
    sb = await startSandbox();
    const before = sb.world.ecs.serviceTaskDefinition('prod-cluster', 'payment');
    const ecs = gateway(sb, 'prod');
    const v2 = await ecs.registerWithImage(before, 'web', 'payment:v2');
    sb.world.ecs.setServiceTaskDefinition('prod-cluster', 'payment', v2.arn);
    sb.world.clock.advance(10_000);
    expect(sb.world.ecs.serviceTaskDefinition('prod-cluster', 'payment')).toBe(v2.arn);
    expect(sb.world.ecs.snapshot()['prod-cluster']?.payment).toMatchObject({ desired: 2, running: 2, pending: 0, taskDefinition: v2.arn });
    const [payment] = await ecs.describeServices(['payment']);
    expect(payment).toMatchObject({ deploymentCount: 1, taskDefinition: v2.arn });
  });
});
