// Start an environment's ECS services in dependency order (and stop them in reverse) — seed 003 without the polling loop.
import { wavesText } from './startup-waves.js';
import { z } from 'zod';
import { withDependencies, withDependents } from '../config/dag.js';
import type { Environment } from '../config/schema.js';
import type { FinalState, Intent, OpContext, Operation, ReadContext } from '../runs/operation.js';
import { compileStartup } from './startup-asl.js';
import { messages, OpError, type Lang } from '../i18n/index.js';

/** ECS as startup sees it (a port; src/adapters/startup.ts provides it). */
export interface ServiceState {
  name: string;
  desired: number;
  running: number;
  pending: number;
  failedTasks: number;
  rolloutState?: string | undefined;
  deploymentCount: number;
  lastEvent?: { at: number; message: string } | undefined;
  /** The newest few events, newest first (the throttle notice may already sit behind a later one). */
  recentEvents?: { at: number; message: string }[] | undefined;
  /** Target groups the service is registered in (none: no load balancer). */
  targetGroupArns?: string[] | undefined;
}
export interface StartupEcs {
  describe(names: string[]): Promise<ServiceState[]>;
  setDesiredCount(name: string, count: number, forceNewDeployment?: boolean): Promise<void>;
  /** Healthy targets across these target groups (the least healthy group counts); undefined when there are none. */
  healthyTargets?(targetGroupArns: string[]): Promise<{ healthy: number; total: number } | undefined>;
}

export const ServicePhase = z.enum(['waiting', 'starting', 'ready', 'failed', 'held', 'stopping', 'stopped']);
export type ServicePhase = z.infer<typeof ServicePhase>;
export const serviceRowView = z.object({
  phase: ServicePhase,
  desired: z.number(),
  running: z.number(),
  pending: z.number(),
  failed: z.number(),
  /** The count this run brings the service to (what a waiting service will get). */
  target: z.number().optional(),
  lastEvent: z.string().optional(),
  since: z.number().optional(),
  doneAt: z.number().optional(),
  why: z.string().optional(),
});
export type ServiceRowView = z.infer<typeof serviceRowView>;
/** What the status message of a startup or shutdown shows: one row per service (blocks/startup.ts renders it). */
export const startupView = z.object({ direction: z.enum(['up', 'down']), services: z.record(z.string(), serviceRowView) }).partial();
export type StartupView = z.infer<typeof startupView>;
type Ctx = OpContext<StartupParams, StartupView>;

export const StartupParamsSchema = z.object({ services: z.array(z.string().min(1).max(64)).max(200).optional() }).strict();
export type StartupParams = z.infer<typeof StartupParamsSchema>;

export const depsOf = (env: Environment) => Object.fromEntries(Object.entries(env.services).map(([k, s]) => [k, s.dependsOn]));
const ecsName = (env: Environment, key: string) => env.services[key]?.serviceName ?? key;
export const desiredKey = (envName: string, svc: string) => `desired:${envName}:${svc}`;

/** Ready = one deployment, its rollout COMPLETED, running ≥ desired (the DESIGN's definition). */
export function isReady(s: ServiceState, want: number): boolean {
  return s.running >= want && s.desired === want && (s.rolloutState === undefined || s.rolloutState === 'COMPLETED') && s.deploymentCount <= 1;
}

/**
 * ECS's own words when it gives up launching a service's tasks for a while. A service scaled up from zero
 * whose deployment ran before never counts failed tasks (AWS resets the counter once a deployment ran), so
 * this event is the only sign of a crash loop there.
 */
export const THROTTLED_START = /unable to consistently start tasks/i;

/** Why a starting service counts as failed, or undefined while it may still come up. Pure. */
export function failureOf(
  st: ServiceState,
  cfg: { timeoutSeconds: number; failedTasksThreshold: number },
  since: number,
  now: number,
  lang: Lang = 'en',
): string | undefined {
  const m = messages(lang).failures;
  if (st.rolloutState === 'FAILED') return m.rolloutFailed;
  if (st.failedTasks >= cfg.failedTasksThreshold) return m.failedTasks({ n: st.failedTasks, threshold: cfg.failedTasksThreshold });
  const events = st.recentEvents ?? (st.lastEvent ? [st.lastEvent] : []);
  const throttled = events.find((e) => e.at >= since && THROTTLED_START.test(e.message));
  if (throttled) return m.unableToStart;
  if (now - since > cfg.timeoutSeconds * 1000) return m.notReadyAfter({ seconds: cfg.timeoutSeconds });
  return undefined;
}

