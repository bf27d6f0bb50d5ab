// The bot's typed door to Amazon ECS for one environment: service status, scaling, task-definition revisions and task sets, as plain values.
import type { ECSClient, RegisterTaskDefinitionCommandInput, UpdateServiceCommandInput, Service, ServiceDeploymentStatus, CapacityProviderStrategyItem, CreateTaskSetCommandInput, LaunchType, NetworkConfiguration, ServiceDeployment as SdkServiceDeployment, TaskSet } from '@aws-sdk/client-ecs';
import { sdk } from './sdk.js';
import { AwsErrorCode, AwsGatewayError, awsErrorName, translate } from './errors.js';
import { messages, type Lang } from '../i18n/index.js';

/** The gateway's words for what a call was about, in a language (src/i18n/resources.ts). */
const said = (lang: Lang) => messages(lang).resources;

/** DescribeServices takes at most 10 services per call (API reference, DescribeServices.services). */
const DESCRIBE_BATCH = 10;
/** Batches in flight at once: enough to be quick on 50 services, few enough not to trip ECS throttling. */
const DESCRIBE_CONCURRENCY = 3;
/** Service events kept per status: ECS returns up to 100; the few newest are what a person (and a failure check) needs. */
const RECENT_EVENTS = 5;
/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition refuses or ignores. */
const READ_ONLY_FIELDS = ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt'] as const;

export const RolloutState = { inProgress: 'IN_PROGRESS', completed: 'COMPLETED', failed: 'FAILED' } as const;
export type RolloutState = (typeof RolloutState)[keyof typeof RolloutState];

export interface ServiceStatus {
  name: string;
  arn: string;
  status: string;
  desired: number;
  running: number;
  pending: number;
  /** Failed tasks of the PRIMARY deployment (0 for task-set services, where ECS does not count them). */
  failedTasks: number;
  rolloutState: RolloutState | undefined;
  /** Deployments, or task sets for CODE_DEPLOY / EXTERNAL services: 1 when nothing is moving. */
  deploymentCount: number;
  /** When the PRIMARY deployment (or task set) was created, ms epoch. */
  primaryCreatedAt: number;
  lastEvent?: { at: number; message: string };
  /** The newest few service events, newest first: a throttle notice can hide behind a later "has started" one. */
  recentEvents: { at: number; message: string }[];
  taskDefinition: string;
  targetGroupArns: string[];
  deploymentController: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';
}

export interface ContainerSpec {
  name: string;
  image: string;
  [field: string]: unknown;
}
/** A task definition as RegisterTaskDefinition accepts it, plus where it came from. */
export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  containerDefinitions: ContainerSpec[];
  [field: string]: unknown;
}
export interface RegisteredImage {
  arn: string;
  revision: number;
  diff: { container: string; from: string; to: string };
}

export interface TaskSetInfo {
  id: string;
  arn: string;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING' | string;
  taskDefinition: string;
  desired: number;
  running: number;
  pending: number;
  scalePercent: number;
  stable: boolean;
  externalId?: string;
  /** Where its tasks run; a new task set copies blue's (CreateTaskSet needs the awsvpc network for Fargate). */
  placement?: TaskPlacement;
  /** The Cloud Map services it registers in: which colour a task set is, on AWS. */
  registryArns?: string[];
}
export interface TaskPlacement {
  networkConfiguration?: NetworkConfiguration;
  launchType?: LaunchType;
  platformVersion?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
}
export interface NewTaskSet {
  taskDefinition: string;
  externalId?: string;
  scalePercent?: number;
  placement?: TaskPlacement;
  /** Cloud Map registries (service discovery), e.g. the green registry of a task-set deploy. */
  registryArns?: string[];
  loadBalancers?: { targetGroupArn: string; containerName: string; containerPort: number }[];
}

const ms = (d: Date | undefined) => (d ? d.getTime() : 0);

/** Runs `fn` over items with at most `limit` in flight, keeping the input order in the output. */
/** What a blue/green, linear or canary deployment through ECS itself needs (UpdateService with a strategy). */
export interface NativeDeploySpec {
  service: string;
  taskDefinitionArn: string;
  strategy: 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  bakeMinutes: number;
  canary?: { percent: number; bakeMinutes: number };
  linear?: { stepPercent: number; bakeMinutes: number };
  container: string;
  port: number;
  targetGroupArn: string;
  alternateTargetGroupArn: string;
  productionListenerRuleArn: string;
  testListenerRuleArn?: string;
  roleArn: string;
  pauseAt: string[];
  pauseTimeoutMinutes: number;
  pauseTimeoutAction: 'ROLLBACK' | 'CONTINUE';
  alarms: string[];
}

