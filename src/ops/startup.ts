// Start an environment's ECS services in dependency order (and stop them in reverse) — seed 003 without the polling loop.
import { z } from 'zod';
import { withDependencies, withDependents } from '../config/dag.js';
import type { Environment } from '../config/schema.js';
import type { FinalState, Intent, OpContext, Operation } from '../runs/operation.js';
import type { Store } from '../store/store.js';

/** ECS as startup sees it (a port; src/aws/ecs.ts provides it). */
export interface ServiceState {
  name: string;
  desired: number;
  running: number;
  pending: number;
  failedTasks: number;
  rolloutState?: string | undefined;
  deploymentCount: number;
  lastEvent?: { at: number; message: string } | undefined;
}
export interface StartupEcs {
  describe(names: string[]): Promise<ServiceState[]>;
  setDesiredCount(name: string, count: number, forceNewDeployment?: boolean): Promise<void>;
  /** Healthy targets behind the service's target groups, when it has any (undefined: no load balancer). */
  healthyTargets?(name: string): Promise<{ healthy: number; total: number } | undefined>;
}

export type ServicePhase = 'waiting' | 'starting' | 'ready' | 'failed' | 'held' | 'stopping' | 'stopped';
export interface ServiceRowView {
  phase: ServicePhase;
  desired: number;
  running: number;
  pending: number;
  failed: number;
  lastEvent?: string;
  since?: number;
  doneAt?: number;
  why?: string;
}
export interface StartupView {
  direction: 'up' | 'down';
  services: Record<string, ServiceRowView>;
}

export const StartupParamsSchema = z.object({ services: z.array(z.string().min(1).max(64)).max(200).optional() }).strict();
export type StartupParams = z.infer<typeof StartupParamsSchema>;

export const depsOf = (env: Environment) => Object.fromEntries(Object.entries(env.services).map(([k, s]) => [k, s.dependsOn]));
const ecsName = (env: Environment, key: string) => env.services[key]?.serviceName ?? key;
export const desiredKey = (envName: string, svc: string) => `desired:${envName}:${svc}`;

/** Ready = one deployment, its rollout COMPLETED, running ≥ desired (the DESIGN's definition). */
export function isReady(s: ServiceState, want: number): boolean {
  return s.running >= want && s.desired === want && (s.rolloutState === undefined || s.rolloutState === 'COMPLETED') && s.deploymentCount <= 1;
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

interface StartupDeps {
  ecs: (envName: string) => StartupEcs;
  store: Store;
}

function fmtRow(name: string, r: ServiceRowView, now: number): string {
  const secs = r.since !== undefined ? Math.round(((r.doneAt ?? now) - r.since) / 1000) : undefined;
  return `${name} ${r.running}/${r.desired}${secs !== undefined ? ` in ${secs}s` : ''}`;
}

async function drive(ctx: OpContext<StartupParams>, deps: StartupDeps, direction: 'up' | 'down'): Promise<FinalState> {
  const { env, envName, params } = ctx;
  const ecs = deps.ecs(envName);
  const graph = depsOf(env);
  const known = Object.keys(env.services);
  const unknown = (params.services ?? []).filter((s) => !known.includes(s));
  if (unknown.length > 0) throw new Error(`unknown service(s) ${unknown.join(', ')} — check environments.${envName}.services`);
  const chosen = chosenServices(env, params.services, direction);
  const poll = (env.startup?.pollSeconds ?? 3) * 1000;
  const attempt = await ctx.attempt();

  // What each service must reach: startup restores the count found at the last shutdown unless ops.yml says otherwise.
  const want: Record<string, number> = {};
  for (const s of chosen) {
    if (direction === 'down') want[s] = 0;
    else want[s] = env.services[s]?.desiredCount ?? (await deps.store.getKv<number>(desiredKey(envName, s))) ?? 1;
  }
  const rows: Record<string, ServiceRowView> = Object.fromEntries(chosen.map((s) => [s, { phase: 'waiting' as ServicePhase, desired: 0, running: 0, pending: 0, failed: 0 }]));
  const phase = () => Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.phase]));
  const show = () => ctx.view({ direction, services: rows } satisfies StartupView);

  const absorb = (states: ServiceState[]) => {
    for (const st of states) {
      const key = chosen.find((k) => ecsName(env, k) === st.name);
      if (!key) continue;
      const r = rows[key]!;
      Object.assign(r, { desired: st.desired, running: st.running, pending: st.pending, failed: st.failedTasks, ...(st.lastEvent ? { lastEvent: st.lastEvent.message } : {}) });
    }
  };
  // A first read: what is already where it should be needs no call.
  const first = await ecs.describe(chosen.map((k) => ecsName(env, k)));
  absorb(first);
  for (const st of first) {
    const key = chosen.find((k) => ecsName(env, k) === st.name)!;
    const done = direction === 'up' ? isReady(st, want[key]!) : st.running === 0 && st.pending === 0 && st.desired === 0;
    if (done && !(await ctx.stepDone(`${direction === 'up' ? 'start' : 'stop'}-service:${key}:a${attempt}`))) {
      rows[key]!.phase = direction === 'up' ? 'ready' : 'stopped';
      rows[key]!.why = 'already there';
    }
  }
  await show();

  const next = direction === 'up' ? startable : stoppable;
  const active = direction === 'up' ? 'starting' : 'stopping';
  for (;;) {
    for (const key of next(graph, phase())) {
      const name = ecsName(env, key);
      const r = rows[key]!;
      if (direction === 'down') {
        // Remember what ran, so the next startup restores it.
        await ctx.step(`remember-desired:${key}`, async () => {
          if (r.desired > 0) await deps.store.setKv(desiredKey(envName, key), r.desired, ctx.now());
          return r.desired;
        });
      }
      const since = await ctx.step(`${direction === 'up' ? 'start' : 'stop'}-service:${key}:a${attempt}`, async () => {
        await ecs.setDesiredCount(name, want[key]!, direction === 'up' && attempt > 0);
        return ctx.now();
      });
      Object.assign(r, { phase: active, since });
    }
    const moving = Object.entries(rows).filter(([, r]) => r.phase === active);
    if (moving.length === 0) break;
    await show();
    await ctx.sleep(poll);
    const states = await ecs.describe(moving.map(([k]) => ecsName(env, k)));
    absorb(states);
    for (const [key, r] of moving) {
      const st = states.find((s) => s.name === ecsName(env, key));
      const cfg = env.services[key]!;
      if (!st) continue;
      if (direction === 'down') {
        if (st.running === 0 && st.pending === 0) {
          Object.assign(r, { phase: 'stopped', doneAt: ctx.now() });
          await ctx.note(`⚫ *${key}* stopped (was ${want[key] === 0 ? (await deps.store.getKv<number>(desiredKey(envName, key))) ?? 0 : 0} tasks)`);
        }
        continue;
      }
      let ready = isReady(st, want[key]!);
      if (ready && ecs.healthyTargets) {
        const h = await ecs.healthyTargets(ecsName(env, key));
        if (h && h.healthy < Math.min(want[key]!, h.total || want[key]!)) ready = false;
      }
      const timedOut = ctx.now() - (r.since ?? ctx.now()) > cfg.timeoutSeconds * 1000;
      const why =
        st.rolloutState === 'FAILED'
          ? 'rollout FAILED'
          : st.failedTasks >= cfg.failedTasksThreshold
            ? `${st.failedTasks} failed tasks (threshold ${cfg.failedTasksThreshold})`
            : timedOut
              ? `not ready after ${cfg.timeoutSeconds}s`
              : undefined;
      if (ready) {
        Object.assign(r, { phase: 'ready', doneAt: ctx.now() });
        await ctx.note(`🟢 *${key}* ready: ${fmtRow(key, r, ctx.now())}`);
      } else if (why) {
        Object.assign(r, { phase: 'failed', doneAt: ctx.now(), why });
        await ctx.note(`❌ *${key}* failed: ${why}${r.lastEvent ? `\nLast event: ${r.lastEvent}` : ''}`);
      }
    }
    // Hold back everything downstream of a failure, and say why.
    for (const [key, r] of Object.entries(rows)) {
      if (r.phase !== 'waiting') continue;
      const bad = (graph[key] ?? []).find((d) => rows[d]?.phase === 'failed' || rows[d]?.phase === 'held');
      if (bad) Object.assign(r, { phase: 'held', why: `needs ${bad}` });
    }
  }
  await show();
  const failed = Object.entries(rows).filter(([, r]) => r.phase === 'failed');
  if (failed.length > 0) {
    const held = Object.entries(rows).filter(([, r]) => r.phase === 'held').map(([k]) => k);
    throw new Error(`${failed.map(([k, r]) => `${k}: ${r.why}`).join('; ')}${held.length ? ` — held back: ${held.join(', ')}` : ''}`);
  }
  return 'succeeded';
}

