// The simulated CodeDeploy of the account: ECS applications, deployment groups and blue/green deployments that walk their lifecycle on the sandbox clock.
import { createHash, randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Environment } from '../src/config/schema.js';
import { AwsError } from './errors.js';
import type { JsonHandlers } from './protocol.js';
import type { World } from './world.js';

/** The lifecycle events of an ECS blue/green deployment, in order (AppSpec "hooks for an Amazon ECS deployment"). */
export const ECS_LIFECYCLE_EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'BeforeAllowTestTraffic',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
] as const;
export type EcsLifecycleEvent = (typeof ECS_LIFECYCLE_EVENTS)[number];

/** A rollback deployment only reroutes traffic to the original task set and removes the replacement. */
const ROLLBACK_EVENTS = ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'] as const;

export const DeploymentStatus = {
  created: 'Created',
  queued: 'Queued',
  inProgress: 'InProgress',
  baking: 'Baking',
  succeeded: 'Succeeded',
  failed: 'Failed',
  stopped: 'Stopped',
  ready: 'Ready',
} as const;
export type DeploymentStatus = (typeof DeploymentStatus)[keyof typeof DeploymentStatus];
const ACTIVE: ReadonlySet<string> = new Set([DeploymentStatus.created, DeploymentStatus.queued, DeploymentStatus.inProgress, DeploymentStatus.baking, DeploymentStatus.ready]);

// Simulated durations: long enough to be observed between two polls, short enough for tests to advance past.
const EVENT_MS = 3_000;
/** The green task set's tasks go from PENDING to RUNNING during Install. */
const INSTALL_MS = 10_000;
const MINUTE = 60_000;
// AWS limits (CodeDeploy API reference, BlueGreenDeploymentConfiguration; quotas page).
const MAX_WAIT_MINUTES = 2880;
const MAX_ALARMS = 10;
const LIST_PAGE = 100;

type Routing =
  | { type: 'AllAtOnce' }
  | { type: 'TimeBasedCanary'; percent: number; intervalMinutes: number }
  | { type: 'TimeBasedLinear'; percent: number; intervalMinutes: number };

interface SimConfig {
  id: string;
  name: string;
  createdAt: number;
  routing: Routing;
}

interface SimApp {
  id: string;
  name: string;
  computePlatform: string;
  createdAt: number;
}

interface SimGroup {
  id: string;
  app: SimApp;
  name: string;
  configName: string;
  serviceRoleArn: string;
  cluster: string;
  service: string;
  targetGroups: [string, string];
  prodListeners: string[];
  testListeners: string[];
  readyAction: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT';
  readyWaitMinutes: number;
  terminationAction: 'TERMINATE' | 'KEEP_ALIVE';
  terminationWaitMinutes: number;
  autoRollback: { enabled: boolean; events: string[] };
  alarms: { enabled: boolean; ignorePollAlarmFailure: boolean; alarms: { name: string }[] };
  /** Index in targetGroups of the group production traffic is on; it flips when a deployment succeeds. */
  live: 0 | 1;
  lastAttempted?: SimDeployment;
  lastSuccessful?: SimDeployment;
  /** Test control: lifecycle events whose hook fails the next time a deployment of this group reaches them. */
  failures: Map<string, string>;
}

interface SimEvent {
  name: string;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped';
  startedAt?: number;
  endedAt?: number;
  diagnostics?: { errorCode: string; scriptName: string; message: string; logTail: string };
}

interface SimTaskSet {
  id: string;
  label: 'Blue' | 'Green';
  targetGroup: string;
  desired: number;
  pending: number;
  running: number;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
}

interface SimDeployment {
  id: string;
  group: SimGroup;
  configName: string;
  routing: Routing;
  status: DeploymentStatus;
  creator: 'user' | 'codeDeployRollback';
  description?: string;
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  updatedAt: number;
  revision: Record<string, unknown>;
  previousRevision?: Record<string, unknown>;
  taskDefinition: string;
  container: string;
  port: number;
  events: SimEvent[];
  cursor: number;
  phase: 'event' | 'ready' | 'termination' | 'done';
  /** When the next time-driven step happens; undefined while nothing is scheduled. */
  nextAt?: number;
  eventEndsAt: number;
  /** Planned production traffic shifts of the running AllowTraffic event. */
  shifts: { at: number; weight: number }[];
  /** Percent of production traffic on the replacement (green) task set. */
  greenWeight: number;
  /** Index in the group's targetGroups of the original (blue) target group. */
  blueIndex: 0 | 1;
  taskSets: { blue?: SimTaskSet; green?: SimTaskSet };
  autoRollback: { enabled: boolean; events: string[] };
  errorInformation?: { code: string; message: string };
  rollbackInfo?: { rollbackDeploymentId?: string; rollbackTriggeringDeploymentId?: string; rollbackMessage?: string };
  terminationWaitStarted: boolean;
}

/** A deployment group to create directly, for tests and the playground (the product creates its own from ops.yml). */
export interface SeedGroupSpec {
  application: string;
  deploymentGroup: string;
  cluster: string;
  service: string;
  /** Blue and green target group names. */
  targetGroups: [string, string];
  prodListenerArn: string;
  testListenerArn?: string;
  deploymentConfigName?: string;
  waitForReroute?: boolean;
  rerouteWaitMinutes?: number;
  terminationWaitMinutes?: number;
  autoRollback?: boolean;
  serviceRoleArn?: string;
}

const PREDEFINED: Record<string, Routing> = {
  'CodeDeployDefault.ECSAllAtOnce': { type: 'AllAtOnce' },
  'CodeDeployDefault.ECSCanary10Percent5Minutes': { type: 'TimeBasedCanary', percent: 10, intervalMinutes: 5 },
  'CodeDeployDefault.ECSCanary10Percent15Minutes': { type: 'TimeBasedCanary', percent: 10, intervalMinutes: 15 },
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': { type: 'TimeBasedLinear', percent: 10, intervalMinutes: 1 },
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': { type: 'TimeBasedLinear', percent: 10, intervalMinutes: 3 },
};

/** The ECS AppSpec (version 0.0) as CodeDeploy reads it: one ECS service resource with its task definition and load balancer container. */
const AppSpecSchema = z.object({
  version: z.union([z.literal('0.0'), z.literal(0)]),
  Resources: z
    .array(
      z.record(
        z.string(),
        z.object({
          Type: z.literal('AWS::ECS::Service'),
          Properties: z.object({
            TaskDefinition: z.string().min(1),
            LoadBalancerInfo: z.object({ ContainerName: z.string().min(1), ContainerPort: z.coerce.number().int().min(1).max(65535) }),
          }),
        }),
      ),
    )
    .length(1),
  Hooks: z.array(z.record(z.string(), z.string())).optional(),
});

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const secs = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const terminal = (d: SimDeployment) => !ACTIVE.has(d.status);