/** A service deployment as the bot reads it (DescribeServiceDeployments), in plain values. */
export interface NativeDeployment {
  arn: string;
  /** The last part of the ARN, what the console shows. */
  id: string;
  status: string;
  statusReason?: string;
  stage?: string;
  createdAt: number;
  finishedAt?: number;
  /** PAUSE hooks and their state; the one AWAITING_ACTION is what Approve / Rollback answer. */
  hooks: { id: string; type: string; status: string; expiresAt?: number; timeoutAction?: string }[];
  alarms: { status: string; names: string[]; triggered: string[] };
  rollback?: { reason: string; startedAt?: number };
  /** ECS's own snapshot of the traffic it requested for the new revision, in percent. */
  requestedProductionWeight?: number;
  strategy?: string;
}

export function toNativeDeployment(d: SdkServiceDeployment): NativeDeployment {
  const arn = d.serviceDeploymentArn ?? '';
  const prodWeight = d.targetServiceRevision?.requestedProductionTrafficWeight;
  return {
    arn,
    id: arn.split('/').pop() ?? arn,
    status: d.status ?? 'PENDING',
    ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    ...(d.lifecycleStage ? { stage: d.lifecycleStage } : {}),
    createdAt: d.createdAt?.getTime() ?? 0,
    ...(d.finishedAt ? { finishedAt: d.finishedAt.getTime() } : {}),
    hooks: (d.lifecycleHookDetails ?? []).map((h) => ({
      id: h.hookId ?? '',
      type: h.targetType ?? 'PAUSE',
      status: h.status ?? 'IN_PROGRESS',
      ...(h.expiresAt ? { expiresAt: h.expiresAt.getTime() } : {}),
      ...(h.timeoutAction ? { timeoutAction: h.timeoutAction } : {}),
    })),
    alarms: { status: d.alarms?.status ?? 'DISABLED', names: d.alarms?.alarmNames ?? [], triggered: d.alarms?.triggeredAlarmNames ?? [] },
    ...(d.rollback ? { rollback: { reason: d.rollback.reason ?? 'rolled back', ...(d.rollback.startedAt ? { startedAt: d.rollback.startedAt.getTime() } : {}) } } : {}),
    ...(prodWeight !== undefined ? { requestedProductionWeight: prodWeight } : {}),
    ...(d.deploymentConfiguration?.strategy ? { strategy: d.deploymentConfiguration.strategy } : {}),
  };
}

/** Service-deployment states in which ECS is still acting (a new deployment must wait). */
export const ACTIVE_DEPLOYMENT_STATES = ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'] as const;

async function inPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function toStatus(s: Service): ServiceStatus {
  const controller = (s.deploymentController?.type ?? 'ECS') as ServiceStatus['deploymentController'];
  const usesTaskSets = controller !== 'ECS';
  const primaryDeployment = s.deployments?.find((d) => d.status === 'PRIMARY');
  const primaryTaskSet = s.taskSets?.find((t) => t.status === 'PRIMARY');
  const event = s.events?.[0];
  return {
    name: s.serviceName ?? '',
    arn: s.serviceArn ?? '',
    status: s.status ?? 'UNKNOWN',
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    failedTasks: primaryDeployment?.failedTasks ?? 0,
    rolloutState: primaryDeployment?.rolloutState as RolloutState | undefined,
    deploymentCount: usesTaskSets ? (s.taskSets?.length ?? 0) : (s.deployments?.length ?? 0),
    primaryCreatedAt: ms(usesTaskSets ? primaryTaskSet?.createdAt : primaryDeployment?.createdAt),
    ...(event?.message ? { lastEvent: { at: ms(event.createdAt), message: event.message } } : {}),
    recentEvents: (s.events ?? []).slice(0, RECENT_EVENTS).flatMap((e) => (e.message ? [{ at: ms(e.createdAt), message: e.message }] : [])),
    taskDefinition: s.taskDefinition ?? primaryDeployment?.taskDefinition ?? primaryTaskSet?.taskDefinition ?? '',
    targetGroupArns: (s.loadBalancers ?? []).flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : [])),
    deploymentController: controller,
  };
}