/** Stop: the services this run started go back down, dependents first. */
async function stopStarted(ctx: OpContext<StartupParams>, deps: StartupDeps, intent: Intent): Promise<FinalState> {
  const ecs = deps.ecs(ctx.envName);
  const rows = ((ctx.run.view as Partial<StartupView>).services ?? {}) as Record<string, ServiceRowView>;
  const started = Object.entries(rows).filter(([, r]) => ['starting', 'ready', 'failed'].includes(r.phase) && r.why !== 'already there').map(([k]) => k);
  const graph = depsOf(ctx.env);
  const order = withDependents(graph, started).filter((s) => started.includes(s)).reverse();
  for (const key of order) {
    await ctx.step(`stop-service:${key}:undo`, () => ecs.setDesiredCount(ecsName(ctx.env, key), 0));
    rows[key] = { ...rows[key]!, phase: 'stopped', why: `stopped by <@${intent.by}>` };
  }
  await ctx.view({ services: rows });
  await ctx.note(`⏹ Stopped by <@${intent.by}>: ${order.join(', ') || 'nothing had started'} scaled back to 0.`);
  return 'cancelled';
}

export function startupOperations(deps: StartupDeps): { startup: Operation<StartupParams>; shutdown: Operation<StartupParams> } {
  const common = {
    params: StartupParamsSchema,
    lockTarget: (envName: string) => `${envName}:services`,
    interrupts: ['stop'] as const,
    anytime: { stop: ['running', 'failed'] as const },
  };
  return {
    startup: {
      ...common,
      kind: 'startup',
      title: (envName, p) => `Startup · ${envName}${p.services?.length ? ` (${p.services.join(', ')})` : ''}`,
      run: (ctx) => drive(ctx, deps, 'up'),
      onInterrupt: (ctx, intent) => stopStarted(ctx, deps, intent),
    },
    shutdown: {
      ...common,
      kind: 'shutdown',
      title: (envName, p) => `Shutdown · ${envName}${p.services?.length ? ` (${p.services.join(', ')})` : ''}`,
      interrupts: [],
      anytime: {},
      run: (ctx) => drive(ctx, deps, 'down'),
    },
  };
}