/**
 * The next poll's delay: the configured interval while things move; after a minute without any change it
 * backs off (×1.5, up to 4× the interval) so a slow service does not cost a DescribeServices every few
 * seconds; and never more calls than CALLS_PER_SECOND allows, so 100 services (10 calls a round) stay far from
 * ECS's throttling. Pure.
 */
export const CALLS_PER_SECOND = 4;
export function nextPollDelay(p: { baseMs: number; previousMs: number; unchangedForMs: number; calls: number }): number {
  const floor = Math.max(p.baseMs, Math.ceil((p.calls / CALLS_PER_SECOND) * 1000));
  if (p.unchangedForMs < 60_000) return floor;
  return Math.min(Math.max(floor, Math.ceil(p.previousMs * 1.5)), Math.max(floor, p.baseMs * 4));
}

/**
 * The short tier: a service close to done (all its tasks placed and its count accepted, and something changed
 * in the last FAST_WINDOW_MS) is read every FAST_POLL_MS, so what waits on it starts within a second of it
 * becoming ready, and a chain of them (seed 003: three reads on the critical path) stays within a second in all.
 * At most FAST_SERVICES of them; the ones others wait on first, then the longest starting. The rest keep the long
 * interval. The CALLS_PER_SECOND floor between rounds still holds, so 20 services cost 4 DescribeServices a second.
 */
export const FAST_POLL_MS = 300;
export const FAST_SERVICES = 20;
export const FAST_WINDOW_MS = 10 * 60_000;
export function shortTier(candidates: { key: string; close: boolean; gates: boolean; since: number }[], cap = FAST_SERVICES): Set<string> {
  const close = candidates.filter((c) => c.close).sort((a, b) => Number(b.gates) - Number(a.gates) || a.since - b.since);
  return new Set(close.slice(0, cap).map((c) => c.key));
}

/**
 * Why shutdown must leave a service alone, or undefined when it is a service shutdown can classify (steady, or already
 * scaled to 0). A deployment in flight is someone's: scaling it to 0 would cut it short and hide why. Pure.
 */
export function unclassifiableForShutdown(st: ServiceState): string | undefined {
  if (st.desired === 0) return undefined;
  if (st.deploymentCount > 1 || st.rolloutState === 'IN_PROGRESS') {
    return `mid-deployment (${st.deploymentCount} deployment${st.deploymentCount === 1 ? '' : 's'}, rollout ${st.rolloutState ?? 'unknown'}, ${st.running}/${st.desired} running) — left alone; run /shutdown again when the deployment is over`;
  }
  return undefined;
}

/** Services that can start now: waiting, with every dependency ready. Pure, for tests and the dry run. */
export function startable(deps: Record<string, readonly string[]>, phase: Record<string, ServicePhase>): string[] {
  return Object.keys(phase).filter((s) => phase[s] === 'waiting' && (deps[s] ?? []).every((d) => phase[d] === undefined || phase[d] === 'ready'));
}

/** Services that can stop now: still running, with every dependent (in the set) already stopped. */
export function stoppable(deps: Record<string, readonly string[]>, phase: Record<string, ServicePhase>): string[] {
  return Object.keys(phase).filter(
    (s) => phase[s] === 'waiting' && Object.entries(deps).every(([other, ds]) => !ds.includes(s) || phase[other] === undefined || phase[other] === 'stopped'),
  );
}

/** The waves a dry run shows: each service listed once all it needs is listed before it. */
export function planWaves(graph: Record<string, readonly string[]>, chosen: readonly string[], direction: 'up' | 'down'): string[][] {
  const phase: Record<string, ServicePhase> = Object.fromEntries(chosen.map((s) => [s, 'waiting' as ServicePhase]));
  const waves: string[][] = [];
  for (;;) {
    const wave = direction === 'up' ? startable(graph, phase) : stoppable(graph, phase);
    if (wave.length === 0) break;
    for (const s of wave) phase[s] = direction === 'up' ? 'ready' : 'stopped';
    waves.push(wave);
  }
  return waves;
}

