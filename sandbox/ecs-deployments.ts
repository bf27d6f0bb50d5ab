// ECS native blue/green, linear and canary deployments (2025) in the sandbox: service deployments that walk their
// lifecycle stages on the world's clock, move the listener rules' weights, stop at PAUSE hooks and roll back.
import { AwsError } from './errors.js';
import type { JsonHandlers } from './protocol.js';
import type { Service, Unit } from './ecs.js';
import type { World } from './world.js';

/*
 * Model, kept close to what the ECS API shows (API reference: ServiceDeployment, DeploymentConfiguration,
 * DeploymentLifecycleHook; developer guide "Amazon ECS blue/green deployments"):
 * - UpdateService remembers the strategy, bake time, linear/canary settings, hooks and alarms on the service,
 *   and the load balancer's advancedConfiguration; later deployments use them too (as AWS does).
 * - a deployment is two units of the ECS simulation: blue (what ran before) and green (a new PRIMARY deployment
 *   unit). Their sizes are held by this module (`Unit.hold`): blue keeps its full count until CLEAN_UP, so a
 *   rollback before CLEAN_UP only moves traffic back and stops green's tasks; it never needs new blue tasks.
 * - traffic moves on the production (and test) listener rule of the ELBv2 simulation: integer weights, green =
 *   the step's percent rounded (at least 1 when above 0), blue = 100 − green. Blue is the target group that had
 *   production traffic when the deployment started; green is the other one of {targetGroupArn,
 *   alternateTargetGroupArn}, so consecutive deployments alternate between the two groups.
 * - every stage that does not wait for something lasts STAGE_MS of simulated time, so a poller sees it.
 * - a second deployment while one is in progress stops the first (STOPPED, "superseded": traffic back on its
 *   blue, its green scaled to 0) and starts from that blue. AWS would reconcile several revisions
 *   (RECONCILE_SERVICE); the sandbox keeps it deterministic and simple instead.
 * - only BLUE_GREEN, LINEAR and CANARY deployments are service deployments here; rolling updates are left to the
 *   unit model in ecs.ts and are not listed by ListServiceDeployments.
 */

const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const;
type Strategy = (typeof STRATEGIES)[number];
type NativeStrategy = Exclude<Strategy, 'ROLLING'>;

/** Stages a lifecycle hook can name (DeploymentLifecycleHook.lifecycleStages). */
const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
type HookStage = (typeof HOOK_STAGES)[number];
/** "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages" (API reference). */
const NO_PAUSE_STAGES: readonly string[] = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];

type Stage =
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP';

const STATUSES = ['PENDING', 'SUCCESSFUL', 'STOPPED', 'STOP_REQUESTED', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'] as const;
type Status = (typeof STATUSES)[number];
/** Statuses in which ECS is still acting on a deployment: the service's current one. */
const ACTIVE: ReadonlySet<Status> = new Set<Status>(['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS']);

type TimeoutAction = 'ROLLBACK' | 'CONTINUE';
type HookStatus = 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
type MonitorStatus = 'TRIGGERED' | 'MONITORING' | 'MONITORING_COMPLETE' | 'DISABLED';

// Simulated durations: long enough for a poller every 2 s to see each stage, short enough for tests to advance past.
const STAGE_MS = 5_000;
/** ROLLBACK_REQUESTED → ROLLBACK_IN_PROGRESS (traffic back on blue) → ROLLBACK_SUCCESSFUL once green is stopped. */
const ROLLBACK_STEP_MS = 1_000;
const MINUTE = 60_000;
// AWS limits and defaults (API reference: DeploymentConfiguration, LinearConfiguration, CanaryConfiguration,
// DeploymentLifecycleHookTimeoutConfiguration, ListServiceDeployments, DescribeServiceDeployments).
const MAX_BAKE_MINUTES = 1440;
const MAX_HOOK_TIMEOUT_MINUTES = 20_160;
const DEFAULT_HOOK_TIMEOUT_MINUTES = 1440;
const LINEAR_DEFAULT = { stepPercent: 10, stepBakeTimeInMinutes: 6 };
const CANARY_DEFAULT = { canaryPercent: 5, canaryBakeTimeInMinutes: 10 };
const LIST_DEFAULT = 20;
const LIST_MAX = 100;
const DESCRIBE_MAX = 20;

/** What the service answers in DescribeServices today for every deployment configuration it does not model. */
const BASE_CONFIGURATION = { deploymentCircuitBreaker: { enable: true, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100 };

export interface AdvancedConfiguration {
  alternateTargetGroupArn?: string;
  productionListenerRule?: string;
  testListenerRule?: string;
  roleArn?: string;
}

/** A service's load balancer entry as UpdateService takes it and DescribeServices shows it. */
export interface ServiceLoadBalancer {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
  loadBalancerName?: string;
  advancedConfiguration?: AdvancedConfiguration;
}

interface PauseHook {
  targetType: 'PAUSE';
  lifecycleStages: HookStage[];
  timeoutConfiguration: { timeoutInMinutes: number; action: TimeoutAction };
}

/** The deployment settings UpdateService remembers on a service (DeploymentConfiguration, the 2025 fields). */
interface NativeSettings {
  strategy?: Strategy;
  bakeTimeInMinutes?: number;
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number };
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  lifecycleHooks?: PauseHook[];
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean };
}

/** The load balancer of a native deployment, validated: everything ECS needs to move traffic. */
interface Routing {
  targetGroupArn: string;
  alternateTargetGroupArn: string;
  productionListenerRule: string;
  testListenerRule?: string;
}

interface PlanStep {
  stage: Stage;
  /** The least time the stage lasts (a bake included). */
  ms: number;
  /** PRODUCTION_TRAFFIC_SHIFT: the share of production traffic on green after this step, in percent. */
  productionPercent?: number;
  /** A condition the stage also waits for. */
  until?: 'green-running' | 'blue-gone';
}

interface Revision {
  unit: Unit;
  arn: string;
  targetGroup: string;
}