function toTaskSet(t: TaskSet): TaskSetInfo {
  return {
    id: t.id ?? '',
    arn: t.taskSetArn ?? '',
    status: t.status ?? 'UNKNOWN',
    taskDefinition: t.taskDefinition ?? '',
    desired: t.computedDesiredCount ?? 0,
    running: t.runningCount ?? 0,
    pending: t.pendingCount ?? 0,
    scalePercent: t.scale?.value ?? 0,
    stable: t.stabilityStatus === 'STEADY_STATE',
    ...(t.externalId ? { externalId: t.externalId } : {}),
    ...(t.serviceRegistries?.length ? { registryArns: t.serviceRegistries.map((r) => r.registryArn ?? '') } : {}),
    placement: {
      ...(t.networkConfiguration ? { networkConfiguration: t.networkConfiguration } : {}),
      ...(t.capacityProviderStrategy?.length ? { capacityProviderStrategy: t.capacityProviderStrategy } : t.launchType ? { launchType: t.launchType } : {}),
      ...(t.platformVersion ? { platformVersion: t.platformVersion } : {}),
    },
  };
}

/** The CreateTaskSet request for `spec` (the gateway sends exactly this; --dry-run shows it). */
export function createTaskSetInput(cluster: string, service: string, spec: NewTaskSet): CreateTaskSetCommandInput {
  const where = spec.placement ?? {};
  return {
    cluster,
    service,
    taskDefinition: spec.taskDefinition,
    ...(spec.externalId ? { externalId: spec.externalId } : {}),
    scale: { value: spec.scalePercent ?? 100, unit: 'PERCENT' },
    ...(spec.registryArns ? { serviceRegistries: spec.registryArns.map((registryArn) => ({ registryArn })) } : {}),
    ...(spec.loadBalancers ? { loadBalancers: spec.loadBalancers } : {}),
    ...(where.networkConfiguration ? { networkConfiguration: where.networkConfiguration } : {}),
    ...(where.capacityProviderStrategy ? { capacityProviderStrategy: where.capacityProviderStrategy } : { launchType: where.launchType ?? 'FARGATE' }),
    ...(where.platformVersion ? { platformVersion: where.platformVersion } : {}),
  };
}

export class EcsGateway {
  constructor(
    private readonly client: ECSClient,
    private readonly ctx: { envName: string; region: string; cluster: string },
  ) {}