export function chosenServices(env: Environment, requested: readonly string[] | undefined, direction: 'up' | 'down'): string[] {
  const graph = depsOf(env);
  if (!requested?.length) return Object.keys(env.services);
  return direction === 'up' ? withDependencies(graph, requested) : withDependents(graph, requested);
}

/** Step Functions as the `stepfunctions` engine sees it (a port; src/aws/sfn.ts provides it). */
export interface StartupSfn {
  ensureStateMachine(name: string, definition: object, roleArn: string): Promise<string>;
  startExecution(stateMachineArn: string, name: string, input: unknown): Promise<string>;
  execution(arn: string): Promise<{ status: string; error?: string | undefined; cause?: string | undefined }>;
  history(arn: string, sinceEventId?: number): Promise<{ id: number; type: string; at: Date; stateName?: string | undefined }[]>;
  stop(arn: string, cause: string): Promise<void>;
}

interface StartupDeps {
  ecs: (envName: string) => StartupEcs;
  sfn?: (envName: string) => StartupSfn;
}

/** The services a startup (up) or shutdown (down) changes, as lock names: `service:<cluster>/<name>`. */
export function startupResources(env: Environment, p: StartupParams, direction: 'up' | 'down'): string[] {
  return chosenServices(env, p.services, direction).map((key) => `service:${env.cluster}/${ecsName(env, key)}`);
}

/** `--dry-run`: the waves, each service listed once all it waits for is listed before it. No AWS call. */
export function planStartup(q: Pick<ReadContext<StartupParams>, 'env' | 'params'> & { lang?: Lang }, direction: 'up' | 'down'): string[] {
  const waves = planWaves(depsOf(q.env), chosenServices(q.env, q.params.services, direction), direction);
  return [messages(q.lang ?? 'en').plans.startup.header({ direction }), ...wavesText(waves).split('\n')];
}

/** The run's memory of the services it found already where they should be (attempt 0): Stop leaves them alone. */
const ALREADY_THERE = 'already-there';

const executionStep = (runId: string, attempt: number) => `start-execution:${runId}:a${attempt}`;

function fmtRow(name: string, r: ServiceRowView, now: number, lang: Lang): string {
  const secs = r.since !== undefined ? Math.round(((r.doneAt ?? now) - r.since) / 1000) : undefined;
  return messages(lang).services.row({ name, running: r.running, desired: r.desired, ...(secs !== undefined ? { secs } : {}) });
}

const stepOf = (direction: 'up' | 'down', key: string, attempt: number) => `${direction === 'up' ? 'start' : 'stop'}-service:${key}:a${attempt}`;

/** Whether this run (in any attempt up to `attempt`) already scaled the service: what Stop must undo, and what is not "already there". */
async function touchedByRun(ctx: Ctx, direction: 'up' | 'down', key: string, attempt: number): Promise<boolean> {
  for (let a = 0; a <= attempt; a += 1) if (await ctx.stepDone(stepOf(direction, key, a))) return true;
  return false;
}

/** A poll read that survives a few throttled or failed reads (backing off) before it gives up. */
async function describeWithBackoff(ctx: Ctx, ecs: StartupEcs, names: string[], baseMs: number): Promise<ServiceState[]> {
  for (let failures = 1; ; failures += 1) {
    try {
      return await ecs.describe(names);
    } catch (err) {
      if (failures >= 5) throw err;
      ctx.log.warn({ err: err instanceof Error ? err.message : String(err), failures }, 'DescribeServices failed; backing off');
      await ctx.sleep(baseMs * 2 ** failures);
    }
  }
}