interface HookDetail {
  hookId: string;
  stage: Stage;
  status: HookStatus;
  expiresAt: number;
  timeoutAction: TimeoutAction;
}

interface SimServiceDeployment {
  arn: string;
  id: string;
  svc: Service;
  settings: NativeSettings & { strategy: NativeStrategy };
  routing: Routing;
  blue: Revision;
  green: Revision;
  status: Status;
  statusReason?: string;
  plan: PlanStep[];
  index: number;
  stage: Stage;
  stageUntil: number;
  hooks: HookDetail[];
  /** Integer weights on green, 0–100, as last written to the rules. */
  productionGreen: number;
  testGreen: number;
  alarmStatus: MonitorStatus;
  triggered: string[];
  /** Green's failed tasks when the circuit breaker tripped; stragglers failing afterwards are not news. */
  breakerFailures?: number;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  /** When the current rollback step may end. */
  phaseUntil: number;
  /** The next moment this deployment has something to do by itself (always later than the last advance). */
  wakeAt?: number;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
}

/** What the deployments need from the ECS simulation that owns the services, units and tasks. */
export interface DeploymentHost {
  /** Looks a service up as the ECS API does (ClusterNotFoundException, ServiceNotFoundException). */
  service(cluster: unknown, service: unknown): Service;
  /** Replays the service's task transitions and deployment timers up to `at`. */
  settleService(svc: Service, at: number): void;
  /** Brings the service's units towards their targets: launches, stops, drains. */
  reconcile(svc: Service, at: number): void;
  /** A new PRIMARY deployment unit of a task definition; the previous primary becomes ACTIVE. */
  startDeployment(svc: Service, taskDefinition: string, at: number): Unit;
  /** 32 deterministic hex characters. */
  hexId(): string;
  event(svc: Service, at: number, message: string): void;
}

/** UpdateService's deployment settings, validated but not yet applied. */
export interface PreparedUpdate {
  settings?: NativeSettings;
  loadBalancers?: ServiceLoadBalancer[];
}