  /** Status of the named services, 10 per DescribeServices call, at most 3 calls at a time, in the order asked. */
  async describeServices(names: string[]): Promise<ServiceStatus[]> {
    if (names.length === 0) return [];
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += DESCRIBE_BATCH) batches.push(names.slice(i, i + DESCRIBE_BATCH));
    const results = await inPool(batches, DESCRIBE_CONCURRENCY, async (batch) => {
      try {
        return await this.client.send(new sdk.ecs.DescribeServicesCommand({ cluster: this.ctx.cluster, services: batch }));
      } catch (err) {
        throw this.fail(err, (l) => said(l).ecs.describingServices({ services: batch.join(', ') }));
      }
    });
    const missing = results.flatMap((r) => (r.failures ?? []).map((f) => f.arn?.split('/').pop() ?? f.arn ?? '?'));
    if (missing.length > 0) {
      throw new AwsGatewayError(
        AwsErrorCode.notFound,
        `service${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in cluster ${this.ctx.cluster} (${this.ctx.region}) — check environments.${this.ctx.envName}.services`,
      );
    }
    const byName = new Map(results.flatMap((r) => r.services ?? []).map((s) => [s.serviceName ?? '', toStatus(s)]));
    return names.flatMap((n) => {
      const s = byName.get(n.split('/').pop() ?? n);
      return s ? [s] : [];
    });
  }

  /** The same as describeServices, under the name the startup operation's port uses. */
  describe(names: string[]): Promise<ServiceStatus[]> {
    return this.describeServices(names);
  }

  /** Every service name of the cluster, all pages. */
  async listServices(): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const page of sdk.ecs.paginateListServices({ client: this.client, pageSize: 100 }, { cluster: this.ctx.cluster })) {
        for (const arn of page.serviceArns ?? []) names.push(arn.split('/').pop() ?? arn);
      }
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.listingServices);
    }
    return names;
  }

  /** Sets a service's task count; `forceNewDeployment` replaces its tasks too (a retry after failed starts). Read back with describeServices. */
  async setDesiredCount(service: string, count: number, forceNewDeployment = false): Promise<void> {
    try {
      await this.client.send(
        new sdk.ecs.UpdateServiceCommand({ cluster: this.ctx.cluster, service, desiredCount: count, ...(forceNewDeployment ? { forceNewDeployment: true } : {}) }),
      );
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.scalingService({ service, count }), service);
    }
  }

  /** Rolls an ECS-controlled service onto a task definition (a new deployment). Read back with describeServices. */
  async deployTaskDefinition(service: string, taskDefinitionArn: string): Promise<void> {
    try {
      await this.client.send(new sdk.ecs.UpdateServiceCommand({ cluster: this.ctx.cluster, service, taskDefinition: taskDefinitionArn }));
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.deploying({ taskDefinition: taskDefinitionArn, service }), service);
    }
  }

  /** The task definition a service runs now. */
  async currentTaskDefinition(service: string): Promise<TaskDefinition> {
    const [status] = await this.describeServices([service]);
    if (!status?.taskDefinition) {
      throw new AwsGatewayError(AwsErrorCode.notFound, `service ${service} runs no task definition yet — check environments.${this.ctx.envName}.services`);
    }
    return this.describeTaskDefinition(status.taskDefinition);
  }

  async describeTaskDefinition(ref: string): Promise<TaskDefinition> {
    try {
      const out = await this.client.send(new sdk.ecs.DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }));
      const td = out.taskDefinition;
      if (!td?.taskDefinitionArn || !td.family) throw new AwsGatewayError(AwsErrorCode.notFound, `task definition ${ref} not found in ${this.ctx.region}`);
      return {
        ...(JSON.parse(JSON.stringify(td)) as Record<string, unknown>),
        ...(out.tags?.length ? { tags: out.tags.map((t) => ({ key: t.key, value: t.value })) } : {}),
        arn: td.taskDefinitionArn,
        family: td.family,
        revision: td.revision ?? 0,
        containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({ ...c, name: c.name ?? '', image: c.image ?? '' })),
      };
    } catch (err) {
      if (err instanceof AwsGatewayError) throw err;
      // ECS answers an unknown task definition with a ClientException, not a NotFound.
      if (awsErrorName(err) === 'ClientException') {
        throw new AwsGatewayError(AwsErrorCode.notFound, `task definition ${ref} not found in ${this.ctx.region} — check the service's task definition`, { cause: err });
      }
      throw this.fail(err, (l) => said(l).ecs.readingTaskDefinition({ ref }));
    }
  }

  /**
   * Registers a new revision of `taskDefArn` with one container's image replaced and everything else as it was.
   * Read back: the returned ARN, via describeTaskDefinition.
   */
  async registerWithImage(taskDefArn: string, containerName: string, image: string): Promise<RegisteredImage> {
    const current = await this.describeTaskDefinition(taskDefArn);
    const target = current.containerDefinitions.find((c) => c.name === containerName);
    if (!target) {
      throw new AwsGatewayError(
        AwsErrorCode.invalid,
        `container "${containerName}" is not in ${current.family}:${current.revision} (containers: ${current.containerDefinitions.map((c) => c.name).join(', ')}) — check environments.${this.ctx.envName}.deploy.<service>.container`,
      );
    }
    const input: Record<string, unknown> = { ...current };
    for (const f of [...READ_ONLY_FIELDS, 'arn']) delete input[f];
    input.containerDefinitions = current.containerDefinitions.map((c) => (c.name === containerName ? { ...c, image } : c));
    try {
      const out = await this.client.send(new sdk.ecs.RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput));
      const td = out.taskDefinition;
      return { arn: td?.taskDefinitionArn ?? '', revision: td?.revision ?? 0, diff: { container: containerName, from: target.image, to: image } };
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.registering({ family: current.family, image }));
    }
  }

  // ---------------------------------------------------------------- task sets (EXTERNAL controller)

  async createTaskSet(service: string, spec: NewTaskSet): Promise<TaskSetInfo> {
    try {
      const out = await this.client.send(new sdk.ecs.CreateTaskSetCommand(createTaskSetInput(this.ctx.cluster, service, spec)));
      return toTaskSet(out.taskSet ?? {});
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.creatingTaskSet({ service }), service);
    }
  }

  async describeTaskSets(service: string, ids?: string[]): Promise<TaskSetInfo[]> {
    try {
      const out = await this.client.send(new sdk.ecs.DescribeTaskSetsCommand({ cluster: this.ctx.cluster, service, ...(ids ? { taskSets: ids } : {}) }));
      return (out.taskSets ?? []).map(toTaskSet);
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.describingTaskSets({ service }), service);
    }
  }

  /** Sets a task set's share of the service's desired count, in percent. */
  async scaleTaskSet(service: string, taskSet: string, percent: number): Promise<TaskSetInfo> {
    try {
      const out = await this.client.send(new sdk.ecs.UpdateTaskSetCommand({ cluster: this.ctx.cluster, service, taskSet, scale: { value: percent, unit: 'PERCENT' } }));
      return toTaskSet(out.taskSet ?? {});
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.scalingTaskSet({ taskSet, service, percent }), service);
    }
  }

  async makePrimary(service: string, taskSet: string): Promise<TaskSetInfo> {
    try {
      const out = await this.client.send(new sdk.ecs.UpdateServicePrimaryTaskSetCommand({ cluster: this.ctx.cluster, service, primaryTaskSet: taskSet }));
      return toTaskSet(out.taskSet ?? {});
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.makingPrimary({ taskSet, service }), service);
    }
  }

  async deleteTaskSet(service: string, taskSet: string, force = false): Promise<TaskSetInfo> {
    try {
      const out = await this.client.send(new sdk.ecs.DeleteTaskSetCommand({ cluster: this.ctx.cluster, service, taskSet, ...(force ? { force: true } : {}) }));
      return toTaskSet(out.taskSet ?? {});
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.deletingTaskSet({ taskSet, service }), service);
    }
  }

  // ---------------------------------------------------------------- service deployments (ECS native blue/green, 2025)

  /** The UpdateService request that starts a native blue/green, linear or canary deployment (shown by --dry-run too). */
  nativeDeployRequest(spec: NativeDeploySpec): UpdateServiceCommandInput {
    return {
      cluster: this.ctx.cluster,
      service: spec.service,
      taskDefinition: spec.taskDefinitionArn,
      deploymentConfiguration: {
        strategy: spec.strategy,
        bakeTimeInMinutes: spec.bakeMinutes,
        ...(spec.strategy === 'CANARY' && spec.canary ? { canaryConfiguration: { canaryPercent: spec.canary.percent, canaryBakeTimeInMinutes: spec.canary.bakeMinutes } } : {}),
        ...(spec.strategy === 'LINEAR' && spec.linear ? { linearConfiguration: { stepPercent: spec.linear.stepPercent, stepBakeTimeInMinutes: spec.linear.bakeMinutes } } : {}),
        lifecycleHooks: spec.pauseAt.length
          ? [{ targetType: 'PAUSE', lifecycleStages: spec.pauseAt as never[], timeoutConfiguration: { timeoutInMinutes: spec.pauseTimeoutMinutes, action: spec.pauseTimeoutAction } }]
          : [],
        alarms: { alarmNames: spec.alarms, enable: spec.alarms.length > 0, rollback: true },
      },
      loadBalancers: [
        {
          targetGroupArn: spec.targetGroupArn,
          containerName: spec.container,
          containerPort: spec.port,
          advancedConfiguration: {
            alternateTargetGroupArn: spec.alternateTargetGroupArn,
            productionListenerRule: spec.productionListenerRuleArn,
            ...(spec.testListenerRuleArn ? { testListenerRule: spec.testListenerRuleArn } : {}),
            roleArn: spec.roleArn,
          },
        },
      ],
    };
  }

  /** Starts the deployment (UpdateService with the strategy). Read back with activeDeployments / serviceDeployment. */
  async startNativeDeployment(spec: NativeDeploySpec, hint: string): Promise<void> {
    try {
      await this.client.send(new sdk.ecs.UpdateServiceCommand(this.nativeDeployRequest(spec)));
    } catch (err) {
      if (awsErrorName(err) === 'InvalidParameterException') {
        throw new AwsGatewayError(AwsErrorCode.invalid, `ECS refused the deployment of service ${spec.service}: ${(err as Error).message} — check ${hint}`, { cause: err });
      }
      throw this.fail(err, (l) => said(l).ecs.startingDeployment({ strategy: spec.strategy, service: spec.service }), spec.service);
    }
  }

  /** The service's deployments ECS is still acting on (or in `statuses`), newest first (ListServiceDeployments, all pages). */
  async activeDeployments(service: string, statuses: readonly string[] = ACTIVE_DEPLOYMENT_STATES): Promise<{ arn: string; status: string; createdAt: number }[]> {
    const out: { arn: string; status: string; createdAt: number }[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(
          new sdk.ecs.ListServiceDeploymentsCommand({
            cluster: this.ctx.cluster,
            service,
            ...(statuses.length ? { status: [...statuses] as ServiceDeploymentStatus[] } : {}),
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        for (const d of page.serviceDeployments ?? []) out.push({ arn: d.serviceDeploymentArn ?? '', status: d.status ?? '', createdAt: d.createdAt?.getTime() ?? 0 });
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.listingDeployments({ service }), service);
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  async serviceDeployment(arn: string): Promise<NativeDeployment> {
    try {
      const out = await this.client.send(new sdk.ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
      const d = out.serviceDeployments?.[0];
      if (!d) throw new AwsGatewayError(AwsErrorCode.notFound, `service deployment ${arn} not found in ${this.ctx.region} (${out.failures?.[0]?.reason ?? 'MISSING'})`);
      return toNativeDeployment(d);
    } catch (err) {
      if (err instanceof AwsGatewayError) throw err;
      throw this.fail(err, (l) => said(l).ecs.readingDeployment({ arn }));
    }
  }

  /** Answers a PAUSE hook: CONTINUE to the next stage, or ROLLBACK to the previous revision. */
  async continueDeployment(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): Promise<void> {
    try {
      await this.client.send(new sdk.ecs.ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action }));
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.answeringPause({ action, hook: hookId, deployment: arn.split('/').pop() ?? arn }));
    }
  }

  /** Stops a deployment with rollback: ECS puts production traffic back on the previous revision. */
  async stopDeployment(arn: string): Promise<void> {
    try {
      await this.client.send(new sdk.ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    } catch (err) {
      throw this.fail(err, (l) => said(l).ecs.stoppingDeployment({ deployment: arn.split('/').pop() ?? arn }));
    }
  }

  /** ECS errors as sentences that say which line of ops.yml to look at. */
  private fail(err: unknown, about: (lang: Lang) => string, service?: string): AwsGatewayError {
    const { envName, region, cluster } = this.ctx;
    const name = awsErrorName(err);
    if (name === 'ClusterNotFoundException') {
      return new AwsGatewayError(AwsErrorCode.notFound, `cluster ${cluster} not found in ${region} — check environments.${envName}.cluster`, { cause: err });
    }
    if (name === 'ServiceNotFoundException' || name === 'ServiceNotActiveException') {
      const state = name === 'ServiceNotActiveException' ? 'is not active' : 'not found';
      return new AwsGatewayError(
        AwsErrorCode.notFound,
        `service ${service ?? '?'} ${state} in cluster ${cluster} (${region}) — check environments.${envName}.services`,
        { cause: err },
      );
    }
    if (name === 'ServiceDeploymentNotFoundException') {
      const text = (l: Lang) => said(l).deploymentGone({ what: about(l) });
      return new AwsGatewayError(AwsErrorCode.notFound, text('en'), { cause: err, say: text });
    }
    if (name === 'ConflictException') {
      const text = (l: Lang) => said(l).deploymentConflict({ what: about(l), detail: (err as Error).message });
      return new AwsGatewayError(AwsErrorCode.conflict, text('en'), { cause: err, say: text });
    }
    if (name === 'TaskSetNotFoundException') {
      const text = (l: Lang) => said(l).taskSetGone({ what: about(l) });
      return new AwsGatewayError(AwsErrorCode.notFound, text('en'), { cause: err, say: text });
    }
    return translate(err, about, `check environments.${envName}`);
  }
}