async function drive(ctx: Ctx, deps: StartupDeps, direction: 'up' | 'down'): Promise<FinalState> {
  const { env, envName, params } = ctx;
  const ecs = deps.ecs(envName);
  const graph = depsOf(env);
  const known = Object.keys(env.services);
  const unknown = (params.services ?? []).filter((s) => !known.includes(s));
  if (unknown.length > 0) throw new Error(`unknown service(s) ${unknown.join(', ')} — check environments.${envName}.services`);
  const chosen = chosenServices(env, params.services, direction);
  const poll = (env.startup?.pollSeconds ?? 3) * 1000;
  const attempt = await ctx.attempt();
  const keyOf = new Map(chosen.map((k) => [ecsName(env, k), k]));

  // What each service must reach: startup restores the count found at the last shutdown unless ops.yml says otherwise.
  const want: Record<string, number> = {};
  for (const s of chosen) {
    if (direction === 'down') want[s] = 0;
    else want[s] = env.services[s]?.desiredCount ?? (await ctx.facts.recall<number>(desiredKey(envName, s))) ?? 1;
  }
  const rows: Record<string, ServiceRowView> = Object.fromEntries(chosen.map((s) => [s, { phase: 'waiting' as ServicePhase, desired: 0, running: 0, pending: 0, failed: 0, target: want[s]! }]));
  const phase = () => Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.phase]));
  const show = () => ctx.view({ direction, services: rows });
  const targetGroups: Record<string, string[]> = {};

  /** Copies what ECS says into the rows; true when anything a person would see changed. */
  const absorb = (states: ServiceState[]): boolean => {
    let changed = false;
    for (const st of states) {
      const key = keyOf.get(st.name);
      if (!key) continue;
      const r = rows[key]!;
      const before = `${r.desired}/${r.running}/${r.pending}/${r.failed}/${r.lastEvent ?? ''}`;
      Object.assign(r, { desired: st.desired, running: st.running, pending: st.pending, failed: st.failedTasks, ...(st.lastEvent ? { lastEvent: st.lastEvent.message } : {}) });
      if (st.targetGroupArns) targetGroups[key] = st.targetGroupArns;
      if (before !== `${r.desired}/${r.running}/${r.pending}/${r.failed}/${r.lastEvent ?? ''}`) changed = true;
    }
    return changed;
  };
  const healthy = async (key: string): Promise<boolean> => {
    const tgs = targetGroups[key] ?? [];
    if (tgs.length === 0 || !ecs.healthyTargets) return true;
    const h = await ecs.healthyTargets(tgs);
    return !h || h.healthy >= Math.min(want[key]!, h.total || want[key]!);
  };

  // A first read: what is already where it should be needs no call.
  const first = await ecs.describe(chosen.map((k) => ecsName(env, k)));
  absorb(first);
  /** Services already where they should be before this run touched them (ALREADY_THERE: Stop leaves them alone). */
  const untouched = new Set<string>();
  for (const st of first) {
    const key = keyOf.get(st.name)!;
    const odd = direction === 'down' && !(await touchedByRun(ctx, 'down', key, attempt)) ? unclassifiableForShutdown(st) : undefined;
    if (odd) {
      Object.assign(rows[key]!, { phase: 'held', why: odd });
      if (!(await ctx.stepDone(`left-alone:${key}:a${attempt}`))) {
        await ctx.step(`left-alone:${key}:a${attempt}`, async () => odd);
        await ctx.note(messages(ctx.lang).services.leftAlone({ key, why: odd }));
      }
      continue;
    }
    const there = direction === 'up' ? isReady(st, want[key]!) && (await healthy(key)) : st.running === 0 && st.pending === 0 && st.desired === 0;
    if (!there) continue;
    const touched = await touchedByRun(ctx, direction, key, attempt);
    rows[key]!.phase = direction === 'up' ? 'ready' : 'stopped';
    if (!touched) {
      rows[key]!.why = messages(ctx.lang).services.alreadyThere;
      untouched.add(key);
    }
  }
  if (direction === 'up' && attempt === 0 && (await ctx.recall(ALREADY_THERE)) === undefined) {
    await ctx.remember(ALREADY_THERE, Object.keys(rows).filter((k) => untouched.has(k)));
  }
  await show();

  if (direction === 'up' && env.startup?.engine === 'stepfunctions' && deps.sfn) {
    return followExecution(ctx, deps.sfn(envName), { chosen, want, rows, show, absorb, keyOf, poll, attempt, ecs });
  }

  const next = direction === 'up' ? startable : stoppable;
  const active = direction === 'up' ? 'starting' : 'stopping';
  const was: Record<string, number> = {};
  // Each moving service has its own next read: the short interval while it is close to done, the long one otherwise.
  const fastMs = Math.min(poll, FAST_POLL_MS);
  const dueAt: Record<string, number> = {};
  const every: Record<string, number> = {};
  const changedAt: Record<string, number> = {};
  let lastRound = { at: -Infinity, calls: 0 };
  let shownAt = ctx.now();
  let dirty = true;
  const closeToDone = (key: string, r: ServiceRowView): boolean =>
    ctx.now() - (changedAt[key] ?? 0) < FAST_WINDOW_MS &&
    (direction === 'up' ? r.desired === want[key] && r.running + r.pending >= want[key]! : r.desired === 0);
  const gates = (key: string): boolean =>
    direction === 'up'
      ? Object.entries(graph).some(([other, ds]) => rows[other]?.phase === 'waiting' && ds.includes(key))
      : (graph[key] ?? []).some((d) => rows[d]?.phase === 'waiting');
  for (;;) {
    for (const key of next(graph, phase())) {
      const name = ecsName(env, key);
      const r = rows[key]!;
      if (direction === 'down') {
        // Remember what ran, so the next startup restores it.
        was[key] = await ctx.step(`remember-desired:${key}`, async () => {
          if (r.desired > 0) await ctx.facts.remember(desiredKey(envName, key), r.desired);
          return r.desired;
        });
      }
      // The read-back is the poll below; on resume a started step is verified by reading the service's count.
      const since = await ctx.step(
        stepOf(direction, key, attempt),
        async () => {
          await ecs.setDesiredCount(name, want[key]!, direction === 'up' && attempt > 0);
          return ctx.now();
        },
        {
          verify: async () => {
            const [st] = await ecs.describe([name]);
            return st && st.desired === want[key] ? { done: true, result: ctx.now() } : { done: false };
          },
        },
      );
      Object.assign(r, { phase: active, since });
      // A first look soon after the change: the tasks are placed, and the service joins the short tier.
      Object.assign(changedAt, { [key]: ctx.now() });
      every[key] = poll;
      dueAt[key] = ctx.now() + fastMs;
      dirty = true;
    }
    const moving = Object.entries(rows).filter(([, r]) => r.phase === active);
    if (moving.length === 0) break;
    if (dirty || ctx.now() - shownAt >= poll) {
      await show();
      shownAt = ctx.now();
      dirty = false;
    }
    // The earliest read due, but never sooner than CALLS_PER_SECOND allows after the last round's calls.
    const wake = Math.max(Math.min(...moving.map(([k]) => dueAt[k]!)), lastRound.at + Math.ceil((lastRound.calls / CALLS_PER_SECOND) * 1000));
    await ctx.sleep(Math.max(0, wake - ctx.now()));
    const byDue = moving.map(([k]) => k).sort((a, b) => dueAt[a]! - dueAt[b]!);
    const dueNow = byDue.filter((k) => dueAt[k]! <= ctx.now()).length;
    // One DescribeServices reads 10 services: its spare places go to the services due soonest after.
    const read = byDue.slice(0, Math.max(1, Math.ceil(dueNow / 10) * 10));
    lastRound = { at: ctx.now(), calls: Math.ceil(read.length / 10) };
    const states = await describeWithBackoff(ctx, ecs, read.map((k) => ecsName(env, k)), poll);
    for (const st of states) {
      const key = keyOf.get(st.name);
      if (key && absorb([st])) {
        changedAt[key] = ctx.now();
        dirty = true;
      }
    }
    for (const key of read) {
      const r = rows[key]!;
      const st = states.find((s) => s.name === ecsName(env, key));
      const cfg = env.services[key]!;
      if (!st) continue;
      if (direction === 'down') {
        if (st.running === 0 && st.pending === 0) {
          Object.assign(r, { phase: 'stopped', doneAt: ctx.now() });
          dirty = true;
          await ctx.note(messages(ctx.lang).services.stoppedNote({ key, was: was[key] ?? 0 }));
        }
        continue;
      }
      const ready = isReady(st, want[key]!) && (await healthy(key));
      const why = ready ? undefined : failureOf(st, cfg, r.since ?? ctx.now(), ctx.now(), ctx.lang);
      if (ready) {
        Object.assign(r, { phase: 'ready', doneAt: ctx.now() });
        dirty = true;
        await ctx.note(messages(ctx.lang).services.readyNote({ key, row: fmtRow(key, r, ctx.now(), ctx.lang) }));
      } else if (why) {
        Object.assign(r, { phase: 'failed', doneAt: ctx.now(), why });
        dirty = true;
        const m = messages(ctx.lang).services;
        await ctx.note(`${m.failedNote({ key, why, running: r.running, desired: r.desired, failed: r.failed })}${r.lastEvent ? m.lastEvent({ event: r.lastEvent }) : ''}`);
      }
    }
    // Hold back everything downstream of a failure, and say why.
    for (let changed = true; changed; ) {
      changed = false;
      for (const [key, r] of Object.entries(rows)) {
        if (r.phase !== 'waiting') continue;
        const bad = (graph[key] ?? []).find((d) => rows[d]?.phase === 'failed' || rows[d]?.phase === 'held');
        if (bad) {
          Object.assign(r, { phase: 'held', why: messages(ctx.lang).services.needs({ dep: bad }) });
          changed = true;
          dirty = true;
        }
      }
    }
    // The next read of every service still moving: short tier for those close to done (capped), the long backoff for the rest.
    const still = Object.entries(rows).filter(([, r]) => r.phase === active);
    const short = shortTier(still.map(([k, r]) => ({ key: k, close: closeToDone(k, r), gates: gates(k), since: r.since ?? 0 })));
    const calls = Math.ceil(still.length / 10);
    for (const [key] of still) {
      if (short.has(key)) dueAt[key] = Math.min(read.includes(key) ? Infinity : dueAt[key]!, ctx.now() + fastMs);
      else if (read.includes(key)) {
        every[key] = nextPollDelay({ baseMs: poll, previousMs: every[key] ?? poll, unchangedForMs: ctx.now() - (changedAt[key] ?? ctx.now()), calls });
        dueAt[key] = ctx.now() + every[key];
      }
    }
  }
  if (direction === 'down') {
    // What could not stop because a service that needs it was left alone stays up too, and says so.
    for (const [key, r] of Object.entries(rows)) {
      if (r.phase !== 'waiting') continue;
      const needer = Object.entries(graph).find(([other, ds]) => ds.includes(key) && rows[other] && rows[other].phase !== 'stopped')?.[0];
      Object.assign(r, { phase: 'held', why: needer ? messages(ctx.lang).services.stillNeededBy({ by: needer }) : messages(ctx.lang).services.notStopped });
    }
  }
  await show();
  const left = Object.entries(rows).filter(([, r]) => direction === 'down' && r.phase === 'held');
  // The rows' "why" are already in the run's language (written when they happened); the frame follows the reader's.
  if (left.length > 0) throw new OpError((l) => messages(l).failures.leftRunning({ left: left.map(([k, r]) => `${k} (${r.why})`).join('; ') }));
  const failed = Object.entries(rows).filter(([, r]) => r.phase === 'failed');
  if (failed.length > 0) {
    const held = Object.entries(rows).filter(([, r]) => r.phase === 'held').map(([k]) => k);
    throw new OpError((l) => messages(l).failures.servicesFailed({ failed: failed.map(([k, r]) => `${k}: ${r.why}`).join('; '), held: held.join(', ') }));
  }
  return 'succeeded';
}