const invalid = (message: string) => new AwsError('InvalidParameterException', message);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown, what: string): Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${what} must be an object.`);
  return v as Record<string, unknown>;
};
const secs = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const isNative = (s: Strategy | undefined): s is NativeStrategy => s === 'BLUE_GREEN' || s === 'LINEAR' || s === 'CANARY';
/** The integer weight a percent becomes on a listener rule: rounded, at least 1 when any traffic is asked for. */
const greenWeight = (percent: number) => (percent <= 0 ? 0 : Math.min(100, Math.max(1, Math.round(percent))));
const round1 = (n: number) => Math.round(n * 10) / 10;

/** A number in [min, max], an integer or a multiple of 0.1 as the field requires; the message names the field. */
function bounded(v: unknown, what: string, min: number, max: number, kind: 'integer' | 'tenths'): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (kind === 'integer' ? Number.isInteger(v) : Math.abs(v * 10 - Math.round(v * 10)) < 1e-9);
  if (!ok) throw invalid(`${what} must be ${kind === 'integer' ? 'a whole number' : 'a multiple of 0.1'} from ${min} to ${max}; got ${JSON.stringify(v)}.`);
  return v as number;
}

export class ServiceDeployments {
  /** Deployment settings per service ARN, as the last UpdateService left them. */
  private readonly settings = new Map<string, NativeSettings>();
  private readonly byArn = new Map<string, SimServiceDeployment>();
  /** Per service ARN, oldest first. */
  private readonly byService = new Map<string, SimServiceDeployment[]>();
  private readonly revisions = new WeakMap<Unit, string>();

  constructor(
    private readonly world: World,
    private readonly host: DeploymentHost,
  ) {}

  // ---------------------------------------------------------------- UpdateService

  /**
   * Validates UpdateService's deploymentConfiguration and loadBalancers against what the service has, without
   * changing anything: a refused call leaves the service as it was.
   */
  prepare(svc: Service, input: Record<string, unknown>, controllerIsEcs: boolean): PreparedUpdate {
    const dc = input.deploymentConfiguration === undefined ? undefined : obj(input.deploymentConfiguration, 'deploymentConfiguration');
    const lbInput = input.loadBalancers;
    if (!controllerIsEcs) {
      if (isNative(dc?.strategy as Strategy | undefined)) {
        throw invalid(`The ${String(dc?.strategy)} deployment strategy needs the ECS deployment controller; service ${svc.name} uses ${svc.controller}.`);
      }
      return {};
    }
    if (dc === undefined && lbInput === undefined) return {};
    const prev = this.settings.get(svc.arn) ?? {};
    const next: NativeSettings = { ...prev };
    if (dc !== undefined) {
      if (dc.strategy !== undefined) {
        if (!(STRATEGIES as readonly unknown[]).includes(dc.strategy)) throw invalid(`deploymentConfiguration.strategy must be one of ${STRATEGIES.join(', ')}; got ${JSON.stringify(dc.strategy)}.`);
        next.strategy = dc.strategy as Strategy;
      }
      if (dc.bakeTimeInMinutes !== undefined) next.bakeTimeInMinutes = bounded(dc.bakeTimeInMinutes, 'deploymentConfiguration.bakeTimeInMinutes', 0, MAX_BAKE_MINUTES, 'integer');
      if (dc.linearConfiguration !== undefined) {
        const l = obj(dc.linearConfiguration, 'deploymentConfiguration.linearConfiguration');
        next.linearConfiguration = {
          stepPercent: l.stepPercent === undefined ? LINEAR_DEFAULT.stepPercent : bounded(l.stepPercent, 'linearConfiguration.stepPercent', 3, 100, 'tenths'),
          stepBakeTimeInMinutes:
            l.stepBakeTimeInMinutes === undefined ? LINEAR_DEFAULT.stepBakeTimeInMinutes : bounded(l.stepBakeTimeInMinutes, 'linearConfiguration.stepBakeTimeInMinutes', 0, MAX_BAKE_MINUTES, 'integer'),
        };
      }
      if (dc.canaryConfiguration !== undefined) {
        const c = obj(dc.canaryConfiguration, 'deploymentConfiguration.canaryConfiguration');
        next.canaryConfiguration = {
          canaryPercent: c.canaryPercent === undefined ? CANARY_DEFAULT.canaryPercent : bounded(c.canaryPercent, 'canaryConfiguration.canaryPercent', 0.1, 100, 'tenths'),
          canaryBakeTimeInMinutes:
            c.canaryBakeTimeInMinutes === undefined ? CANARY_DEFAULT.canaryBakeTimeInMinutes : bounded(c.canaryBakeTimeInMinutes, 'canaryConfiguration.canaryBakeTimeInMinutes', 0, MAX_BAKE_MINUTES, 'integer'),
        };
      }
      if (dc.lifecycleHooks !== undefined) next.lifecycleHooks = this.parseHooks(dc.lifecycleHooks);
      if (dc.alarms !== undefined) next.alarms = this.parseAlarms(dc.alarms);
    }
    // The documented defaults, so DescribeServices shows what a deployment will do.
    if (next.strategy === 'LINEAR') next.linearConfiguration ??= { ...LINEAR_DEFAULT };
    if (next.strategy === 'CANARY') next.canaryConfiguration ??= { ...CANARY_DEFAULT };
    const loadBalancers = lbInput === undefined ? undefined : this.parseLoadBalancers(lbInput);
    if (isNative(next.strategy)) {
      if (next.strategy === 'BLUE_GREEN' && next.bakeTimeInMinutes === undefined) {
        throw invalid('deploymentConfiguration.bakeTimeInMinutes is required with the BLUE_GREEN deployment strategy (0–1440 minutes).');
      }
      this.routing(next.strategy, loadBalancers ?? svc.loadBalancers);
    }
    return { settings: next, ...(loadBalancers ? { loadBalancers } : {}) };
  }

  /** Stores what prepare() validated. */
  apply(svc: Service, p: PreparedUpdate): void {
    if (p.settings) this.settings.set(svc.arn, p.settings);
    if (p.loadBalancers) svc.loadBalancers = p.loadBalancers;
  }

  /** True when the service deploys through this module (its remembered strategy is BLUE_GREEN, LINEAR or CANARY). */
  isNative(svc: Service): boolean {
    return isNative(this.settings.get(svc.arn)?.strategy);
  }

  /** DescribeServices' deploymentConfiguration: today's constant fields, plus the remembered 2025 ones. */
  deploymentConfiguration(svc: Service): Record<string, unknown> {
    return { ...BASE_CONFIGURATION, ...this.settingsJson(this.settings.get(svc.arn)) };
  }

  /**
   * Ends the service's deployment in progress because another one starts (see the model note at the top):
   * in CLEAN_UP it has already moved all traffic, so it counts as successful; during a rollback, the rollback
   * finishes at once; otherwise it is STOPPED with production and test traffic back on its blue.
   */
  supersede(svc: Service, at: number): void {
    const d = this.current(svc);
    if (!d) return;
    if (d.status === 'IN_PROGRESS' && d.stage === 'CLEAN_UP') {
      this.succeed(d, at);
    } else if (d.status === 'ROLLBACK_REQUESTED' || d.status === 'ROLLBACK_IN_PROGRESS') {
      if (d.status === 'ROLLBACK_REQUESTED') this.restoreBlue(d, at, true);
      this.finish(d, at, 'ROLLBACK_SUCCESSFUL');
    } else {
      this.restoreBlue(d, at, false);
      this.finish(d, at, 'STOPPED', 'Superseded: a newer UpdateService started another deployment; traffic went back to the previous revision.');
      d.stoppedAt = at;
    }
  }

  /** Starts a service deployment to `taskDefinition` with the service's remembered settings (validated by prepare). */
  start(svc: Service, taskDefinition: string, at: number): void {
    const settings = this.settings.get(svc.arn);
    if (!settings || !isNative(settings.strategy)) throw new Error(`sandbox: service ${svc.name} has no native deployment strategy`);
    const routing = this.routing(settings.strategy, svc.loadBalancers);
    const blueUnit = svc.units.find((u) => u.status === 'PRIMARY');
    if (!blueUnit) throw invalid(`Service ${svc.name} has no running revision to deploy from.`);
    // Blue is whichever of the two groups serves production now; with both or neither, the heavier one, then the service's own.
    const weights = this.world.elbv2.ruleWeights(routing.productionListenerRule);
    const pair = [routing.targetGroupArn, routing.alternateTargetGroupArn] as const;
    const blueTg = (weights[pair[1]] ?? 0) > (weights[pair[0]] ?? 0) ? pair[1] : pair[0];
    const greenTg = blueTg === pair[0] ? pair[1] : pair[0];

    const greenUnit = this.host.startDeployment(svc, taskDefinition, at);
    blueUnit.hold = 'full';
    greenUnit.hold = 'zero';
    const id = Buffer.from(this.host.hexId(), 'hex').toString('base64url').slice(0, 22);
    const snapshot = JSON.parse(JSON.stringify(settings)) as NativeSettings & { strategy: NativeStrategy };
    const watched = this.watchesAlarms(snapshot);
    const d: SimServiceDeployment = {
      arn: `arn:aws:ecs:${svc.cluster.region}:${this.world.account}:service-deployment/${svc.cluster.name}/${svc.name}/${id}`,
      id,
      svc,
      settings: snapshot,
      routing,
      blue: { unit: blueUnit, arn: this.revisionArn(svc, blueUnit), targetGroup: blueTg },
      green: { unit: greenUnit, arn: this.revisionArn(svc, greenUnit), targetGroup: greenTg },
      // AWS shows PENDING for a moment; the sandbox starts at once, so the first read already says IN_PROGRESS.
      status: 'IN_PROGRESS',
      plan: this.plan(snapshot),
      index: -1,
      stage: 'PRE_SCALE_UP',
      stageUntil: at,
      hooks: [],
      productionGreen: 0,
      testGreen: 0,
      alarmStatus: watched ? 'MONITORING' : 'DISABLED',
      triggered: [],
      phaseUntil: at,
      createdAt: at,
      startedAt: at,
      updatedAt: at,
    };
    this.byArn.set(d.arn, d);
    this.byService.set(svc.arn, [...(this.byService.get(svc.arn) ?? []), d]);
    this.host.event(svc, at, `(service-deployment ${id}) ${snapshot.strategy} deployment started: blue ${tgName(blueTg)}, green ${tgName(greenTg)}.`);
    this.enterNext(d, at);
  }

  // ---------------------------------------------------------------- time

  /** The next moment the service's deployment has something to do by itself, if any. */
  wakeAt(svc: Service): number | undefined {
    return this.current(svc)?.wakeAt;
  }

  /**
   * Lets the service's current deployment act at `at`: leave finished stages, answer expired pauses, notice alarms
   * and a failed green. Returns whether anything changed. Afterwards `wakeAt` is later than `at` or undefined.
   */
  advance(svc: Service, at: number): boolean {
    const d = this.current(svc);
    if (!d) return false;
    let changed = false;
    for (let guard = 0; guard < 1_000 && this.step(d, at); guard++) changed = true;
    return changed;
  }

  private step(d: SimServiceDeployment, at: number): boolean {
    d.wakeAt = undefined;
    switch (d.status) {
      case 'IN_PROGRESS':
        return this.stepInProgress(d, at);
      case 'ROLLBACK_REQUESTED':
        if (at >= d.phaseUntil) {
          d.status = 'ROLLBACK_IN_PROGRESS';
          d.updatedAt = at;
          d.phaseUntil = at + ROLLBACK_STEP_MS;
          this.restoreBlue(d, at, true);
          return true;
        }
        d.wakeAt = d.phaseUntil;
        return false;
      case 'ROLLBACK_IN_PROGRESS': {
        const greenLive = d.green.unit.tasks.some((t) => t.state !== 'STOPPED');
        if (at >= d.phaseUntil && !greenLive) {
          this.finish(d, at, 'ROLLBACK_SUCCESSFUL');
          this.host.event(d.svc, at, `(service-deployment ${d.id}) rolled back: ${d.rollback?.reason ?? 'rollback requested'}.`);
          return true;
        }
        // Green's stopping tasks wake the service by themselves; only the minimum step time needs a timer.
        if (at < d.phaseUntil) d.wakeAt = d.phaseUntil;
        return false;
      }
      default:
        return false;
    }
  }

  private stepInProgress(d: SimServiceDeployment, at: number): boolean {
    // Green failed to start (the circuit breaker of ecs.ts gave up on it): roll back.
    if (d.green.unit.rolloutState === 'FAILED') {
      d.breakerFailures = d.green.unit.failedTasks;
      this.startRollback(d, at, `Green revision tasks failed to start (deployment circuit breaker: ${d.green.unit.failedTasks} failed tasks).`);
      return true;
    }
    // Alarms are watched through BAKE_TIME; in CLEAN_UP blue is already going away.
    if (d.alarmStatus === 'MONITORING' && d.stage !== 'CLEAN_UP') {
      const hit = (d.settings.alarms?.alarmNames ?? []).filter((n) => this.world.alarmState(n) === 'ALARM');
      if (hit.length > 0) {
        d.alarmStatus = 'TRIGGERED';
        d.triggered = hit;
        const reason = `Alarm ${hit.join(', ')} in ALARM`;
        if (d.settings.alarms?.rollback) {
          this.startRollback(d, at, reason);
        } else {
          // Guess (not documented): without alarm rollback the deployment stops; the sandbox still takes green's
          // traffic away, so the service is left in one well-defined state.
          this.restoreBlue(d, at, false);
          this.finish(d, at, 'STOPPED', `${reason}: the deployment stopped (alarms.rollback is false).`);
          d.stoppedAt = at;
        }
        return true;
      }
    }
    const awaiting = d.hooks.filter((h) => h.status === 'AWAITING_ACTION');
    const expired = awaiting.find((h) => at >= h.expiresAt);
    if (expired) {
      expired.status = 'TIMED_OUT';
      d.updatedAt = at;
      if (expired.timeoutAction === 'ROLLBACK') this.startRollback(d, at, `Lifecycle hook ${expired.hookId} at ${expired.stage} timed out (timeout action ROLLBACK).`);
      return true;
    }
    if (awaiting.length > 0) {
      d.wakeAt = Math.min(...awaiting.map((h) => h.expiresAt));
      return false;
    }
    const step = d.plan[d.index];
    const timeUp = at >= d.stageUntil;
    const ready =
      step?.until === 'green-running'
        ? d.green.unit.tasks.filter((t) => t.state === 'RUNNING').length >= d.green.unit.desired
        : step?.until === 'blue-gone'
          ? d.blue.unit.tasks.every((t) => t.state === 'STOPPED')
          : true;
    if (timeUp && ready) {
      this.enterNext(d, at);
      return true;
    }
    // Waiting on tasks: their transitions wake the service, so only the stage's minimum time needs a timer.
    if (!timeUp) d.wakeAt = d.stageUntil;
    return false;
  }

  private enterNext(d: SimServiceDeployment, at: number): void {
    d.index += 1;
    const step = d.plan[d.index];
    if (!step) {
      this.succeed(d, at);
      return;
    }
    d.stage = step.stage;
    d.stageUntil = at + step.ms;
    d.updatedAt = at;
    switch (step.stage) {
      case 'SCALE_UP':
        d.green.unit.hold = 'full';
        d.green.unit.updatedAt = at;
        this.host.reconcile(d.svc, at);
        break;
      case 'TEST_TRAFFIC_SHIFT':
        if (d.routing.testListenerRule) {
          d.testGreen = 100;
          this.route(d, d.routing.testListenerRule, 100);
        }
        break;
      case 'PRODUCTION_TRAFFIC_SHIFT':
        d.productionGreen = greenWeight(step.productionPercent ?? 100);
        this.route(d, d.routing.productionListenerRule, d.productionGreen);
        break;
      case 'CLEAN_UP':
        d.blue.unit.hold = 'zero';
        d.blue.unit.updatedAt = at;
        this.host.reconcile(d.svc, at);
        break;
      default:
        break;
    }
    // A PAUSE hook on this stage stops the walk here until ContinueServiceDeployment or its timeout.
    for (const h of d.settings.lifecycleHooks ?? []) {
      if (!(h.lifecycleStages as string[]).includes(step.stage)) continue;
      d.hooks.push({
        hookId: `ecs-pause-${Buffer.from(this.host.hexId() + this.host.hexId(), 'hex').toString('base64url').slice(0, 41)}`,
        stage: step.stage,
        status: 'AWAITING_ACTION',
        expiresAt: at + h.timeoutConfiguration.timeoutInMinutes * MINUTE,
        timeoutAction: h.timeoutConfiguration.action,
      });
    }
  }

  /** The stages of a deployment, with the production traffic steps of its strategy. */
  private plan(s: NativeSettings & { strategy: NativeStrategy }): PlanStep[] {
    const steps: PlanStep[] = [
      { stage: 'PRE_SCALE_UP', ms: STAGE_MS },
      { stage: 'SCALE_UP', ms: STAGE_MS, until: 'green-running' },
      { stage: 'POST_SCALE_UP', ms: STAGE_MS },
      { stage: 'TEST_TRAFFIC_SHIFT', ms: STAGE_MS },
      { stage: 'POST_TEST_TRAFFIC_SHIFT', ms: STAGE_MS },
    ];
    let percents: number[] = [100];
    let stepBakeMs = 0;
    if (s.strategy === 'CANARY') {
      const c = s.canaryConfiguration ?? CANARY_DEFAULT;
      percents = c.canaryPercent >= 100 ? [100] : [c.canaryPercent, 100];
      stepBakeMs = c.canaryBakeTimeInMinutes * MINUTE;
    } else if (s.strategy === 'LINEAR') {
      const l = s.linearConfiguration ?? LINEAR_DEFAULT;
      percents = [];
      for (let k = 1; percents.at(-1) !== 100; k++) percents.push(Math.min(100, round1(k * l.stepPercent)));
      stepBakeMs = l.stepBakeTimeInMinutes * MINUTE;
    }
    // Each step: PRE_PRODUCTION_TRAFFIC_SHIFT, then PRODUCTION_TRAFFIC_SHIFT holding the step's share for the step
    // bake ("not applied after reaching 100 percent").
    for (const p of percents) {
      steps.push({ stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', ms: STAGE_MS });
      steps.push({ stage: 'PRODUCTION_TRAFFIC_SHIFT', ms: STAGE_MS + (p < 100 ? stepBakeMs : 0), productionPercent: p });
    }
    steps.push(
      { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', ms: STAGE_MS },
      // A bake of 0 minutes still shows the stage for a moment.
      { stage: 'BAKE_TIME', ms: (s.bakeTimeInMinutes ?? 0) * MINUTE || STAGE_MS },
      { stage: 'CLEAN_UP', ms: STAGE_MS, until: 'blue-gone' },
    );
    return steps;
  }

  // ---------------------------------------------------------------- endings

  private startRollback(d: SimServiceDeployment, at: number, reason: string): void {
    // A pause answered by a rollback, or overtaken by one, no longer waits.
    for (const h of d.hooks) if (h.status === 'AWAITING_ACTION') h.status = 'FAILED';
    d.status = 'ROLLBACK_REQUESTED';
    d.statusReason = reason;
    d.rollback = { reason, startedAt: at, serviceRevisionArn: d.blue.arn };
    d.phaseUntil = at + ROLLBACK_STEP_MS;
    d.wakeAt = d.phaseUntil;
    d.updatedAt = at;
    if (d.alarmStatus === 'MONITORING') d.alarmStatus = 'MONITORING_COMPLETE';
  }

  /** Production and test traffic back on blue, blue PRIMARY again, green scaled to 0. */
  private restoreBlue(d: SimServiceDeployment, at: number, rolledBack: boolean): void {
    this.route(d, d.routing.productionListenerRule, 0);
    if (d.routing.testListenerRule) this.route(d, d.routing.testListenerRule, 0);
    d.productionGreen = 0;
    d.testGreen = 0;
    const { svc } = d;
    // Blue left the service's units only if it was scaled to nothing; it is the service's revision again.
    if (!svc.units.includes(d.blue.unit)) svc.units.push(d.blue.unit);
    for (const u of svc.units) if (u.status === 'PRIMARY') u.status = 'ACTIVE';
    d.blue.unit.status = 'PRIMARY';
    d.blue.unit.hold = undefined;
    d.blue.unit.updatedAt = at;
    d.green.unit.hold = 'zero';
    d.green.unit.updatedAt = at;
    if (rolledBack) {
      d.green.unit.rolloutState = 'FAILED';
      d.green.unit.rolloutStateReason = `ECS deployment ${d.green.unit.id} rolled back: ${d.rollback?.reason ?? 'rollback requested'}`;
    }
    this.host.reconcile(svc, at);
  }

  private succeed(d: SimServiceDeployment, at: number): void {
    // Green is the service's revision now: rolling rules size it again. Blue keeps its hold at 0 while it leaves.
    d.green.unit.hold = undefined;
    this.finish(d, at, 'SUCCESSFUL');
    this.host.event(d.svc, at, `(service-deployment ${d.id}) deployment completed: production on ${tgName(d.green.targetGroup)}.`);
    this.host.reconcile(d.svc, at);
  }

  private finish(d: SimServiceDeployment, at: number, status: Status, reason?: string): void {
    for (const h of d.hooks) if (h.status === 'AWAITING_ACTION') h.status = 'FAILED';
    d.status = status;
    if (reason) d.statusReason = reason;
    d.finishedAt = at;
    d.updatedAt = at;
    d.wakeAt = undefined;
    if (d.alarmStatus === 'MONITORING') d.alarmStatus = 'MONITORING_COMPLETE';
  }

  /** Writes integer weights to a rule: green as given, blue the rest, listed in the service's own order. */
  private route(d: SimServiceDeployment, ruleArn: string, green: number): void {
    const weights: Record<string, number> = {};
    for (const tg of [d.routing.targetGroupArn, d.routing.alternateTargetGroupArn]) weights[tg] = tg === d.green.targetGroup ? green : 100 - green;
    this.world.elbv2.setRuleWeights(ruleArn, weights);
  }

  // ---------------------------------------------------------------- lookups and validation

  private current(svc: Service): SimServiceDeployment | undefined {
    const last = this.byService.get(svc.arn)?.at(-1);
    return last && ACTIVE.has(last.status) ? last : undefined;
  }

  private find(ref: unknown): SimServiceDeployment {
    const arn = str(ref);
    if (!arn) throw invalid('serviceDeploymentArn cannot be empty.');
    const d = this.byArn.get(arn);
    if (!d) throw new AwsError('ServiceDeploymentNotFoundException', `Service deployment ${arn} was not found. Use ListServiceDeployments to find the service's deployments.`);
    return d;
  }

  private watchesAlarms(s: NativeSettings): boolean {
    return s.alarms?.enable === true && s.alarms.alarmNames.length > 0;
  }

  private revisionArn(svc: Service, u: Unit): string {
    let arn = this.revisions.get(u);
    if (!arn) {
      // Service revision ids are long decimal numbers in AWS.
      const n = BigInt(`0x${this.host.hexId().slice(0, 15)}`).toString();
      arn = `arn:aws:ecs:${svc.cluster.region}:${this.world.account}:service-revision/${svc.cluster.name}/${svc.name}/${n}`;
      this.revisions.set(u, arn);
    }
    return arn;
  }

  /** The load balancer a native strategy deploys through, checked against the ELBv2 simulation. */
  private routing(strategy: NativeStrategy, lbs: ServiceLoadBalancer[]): Routing {
    const lb = lbs.find((l) => l.advancedConfiguration !== undefined);
    const need = 'a load balancer whose advancedConfiguration has alternateTargetGroupArn, productionListenerRule and roleArn';
    if (!lb?.advancedConfiguration) throw invalid(`The ${strategy} deployment strategy needs ${need}; pass it in loadBalancers.`);
    const a = lb.advancedConfiguration;
    const missing = (['alternateTargetGroupArn', 'productionListenerRule', 'roleArn'] as const).filter((k) => !a[k]);
    if (missing.length > 0) throw invalid(`loadBalancers[].advancedConfiguration is missing ${missing.join(', ')}: the ${strategy} deployment strategy needs ${need}.`);
    if (a.alternateTargetGroupArn === lb.targetGroupArn) throw invalid('advancedConfiguration.alternateTargetGroupArn must differ from targetGroupArn: ECS moves traffic between the two.');
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(a.roleArn ?? '')) throw invalid(`advancedConfiguration.roleArn ${a.roleArn ?? ''} is not an IAM role ARN.`);
    for (const tg of [lb.targetGroupArn, a.alternateTargetGroupArn!]) {
      if (!this.world.elbv2.hasTargetGroup(tg)) throw invalid(`The target group ${tg} does not exist.`);
    }
    for (const rule of [a.productionListenerRule!, ...(a.testListenerRule ? [a.testListenerRule] : [])]) {
      if (!this.world.elbv2.hasRule(rule)) throw invalid(`The listener rule ${rule} does not exist.`);
    }
    if (a.testListenerRule === a.productionListenerRule) throw invalid('advancedConfiguration.testListenerRule must differ from productionListenerRule.');
    return {
      targetGroupArn: lb.targetGroupArn,
      alternateTargetGroupArn: a.alternateTargetGroupArn!,
      productionListenerRule: a.productionListenerRule!,
      ...(a.testListenerRule ? { testListenerRule: a.testListenerRule } : {}),
    };
  }

  private parseLoadBalancers(v: unknown): ServiceLoadBalancer[] {
    if (!Array.isArray(v)) throw invalid('loadBalancers must be a list.');
    return v.map((raw, i) => {
      const where = `loadBalancers[${i}]`;
      const lb = obj(raw, where);
      const targetGroupArn = str(lb.targetGroupArn);
      const containerName = str(lb.containerName);
      if (!targetGroupArn) throw invalid(`${where}.targetGroupArn is required: the sandbox simulates Application Load Balancers.`);
      if (!containerName || typeof lb.containerPort !== 'number') throw invalid(`${where} needs containerName and containerPort.`);
      let advancedConfiguration: AdvancedConfiguration | undefined;
      if (lb.advancedConfiguration !== undefined) {
        const a = obj(lb.advancedConfiguration, `${where}.advancedConfiguration`);
        advancedConfiguration = {};
        for (const k of ['alternateTargetGroupArn', 'productionListenerRule', 'testListenerRule', 'roleArn'] as const) {
          const s = str(a[k]);
          if (s) advancedConfiguration[k] = s;
        }
      }
      return {
        targetGroupArn,
        ...(str(lb.loadBalancerName) ? { loadBalancerName: str(lb.loadBalancerName) } : {}),
        containerName,
        containerPort: lb.containerPort,
        ...(advancedConfiguration ? { advancedConfiguration } : {}),
      };
    });
  }

  private parseHooks(v: unknown): PauseHook[] {
    if (!Array.isArray(v)) throw invalid('deploymentConfiguration.lifecycleHooks must be a list.');
    return v.map((raw, i) => {
      const where = `deploymentConfiguration.lifecycleHooks[${i}]`;
      const h = obj(raw, where);
      if (h.targetType === 'AWS_LAMBDA') throw invalid(`${where}: the sandbox does not run AWS_LAMBDA hooks; use targetType PAUSE.`);
      if (h.targetType !== 'PAUSE') throw invalid(`${where}.targetType must be PAUSE or AWS_LAMBDA; got ${JSON.stringify(h.targetType)}.`);
      const stages = h.lifecycleStages;
      if (!Array.isArray(stages) || stages.length === 0) throw invalid(`${where}.lifecycleStages must name at least one stage.`);
      for (const s of stages) {
        if (!(HOOK_STAGES as readonly unknown[]).includes(s)) throw invalid(`${where}: ${JSON.stringify(s)} is not a lifecycle stage; use one of ${HOOK_STAGES.join(', ')}.`);
        if (NO_PAUSE_STAGES.includes(s as string)) {
          throw invalid(`PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages (${where} names ${String(s)}); these stages are only valid for AWS_LAMBDA hooks.`);
        }
      }
      const t = h.timeoutConfiguration === undefined ? {} : obj(h.timeoutConfiguration, `${where}.timeoutConfiguration`);
      const timeoutInMinutes = t.timeoutInMinutes === undefined ? DEFAULT_HOOK_TIMEOUT_MINUTES : bounded(t.timeoutInMinutes, `${where}.timeoutConfiguration.timeoutInMinutes`, 1, MAX_HOOK_TIMEOUT_MINUTES, 'integer');
      const action = t.action ?? 'ROLLBACK';
      if (action !== 'ROLLBACK' && action !== 'CONTINUE') throw invalid(`${where}.timeoutConfiguration.action must be ROLLBACK or CONTINUE; got ${JSON.stringify(action)}.`);
      return { targetType: 'PAUSE', lifecycleStages: [...new Set(stages as HookStage[])], timeoutConfiguration: { timeoutInMinutes, action } };
    });
  }

  private parseAlarms(v: unknown): NonNullable<NativeSettings['alarms']> {
    const a = obj(v, 'deploymentConfiguration.alarms');
    const names = a.alarmNames;
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === '' || n.length > 255)) {
      throw invalid('deploymentConfiguration.alarms.alarmNames must be a list of CloudWatch alarm names.');
    }
    if (typeof a.enable !== 'boolean' || typeof a.rollback !== 'boolean') throw invalid('deploymentConfiguration.alarms needs enable and rollback (true or false).');
    if (a.enable && names.length === 0) throw invalid('deploymentConfiguration.alarms is enabled but names no alarm.');
    return { alarmNames: names as string[], enable: a.enable, rollback: a.rollback };
  }

  // ---------------------------------------------------------------- wire shapes

  private settingsJson(s: NativeSettings | undefined): Record<string, unknown> {
    if (!s) return {};
    return {
      ...(s.strategy ? { strategy: s.strategy } : {}),
      ...(s.bakeTimeInMinutes !== undefined ? { bakeTimeInMinutes: s.bakeTimeInMinutes } : {}),
      ...(s.linearConfiguration ? { linearConfiguration: s.linearConfiguration } : {}),
      ...(s.canaryConfiguration ? { canaryConfiguration: s.canaryConfiguration } : {}),
      ...(s.lifecycleHooks ? { lifecycleHooks: s.lifecycleHooks } : {}),
      ...(s.alarms ? { alarms: s.alarms } : {}),
    };
  }

  private revisionJson(r: Revision, production: number, test: number): Record<string, unknown> {
    return {
      arn: r.arn,
      requestedTaskCount: r.unit.desired,
      runningTaskCount: r.unit.tasks.filter((t) => t.state === 'RUNNING').length,
      pendingTaskCount: r.unit.tasks.filter((t) => t.state === 'PENDING' && !t.stopping).length,
      requestedTestTrafficWeight: test,
      requestedProductionTrafficWeight: production,
    };
  }

  private deploymentJson(d: SimServiceDeployment): Record<string, unknown> {
    const cbFailed = d.breakerFailures !== undefined;
    return {
      serviceDeploymentArn: d.arn,
      serviceArn: d.svc.arn,
      clusterArn: d.svc.cluster.arn,
      createdAt: secs(d.createdAt),
      startedAt: secs(d.startedAt),
      updatedAt: secs(d.updatedAt),
      ...(d.finishedAt !== undefined ? { finishedAt: secs(d.finishedAt) } : {}),
      ...(d.stoppedAt !== undefined ? { stoppedAt: secs(d.stoppedAt) } : {}),
      sourceServiceRevisions: [this.revisionJson(d.blue, 100 - d.productionGreen, 100 - d.testGreen)],
      targetServiceRevision: this.revisionJson(d.green, d.productionGreen, d.testGreen),
      status: d.status,
      ...(d.statusReason ? { statusReason: d.statusReason } : {}),
      lifecycleStage: d.stage,
      lifecycleHookDetails: d.hooks.map((h) => ({ hookId: h.hookId, targetType: 'PAUSE', status: h.status, expiresAt: secs(h.expiresAt), timeoutAction: h.timeoutAction })),
      deploymentConfiguration: { ...BASE_CONFIGURATION, ...this.settingsJson(d.settings) },
      ...(d.rollback ? { rollback: { reason: d.rollback.reason, startedAt: secs(d.rollback.startedAt), serviceRevisionArn: d.rollback.serviceRevisionArn } } : {}),
      deploymentCircuitBreaker: {
        status: cbFailed ? 'TRIGGERED' : ACTIVE.has(d.status) ? 'MONITORING' : 'MONITORING_COMPLETE',
        failureCount: d.breakerFailures ?? d.green.unit.failedTasks,
        threshold: Math.min(200, Math.max(3, Math.ceil(d.svc.desiredCount / 2))),
      },
      alarms: { status: d.alarmStatus, alarmNames: d.settings.alarms?.alarmNames ?? [], triggeredAlarmNames: d.triggered },
    };
  }

  private briefJson(d: SimServiceDeployment): Record<string, unknown> {
    return {
      serviceDeploymentArn: d.arn,
      serviceArn: d.svc.arn,
      clusterArn: d.svc.cluster.arn,
      startedAt: secs(d.startedAt),
      createdAt: secs(d.createdAt),
      ...(d.finishedAt !== undefined ? { finishedAt: secs(d.finishedAt) } : {}),
      targetServiceRevisionArn: d.green.arn,
      status: d.status,
      ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    };
  }

  /** The service's latest deployment in a line, for the sandbox's state view. */
  summary(svc: Service): { id: string; strategy: string; status: string; stage: string; greenPercent: number } | undefined {
    const d = this.byService.get(svc.arn)?.at(-1);
    return d ? { id: d.id, strategy: d.settings.strategy, status: d.status, stage: d.stage, greenPercent: d.productionGreen } : undefined;
  }

  // ---------------------------------------------------------------- handlers

  handlers(): JsonHandlers {
    const now = () => this.world.clock.now();
    return {
      ListServiceDeployments: (input) => {
        const svc = this.host.service(input.cluster, input.service);
        let statuses: ReadonlySet<string> | undefined;
        if (input.status !== undefined) {
          const list = input.status;
          if (!Array.isArray(list) || list.some((s) => !(STATUSES as readonly unknown[]).includes(s))) {
            throw invalid(`status must be a list of ${STATUSES.join(', ')}.`);
          }
          statuses = new Set(list as string[]);
        }
        const range = input.createdAt === undefined ? {} : obj(input.createdAt, 'createdAt');
        for (const k of ['before', 'after'] as const) {
          if (range[k] !== undefined && typeof range[k] !== 'number') throw invalid(`createdAt.${k} must be a timestamp.`);
        }
        const before = range.before as number | undefined;
        const after = range.after as number | undefined;
        const max = input.maxResults === undefined ? LIST_DEFAULT : Number(input.maxResults);
        if (!Number.isInteger(max) || max < 1 || max > LIST_MAX) throw invalid(`maxResults must be between 1 and ${LIST_MAX}.`);
        let start = 0;
        if (input.nextToken !== undefined) {
          start = Number(Buffer.from(String(input.nextToken), 'base64url').toString('utf8').replace(/^offset:/, ''));
          if (!Number.isInteger(start) || start < 0) throw invalid('Invalid nextToken.');
        }
        // Newest first; a later deployment of the same instant after an earlier one.
        const all = [...(this.byService.get(svc.arn) ?? [])]
          .reverse()
          .filter((d) => (!statuses || statuses.has(d.status)) && (before === undefined || d.createdAt / 1000 < before) && (after === undefined || d.createdAt / 1000 > after));
        const page = all.slice(start, start + max);
        const end = start + page.length;
        return { serviceDeployments: page.map((d) => this.briefJson(d)), ...(end < all.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {}) };
      },

      DescribeServiceDeployments: (input) => {
        const arns = input.serviceDeploymentArns;
        if (!Array.isArray(arns) || arns.length === 0) throw invalid('serviceDeploymentArns cannot be empty.');
        if (arns.length > DESCRIBE_MAX) throw invalid(`Too many service deployments: at most ${DESCRIBE_MAX} ARNs per call.`);
        const serviceDeployments: unknown[] = [];
        const failures: unknown[] = [];
        for (const ref of arns) {
          const d = typeof ref === 'string' ? this.byArn.get(ref) : undefined;
          if (d) serviceDeployments.push(this.deploymentJson(d));
          else failures.push({ arn: String(ref), reason: 'MISSING', detail: 'The service deployment does not exist.' });
        }
        return { serviceDeployments, failures };
      },

      ContinueServiceDeployment: (input) => {
        const d = this.find(input.serviceDeploymentArn);
        const hookId = str(input.hookId);
        if (!hookId) throw invalid('hookId cannot be empty: read it from lifecycleHookDetails of DescribeServiceDeployments.');
        const action = input.action ?? 'CONTINUE';
        if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw invalid(`action must be CONTINUE or ROLLBACK; got ${JSON.stringify(action)}.`);
        const at = now();
        this.host.settleService(d.svc, at);
        const hook = d.hooks.find((h) => h.hookId === hookId);
        if (!hook) throw invalid(`Service deployment ${d.id} has no lifecycle hook ${hookId}.`);
        if (d.status !== 'IN_PROGRESS') throw new AwsError('ClientException', `Service deployment ${d.id} is ${d.status}: only a deployment IN_PROGRESS can be continued or rolled back.`);
        if (hook.status !== 'AWAITING_ACTION') throw new AwsError('ClientException', `Lifecycle hook ${hookId} is ${hook.status}, not AWAITING_ACTION: there is nothing to continue.`);
        d.updatedAt = at;
        if (action === 'CONTINUE') {
          hook.status = 'SUCCEEDED';
        } else {
          // The hook is answered "no": reported FAILED, as a Lambda hook that fails (guess; AWS does not say).
          hook.status = 'FAILED';
          this.startRollback(d, at, `Rolled back by ContinueServiceDeployment at ${hook.stage} (hook ${hookId}).`);
        }
        this.host.settleService(d.svc, at);
        return { serviceDeploymentArn: d.arn };
      },

      StopServiceDeployment: (input) => {
        const d = this.find(input.serviceDeploymentArn);
        const stopType = input.stopType ?? 'ROLLBACK';
        if (stopType !== 'ROLLBACK') throw invalid(`stopType must be ROLLBACK; got ${JSON.stringify(stopType)}.`);
        const at = now();
        this.host.settleService(d.svc, at);
        if (d.status !== 'IN_PROGRESS' && d.status !== 'PENDING') {
          throw new AwsError('ConflictException', `Service deployment ${d.id} is ${d.status}: only a deployment in progress can be stopped.`);
        }
        if (d.stage === 'CLEAN_UP') {
          throw new AwsError('ConflictException', `Service deployment ${d.id} is in CLEAN_UP: the previous revision is already scaling down, so it can no longer be rolled back.`);
        }
        this.startRollback(d, at, 'Stopped by StopServiceDeployment with ROLLBACK.');
        this.host.settleService(d.svc, at);
        return { serviceDeploymentArn: d.arn };
      },
    };
  }
}

/** A target group's name, from its ARN (…:targetgroup/<name>/<id>). */
function tgName(arn: string): string {
  return arn.split(':targetgroup/')[1]?.split('/')[0] ?? arn;
}