export class CodeDeploySim {
  private readonly apps = new Map<string, SimApp>();
  private readonly groups = new Map<string, SimGroup>();
  private readonly configs = new Map<string, SimConfig>();
  private readonly deployments = new Map<string, SimDeployment>();
  private readonly regions = new Map<string, string>();
  private counter = 0;

  constructor(readonly world: World) {
    const at = world.clock.now();
    for (const [name, routing] of Object.entries(PREDEFINED)) this.configs.set(name, { id: randomUUID(), name, createdAt: at, routing });
  }

  // ── seeding and test controls ─────────────────────────────────────────────

  /** Nothing is created: the product creates the application and group from ops.yml when they are missing. */
  seed(_envName: string, env: Environment): void {
    this.regions.set(env.cluster, env.region);
  }

  /** Creates an ECS application (when missing) and a deployment group, through the same checks as the API. */
  seedGroup(spec: SeedGroupSpec): void {
    if (!this.apps.has(spec.application)) this.createApp(spec.application, 'ECS');
    this.createGroup({
      applicationName: spec.application,
      deploymentGroupName: spec.deploymentGroup,
      serviceRoleArn: spec.serviceRoleArn ?? `arn:aws:iam::${this.world.account}:role/ecsCodeDeployRole`,
      deploymentConfigName: spec.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce',
      ecsServices: [{ clusterName: spec.cluster, serviceName: spec.service }],
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      blueGreenDeploymentConfiguration: {
        deploymentReadyOption: spec.waitForReroute
          ? { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: spec.rerouteWaitMinutes ?? 60 }
          : { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 },
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: spec.terminationWaitMinutes ?? 5 },
      },
      loadBalancerInfo: {
        targetGroupPairInfoList: [
          {
            targetGroups: spec.targetGroups.map((name) => ({ name })),
            prodTrafficRoute: { listenerArns: [spec.prodListenerArn] },
            ...(spec.testListenerArn ? { testTrafficRoute: { listenerArns: [spec.testListenerArn] } } : {}),
          },
        ],
      },
      autoRollbackConfiguration: spec.autoRollback ? { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] } : { enabled: false, events: [] },
    });
  }

  /** Makes the hook of `eventName` fail, with `message`, the next time a deployment of this group reaches it. */
  failLifecycleEvent(deploymentGroupName: string, eventName: EcsLifecycleEvent, message: string): void {
    if (!(ECS_LIFECYCLE_EVENTS as readonly string[]).includes(eventName)) throw new Error(`sandbox: ${eventName} is not an ECS lifecycle event`);
    const matching = [...this.groups.values()].filter((g) => g.name === deploymentGroupName);
    if (matching.length === 0) throw new Error(`sandbox: no deployment group ${deploymentGroupName}`);
    for (const g of matching) g.failures.set(eventName, message);
  }

  // ── time ──────────────────────────────────────────────────────────────────

  settle(now: number): void {
    // A step may start another deployment (a rollback), so go round until nothing is due.
    for (let guard = 0; guard < 100_000; guard++) {
      const due = [...this.deployments.values()]
        .filter((d) => d.nextAt !== undefined && d.nextAt <= now)
        .sort((a, b) => (a.nextAt ?? 0) - (b.nextAt ?? 0))[0];
      if (!due) return;
      this.tick(due, due.nextAt ?? now);
    }
  }

  private tick(d: SimDeployment, at: number): void {
    d.nextAt = undefined;
    d.updatedAt = at;
    if (d.status === DeploymentStatus.created) {
      d.status = DeploymentStatus.inProgress;
      d.startedAt = at;
      this.startEvent(d, 0, at);
      return;
    }
    switch (d.phase) {
      case 'ready':
        // The reroute wait ran out (STOP_DEPLOYMENT): the replacement never got production traffic.
        this.removeGreen(d);
        this.routeTest(d, 0);
        this.end(d, at, DeploymentStatus.stopped, {
          code: 'TIMEOUT',
          message: `The deployment timed out while waiting for traffic to be rerouted (waited ${d.group.readyWaitMinutes} minutes).`,
        });
        return;
      case 'termination':
        this.finish(d, at);
        return;
      case 'event': {
        const shift = d.shifts[0];
        if (shift && shift.at <= at) {
          d.shifts.shift();
          if (!this.route(d, shift.weight, at)) return;
          d.nextAt = d.shifts[0]?.at ?? d.eventEndsAt;
          return;
        }
        this.endEvent(d, at);
        return;
      }
      case 'done':
        return;
    }
  }

  private startEvent(d: SimDeployment, index: number, at: number): void {
    d.cursor = index;
    const ev = d.events[index]!;
    ev.status = 'InProgress';
    ev.startedAt = at;
    d.eventEndsAt = at + (ev.name === 'Install' ? INSTALL_MS : EVENT_MS);
    d.nextAt = d.eventEndsAt;
    if (ev.name === 'Install') {
      const problem = this.checkTaskDefinition(d);
      if (problem) {
        this.failEvent(d, ev, at, 'UnknownError', problem, 'ECS_UPDATE_ERROR', `The ECS service cannot be updated due to an unexpected error: ${problem}`);
        return;
      }
      const desired = this.desiredCount(d.group);
      d.taskSets.green = {
        id: this.taskSetId(),
        label: 'Green',
        targetGroup: d.group.targetGroups[1 - d.blueIndex]!,
        desired,
        pending: desired,
        running: 0,
        status: 'ACTIVE',
      };
    }
    if (ev.name === 'AllowTraffic' && d.creator === 'user') {
      d.shifts = this.shiftPlan(d.routing, at);
      d.eventEndsAt = (d.shifts[d.shifts.length - 1]?.at ?? at) + EVENT_MS;
      d.nextAt = at;
    }
  }

  /** When production traffic moves during AllowTraffic: all at once, canary then the rest, or linear steps. */
  private shiftPlan(r: Routing, at: number): { at: number; weight: number }[] {
    if (r.type === 'AllAtOnce') return [{ at, weight: 100 }];
    if (r.type === 'TimeBasedCanary') return [{ at, weight: r.percent }, { at: at + r.intervalMinutes * MINUTE, weight: 100 }];
    const plan: { at: number; weight: number }[] = [];
    for (let k = 1; ; k++) {
      const weight = Math.min(100, k * r.percent);
      plan.push({ at: at + (k - 1) * r.intervalMinutes * MINUTE, weight });
      if (weight >= 100) return plan;
    }
  }

  private endEvent(d: SimDeployment, at: number): void {
    const ev = d.events[d.cursor]!;
    const failure = d.creator === 'user' ? d.group.failures.get(ev.name) : undefined;
    if (failure !== undefined) {
      d.group.failures.delete(ev.name);
      this.failEvent(d, ev, at, 'ScriptFailed', failure, 'HOOK_EXECUTION_FAILURE', `The deployment failed because a lifecycle event hook failed: ${ev.name}: ${failure}`);
      return;
    }
    ev.status = 'Succeeded';
    ev.endedAt = at;
    if (ev.name === 'Install' && d.taskSets.green) {
      d.taskSets.green.running = d.taskSets.green.desired;
      d.taskSets.green.pending = 0;
    }
    if (ev.name === 'AllowTestTraffic') this.routeTest(d, 100);
    if (ev.name === 'AfterAllowTestTraffic' && d.group.readyAction === 'STOP_DEPLOYMENT') {
      // Green is up and reachable on the test listener: hold production traffic until ContinueDeployment(READY_WAIT).
      d.status = DeploymentStatus.ready;
      d.phase = 'ready';
      d.nextAt = at + d.group.readyWaitMinutes * MINUTE;
      return;
    }
    if (d.cursor + 1 < d.events.length) {
      this.startEvent(d, d.cursor + 1, at);
      return;
    }
    if (d.creator === 'codeDeployRollback') {
      this.removeGreen(d);
      this.end(d, at, DeploymentStatus.succeeded);
      return;
    }
    if (d.group.terminationAction === 'TERMINATE' && d.group.terminationWaitMinutes > 0) {
      // Blue stays up (and rollback stays possible) until the termination wait ends; the status stays InProgress.
      d.phase = 'termination';
      d.terminationWaitStarted = true;
      d.nextAt = at + d.group.terminationWaitMinutes * MINUTE;
      return;
    }
    this.finish(d, at);
  }

  private failEvent(d: SimDeployment, ev: SimEvent, at: number, errorCode: string, message: string, code: string, deploymentMessage: string): void {
    ev.status = 'Failed';
    ev.endedAt = at;
    ev.diagnostics = { errorCode, scriptName: ev.name, message, logTail: '' };
    this.skipRest(d);
    this.end(d, at, DeploymentStatus.failed, { code, message: deploymentMessage });
    if (d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_FAILURE')) this.rollback(d, at, `Deployment ${d.id} failed and was rolled back automatically.`);
  }

  private skipRest(d: SimDeployment): void {
    for (const e of d.events) if (e.status === 'Pending' || e.status === 'InProgress') e.status = 'Skipped';
  }

  /** Blue's wait is over: the replacement becomes primary, the original is removed and the service runs the new task definition. */
  private finish(d: SimDeployment, at: number): void {
    const g = d.group;
    if (g.terminationAction === 'TERMINATE') delete d.taskSets.blue;
    if (d.taskSets.green) d.taskSets.green.status = 'PRIMARY';
    try {
      this.world.ecs.setServiceTaskDefinition(g.cluster, g.service, d.taskDefinition);
    } catch (err) {
      this.end(d, at, DeploymentStatus.failed, { code: 'ECS_UPDATE_ERROR', message: `The ECS service cannot be updated: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    g.live = (1 - d.blueIndex) as 0 | 1;
    this.end(d, at, DeploymentStatus.succeeded);
    g.lastSuccessful = d;
  }

  private end(d: SimDeployment, at: number, status: DeploymentStatus, error?: { code: string; message: string }): void {
    d.status = status;
    d.phase = 'done';
    d.completedAt = at;
    d.updatedAt = at;
    d.nextAt = undefined;
    d.shifts = [];
    if (error) d.errorInformation = error;
  }

  /** Puts production and test traffic back on blue and starts the rollback deployment that removes green. */
  private rollback(d: SimDeployment, at: number, message: string): SimDeployment {
    this.route(d, 0, at, false);
    this.routeTest(d, 0);
    const r = this.newDeployment(d.group, {
      creator: 'codeDeployRollback',
      configName: d.configName,
      routing: d.routing,
      revision: d.previousRevision ?? d.revision,
      taskDefinition: this.world.ecs.serviceTaskDefinition(d.group.cluster, d.group.service),
      container: d.container,
      port: d.port,
      autoRollback: { enabled: false, events: [] },
      at,
    });
    r.taskSets = d.taskSets;
    r.blueIndex = d.blueIndex;
    r.rollbackInfo = { rollbackTriggeringDeploymentId: d.id, rollbackMessage: `Rollback of deployment ${d.id}` };
    d.rollbackInfo = { rollbackDeploymentId: r.id, rollbackMessage: `${message} Rollback deployment: ${r.id}` };
    return r;
  }

  private removeGreen(d: SimDeployment): void {
    delete d.taskSets.green;
    if (d.taskSets.blue) d.taskSets.blue.status = 'PRIMARY';
  }

  // ── traffic ──────────────────────────────────────────────────────────────

  /** Points the production listeners at blue and green by weight; a listener that cannot be changed fails the deployment. */
  private route(d: SimDeployment, greenWeight: number, at: number, failOnError = true): boolean {
    const [blue, green] = this.targetGroupArns(d);
    try {
      for (const l of d.group.prodListeners) this.world.elbv2.forwardTo(l, { [blue]: 100 - greenWeight, [green]: greenWeight });
      d.greenWeight = greenWeight;
      return true;
    } catch (err) {
      if (!failOnError) return false;
      const ev = d.events[d.cursor];
      const msg = err instanceof Error ? err.message : String(err);
      if (ev) this.failEvent(d, ev, at, 'UnknownError', msg, 'ELASTIC_LOAD_BALANCING_INVALID', `The ELB could not be updated: ${msg}`);
      return false;
    }
  }

  private routeTest(d: SimDeployment, greenWeight: number): void {
    const [blue, green] = this.targetGroupArns(d);
    for (const l of d.group.testListeners) {
      try {
        this.world.elbv2.forwardTo(l, { [blue]: 100 - greenWeight, [green]: greenWeight });
      } catch {
        // A missing test listener only costs the test route; production traffic is unaffected.
      }
    }
  }

  private targetGroupArns(d: SimDeployment): [string, string] {
    const names = [d.group.targetGroups[d.blueIndex], d.group.targetGroups[1 - d.blueIndex]] as [string, string];
    return names.map((n) => this.world.elbv2.targetGroupArnByName(n) ?? n) as [string, string];
  }

  // ── lookups and helpers ─────────────────────────────────────────────────────

  private desiredCount(g: SimGroup): number {
    const snap = this.world.ecs.snapshot() as Record<string, Record<string, { desired: number }> | undefined>;
    return snap[g.cluster]?.[g.service]?.desired ?? 1;
  }

  /** Why the AppSpec's task definition cannot run, or undefined when it can (checked at Install, as AWS does). */
  private checkTaskDefinition(d: SimDeployment): string | undefined {
    try {
      const out = this.world.ecs.handlers().DescribeTaskDefinition!({ taskDefinition: d.taskDefinition }) as { taskDefinition?: { containerDefinitions?: { name?: string }[] } };
      const names = (out.taskDefinition?.containerDefinitions ?? []).map((c) => c.name);
      if (!names.includes(d.container)) return `The container ${d.container} does not exist in the task definition.`;
      return undefined;
    } catch (err) {
      return `${d.taskDefinition}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private taskSetId(): string {
    return `ecs-svc/${String(7_000_000_000 + ++this.counter).padStart(19, '0')}`;
  }

  private deploymentId(): string {
    // Nine upper-case letters and digits, as AWS's ids look (d-2D3Y7FR9V); deterministic so runs repeat.
    const n = ++this.counter;
    const hash = createHash('sha256').update(`deployment:${n}`).digest();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let id = '';
    for (let i = 0; i < 9; i++) id += alphabet[hash[i]! % alphabet.length];
    return `d-${id}`;
  }

  private app(name: unknown): SimApp {
    const n = str(name);
    if (!n) throw new AwsError('ApplicationNameRequiredException', 'The minimum number of required application names was not specified.');
    const a = this.apps.get(n);
    if (!a) throw new AwsError('ApplicationDoesNotExistException', `No application found for name: ${n}`);
    return a;
  }

  private group(appName: unknown, groupName: unknown): SimGroup {
    const a = this.app(appName);
    const n = str(groupName);
    if (!n) throw new AwsError('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
    const g = this.groups.get(`${a.name}/${n}`);
    if (!g) throw new AwsError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${n}`);
    return g;
  }

  private deployment(id: unknown): SimDeployment {
    const s = str(id);
    if (!s) throw new AwsError('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (!/^d-[A-Z0-9]{9}$/.test(s)) throw new AwsError('InvalidDeploymentIdException', `Specified DeploymentId is not in the valid format: ${s}`);
    const d = this.deployments.get(s);
    if (!d) throw new AwsError('DeploymentDoesNotExistException', `The deployment ${s} could not be found.`);
    return d;
  }

  private config(name: string): SimConfig {
    const c = this.configs.get(name);
    if (!c) throw new AwsError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${name}`);
    return c;
  }

  private createApp(name: string, computePlatform: string): SimApp {
    const a: SimApp = { id: randomUUID(), name, computePlatform, createdAt: this.world.clock.now() };
    this.apps.set(name, a);
    return a;
  }

  // ── CreateDeploymentGroup (shared by the API and seedGroup) ─────────────────────

  private createGroup(input: Record<string, unknown>): SimGroup {
    const a = this.app(input.applicationName);
    const name = str(input.deploymentGroupName);
    if (!name) throw new AwsError('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
    if (!/^[\w.+=,@-]{1,100}$/.test(name)) throw new AwsError('InvalidDeploymentGroupNameException', `Deployment group name ${name} is invalid.`);
    if (this.groups.has(`${a.name}/${name}`)) throw new AwsError('DeploymentGroupAlreadyExistsException', `Deployment group ${name} already exists for application ${a.name}.`);
    const role = str(input.serviceRoleArn);
    if (!role) throw new AwsError('RoleRequiredException', 'The service role ARN was not specified.');
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(role)) throw new AwsError('InvalidRoleException', `The service role ${role} is not a valid IAM role ARN.`);
    const configName = str(input.deploymentConfigName) ?? (a.computePlatform === 'ECS' ? 'CodeDeployDefault.ECSAllAtOnce' : 'CodeDeployDefault.OneAtATime');
    this.config(configName);
    if (a.computePlatform !== 'ECS') throw new AwsError('InvalidComputePlatformException', `The sandbox only simulates ECS deployment groups; application ${a.name} is ${a.computePlatform}.`);

    const style = obj(input.deploymentStyle);
    if (style.deploymentType !== 'BLUE_GREEN' || style.deploymentOption !== 'WITH_TRAFFIC_CONTROL') {
      throw new AwsError('InvalidDeploymentStyleException', 'An ECS deployment group requires deploymentStyle BLUE_GREEN with WITH_TRAFFIC_CONTROL.');
    }

    const services = arr(input.ecsServices).map(obj);
    const svc = services[0];
    if (services.length !== 1 || !svc || !str(svc.clusterName) || !str(svc.serviceName)) {
      throw new AwsError('InvalidECSServiceException', 'An ECS deployment group needs exactly one ECS service (clusterName and serviceName).');
    }
    const cluster = str(svc.clusterName)!;
    const service = str(svc.serviceName)!;
    try {
      this.world.ecs.serviceTaskDefinition(cluster, service);
    } catch {
      throw new AwsError('InvalidECSServiceException', `ECS service ${service} in cluster ${cluster} does not exist.`);
    }
    for (const g of this.groups.values()) {
      if (g.cluster === cluster && g.service === service) {
        throw new AwsError('ECSServiceMappingLimitExceededException', `ECS service ${cluster}:${service} is already associated with deployment group ${g.app.name}/${g.name}.`);
      }
    }

    const pairs = arr(obj(input.loadBalancerInfo).targetGroupPairInfoList).map(obj);
    const pair = pairs[0];
    if (pairs.length !== 1 || !pair) throw new AwsError('InvalidLoadBalancerInfoException', 'An ECS deployment group needs exactly one targetGroupPairInfoList entry.');
    const tgNames = arr(pair.targetGroups).map((t) => str(obj(t).name));
    if (tgNames.length !== 2 || tgNames.some((n) => n === undefined) || tgNames[0] === tgNames[1]) {
      throw new AwsError('InvalidTargetGroupPairException', 'A target group pair needs two different target group names.');
    }
    for (const n of tgNames) {
      if (!this.world.elbv2.targetGroupArnByName(n!)) throw new AwsError('InvalidTargetGroupPairException', `Target group ${n} does not exist.`);
    }
    const prod = arr(obj(pair.prodTrafficRoute).listenerArns).map(str);
    const test = arr(obj(pair.testTrafficRoute).listenerArns).map(str);
    if (prod.length !== 1 || prod.some((l) => l === undefined)) throw new AwsError('InvalidTargetGroupPairException', 'prodTrafficRoute needs exactly one listener ARN.');
    if (test.length > 1 || test.some((l) => l === undefined)) throw new AwsError('InvalidTargetGroupPairException', 'testTrafficRoute takes at most one listener ARN.');

    const bg = obj(input.blueGreenDeploymentConfiguration);
    const ready = obj(bg.deploymentReadyOption);
    const term = obj(bg.terminateBlueInstancesOnDeploymentSuccess);
    const readyAction = (str(ready.actionOnTimeout) ?? 'CONTINUE_DEPLOYMENT') as SimGroup['readyAction'];
    const readyWaitMinutes = typeof ready.waitTimeInMinutes === 'number' ? ready.waitTimeInMinutes : 0;
    const terminationAction = (str(term.action) ?? 'TERMINATE') as SimGroup['terminationAction'];
    const terminationWaitMinutes = typeof term.terminationWaitTimeInMinutes === 'number' ? term.terminationWaitTimeInMinutes : 0;
    const badBg = (m: string) => new AwsError('InvalidBlueGreenDeploymentConfigurationException', m);
    if (!['CONTINUE_DEPLOYMENT', 'STOP_DEPLOYMENT'].includes(readyAction)) throw badBg(`Unknown actionOnTimeout ${readyAction}.`);
    if (!['TERMINATE', 'KEEP_ALIVE'].includes(terminationAction)) throw badBg(`Unknown termination action ${terminationAction}.`);
    if (readyAction === 'STOP_DEPLOYMENT' && !(readyWaitMinutes >= 1 && readyWaitMinutes <= MAX_WAIT_MINUTES)) throw badBg(`waitTimeInMinutes must be between 1 and ${MAX_WAIT_MINUTES} with STOP_DEPLOYMENT.`);
    if (!(terminationWaitMinutes >= 0 && terminationWaitMinutes <= MAX_WAIT_MINUTES)) throw badBg(`terminationWaitTimeInMinutes must be between 0 and ${MAX_WAIT_MINUTES}.`);

    const alarmCfg = obj(input.alarmConfiguration);
    const alarms = arr(alarmCfg.alarms).map((x) => ({ name: str(obj(x).name) ?? '' }));
    if (alarms.length > MAX_ALARMS) throw new AwsError('AlarmsLimitExceededException', `The maximum number of alarms for a deployment group (${MAX_ALARMS}) has been exceeded.`);
    if (alarmCfg.enabled === true && alarms.length === 0) throw new AwsError('InvalidAlarmConfigException', 'The alarm configuration is enabled but lists no alarms.');
    const rb = obj(input.autoRollbackConfiguration);
    const rbEvents = arr(rb.events).map((e) => String(e));
    if (rbEvents.some((e) => !['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'].includes(e))) {
      throw new AwsError('InvalidAutoRollbackConfigException', `Unknown auto-rollback event in ${rbEvents.join(', ')}.`);
    }
    if (rb.enabled === true && rbEvents.length === 0) throw new AwsError('InvalidAutoRollbackConfigException', 'Auto rollback is enabled but no events are given.');

    const g: SimGroup = {
      id: randomUUID(),
      app: a,
      name,
      configName,
      serviceRoleArn: role,
      cluster,
      service,
      targetGroups: tgNames as [string, string],
      prodListeners: prod as string[],
      testListeners: test as string[],
      readyAction,
      readyWaitMinutes,
      terminationAction,
      terminationWaitMinutes,
      autoRollback: { enabled: rb.enabled === true, events: rbEvents },
      alarms: { enabled: alarmCfg.enabled === true, ignorePollAlarmFailure: alarmCfg.ignorePollAlarmFailure === true, alarms },
      live: 0,
      failures: new Map(),
    };
    this.groups.set(`${a.name}/${name}`, g);
    return g;
  }

  // ── CreateDeployment ──────────────────────────────────────────────────────────

  private parseAppSpec(revision: Record<string, unknown>): { taskDefinition: string; container: string; port: number } {
    const type = str(revision.revisionType);
    const content = type === 'AppSpecContent' ? str(obj(revision.appSpecContent).content) : type === 'String' ? str(obj(revision.string).content) : undefined;
    if (type !== 'AppSpecContent' && type !== 'String') throw new AwsError('InvalidRevisionException', `An ECS deployment takes an AppSpecContent (or String) revision, not ${type ?? 'none'}.`);
    if (!content) throw new AwsError('InvalidRevisionException', 'The AppSpec content is empty.');
    let doc: unknown;
    try {
      doc = content.trimStart().startsWith('{') ? JSON.parse(content) : parseYaml(content);
    } catch (err) {
      throw new AwsError('InvalidRevisionException', `The AppSpec file cannot be parsed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = AppSpecSchema.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AwsError('InvalidRevisionException', `The AppSpec file is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown problem'}`);
    }
    const props = Object.values(parsed.data.Resources[0]!)[0]?.Properties;
    if (!props) throw new AwsError('InvalidRevisionException', 'The AppSpec file names no ECS service resource.');
    return { taskDefinition: props.TaskDefinition, container: props.LoadBalancerInfo.ContainerName, port: props.LoadBalancerInfo.ContainerPort };
  }

  private newDeployment(
    g: SimGroup,
    o: {
      creator: SimDeployment['creator'];
      configName: string;
      routing: Routing;
      revision: Record<string, unknown>;
      previousRevision?: Record<string, unknown>;
      taskDefinition: string;
      container: string;
      port: number;
      description?: string;
      autoRollback: SimDeployment['autoRollback'];
      at: number;
    },
  ): SimDeployment {
    const names: readonly string[] = o.creator === 'user' ? ECS_LIFECYCLE_EVENTS : ROLLBACK_EVENTS;
    const desired = this.desiredCount(g);
    const d: SimDeployment = {
      id: this.deploymentId(),
      group: g,
      configName: o.configName,
      routing: o.routing,
      status: DeploymentStatus.created,
      creator: o.creator,
      ...(o.description !== undefined ? { description: o.description } : {}),
      createdAt: o.at,
      updatedAt: o.at,
      revision: o.revision,
      ...(o.previousRevision ? { previousRevision: o.previousRevision } : {}),
      taskDefinition: o.taskDefinition,
      container: o.container,
      port: o.port,
      events: names.map((name) => ({ name, status: 'Pending' })),
      cursor: 0,
      phase: 'event',
      // Picked up by the next settle: a deployment is Created for an instant, then InProgress.
      nextAt: o.at,
      eventEndsAt: o.at,
      shifts: [],
      greenWeight: 0,
      blueIndex: g.live,
      taskSets: {
        blue: { id: this.taskSetId(), label: 'Blue', targetGroup: g.targetGroups[g.live], desired, pending: 0, running: desired, status: 'PRIMARY' },
      },
      autoRollback: o.autoRollback,
      terminationWaitStarted: false,
    };
    this.deployments.set(d.id, d);
    g.lastAttempted = d;
    return d;
  }

  // ── JSON views ──────────────────────────────────────────────────────────────────

  private appJson(a: SimApp): Record<string, unknown> {
    return { applicationId: a.id, applicationName: a.name, createTime: secs(a.createdAt), linkedToGitHub: false, computePlatform: a.computePlatform };
  }

  private lastJson(d: SimDeployment | undefined): Record<string, unknown> | undefined {
    return d ? { deploymentId: d.id, status: d.status, createTime: secs(d.createdAt), ...(d.completedAt !== undefined ? { endTime: secs(d.completedAt) } : {}) } : undefined;
  }

  private groupBlueGreen(g: SimGroup): Record<string, unknown> {
    return {
      deploymentReadyOption: { actionOnTimeout: g.readyAction, waitTimeInMinutes: g.readyWaitMinutes },
      terminateBlueInstancesOnDeploymentSuccess: { action: g.terminationAction, terminationWaitTimeInMinutes: g.terminationWaitMinutes },
    };
  }

  private groupLoadBalancer(g: SimGroup): Record<string, unknown> {
    return {
      targetGroupPairInfoList: [
        {
          targetGroups: g.targetGroups.map((name) => ({ name })),
          prodTrafficRoute: { listenerArns: g.prodListeners },
          ...(g.testListeners.length ? { testTrafficRoute: { listenerArns: g.testListeners } } : {}),
        },
      ],
    };
  }

  private groupJson(g: SimGroup): Record<string, unknown> {
    const last = this.lastJson(g.lastAttempted);
    const ok = this.lastJson(g.lastSuccessful);
    return {
      applicationName: g.app.name,
      deploymentGroupId: g.id,
      deploymentGroupName: g.name,
      deploymentConfigName: g.configName,
      ec2TagFilters: [],
      onPremisesInstanceTagFilters: [],
      autoScalingGroups: [],
      serviceRoleArn: g.serviceRoleArn,
      triggerConfigurations: [],
      alarmConfiguration: g.alarms,
      autoRollbackConfiguration: g.autoRollback,
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      outdatedInstancesStrategy: 'UPDATE',
      blueGreenDeploymentConfiguration: this.groupBlueGreen(g),
      loadBalancerInfo: this.groupLoadBalancer(g),
      ...(last ? { lastAttemptedDeployment: last } : {}),
      ...(ok ? { lastSuccessfulDeployment: ok } : {}),
      computePlatform: 'ECS',
      ecsServices: [{ serviceName: g.service, clusterName: g.cluster }],
    };
  }

  private overview(d: SimDeployment): Record<string, number> {
    const o = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
    o[this.targetStatus(d)] += 1;
    return o;
  }

  private targetStatus(d: SimDeployment): 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Ready' {
    switch (d.status) {
      case DeploymentStatus.created:
      case DeploymentStatus.queued:
        return 'Pending';
      case DeploymentStatus.ready:
        return 'Ready';
      case DeploymentStatus.succeeded:
        return 'Succeeded';
      case DeploymentStatus.failed:
      case DeploymentStatus.stopped:
        return 'Failed';
      default:
        return 'InProgress';
    }
  }

  private deploymentJson(d: SimDeployment): Record<string, unknown> {
    const g = d.group;
    return {
      applicationName: g.app.name,
      deploymentGroupName: g.name,
      deploymentConfigName: d.configName,
      deploymentId: d.id,
      ...(d.previousRevision ? { previousRevision: d.previousRevision } : {}),
      revision: d.revision,
      status: d.status,
      ...(d.errorInformation ? { errorInformation: d.errorInformation } : {}),
      createTime: secs(d.createdAt),
      ...(d.startedAt !== undefined ? { startTime: secs(d.startedAt) } : {}),
      ...(d.completedAt !== undefined ? { completeTime: secs(d.completedAt) } : {}),
      deploymentOverview: this.overview(d),
      ...(d.description !== undefined ? { description: d.description } : {}),
      creator: d.creator,
      ignoreApplicationStopFailures: false,
      autoRollbackConfiguration: d.autoRollback,
      updateOutdatedInstancesOnly: false,
      ...(d.rollbackInfo ? { rollbackInfo: d.rollbackInfo } : {}),
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      instanceTerminationWaitTimeStarted: d.terminationWaitStarted,
      blueGreenDeploymentConfiguration: this.groupBlueGreen(g),
      loadBalancerInfo: this.groupLoadBalancer(g),
      fileExistsBehavior: 'DISALLOW',
      deploymentStatusMessages: [],
      computePlatform: 'ECS',
    };
  }

  private targetId(d: SimDeployment): string {
    return `${d.group.cluster}:${d.group.service}`;
  }

  private targetJson(d: SimDeployment): Record<string, unknown> {
    const g = d.group;
    const region = this.regions.get(g.cluster) ?? 'ap-northeast-1';
    const taskSet = (ts: SimTaskSet, weight: number) => ({
      identifer: ts.id,
      desiredCount: ts.desired,
      pendingCount: ts.pending,
      runningCount: ts.running,
      status: ts.status,
      trafficWeight: weight,
      targetGroup: { name: ts.targetGroup },
      taskSetLabel: ts.label,
    });
    const sets: unknown[] = [];
    if (d.taskSets.blue) sets.push(taskSet(d.taskSets.blue, 100 - d.greenWeight));
    if (d.taskSets.green) sets.push(taskSet(d.taskSets.green, d.greenWeight));
    return {
      deploymentTargetType: 'ECSTarget',
      ecsTarget: {
        deploymentId: d.id,
        targetId: this.targetId(d),
        targetArn: `arn:aws:ecs:${region}:${this.world.account}:service/${g.cluster}/${g.service}`,
        lastUpdatedAt: secs(d.updatedAt),
        lifecycleEvents: d.events.map((e) => ({
          lifecycleEventName: e.name,
          ...(e.diagnostics ? { diagnostics: e.diagnostics } : {}),
          ...(e.startedAt !== undefined ? { startTime: secs(e.startedAt) } : {}),
          ...(e.endedAt !== undefined ? { endTime: secs(e.endedAt) } : {}),
          status: e.status,
        })),
        status: this.targetStatus(d),
        taskSetsInfo: sets,
      },
    };
  }

  private configJson(c: SimConfig): Record<string, unknown> {
    const r = c.routing;
    return {
      deploymentConfigId: c.id,
      deploymentConfigName: c.name,
      createTime: secs(c.createdAt),
      computePlatform: 'ECS',
      trafficRoutingConfig:
        r.type === 'AllAtOnce'
          ? { type: 'AllAtOnce' }
          : r.type === 'TimeBasedCanary'
            ? { type: r.type, timeBasedCanary: { canaryPercentage: r.percent, canaryInterval: r.intervalMinutes } }
            : { type: r.type, timeBasedLinear: { linearPercentage: r.percent, linearInterval: r.intervalMinutes } },
    };
  }

  // ── the API ───────────────────────────────────────────────────────────────────

  handlers(): JsonHandlers {
    const now = () => this.world.clock.now();
    return {
      GetApplication: (input) => ({ application: this.appJson(this.app(input.applicationName)) }),

      CreateApplication: (input) => {
        const name = str(input.applicationName);
        if (!name) throw new AwsError('ApplicationNameRequiredException', 'The minimum number of required application names was not specified.');
        if (!/^[\w.+=,@-]{1,100}$/.test(name)) throw new AwsError('InvalidApplicationNameException', `The application name ${name} is invalid.`);
        if (this.apps.has(name)) throw new AwsError('ApplicationAlreadyExistsException', `${name} already exists in your account`);
        const platform = str(input.computePlatform) ?? 'Server';
        if (!['Server', 'Lambda', 'ECS'].includes(platform)) throw new AwsError('InvalidComputePlatformException', `The computePlatform ${platform} is invalid.`);
        return { applicationId: this.createApp(name, platform).id };
      },

      GetDeploymentGroup: (input) => ({ deploymentGroupInfo: this.groupJson(this.group(input.applicationName, input.deploymentGroupName)) }),

      CreateDeploymentGroup: (input) => ({ deploymentGroupId: this.createGroup(input).id }),

      GetDeploymentConfig: (input) => {
        const name = str(input.deploymentConfigName);
        if (!name) throw new AwsError('DeploymentConfigNameRequiredException', 'The deployment configuration name was not specified.');
        return { deploymentConfigInfo: this.configJson(this.config(name)) };
      },

      CreateDeploymentConfig: (input) => {
        const name = str(input.deploymentConfigName);
        if (!name) throw new AwsError('DeploymentConfigNameRequiredException', 'The deployment configuration name was not specified.');
        if (name.startsWith('CodeDeployDefault.')) throw new AwsError('InvalidDeploymentConfigNameException', 'The prefix CodeDeployDefault. is reserved.');
        if (this.configs.has(name)) throw new AwsError('DeploymentConfigAlreadyExistsException', `A deployment configuration with the name ${name} already exists.`);
        if (str(input.computePlatform) !== 'ECS') throw new AwsError('InvalidComputePlatformException', 'The sandbox only simulates ECS deployment configurations (computePlatform ECS).');
        const trc = obj(input.trafficRoutingConfig);
        const bad = (m: string) => new AwsError('InvalidTrafficRoutingConfigurationException', m);
        const valid = (p: unknown, i: unknown): [number, number] => {
          if (typeof p !== 'number' || !(p >= 1 && p <= 99)) throw bad('The percentage must be between 1 and 99.');
          if (typeof i !== 'number' || !Number.isInteger(i) || i < 1) throw bad('The interval must be a whole number of minutes, at least 1.');
          return [p, i];
        };
        let routing: Routing;
        if (trc.type === 'AllAtOnce') routing = { type: 'AllAtOnce' };
        else if (trc.type === 'TimeBasedCanary') {
          const [percent, intervalMinutes] = valid(obj(trc.timeBasedCanary).canaryPercentage, obj(trc.timeBasedCanary).canaryInterval);
          routing = { type: 'TimeBasedCanary', percent, intervalMinutes };
        } else if (trc.type === 'TimeBasedLinear') {
          const [percent, intervalMinutes] = valid(obj(trc.timeBasedLinear).linearPercentage, obj(trc.timeBasedLinear).linearInterval);
          routing = { type: 'TimeBasedLinear', percent, intervalMinutes };
        } else throw bad('trafficRoutingConfig.type must be TimeBasedCanary, TimeBasedLinear or AllAtOnce.');
        const c: SimConfig = { id: randomUUID(), name, createdAt: now(), routing };
        this.configs.set(name, c);
        return { deploymentConfigId: c.id };
      },

      CreateDeployment: (input) => {
        const g = this.group(input.applicationName, input.deploymentGroupName);
        const revision = obj(input.revision);
        if (Object.keys(revision).length === 0) throw new AwsError('RevisionRequiredException', 'The revision was not specified.');
        const configName = str(input.deploymentConfigName) ?? g.configName;
        const cfg = this.config(configName);
        const description = typeof input.description === 'string' ? input.description : undefined;
        if (description !== undefined && description.length > 8192) throw new AwsError('DescriptionTooLongException', 'The description is too long.');
        const spec = this.parseAppSpec(revision);
        const active = [...this.deployments.values()].find((d) => d.group === g && !terminal(d));
        if (active) throw new AwsError('DeploymentLimitExceededException', `The Deployment Group '${g.name}' already has an active Deployment '${active.id}'`);
        const content = str(obj(revision.appSpecContent).content) ?? str(obj(revision.string).content) ?? '';
        const sha256 = createHash('sha256').update(content).digest('hex');
        const stored =
          revision.revisionType === 'String'
            ? { revisionType: 'String', string: { content, sha256 } }
            : { revisionType: 'AppSpecContent', appSpecContent: { content, sha256 } };
        const rb = obj(input.autoRollbackConfiguration);
        const autoRollback = input.autoRollbackConfiguration !== undefined ? { enabled: rb.enabled === true, events: arr(rb.events).map(String) } : g.autoRollback;
        const d = this.newDeployment(g, {
          creator: 'user',
          configName: cfg.name,
          routing: cfg.routing,
          revision: stored,
          ...(g.lastSuccessful ? { previousRevision: g.lastSuccessful.revision } : {}),
          taskDefinition: spec.taskDefinition,
          container: spec.container,
          port: spec.port,
          ...(description !== undefined ? { description } : {}),
          autoRollback,
          at: now(),
        });
        return { deploymentId: d.id };
      },

      GetDeployment: (input) => ({ deploymentInfo: this.deploymentJson(this.deployment(input.deploymentId)) }),

      BatchGetDeployments: (input) => {
        const ids = arr(input.deploymentIds).map(String);
        if (ids.length > 25) throw new AwsError('BatchLimitExceededException', 'The maximum number of names or IDs allowed for this request (25) was exceeded.');
        return { deploymentsInfo: ids.flatMap((id) => (this.deployments.has(id) ? [this.deploymentJson(this.deployments.get(id)!)] : [])) };
      },

      ListDeployments: (input) => {
        let list = [...this.deployments.values()];
        if (input.applicationName !== undefined || input.deploymentGroupName !== undefined) {
          if (input.applicationName === undefined) throw new AwsError('ApplicationNameRequiredException', 'The minimum number of required application names was not specified.');
          if (input.deploymentGroupName === undefined) throw new AwsError('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
          const g = this.group(input.applicationName, input.deploymentGroupName);
          list = list.filter((d) => d.group === g);
        }
        const statuses = arr(input.includeOnlyStatuses).map(String);
        const known: string[] = Object.values(DeploymentStatus);
        const unknown = statuses.find((s) => !known.includes(s));
        if (unknown) throw new AwsError('InvalidDeploymentStatusException', `The deployment status ${unknown} is invalid.`);
        if (statuses.length) list = list.filter((d) => statuses.includes(d.status));
        // Newest first, the order the console shows.
        const ids = list.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id)).map((d) => d.id);
        let start = 0;
        if (input.nextToken !== undefined) {
          start = Number(Buffer.from(String(input.nextToken), 'base64url').toString('utf8').replace(/^offset:/, ''));
          if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidNextTokenException', 'The next token was specified in an invalid format.');
        }
        const end = Math.min(ids.length, start + LIST_PAGE);
        return { deployments: ids.slice(start, end), ...(end < ids.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {}) };
      },

      ListDeploymentTargets: (input) => {
        const d = this.deployment(input.deploymentId);
        if (d.status === DeploymentStatus.created) throw new AwsError('DeploymentNotStartedException', 'The specified deployment has not started.');
        return { targetIds: [this.targetId(d)] };
      },

      GetDeploymentTarget: (input) => {
        const d = this.deployment(input.deploymentId);
        if (d.status === DeploymentStatus.created) throw new AwsError('DeploymentNotStartedException', 'The specified deployment has not started.');
        const target = str(input.targetId);
        if (!target) throw new AwsError('DeploymentTargetIdRequiredException', 'A deployment target ID was not provided.');
        if (target !== this.targetId(d)) throw new AwsError('DeploymentTargetDoesNotExistException', `The provided target ID ${target} does not belong to the deployment ${d.id}.`);
        return { deploymentTarget: this.targetJson(d) };
      },

      ContinueDeployment: (input) => {
        const d = this.deployment(input.deploymentId);
        const wait = str(input.deploymentWaitType) ?? 'READY_WAIT';
        if (wait !== 'READY_WAIT' && wait !== 'TERMINATION_WAIT') throw new AwsError('InvalidDeploymentWaitTypeException', `The wait type ${wait} is invalid.`);
        if (terminal(d)) throw new AwsError('DeploymentAlreadyCompletedException', `The deployment ${d.id} has already completed.`);
        const at = now();
        if (wait === 'READY_WAIT') {
          if (d.phase !== 'ready') throw new AwsError('DeploymentIsNotInReadyStateException', `The deployment ${d.id} is not in the Ready state.`);
          d.status = DeploymentStatus.inProgress;
          d.phase = 'event';
          d.updatedAt = at;
          this.startEvent(d, d.cursor + 1, at);
        } else {
          if (d.phase !== 'termination') throw new AwsError('DeploymentIsNotInReadyStateException', `The deployment ${d.id} is not waiting for the original task set to be terminated.`);
          this.finish(d, at);
        }
        return {};
      },

      StopDeployment: (input) => {
        const d = this.deployment(input.deploymentId);
        if (terminal(d)) throw new AwsError('DeploymentAlreadyCompletedException', `The deployment ${d.id} has already completed.`);
        const at = now();
        const rollback =
          d.creator === 'user' &&
          (typeof input.autoRollbackEnabled === 'boolean' ? input.autoRollbackEnabled : d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_REQUEST'));
        this.skipRest(d);
        if (d.phase === 'ready' && !rollback) this.removeGreen(d);
        this.end(d, at, DeploymentStatus.stopped, { code: 'MANUAL_STOP', message: 'The deployment was stopped by a user request.' });
        if (!rollback) return { status: 'Succeeded', statusMessage: `Deployment ${d.id} stopped.` };
        const r = this.rollback(d, at, `Deployment ${d.id} was stopped and rolled back on request.`);
        return { status: 'Pending', statusMessage: `Stopping deployment ${d.id}; rollback deployment ${r.id} started.` };
      },
    };
  }

  /** Applications, groups and deployments with their status and where production traffic is. */
  snapshot(): Record<string, unknown> {
    return {
      applications: [...this.apps.values()].map((a) => ({ name: a.name, computePlatform: a.computePlatform })),
      deploymentGroups: [...this.groups.values()].map((g) => ({
        application: g.app.name,
        name: g.name,
        service: `${g.cluster}/${g.service}`,
        live: g.targetGroups[g.live],
        config: g.configName,
      })),
      deployments: [...this.deployments.values()].map((d) => ({
        id: d.id,
        group: `${d.group.app.name}/${d.group.name}`,
        creator: d.creator,
        status: d.status,
        event: d.phase === 'event' && !terminal(d) ? d.events[d.cursor]?.name : undefined,
        waiting: d.phase === 'ready' ? 'reroute' : d.phase === 'termination' ? 'termination' : undefined,
        greenPercent: d.greenWeight,
        taskDefinition: d.taskDefinition,
        createdAt: new Date(d.createdAt).toISOString(),
      })),
    };
  }
}
