// The simulated Amazon ECS of the sandbox: clusters, Fargate services, task definitions, task sets and tasks on the world's clock.
import type { Environment } from '../src/config/schema.js';
import { ServiceDeployments, type ServiceLoadBalancer } from './ecs-deployments.js';
import { AwsError } from './errors.js';
import type { JsonHandlers } from './protocol.js';
import type { World } from './world.js';

/*
 * Model, kept close to what the ECS API shows:
 * - a service owns "units" that own tasks: deployments (ECS controller) or task sets (CODE_DEPLOY, EXTERNAL).
 *   CODE_DEPLOY and EXTERNAL services answer DescribeServices with `taskSets` and an empty `deployments`, as AWS does.
 * - only UpdateService with a new task definition (or forceNewDeployment) starts a new deployment; a bare
 *   desiredCount change rescales the PRIMARY deployment, whose rolloutState is left alone (AWS behaviour).
 * - the circuit breaker (enabled, no rollback) counts failures only while a deployment has never had a RUNNING
 *   task ("once a service deployment has one or more successfully running tasks, the failed task count resets to
 *   zero and stops being evaluated" — API reference, Deployment.failedTasks). A FAILED deployment launches no more.
 * - the 2025 service deployments (BLUE_GREEN, LINEAR, CANARY) live in ecs-deployments.ts: UpdateService hands them
 *   over, and they size their blue and green units through `Unit.hold`; rolling updates stay here unchanged.
 */

export const DeploymentController = { ecs: 'ECS', codeDeploy: 'CODE_DEPLOY', external: 'EXTERNAL' } as const;
type DeploymentController = (typeof DeploymentController)[keyof typeof DeploymentController];

const REGISTERED_BY = (account: string) => `arn:aws:sts::${account}:assumed-role/ecs-chatops-sandbox/seed`;
/** Seconds a stopping task stays RUNNING before it is STOPPED (deregistration and SIGTERM, shortened). */
const STOP_DELAY_MS = 2_000;
/** Deterministic stagger between the tasks of one launch, so they do not all flip in the same millisecond. */
const STAGGER_MS = 250;
/** After 3 failures in a row on a deployment no longer evaluated, ECS throttles launches; we wait this long. */
const THROTTLED_LAUNCH_MS = 30_000;
const MAX_EVENTS = 100;
const STOPPED_KEPT = 100;

type TaskState = 'PENDING' | 'RUNNING' | 'STOPPED';

// Exported as types for ecs-deployments.ts, which works on the same units and tasks.
export interface Task {
  id: string;
  arn: string;
  state: TaskState;
  /** When the next transition happens: PENDING → RUNNING/STOPPED, or (stopping) → STOPPED. */
  at: number;
  stopping: boolean;
  willFail: boolean;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  taskDefinition: string;
  startedBy: string;
  group: string;
}

export interface Unit {
  kind: 'deployment' | 'taskset';
  id: string;
  arn?: string;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  taskDefinition: string;
  /** For deployments: the desired count; for task sets: computed from the service's count and the scale. */
  desired: number;
  tasks: Task[];
  failedTasks: number;
  everRan: boolean;
  consecutiveFailures: number;
  rolloutState?: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason?: string;
  createdAt: number;
  updatedAt: number;
  nextLaunchAt: number;
  scale?: { value: number; unit: 'PERCENT' };
  externalId?: string;
  loadBalancers?: unknown[];
  serviceRegistries?: unknown[];
  stabilityStatus?: 'STEADY_STATE' | 'STABILIZING';
  stabilityStatusAt?: number;
  /** Set by a blue/green service deployment: the unit runs the service's full count or nothing, whatever the rolling rules say. */
  hold?: 'full' | 'zero';
}

interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface Service {
  key: string;
  name: string;
  arn: string;
  cluster: Cluster;
  desiredCount: number;
  controller: DeploymentController;
  units: Unit[];
  events: ServiceEvent[];
  createdAt: number;
  failing: boolean;
  steady: boolean;
  loadBalancers: ServiceLoadBalancer[];
  serviceRegistries: { registryArn: string }[];
}

export interface Cluster {
  name: string;
  arn: string;
  region: string;
  services: Map<string, Service>;
  stopped: Task[];
}