/**
 * The `stepfunctions` engine: the graph compiled to ASL (src/ops/startup-asl.ts), created or updated, one execution
 * named after the run (idempotent), and followed through its history into the same rows and thread notes. A
 * restarted bot finds the execution in its step result and carries on following it.
 */
async function followExecution(
  ctx: Ctx,
  sfn: StartupSfn,
  s: {
    chosen: string[];
    want: Record<string, number>;
    rows: Record<string, ServiceRowView>;
    show: () => Promise<void>;
    absorb: (states: ServiceState[]) => boolean;
    keyOf: Map<string, string>;
    poll: number;
    attempt: number;
    ecs: StartupEcs;
  },
): Promise<FinalState> {
  const { env, envName } = ctx;
  const roleArn = env.startup?.stateMachineRoleArn;
  if (!roleArn) throw new Error(`environments.${envName}.startup.stateMachineRoleArn is required with engine stepfunctions`);
  const plan = {
    cluster: env.cluster,
    pollSeconds: Math.max(1, Math.round(s.poll / 1000)),
    timeoutSeconds: Math.max(...s.chosen.map((k) => env.services[k]?.timeoutSeconds ?? 600)),
    services: Object.fromEntries(
      s.chosen.map((k) => [ecsName(env, k), { dependsOn: (env.services[k]?.dependsOn ?? []).filter((d) => s.chosen.includes(d)).map((d) => ecsName(env, d)), desiredCount: s.want[k]! }]),
    ),
  };
  const machine = await ctx.step(`ensure-state-machine:${envName}:a${s.attempt}`, () => sfn.ensureStateMachine(`ecs-chatops-startup-${envName}`, compileStartup(plan), roleArn));
  const execution = await ctx.step(executionStep(ctx.run.id, s.attempt), () => sfn.startExecution(machine, `${ctx.run.id}-a${s.attempt}`, { run: ctx.run.id }));
  await ctx.note(messages(ctx.lang).services.sfnStarted({ execution: execution.split(':').pop() ?? execution }));
  let seen = 0;
  for (;;) {
    await ctx.sleep(s.poll);
    // The status first, then the history: an execution that ends between the two reads still has its last
    // entries read (the other order could report SUCCEEDED with services never seen ready).
    const status = await sfn.execution(execution);
    for (const e of await sfn.history(execution, seen)) {
      seen = Math.max(seen, e.id);
      const m = /^(.+): (start|ready|failed|held back)$/.exec(e.stateName ?? '');
      const key = m ? s.keyOf.get(m[1]!) : undefined;
      if (!m || !key || !e.type.endsWith('StateEntered')) continue;
      const r = s.rows[key]!;
      const at = e.at.getTime();
      if (m[2] === 'start') Object.assign(r, { phase: 'starting', since: at });
      else if (m[2] === 'ready' && r.phase !== 'ready') {
        Object.assign(r, { phase: 'ready', doneAt: at });
        await ctx.note(messages(ctx.lang).services.readyNote({ key, row: fmtRow(key, r, at, ctx.lang) }));
      } else if (m[2] === 'failed') {
        Object.assign(r, { phase: 'failed', doneAt: at, why: messages(ctx.lang).failures.rolloutFailed });
        await ctx.note(`${messages(ctx.lang).services.failedSfnNote({ key })}${r.lastEvent ? messages(ctx.lang).services.lastEvent({ event: r.lastEvent }) : ''}`);
      } else if (m[2] === 'held back') Object.assign(r, { phase: 'held', why: messages(ctx.lang).services.dependencyFailed });
    }
    const moving = Object.entries(s.rows).filter(([, r]) => r.phase === 'starting' || r.phase === 'waiting').map(([k]) => ecsName(env, k));
    if (moving.length > 0) s.absorb(await s.ecs.describe(moving));
    await s.show();
    if (status.status === 'RUNNING') continue;
    if (status.status === 'SUCCEEDED') return 'succeeded';
    for (const r of Object.values(s.rows)) if (r.phase === 'waiting') Object.assign(r, { phase: 'held', why: messages(ctx.lang).services.executionEnded });
    await s.show();
    throw new OpError((l) => messages(l).failures.sfnEnded({ status: status.status, error: status.error ?? '', cause: status.cause ?? '' }));
  }
}