type TaskDefinition = Record<string, unknown> & { family: string; revision: number; taskDefinitionArn: string; status: 'ACTIVE' | 'INACTIVE' };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const secs = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const lastSegment = (nameOrArn: string) => (nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').pop() ?? nameOrArn) : nameOrArn);

export class EcsSim {
  private readonly clusters = new Map<string, Cluster>();
  private readonly taskDefs = new Map<string, TaskDefinition[]>();
  private seq = 0;
  private readonly deployments: ServiceDeployments;

  constructor(readonly world: World) {
    this.deployments = new ServiceDeployments(world, {
      service: (cluster, service) => this.service(cluster, service),
      settleService: (svc, at) => this.settleService(svc, at),
      reconcile: (svc, at) => this.reconcile(svc, at),
      startDeployment: (svc, td, at) => this.startDeployment(svc, td, at),
      hexId: () => this.hexId(),
      event: (svc, at, message) => this.event(svc, at, message),
    });
  }

  // ---------------------------------------------------------------- ids

  private next(): number {
    this.seq += 1;
    return this.seq;
  }
  /** 32 hex characters, deterministic (same seed, same ids), spread so they do not look sequential. */
  private hexId(): string {
    let x = (this.next() * 2654435761) >>> 0;
    let out = '';
    for (let i = 0; i < 4; i++) {
      x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
      x = (x + 0x6d2b79f5) >>> 0;
      out += x.toString(16).padStart(8, '0');
    }
    return out;
  }
  private deploymentId(): string {
    return `ecs-svc/${(4_000_000_000_000_000_000n + BigInt(this.next()) * 7_919_000_003n).toString()}`;
  }

  // ---------------------------------------------------------------- seed

  seed(_envName: string, env: Environment): void {
    const now = this.world.clock.now();
    const acct = this.world.account;
    const cluster: Cluster = this.clusters.get(env.cluster) ?? {
      name: env.cluster,
      arn: `arn:aws:ecs:${env.region}:${acct}:cluster/${env.cluster}`,
      region: env.region,
      services: new Map(),
      stopped: [],
    };
    this.clusters.set(env.cluster, cluster);
    // A dev environment with a startup schedule is seeded at night: everything scaled to zero.
    const asleep = env.startup !== undefined;
    for (const [key, cfg] of Object.entries(env.services)) {
      const name = cfg.serviceName ?? key;
      const deploy = env.deploy[key];
      const containerName = deploy?.container ?? key;
      const port = deploy?.port ?? 80;
      const td = this.existingOrSeedTaskDefinition(key, env.region, containerName, port, now);
      const controller =
        deploy?.strategy === 'codedeploy' ? DeploymentController.codeDeploy : deploy?.strategy === 'tasksets' ? DeploymentController.external : DeploymentController.ecs;
      const desired = asleep ? 0 : (cfg.desiredCount ?? 1);
      const alb = env.canary[key]?.alb;
      const tgArn =
        deploy?.strategy === 'codedeploy'
          ? `arn:aws:elasticloadbalancing:${env.region}:${acct}:targetgroup/${deploy.targetGroups[0]}/${'0'.repeat(16)}`
          : deploy?.strategy === 'ecs'
            ? deploy.targetGroupArn
            : alb?.blueTargetGroupArn;
      const svc: Service = {
        key,
        name,
        arn: `arn:aws:ecs:${env.region}:${acct}:service/${env.cluster}/${name}`,
        cluster,
        desiredCount: desired,
        controller,
        units: [],
        events: [],
        createdAt: now,
        failing: false,
        steady: true,
        loadBalancers: tgArn ? [{ targetGroupArn: tgArn, containerName, containerPort: port }] : [],
        serviceRegistries: deploy?.strategy === 'tasksets' ? [{ registryArn: deploy.blueRegistryArn }] : [],
      };
      const unit = this.newUnit(svc, controller === DeploymentController.ecs ? 'deployment' : 'taskset', td.taskDefinitionArn, desired, now);
      unit.status = 'PRIMARY';
      unit.rolloutState = controller === DeploymentController.ecs ? 'COMPLETED' : undefined;
      unit.rolloutStateReason = controller === DeploymentController.ecs ? `ECS deployment ${unit.id} completed.` : undefined;
      if (unit.kind === 'taskset') {
        unit.scale = { value: 100, unit: 'PERCENT' };
        unit.stabilityStatus = 'STEADY_STATE';
        unit.stabilityStatusAt = now;
        unit.loadBalancers = svc.loadBalancers;
        unit.serviceRegistries = svc.serviceRegistries;
      }
      // Seeded tasks are already RUNNING: the system was up before the sandbox started.
      for (let i = 0; i < desired; i++) {
        const t = this.newTask(svc, unit, now);
        t.state = 'RUNNING';
        t.startedAt = now;
      }
      // Seeded deployments have a history (a dev environment ran yesterday): their failures are no longer counted.
      unit.everRan = true;
      svc.units.push(unit);
      cluster.services.set(name, svc);
    }
  }

  private existingOrSeedTaskDefinition(family: string, region: string, container: string, port: number, now: number): TaskDefinition {
    const revs = this.taskDefs.get(family);
    if (revs?.length) return revs[revs.length - 1]!;
    const acct = this.world.account;
    return this.register(
      {
        family,
        executionRoleArn: `arn:aws:iam::${acct}:role/ecsTaskExecutionRole`,
        networkMode: 'awsvpc',
        containerDefinitions: [
          {
            name: container,
            image: `${acct}.dkr.ecr.${region}.amazonaws.com/${family}:v1`,
            cpu: 0,
            essential: true,
            portMappings: [{ containerPort: port, hostPort: port, protocol: 'tcp' }],
            environment: [],
            mountPoints: [],
            volumesFrom: [],
          },
        ],
        volumes: [],
        placementConstraints: [],
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
      },
      region,
      now,
    );
  }

  // ---------------------------------------------------------------- task definitions

  private register(input: Record<string, unknown>, region: string, now: number): TaskDefinition {
    const family = str(input.family);
    if (!family || !/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
      throw new AwsError('ClientException', 'Family contains invalid characters or is too long: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.');
    }
    const containers = input.containerDefinitions;
    if (!Array.isArray(containers) || containers.length === 0) throw new AwsError('ClientException', 'Container list cannot be empty.');
    for (const c of containers as Record<string, unknown>[]) {
      if (!str(c.name)) throw new AwsError('ClientException', 'Container.name should not be null or empty.');
      if (!str(c.image)) throw new AwsError('ClientException', 'Container.image should not be null or empty.');
    }
    const revs = this.taskDefs.get(family) ?? [];
    const revision = revs.length + 1;
    const compat = (input.requiresCompatibilities as string[] | undefined) ?? [];
    const { tags: _tags, ...rest } = input;
    const td: TaskDefinition = {
      ...JSON.parse(JSON.stringify(rest)),
      family,
      taskDefinitionArn: `arn:aws:ecs:${region}:${this.world.account}:task-definition/${family}:${revision}`,
      revision,
      status: 'ACTIVE',
      requiresAttributes: [
        { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
        ...(input.networkMode === 'awsvpc' ? [{ name: 'ecs.capability.task-eni' }] : []),
        ...(input.executionRoleArn ? [{ name: 'ecs.capability.execution-role-awslogs' }] : []),
      ],
      compatibilities: compat.includes('FARGATE') || input.networkMode === 'awsvpc' ? ['EC2', 'FARGATE'] : ['EC2'],
      registeredAt: secs(now),
      registeredBy: REGISTERED_BY(this.world.account),
    };
    revs.push(td);
    this.taskDefs.set(family, revs);
    return td;
  }

  /** family, family:revision or a full ARN → the task definition (latest ACTIVE revision for a bare family). */
  private resolveTaskDefinition(ref: unknown): TaskDefinition {
    const s = str(ref);
    const notFound = () => new AwsError('ClientException', 'Unable to describe task definition.');
    if (!s) throw new AwsError('ClientException', 'TaskDefinition cannot be null or empty.');
    const spec = s.startsWith('arn:') ? (s.split('task-definition/')[1] ?? '') : s;
    const [family = '', rev] = spec.split(':');
    const revs = this.taskDefs.get(family);
    if (!revs) throw notFound();
    if (rev === undefined) {
      const active = revs.filter((t) => t.status === 'ACTIVE');
      const latest = active[active.length - 1];
      if (!latest) throw notFound();
      return latest;
    }
    const td = revs[Number(rev) - 1];
    if (!td) throw notFound();
    return td;
  }

  // ---------------------------------------------------------------- lookups

  private cluster(ref: unknown): Cluster {
    const name = lastSegment(str(ref) ?? 'default');
    const c = this.clusters.get(name);
    if (!c) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return c;
  }

  private service(clusterRef: unknown, serviceRef: unknown): Service {
    const c = this.cluster(clusterRef);
    const ref = str(serviceRef);
    if (!ref) throw new AwsError('InvalidParameterException', 'Service cannot be empty.');
    const svc = c.services.get(lastSegment(ref));
    if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    return svc;
  }

  private taskSet(svc: Service, ref: unknown): Unit {
    const s = str(ref);
    const ts = svc.units.find((u) => u.kind === 'taskset' && u.status !== 'DRAINING' && (u.id === s || u.arn === s || (s !== undefined && u.arn?.endsWith(`/${s}`))));
    if (!ts) throw new AwsError('TaskSetNotFoundException', 'The specified task set does not exist.');
    return ts;
  }

  private requireController(svc: Service, allowed: DeploymentController[], what: string): void {
    if (!allowed.includes(svc.controller)) {
      throw new AwsError(
        'InvalidParameterException',
        `${what} is only supported for services using the ${allowed.join(' or ')} deployment controller; service ${svc.name} uses ${svc.controller}.`,
      );
    }
  }

  // ---------------------------------------------------------------- units and tasks

  private newUnit(svc: Service, kind: Unit['kind'], taskDefinition: string, desired: number, now: number): Unit {
    const id = this.deploymentId();
    return {
      kind,
      id,
      ...(kind === 'taskset' ? { arn: `arn:aws:ecs:${svc.cluster.region}:${this.world.account}:task-set/${svc.cluster.name}/${svc.name}/${id}` } : {}),
      status: 'ACTIVE',
      taskDefinition,
      desired,
      tasks: [],
      failedTasks: 0,
      everRan: false,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
      nextLaunchAt: now,
    };
  }

  private startDelayMs(svc: Service): number {
    const o = this.world.options;
    return (o.startDelays?.[svc.key] ?? o.startDelays?.[svc.name] ?? o.startDelaySeconds ?? 5) * 1000;
  }

  private newTask(svc: Service, unit: Unit, now: number, index = 0): Task {
    const id = this.hexId();
    const task: Task = {
      id,
      arn: `arn:aws:ecs:${svc.cluster.region}:${this.world.account}:task/${svc.cluster.name}/${id}`,
      state: 'PENDING',
      at: now + this.startDelayMs(svc) + index * STAGGER_MS,
      stopping: false,
      willFail: svc.failing,
      createdAt: now,
      taskDefinition: unit.taskDefinition,
      startedBy: unit.id,
      group: `service:${svc.name}`,
    };
    unit.tasks.push(task);
    return task;
  }

  private event(svc: Service, at: number, message: string): void {
    svc.events.unshift({ id: this.eventId(), createdAt: at, message: `(service ${svc.name}) ${message}` });
    if (svc.events.length > MAX_EVENTS) svc.events.length = MAX_EVENTS;
  }
  private eventId(): string {
    const h = this.hexId();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private primary(svc: Service): Unit | undefined {
    return svc.units.find((u) => u.status === 'PRIMARY');
  }

  /** What each unit should be running now, from the service's count, task-set scales and deployment progress. */
  private targets(svc: Service): void {
    const primary = this.primary(svc);
    for (const u of svc.units) {
      if (u.hold !== undefined) {
        // A blue/green service deployment decides this unit's size (ecs-deployments.ts).
        u.desired = u.hold === 'full' ? svc.desiredCount : 0;
      } else if (u.kind === 'taskset') {
        u.desired = u.status === 'DRAINING' ? 0 : Math.ceil((svc.desiredCount * (u.scale?.value ?? 100)) / 100);
      } else if (u === primary) {
        u.desired = svc.desiredCount;
      } else if (primary && this.running(primary) >= primary.desired) {
        // Rolling update: the old deployment drains once the new one has all its tasks running.
        u.desired = 0;
      }
    }
  }

  private running(u: Unit): number {
    return u.tasks.filter((t) => t.state === 'RUNNING').length;
  }
  private pending(u: Unit): number {
    return u.tasks.filter((t) => t.state === 'PENDING' && !t.stopping).length;
  }

  /** Brings units towards their targets at time `at`: launches, stops, drains, and notices steady states. */
  private reconcile(svc: Service, at: number): void {
    this.targets(svc);
    for (const u of svc.units) {
      const live = u.tasks.filter((t) => t.state !== 'STOPPED' && !t.stopping);
      const launchable = u.rolloutState !== 'FAILED' && at >= u.nextLaunchAt;
      if (live.length < u.desired && launchable) {
        const started = Array.from({ length: u.desired - live.length }, (_, i) => this.newTask(svc, u, at, i));
        u.updatedAt = at;
        this.event(svc, at, `has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`);
      } else if (live.length > u.desired) {
        // Pending tasks go first, then the newest running ones.
        const victims = [...live].sort((a, b) => (a.state === b.state ? b.createdAt - a.createdAt : a.state === 'PENDING' ? -1 : 1)).slice(0, live.length - u.desired);
        for (const t of victims) {
          t.stopping = true;
          t.at = t.state === 'PENDING' ? at : at + STOP_DELAY_MS;
          t.stoppedReason = u.kind === 'deployment' && u.status !== 'PRIMARY' ? 'Scaling activity initiated by (deployment ' + u.id + ')' : 'Scaling activity initiated by service';
          t.stopCode = 'ServiceSchedulerInitiated';
        }
        u.updatedAt = at;
        const wasRunning = victims.filter((t) => t.state === 'RUNNING');
        if (wasRunning.length > 0) this.event(svc, at, `has stopped ${wasRunning.length} running tasks: ${wasRunning.map((t) => `(task ${t.id})`).join(' ')}.`);
      }
    }
    // Drained units leave the service: old deployments become INACTIVE, deleted task sets disappear.
    svc.units = svc.units.filter((u) => u.status === 'PRIMARY' || u.desired > 0 || u.tasks.some((t) => t.state !== 'STOPPED'));
    for (const u of svc.units) u.tasks = u.tasks.filter((t) => t.state !== 'STOPPED');

    for (const u of svc.units) {
      if (u.kind !== 'taskset') continue;
      const stable = this.running(u) === u.desired && u.tasks.length === u.desired;
      const status = stable ? 'STEADY_STATE' : 'STABILIZING';
      if (u.stabilityStatus !== status) Object.assign(u, { stabilityStatus: status, stabilityStatusAt: at });
    }

    const primary = this.primary(svc);
    const steady =
      primary !== undefined &&
      svc.units.every((u) => this.running(u) === u.desired && u.tasks.length === u.desired) &&
      (svc.controller !== DeploymentController.ecs || svc.units.length === 1);
    if (primary?.kind === 'deployment' && primary.rolloutState === 'IN_PROGRESS' && steady) {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.updatedAt = at;
      this.event(svc, at, `(deployment ${primary.id}) deployment completed.`);
    }
    if (steady && !svc.steady) this.event(svc, at, 'has reached a steady state.');
    svc.steady = steady;
  }

  /** A task reaches its transition time: it runs, fails to start, or finishes stopping. */
  private transition(svc: Service, u: Unit, t: Task, at: number): void {
    if (t.stopping) {
      t.state = 'STOPPED';
      t.stoppedAt = at;
      this.keepStopped(svc.cluster, t);
      return;
    }
    if (!t.willFail) {
      t.state = 'RUNNING';
      t.startedAt = at;
      u.everRan = true;
      u.failedTasks = 0;
      u.consecutiveFailures = 0;
      u.updatedAt = at;
      return;
    }
    t.state = 'STOPPED';
    t.stoppedAt = at;
    t.stopCode = 'EssentialContainerExited';
    t.stoppedReason = 'Essential container in task exited';
    this.keepStopped(svc.cluster, t);
    u.consecutiveFailures += 1;
    u.updatedAt = at;
    // Once the circuit breaker has spoken, stragglers of that deployment add no news.
    if (u.rolloutState !== 'FAILED') this.event(svc, at, `(task ${t.id}) failed to start: Essential container in task exited.`);
    const evaluated = u.kind === 'deployment' && !u.everRan;
    if (evaluated) u.failedTasks += 1;
    if (evaluated && u.rolloutState === 'IN_PROGRESS') {
      // Threshold as documented for the circuit breaker: half the desired count, at least 3, at most 200.
      const threshold = Math.min(200, Math.max(3, Math.ceil(u.desired / 2)));
      if (u.failedTasks >= threshold) {
        u.rolloutState = 'FAILED';
        u.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
        this.event(svc, at, `deployment ${u.id} deployment failed: tasks failed to start.`);
      }
    } else if (u.consecutiveFailures >= 3) {
      // Outside an evaluated rollout ECS does not fail anything; it throttles launches and says so.
      u.nextLaunchAt = at + THROTTLED_LAUNCH_MS;
      if (u.consecutiveFailures === 3) this.event(svc, at, 'is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.');
    }
  }

  private keepStopped(c: Cluster, t: Task): void {
    c.stopped.unshift(t);
    if (c.stopped.length > STOPPED_KEPT) c.stopped.length = STOPPED_KEPT;
  }

  /** Replays every task transition up to `now`, in time order, so later decisions see earlier ones. */
  settle(now: number): void {
    for (const c of this.clusters.values()) {
      for (const svc of c.services.values()) this.settleService(svc, now);
    }
  }

  private settleService(svc: Service, now: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      let at = Infinity;
      for (const u of svc.units) {
        for (const t of u.tasks) if (t.state !== 'STOPPED' && (t.state === 'PENDING' || t.stopping)) at = Math.min(at, t.at);
        // A throttled unit short of tasks wakes up when launching is allowed again.
        const short = u.tasks.filter((t) => t.state !== 'STOPPED' && !t.stopping).length < u.desired;
        if (short && u.rolloutState !== 'FAILED') at = Math.min(at, u.nextLaunchAt);
      }
      // A blue/green deployment's own timers: stage ends, bakes, pause expiries, rollback steps.
      at = Math.min(at, this.deployments.wakeAt(svc) ?? Infinity);
      if (at > now || at === Infinity) {
        // Nothing is due before `now`, but the deployment still looks at the world as it is (alarms, answered pauses).
        if (this.deployments.advance(svc, now)) continue;
        return;
      }
      for (const u of svc.units) {
        for (const t of u.tasks) if (t.state !== 'STOPPED' && (t.state === 'PENDING' || t.stopping) && t.at <= at) this.transition(svc, u, t, at);
      }
      this.reconcile(svc, at);
      this.deployments.advance(svc, at);
    }
  }

  // ---------------------------------------------------------------- for other simulators

  /** The task definition ARN the service runs (its PRIMARY deployment or task set). */
  serviceTaskDefinition(cluster: string, service: string): string {
    const svc = this.service(cluster, service);
    return this.primary(svc)?.taskDefinition ?? '';
  }

  /**
   * Replaces what the service runs (CodeDeploy's end state): a new PRIMARY deployment for ECS services, or a new
   * PRIMARY task set at 100 % for task-set services while the old task sets drain away.
   */
  setServiceTaskDefinition(cluster: string, service: string, taskDefinitionArn: string): void {
    const svc = this.service(cluster, service);
    const td = this.resolveTaskDefinition(taskDefinitionArn);
    const now = this.world.clock.now();
    this.settleService(svc, now);
    if (svc.controller === DeploymentController.ecs) {
      this.startDeployment(svc, td.taskDefinitionArn, now);
    } else {
      const ts = this.newUnit(svc, 'taskset', td.taskDefinitionArn, 0, now);
      Object.assign(ts, { scale: { value: 100, unit: 'PERCENT' }, loadBalancers: svc.loadBalancers, serviceRegistries: svc.serviceRegistries, stabilityStatus: 'STABILIZING', stabilityStatusAt: now });
      for (const u of svc.units) u.status = 'DRAINING';
      ts.status = 'PRIMARY';
      svc.units.push(ts);
    }
    this.reconcile(svc, now);
  }

  /** Makes new tasks of a service fail to start (true) or start normally again (false). */
  failTasks(cluster: string, service: string, fail: boolean): void {
    const svc = this.service(cluster, service);
    svc.failing = fail;
    // Healing also lifts a launch throttle, so the next attempt comes without waiting.
    if (!fail) for (const u of svc.units) u.nextLaunchAt = Math.min(u.nextLaunchAt, this.world.clock.now());
  }

  snapshot(): Record<
    string,
    Record<
      string,
      {
        desired: number;
        running: number;
        pending: number;
        failed: number;
        rolloutState: string | undefined;
        taskDefinition: string;
        /** Set to fail (the playground's "fail" switch, /_sandbox/fail-service): its new tasks stop before running. */
        failing: boolean;
        /** The latest blue/green, linear or canary service deployment, present only once there is one. */
        serviceDeployment?: ReturnType<ServiceDeployments['summary']>;
      }
    >
  > {
    const out: ReturnType<EcsSim['snapshot']> = {};
    for (const c of this.clusters.values()) {
      const services: (typeof out)[string] = {};
      for (const svc of c.services.values()) {
        const p = this.primary(svc);
        services[svc.name] = {
          desired: svc.desiredCount,
          running: svc.units.reduce((n, u) => n + this.running(u), 0),
          pending: svc.units.reduce((n, u) => n + this.pending(u), 0),
          failed: p?.failedTasks ?? 0,
          rolloutState: p?.rolloutState,
          taskDefinition: p?.taskDefinition ?? '',
          failing: svc.failing,
        };
        const deployment = this.deployments.summary(svc);
        if (deployment) services[svc.name]!.serviceDeployment = deployment;
      }
      out[c.name] = services;
    }
    return out;
  }

  private startDeployment(svc: Service, taskDefinition: string, now: number): Unit {
    const d = this.newUnit(svc, 'deployment', taskDefinition, svc.desiredCount, now);
    d.rolloutState = 'IN_PROGRESS';
    d.rolloutStateReason = `ECS deployment ${d.id} in progress.`;
    for (const u of svc.units) if (u.status === 'PRIMARY') u.status = 'ACTIVE';
    d.status = 'PRIMARY';
    svc.units.unshift(d);
    svc.steady = false;
    return d;
  }

  // ---------------------------------------------------------------- wire shapes

  private deploymentJson(svc: Service, u: Unit): Record<string, unknown> {
    return {
      id: u.id,
      status: u.status,
      taskDefinition: u.taskDefinition,
      desiredCount: u.desired,
      pendingCount: this.pending(u),
      runningCount: this.running(u),
      failedTasks: u.failedTasks,
      createdAt: secs(u.createdAt),
      updatedAt: secs(u.updatedAt),
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      platformFamily: 'Linux',
      networkConfiguration: this.network(),
      ...(u.rolloutState ? { rolloutState: u.rolloutState, rolloutStateReason: u.rolloutStateReason } : {}),
    };
  }

  private taskSetJson(svc: Service, u: Unit): Record<string, unknown> {
    return {
      id: u.id,
      taskSetArn: u.arn,
      serviceArn: svc.arn,
      clusterArn: svc.cluster.arn,
      ...(svc.controller === DeploymentController.codeDeploy ? { startedBy: 'CodeDeploy' } : {}),
      ...(u.externalId ? { externalId: u.externalId } : {}),
      status: u.status,
      taskDefinition: u.taskDefinition,
      computedDesiredCount: u.desired,
      pendingCount: this.pending(u),
      runningCount: this.running(u),
      createdAt: secs(u.createdAt),
      updatedAt: secs(u.updatedAt),
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      platformFamily: 'Linux',
      networkConfiguration: this.network(),
      loadBalancers: u.loadBalancers ?? [],
      serviceRegistries: u.serviceRegistries ?? [],
      scale: u.scale,
      stabilityStatus: u.stabilityStatus,
      stabilityStatusAt: secs(u.stabilityStatusAt),
      tags: [],
    };
  }

  private network(): Record<string, unknown> {
    return { awsvpcConfiguration: { subnets: ['subnet-0sandbox0000000a', 'subnet-0sandbox0000000c'], securityGroups: ['sg-0sandbox00000000'], assignPublicIp: 'DISABLED' } };
  }

  private serviceJson(svc: Service): Record<string, unknown> {
    const p = this.primary(svc);
    const taskSets = svc.controller !== DeploymentController.ecs;
    return {
      serviceArn: svc.arn,
      serviceName: svc.name,
      clusterArn: svc.cluster.arn,
      loadBalancers: svc.loadBalancers,
      serviceRegistries: svc.serviceRegistries,
      status: 'ACTIVE',
      desiredCount: svc.desiredCount,
      runningCount: svc.units.reduce((n, u) => n + this.running(u), 0),
      pendingCount: svc.units.reduce((n, u) => n + this.pending(u), 0),
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      platformFamily: 'Linux',
      ...(p ? { taskDefinition: p.taskDefinition } : {}),
      deploymentConfiguration: this.deployments.deploymentConfiguration(svc),
      ...(taskSets ? { taskSets: svc.units.map((u) => this.taskSetJson(svc, u)) } : {}),
      deployments: taskSets ? [] : svc.units.map((u) => this.deploymentJson(svc, u)),
      events: svc.events.map((e) => ({ id: e.id, createdAt: secs(e.createdAt), message: e.message })),
      createdAt: secs(svc.createdAt),
      placementConstraints: [],
      placementStrategy: [],
      networkConfiguration: this.network(),
      healthCheckGracePeriodSeconds: 0,
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: svc.controller },
      createdBy: `arn:aws:iam::${this.world.account}:role/ecs-chatops-sandbox`,
      enableECSManagedTags: false,
      propagateTags: 'NONE',
      enableExecuteCommand: false,
    };
  }

  private clusterJson(c: Cluster): Record<string, unknown> {
    let running = 0;
    let pending = 0;
    for (const svc of c.services.values()) {
      for (const u of svc.units) {
        running += this.running(u);
        pending += this.pending(u);
      }
    }
    return {
      clusterArn: c.arn,
      clusterName: c.name,
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: running,
      pendingTasksCount: pending,
      activeServicesCount: c.services.size,
      statistics: [],
      tags: [],
      settings: [{ name: 'containerInsights', value: 'disabled' }],
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [],
    };
  }

  private taskJson(c: Cluster, svc: Service | undefined, t: Task): Record<string, unknown> {
    return {
      taskArn: t.arn,
      clusterArn: c.arn,
      taskDefinitionArn: t.taskDefinition,
      lastStatus: t.state,
      desiredStatus: t.stopping || t.state === 'STOPPED' ? 'STOPPED' : 'RUNNING',
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      cpu: '256',
      memory: '512',
      group: t.group,
      startedBy: t.startedBy,
      createdAt: secs(t.createdAt),
      ...(t.startedAt !== undefined ? { startedAt: secs(t.startedAt) } : {}),
      ...(t.stoppedAt !== undefined ? { stoppedAt: secs(t.stoppedAt) } : {}),
      ...(t.stoppedReason ? { stoppedReason: t.stoppedReason, stopCode: t.stopCode } : {}),
      healthStatus: 'UNKNOWN',
      containers: [],
      ...(svc ? { tags: [] } : {}),
    };
  }

  // ---------------------------------------------------------------- handlers

  handlers(): JsonHandlers {
    const now = () => this.world.clock.now();
    return {
      DescribeClusters: (input) => {
        const refs = (input.clusters as string[] | undefined) ?? ['default'];
        const clusters: unknown[] = [];
        const failures: unknown[] = [];
        for (const ref of refs) {
          const c = this.clusters.get(lastSegment(ref));
          if (c) clusters.push(this.clusterJson(c));
          else failures.push({ arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${this.anyRegion()}:${this.world.account}:cluster/${ref}`, reason: 'MISSING' });
        }
        return { clusters, failures };
      },

      ListServices: (input) => {
        const c = this.cluster(input.cluster);
        const max = input.maxResults === undefined ? 10 : Number(input.maxResults);
        if (!Number.isInteger(max) || max < 1 || max > 100) throw new AwsError('InvalidParameterException', 'maxResults must be between 1 and 100.');
        const all = [...c.services.values()].map((s) => s.arn);
        let start = 0;
        if (input.nextToken !== undefined) {
          start = Number(Buffer.from(String(input.nextToken), 'base64url').toString('utf8').replace(/^offset:/, ''));
          if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidParameterException', 'Invalid token.');
        }
        const page = all.slice(start, start + max);
        const end = start + page.length;
        return { serviceArns: page, ...(end < all.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {}) };
      },

      DescribeServices: (input) => {
        const names = input.services as string[] | undefined;
        if (!names || names.length === 0) throw new AwsError('InvalidParameterException', 'Services cannot be empty.');
        if (names.length > 10) throw new AwsError('InvalidParameterException', 'Too many services specified. The maximum number of services is 10.');
        const c = this.cluster(input.cluster);
        const services: unknown[] = [];
        const failures: unknown[] = [];
        for (const ref of names) {
          const svc = c.services.get(lastSegment(ref));
          if (svc) services.push(this.serviceJson(svc));
          else failures.push({ arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${c.region}:${this.world.account}:service/${c.name}/${ref}`, reason: 'MISSING' });
        }
        return { services, failures };
      },

      UpdateService: (input) => {
        const svc = this.service(input.cluster, input.service);
        const at = now();
        this.settleService(svc, at);
        const desired = input.desiredCount as number | undefined;
        if (desired !== undefined && (!Number.isInteger(desired) || desired < 0)) throw new AwsError('InvalidParameterException', 'Desired count must be a non-negative integer.');
        const td = input.taskDefinition !== undefined ? this.resolveTaskDefinition(input.taskDefinition) : undefined;
        const force = input.forceNewDeployment === true;
        if (svc.controller !== DeploymentController.ecs && (td !== undefined || force)) {
          const how = svc.controller === DeploymentController.codeDeploy ? 'Use AWS CodeDeploy to trigger a new deployment.' : 'Use the task set APIs (CreateTaskSet) to deploy.';
          throw new AwsError(
            'InvalidParameterException',
            `Unable to ${td ? 'update task definition on' : 'force a new deployment on'} services with a ${svc.controller} deployment controller. ${how}`,
          );
        }
        // Validated before anything changes: a refused strategy or load balancer leaves the service as it was.
        const prepared = this.deployments.prepare(svc, input, svc.controller === DeploymentController.ecs);
        const before = svc.desiredCount;
        if (desired !== undefined) svc.desiredCount = desired;
        this.deployments.apply(svc, prepared);
        const current = this.primary(svc)?.taskDefinition;
        if (svc.controller === DeploymentController.ecs && ((td && td.taskDefinitionArn !== current) || force)) {
          const next = td?.taskDefinitionArn ?? current ?? '';
          // A blue/green deployment in progress gives way to the new one (ecs-deployments.ts, supersede).
          this.deployments.supersede(svc, at);
          if (this.deployments.isNative(svc)) this.deployments.start(svc, next, at);
          else this.startDeployment(svc, next, at);
        } else if (desired !== undefined && desired !== before) {
          const p = this.primary(svc);
          if (p) p.updatedAt = at;
          // A new count is a new goal: the next steady state is news again.
          svc.steady = false;
        }
        this.reconcile(svc, at);
        return { service: this.serviceJson(svc) };
      },

      DescribeTaskDefinition: (input) => ({ taskDefinition: this.resolveTaskDefinition(input.taskDefinition), tags: [] }),

      RegisterTaskDefinition: (input) => {
        const family = str(input.family) ?? '';
        const region = this.taskDefs.get(family)?.[0]?.taskDefinitionArn.split(':')[3] ?? this.anyRegion();
        return { taskDefinition: this.register(input, region, now()), tags: (input.tags as unknown[] | undefined) ?? [] };
      },

      CreateTaskSet: (input) => {
        const svc = this.service(input.cluster, input.service);
        this.requireController(svc, [DeploymentController.external], 'CreateTaskSet');
        const at = now();
        this.settleService(svc, at);
        const td = this.resolveTaskDefinition(input.taskDefinition);
        const scale = this.scale(input.scale) ?? { value: 100, unit: 'PERCENT' as const };
        const ts = this.newUnit(svc, 'taskset', td.taskDefinitionArn, 0, at);
        Object.assign(ts, {
          scale,
          externalId: str(input.externalId),
          loadBalancers: (input.loadBalancers as unknown[] | undefined) ?? [],
          serviceRegistries: (input.serviceRegistries as unknown[] | undefined) ?? [],
          stabilityStatus: 'STABILIZING',
          stabilityStatusAt: at,
        });
        // A service without a primary (all deleted) takes the first new task set as primary.
        if (!this.primary(svc)) ts.status = 'PRIMARY';
        svc.units.push(ts);
        this.reconcile(svc, at);
        return { taskSet: this.taskSetJson(svc, ts) };
      },

      DescribeTaskSets: (input) => {
        const svc = this.service(input.cluster, input.service);
        this.requireController(svc, [DeploymentController.external, DeploymentController.codeDeploy], 'DescribeTaskSets');
        const refs = input.taskSets as string[] | undefined;
        const live = svc.units.filter((u) => u.kind === 'taskset');
        if (!refs || refs.length === 0) return { taskSets: live.map((u) => this.taskSetJson(svc, u)), failures: [] };
        const taskSets: unknown[] = [];
        const failures: unknown[] = [];
        for (const r of refs) {
          const u = live.find((x) => x.id === r || x.arn === r);
          if (u) taskSets.push(this.taskSetJson(svc, u));
          else failures.push({ arn: r, reason: 'MISSING' });
        }
        return { taskSets, failures };
      },

      UpdateTaskSet: (input) => {
        const svc = this.service(input.cluster, input.service);
        this.requireController(svc, [DeploymentController.external], 'UpdateTaskSet');
        const at = now();
        this.settleService(svc, at);
        const ts = this.taskSet(svc, input.taskSet);
        const scale = this.scale(input.scale);
        if (!scale) throw new AwsError('InvalidParameterException', 'Scale cannot be empty.');
        ts.scale = scale;
        ts.updatedAt = at;
        this.reconcile(svc, at);
        return { taskSet: this.taskSetJson(svc, ts) };
      },

      UpdateServicePrimaryTaskSet: (input) => {
        const svc = this.service(input.cluster, input.service);
        this.requireController(svc, [DeploymentController.external], 'UpdateServicePrimaryTaskSet');
        const at = now();
        this.settleService(svc, at);
        const ts = this.taskSet(svc, input.primaryTaskSet);
        for (const u of svc.units) if (u.status === 'PRIMARY') u.status = 'ACTIVE';
        ts.status = 'PRIMARY';
        ts.updatedAt = at;
        this.reconcile(svc, at);
        return { taskSet: this.taskSetJson(svc, ts) };
      },

      DeleteTaskSet: (input) => {
        const svc = this.service(input.cluster, input.service);
        this.requireController(svc, [DeploymentController.external], 'DeleteTaskSet');
        const at = now();
        this.settleService(svc, at);
        const ts = this.taskSet(svc, input.taskSet);
        if (ts.status === 'PRIMARY') throw new AwsError('InvalidParameterException', 'The primary task set of a service cannot be deleted. Make another task set primary first.');
        if (input.force !== true && (ts.scale?.value ?? 0) > 0 && ts.tasks.some((t) => t.state !== 'STOPPED')) {
          throw new AwsError('InvalidParameterException', 'The task set must be scaled down to 0 before it can be deleted, or use force.');
        }
        ts.status = 'DRAINING';
        ts.updatedAt = at;
        const json = this.taskSetJson(svc, ts);
        this.reconcile(svc, at);
        return { taskSet: json };
      },

      ListTasks: (input) => {
        const c = this.cluster(input.cluster);
        const svcName = str(input.serviceName);
        const svcs = svcName ? [this.service(input.cluster, svcName)] : [...c.services.values()];
        const wantStopped = input.desiredStatus === 'STOPPED';
        const arns = wantStopped
          ? c.stopped.filter((t) => !svcName || t.group === `service:${svcName}`).map((t) => t.arn)
          : svcs.flatMap((s) => s.units.flatMap((u) => u.tasks.filter((t) => !t.stopping).map((t) => t.arn)));
        return { taskArns: arns.slice(0, 100) };
      },

      DescribeTasks: (input) => {
        const c = this.cluster(input.cluster);
        const refs = (input.tasks as string[] | undefined) ?? [];
        if (refs.length === 0 || refs.length > 100) throw new AwsError('InvalidParameterException', 'Tasks cannot be empty and at most 100 are allowed.');
        const all = new Map<string, { t: Task; svc?: Service }>();
        for (const svc of c.services.values()) for (const u of svc.units) for (const t of u.tasks) all.set(t.id, { t, svc });
        for (const t of c.stopped) if (!all.has(t.id)) all.set(t.id, { t });
        const tasks: unknown[] = [];
        const failures: unknown[] = [];
        for (const r of refs) {
          const hit = all.get(lastSegment(r));
          if (hit) tasks.push(this.taskJson(c, hit.svc, hit.t));
          else failures.push({ arn: r, reason: 'MISSING' });
        }
        return { tasks, failures };
      },

      // ListServiceDeployments, DescribeServiceDeployments, ContinueServiceDeployment, StopServiceDeployment.
      ...this.deployments.handlers(),
    };
  }

  private scale(v: unknown): { value: number; unit: 'PERCENT' } | undefined {
    if (v === undefined || v === null) return undefined;
    const s = v as { value?: unknown; unit?: unknown };
    const value = Number(s.value ?? 0);
    if (!(value >= 0 && value <= 100)) throw new AwsError('InvalidParameterException', 'Scale value must be between 0 and 100.');
    if (s.unit !== undefined && s.unit !== 'PERCENT') throw new AwsError('InvalidParameterException', 'Scale unit must be PERCENT.');
    return { value, unit: 'PERCENT' };
  }

  private anyRegion(): string {
    return this.clusters.values().next().value?.region ?? 'us-east-1';
  }
}