/**
 * Stop: the services this run scaled up (in any attempt) go back to 0, dependents first. What it started comes from its
 * own steps (inline) or its executions' histories (stepfunctions), never from the message; what it found already
 * running stays up.
 */
async function stopStarted(ctx: Ctx, deps: StartupDeps, intent: Intent): Promise<FinalState> {
  const ecs = deps.ecs(ctx.envName);
  const chosen = chosenServices(ctx.env, ctx.params.services, 'up');
  const attempt = await ctx.attempt();
  const alreadyThere = new Set((await ctx.recall<string[]>(ALREADY_THERE)) ?? []);
  const started = new Set<string>();
  const sfn = ctx.env.startup?.engine === 'stepfunctions' && deps.sfn ? deps.sfn(ctx.envName) : undefined;
  if (sfn) {
    const keyOf = new Map(chosen.map((k) => [ecsName(ctx.env, k), k]));
    for (let a = 0; a <= attempt; a += 1) {
      // The stored result of the start step: the execution that attempt started.
      const step = await ctx.runs.step<string>(ctx.run.id, executionStep(ctx.run.id, a));
      if (step?.status !== 'done' || !step.result) continue;
      const execution = step.result;
      if (a === attempt) await ctx.step(`stop-execution:${ctx.run.id}:a${attempt}`, () => sfn.stop(execution, `stopped by ${intent.by}`));
      for (const e of await sfn.history(execution)) {
        const m = /^(.+): start$/.exec(e.stateName ?? '');
        const key = m ? keyOf.get(m[1]!) : undefined;
        if (key && e.type.endsWith('StateEntered') && !alreadyThere.has(key)) started.add(key);
      }
    }
  }
  for (const key of chosen) if (await touchedByRun(ctx, 'up', key, attempt)) started.add(key);
  const graph = depsOf(ctx.env);
  const order = planWaves(graph, [...started], 'down').flat();
  for (const key of order) {
    await ctx.step(`stop-service:${key}:undo`, () => ecs.setDesiredCount(ecsName(ctx.env, key), 0), {
      verify: async () => {
        const [st] = await ecs.describe([ecsName(ctx.env, key)]);
        return st?.desired === 0 ? { done: true, result: undefined } : { done: false };
      },
    });
  }
  // The message from what ECS says once the stopped services have drained (their tasks take a while to stop), so it
  // ends with the counts AWS has, not those of the moment after the scale-down. Two minutes at most, then as they are.
  const names = chosen.map((k) => ecsName(ctx.env, k));
  const stopping = new Set(order.map((k) => ecsName(ctx.env, k)));
  const read = () => ecs.describe(names).catch(() => [] as ServiceState[]);
  let states: ServiceState[];
  try {
    states = await ctx.poll((l) => messages(l).failures.wait.stoppedDrained, async () => {
      const now = await read();
      return now.filter((st) => stopping.has(st.name)).every((st) => st.running + st.pending === 0) ? now : undefined;
    }, DRAIN_POLL);
  } catch (err) {
    // Only the wait's own timeout is taken here (ctx.poll's "timed out after …"); a lost lease or a shutdown goes up.
    if (!(err instanceof Error) || !err.message.startsWith('timed out')) throw err;
    states = await read();
  }
  const rows: Record<string, ServiceRowView> = {};
  for (const key of chosen) {
    const st = states.find((s) => s.name === ecsName(ctx.env, key));
    const counts = { desired: st?.desired ?? 0, running: st?.running ?? 0, pending: st?.pending ?? 0, failed: st?.failedTasks ?? 0, ...(st?.lastEvent ? { lastEvent: st.lastEvent.message } : {}) };
    rows[key] = started.has(key)
      ? { ...counts, phase: 'stopped', why: messages(ctx.lang).services.stoppedBy({ by: intent.by }) }
      : alreadyThere.has(key)
        ? { ...counts, phase: 'ready', why: messages(ctx.lang).services.alreadyThere }
        : { ...counts, phase: 'held', why: messages(ctx.lang).services.notStartedStopped };
  }
  await ctx.view({ services: rows });
  await ctx.note(messages(ctx.lang).services.stopNote({ by: intent.by, services: order.join(', ') }));
  return 'cancelled';
}

/** How long a stopped startup waits for the tasks it stopped to drain before it reports the counts. */
const DRAIN_POLL = { everyMs: 2000, timeoutMs: 2 * 60_000, maxEveryMs: 10_000 };

export function startupOperations(deps: StartupDeps): { startup: Operation<StartupParams, StartupView>; shutdown: Operation<StartupParams, StartupView> } {
  const common = {
    params: StartupParamsSchema,
    view: startupView,
    lockTarget: (envName: string) => `${envName}:services`,
    interrupts: ['stop'] as const,
    anytime: { stop: ['running', 'failed'] as const },
  };
  return {
    startup: {
      ...common,
      kind: 'startup',
      resources: (env, p) => startupResources(env, p, 'up'),
      plan: async (q) => planStartup(q, 'up'),
      title: (envName, p, lang = 'en') => messages(lang).run.title.startup({ env: envName, services: p.services?.join(', ') ?? '' }),
      run: (ctx) => drive(ctx, deps, 'up'),
      onInterrupt: (ctx, intent) => stopStarted(ctx, deps, intent),
    },
    shutdown: {
      ...common,
      kind: 'shutdown',
      resources: (env, p) => startupResources(env, p, 'down'),
      plan: async (q) => planStartup(q, 'down'),
      title: (envName, p, lang = 'en') => messages(lang).run.title.shutdown({ env: envName, services: p.services?.join(', ') ?? '' }),
      interrupts: [],
      anytime: {},
      run: (ctx) => drive(ctx, deps, 'down'),
    },
  };
}
