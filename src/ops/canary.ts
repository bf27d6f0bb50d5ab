// Walk green's share of traffic through steps on Route 53 or ALB weights, with bake, gates, Promote and a one-call Rollback.
import { z } from 'zod';
import type { CanaryConfig, Environment } from '../config/schema.js';
import type { Access } from '../runs/permissions.js';
import { Interrupted, type FinalState, type Intent, type OpContext, type Operation, type ReadContext } from '../runs/operation.js';
import { formatTime } from '../clock.js';
import type { TrafficWatch } from './gates.js';
import { alarmsBeforeStep, attemptScoped, bakeWatched, describeCanaryGates, targetHealthGate } from './canary-gates.js';
import { messages, OpError, type Lang } from '../i18n/index.js';

// ── traffic as the canary sees it (a port; src/adapters/traffic.ts provides it) ───────

/** Raw weights as AWS holds them. The bot writes percentages (0–100) as weights, so raw = % for what it wrote. */
export interface Weights {
  blue: number;
  green: number;
}

export interface CanaryTraffic {
  via: 'route53' | 'alb';
  /** Reads both weights from AWS (and the records' TTL for Route 53). */
  read(): Promise<Weights & { ttl?: number }>;
  /** Sets both weights in ONE call; Route 53 returns the change id to wait on. */
  shift(w: Weights): Promise<{ changeId?: string }>;
  /** Route 53 only: whether the change went INSYNC. */
  inSync?(changeId: string): Promise<boolean>;
  /** ALB only: green's target health (the gate). */
  greenHealth?(): Promise<{ healthy: number; unhealthy: number; total: number }>;
  /** The one call a shift makes, for --dry-run. */
  describeShift(w: Weights): string;
}

export const CanaryAction = { start: 'start', set: 'set' } as const;

export const CanaryParamsSchema = z
  .object({
    target: z.string().min(1).max(63),
    action: z.enum([CanaryAction.start, CanaryAction.set]),
    steps: z.array(z.number().int().min(1).max(100)).min(1).max(20).optional(),
    pct: z.number().int().min(0).max(100).optional(),
  })
  .strict()
  .refine((p) => p.action !== 'set' || p.pct !== undefined, { message: '`set` needs a percentage' });
export type CanaryParams = z.infer<typeof CanaryParamsSchema>;

export const CanaryPhase = {
  shifting: 'shifting',
  syncing: 'syncing',
  baking: 'baking',
  gating: 'gating',
  waiting: 'waiting',
  held: 'held',
  done: 'done',
  rolledBack: 'rolled-back',
} as const;
export type CanaryPhase = (typeof CanaryPhase)[keyof typeof CanaryPhase];

const weightsSchema = z.object({ blue: z.number(), green: z.number() });
const heldSchema = z.object({ id: z.number(), by: z.string(), since: z.number() });
type Held = z.infer<typeof heldSchema>;

/**
 * What the status message shows (blocks/canary.ts renders it). The canary never reads it back: what it needs again
 * (the weights it last read, a hold) it keeps with `ctx.remember`.
 */
export const canaryView = z
  .object({
    target: z.string(),
    via: z.enum(['route53', 'alb']),
    action: z.enum(['start', 'set']),
    steps: z.array(z.number()),
    /** 1-based index of the step in progress (0: before the first). */
    step: z.number(),
    phase: z.enum([CanaryPhase.shifting, CanaryPhase.syncing, CanaryPhase.baking, CanaryPhase.gating, CanaryPhase.waiting, CanaryPhase.held, CanaryPhase.done, CanaryPhase.rolledBack]),
    weights: weightsSchema,
    insyncAt: z.number(),
    ttl: z.number(),
    bakeUntil: z.number(),
    gates: z.array(z.string()),
    held: heldSchema.nullable(),
    why: z.string(),
    auto: z.boolean(),
  })
  .partial();
export type CanaryView = z.infer<typeof canaryView>;

/** The resources a canary moves (its lock): the rule or listener of its ALB weights, or its weighted records. */
export function canaryResources(env: Environment, target: string): string[] {
  const c = env.canary[target];
  const out: string[] = [];
  // Weights on a rule are that rule's; weights on the default action are the listener's.
  if (c?.alb) out.push(c.alb.ruleArn ? `rule:${c.alb.ruleArn}` : `listener:${c.alb.listenerArn}`);
  if (c?.route53) out.push(`dns:${c.route53.hostedZoneId}:${c.route53.recordName.toLowerCase().replace(/\.?$/, '.')}`);
  return out;
}

/** Percent of traffic on green from raw weights (blue-only when both are 0, as the canary never writes 0/0). */
export const greenShare = (w: Weights): number => (w.blue + w.green === 0 ? 0 : Math.round((100 * w.green) / (w.blue + w.green)));

export const weightsFor = (pct: number): Weights => ({ blue: 100 - pct, green: pct });

/** The calls a run would make, for --dry-run: the calls as AWS names them, the words around them in `lang`. */
export function planCanary(cfg: CanaryConfig, traffic: CanaryTraffic, params: CanaryParams, lang: Lang = 'en'): string[] {
  const m = messages(lang).canary.plan;
  const plan = params.action === 'set' ? [params.pct!] : (params.steps ?? cfg.steps);
  const lines: string[] = [];
  for (const [i, pct] of plan.entries()) {
    lines.push(m.step({ step: i + 1, steps: plan.length, pct, call: traffic.describeShift(weightsFor(pct)) }));
    if (traffic.via === 'route53') lines.push(m.thenInsync);
    if (params.action === 'start') {
      if (cfg.bakeSeconds > 0) lines.push(m.bake({ seconds: cfg.bakeSeconds }));
      lines.push(m.gates({ gates: gateNames(cfg, traffic, lang).join(', ') }));
      if (i < plan.length - 1) lines.push(cfg.auto ? m.advance : m.waitPromote);
    }
  }
  // Setting green to 0 is itself the rollback's one call: said once.
  if (!(params.action === 'set' && params.pct === 0)) lines.push(m.rollback({ call: traffic.describeShift(weightsFor(0)) }));
  return lines;
}

function gateNames(cfg: CanaryConfig, traffic: CanaryTraffic, lang: Lang): string[] {
  const g = messages(lang).gates;
  const out: string[] = [];
  if (traffic.greenHealth) out.push(g.planHealth);
  out.push(...describeCanaryGates(cfg, lang));
  if (out.length === 0) out.push(g.planNone);
  return out;
}

// ── the operation ────────────────────────────────────────────────────────────

/** `/canary … status`: both weights read from AWS now (the active run, if any, the handler adds). */
async function canaryStatus(q: ReadContext<CanaryParams>, deps: CanaryDeps): Promise<string> {
  const { target } = q.params;
  const w = await deps.traffic(q.envName, target, configOf(q.env, q.envName, target)).read();
  const g = greenShare(w);
  return messages(q.lang).canary.command.statusWeights({ target, env: q.envName, blue: 100 - g, green: g, blueWeight: w.blue, greenWeight: w.green, ...(w.ttl !== undefined ? { ttl: w.ttl } : {}) });
}

export interface CanaryDeps {
  traffic: (envName: string, target: string, cfg: CanaryConfig) => CanaryTraffic;
  access?: Access;
  /** CloudWatch: the target's alarms, and green against blue (src/adapters/watch.ts). */
  watch?: (envName: string, target: string, cfg: CanaryConfig) => TrafficWatch;
}

const POLL = { everyMs: 2000, timeoutMs: 10 * 60_000, maxEveryMs: 10_000 };

export function canaryOperation(deps: CanaryDeps): Operation<CanaryParams, CanaryView> {
  return {
    kind: 'canary',
    params: CanaryParamsSchema,
    view: canaryView,
    resources: (env, p) => canaryResources(env, p.target),
    plan: async (q) => {
      const cfg = configOf(q.env, q.envName, q.params.target);
      return planCanary(cfg, deps.traffic(q.envName, q.params.target, cfg), q.params, q.lang);
    },
    status: (q) => canaryStatus(q, deps),
    lockTarget: (envName, p) => `${envName}:canary:${p.target}`,
    title: (envName, p, lang = 'en') => messages(lang).canary.title({ env: envName, target: p.target, ...(p.action === 'set' && p.pct !== undefined ? { pct: p.pct } : {}) }),
    interrupts: ['rollback', 'pause', CanaryIntent.promote, CanaryIntent.promoteFull],
    anytime: { rollback: ['running', 'awaiting_approval'], pause: ['running'], [CanaryIntent.promote]: ['running'], [CanaryIntent.promoteFull]: ['running'] },
    // Promote outside a decision point ends a bake (Argo Rollouts' `promote` during a timed pause): offered while baking.
    offers: (run, intent) => !isPromote(intent) || canaryView.safeParse(run.view).data?.phase === CanaryPhase.baking,
    pressRefusal: async (q) => (isPromote(q.intent) ? promoteRefusal(q.env, q.envName, q.run.requestedBy, deps, q.by) : undefined),
    run: async (ctx) => drive(await attemptScoped(ctx, true), deps, undefined),
    onInterrupt: async (ctx, intent) => drive(await attemptScoped(ctx, false), deps, intent),
  };
}

function configOf(env: Environment, envName: string, target: string): CanaryConfig {
  const cfg = env.canary[target];
  if (!cfg) throw new Error(`no canary target "${target}" in environments.${envName}.canary — add it to ops.yml`);
  return cfg;
}

type Ctx = OpContext<CanaryParams, CanaryView>;

/** The weights last read back from AWS, remembered for the decisions that need them (the view only shows them). */
async function showWeights(ctx: Ctx, w: Weights, more: Partial<CanaryView> = {}): Promise<void> {
  const weights = { blue: w.blue, green: w.green };
  await ctx.remember('weights', weights);
  await ctx.view({ ...more, weights });
}
const knownWeights = (ctx: Ctx) => ctx.recall<Weights>('weights');

/** The canary's one loop: walks, and turns every interruption (Rollback, Pause) into its handling, then walks on. */
async function drive(ctx: Ctx, deps: CanaryDeps, first: Intent | undefined): Promise<FinalState> {
  const cfg = configOf(ctx.env, ctx.envName, ctx.params.target);
  const traffic = deps.traffic(ctx.envName, ctx.params.target, cfg);
  let pending = first;
  for (;;) {
    try {
      if (pending?.name === 'rollback') return await rollback(ctx, traffic, messages(ctx.lang).canary.run.byPerson({ by: pending.by }));
      if (pending && isPromote(pending.name)) {
        // Pressed during a bake and met after it (at a shift or a gate): it counts for the step it was pressed in.
        const promote = pending;
        pending = undefined;
        await takePromote(ctx, deps, promote, (await ctx.recall<number>('step')) ?? 1, planOf(ctx.params, cfg).length);
      }
      const held = await ctx.recall<Held | null>('held');
      if (pending?.name === 'pause' || held) {
        const id = pending?.name === 'pause' ? pending.id : held!.id;
        const by = pending?.name === 'pause' ? pending.by : held!.by;
        pending = undefined;
        const answer = await hold(ctx, deps, id, by, baseView(ctx, cfg, traffic));
        if (answer.name === 'rollback') return await rollback(ctx, traffic, messages(ctx.lang).canary.run.byPerson({ by: answer.by }));
      }
      pending = undefined;
      return await walk(ctx, deps, cfg, traffic);
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      pending = err.intent;
    }
  }
}

/** Why this person may not promote here, in a language, or undefined when they may (Promote follows the environment's approval rules). */
async function promoteRefusal(env: Environment, envName: string, requestedBy: string, deps: CanaryDeps, by: string): Promise<((lang: Lang) => string) | undefined> {
  const p = env.permissions;
  if (deps.access && !(await deps.access.canApprove(by, p))) return (l) => messages(l).canary.run.onlyApproversPromote({ env: envName });
  if (p.requireApproval && by === requestedBy) return (l) => messages(l).canary.run.secondPersonPromote({ env: envName });
  return undefined;
}

/** Promote ends the current step's bake and moves on; Promote to 100 % skips every remaining step (Argo's `promote --full`). */
export const CanaryIntent = { promote: 'promote', promoteFull: 'promote-full' } as const;
const isPromote = (name: string): boolean => name === CanaryIntent.promote || name === CanaryIntent.promoteFull;

/**
 * A Promote is kept as a step (attempt-scoped, durable): `promoted:<target>:<n>` ends step n's bake and its wait for
 * Promote; `promoted-full:<target>` skips every step up to the last. A crash after the press finds the intent still
 * pending, and a crash after this record finds the record: the step is skipped once either way.
 */
const promotedId = (target: string, n: number) => `promoted:${target}:${n}`;
const promotedFullId = (target: string) => `promoted-full:${target}`;
async function promotedAt(ctx: Ctx, n: number): Promise<boolean> {
  return (await ctx.stepDone(promotedId(ctx.params.target, n))) || (await ctx.stepDone(promotedFullId(ctx.params.target)));
}

/** Takes a Promote pressed outside a decision point (during a bake) for step `n`; false when refused (told in the thread). */
async function takePromote(ctx: Ctx, deps: CanaryDeps, intent: Intent, n: number, total: number): Promise<boolean> {
  const refusal = await promoteRefusal(ctx.env, ctx.envName, ctx.run.requestedBy, deps, intent.by);
  if (refusal) {
    const b = messages(ctx.lang).run.button;
    await ctx.note(messages(ctx.lang).canary.run.notTakenBake({ press: intent.name === CanaryIntent.promoteFull ? b.promoteFull : b.promote, by: intent.by, why: refusal(ctx.lang) }));
    return false;
  }
  await recordPromote(ctx, intent, n);
  await ctx.note(
    intent.name === CanaryIntent.promoteFull ? messages(ctx.lang).canary.run.promotedFullInBake({ by: intent.by, step: n, steps: total }) : messages(ctx.lang).canary.run.promotedInBake({ by: intent.by, step: n, steps: total }),
  );
  return true;
}

async function recordPromote(ctx: Ctx, intent: Intent, n: number): Promise<void> {
  await ctx.step(promotedId(ctx.params.target, n), async () => intent.by);
  if (intent.name === CanaryIntent.promoteFull) await ctx.step(promotedFullId(ctx.params.target), async () => intent.by);
}

/**
 * Waits at a decision point until an allowed person presses Promote (or anyone allowed to operate presses Rollback).
 * A refused Promote is told in the thread and the same decision is offered again under a new pause id, so a restart finds it.
 */
async function decide(ctx: Ctx, deps: CanaryDeps, id: string, reason: string): Promise<Intent> {
  for (let again = 0; ; again += 1) {
    const answer = await ctx.pause(again === 0 ? id : `${id}:again-${again}`, { reason, intents: [CanaryIntent.promote, CanaryIntent.promoteFull, 'rollback'] });
    if (answer === 'timeout') continue;
    if (!isPromote(answer.name)) return answer;
    const refusal = await promoteRefusal(ctx.env, ctx.envName, ctx.run.requestedBy, deps, answer.by);
    if (!refusal) return answer;
    if (!(await ctx.stepDone(`refused:${id}:${again}`))) {
      await ctx.step(`refused:${id}:${again}`, async () => true);
      await ctx.note(messages(ctx.lang).canary.run.notTakenWaiting({ by: answer.by, why: refusal(ctx.lang) }));
    }
  }
}

async function hold(ctx: Ctx, deps: CanaryDeps, id: number, by: string, base: CanaryView): Promise<Intent> {
  const was = await ctx.recall<Held | null>('held');
  const held = { id, by, since: was?.since ?? ctx.now() };
  await ctx.remember('held', held);
  const w = await knownWeights(ctx);
  const step = await ctx.recall<number>('step');
  await ctx.view({ ...base, held, phase: CanaryPhase.held, ...(w ? { weights: w } : {}), ...(step !== undefined ? { step } : {}) });
  const green = w ? greenShare(w) : '?';
  if (!was) await ctx.note(messages(ctx.lang).canary.run.heldNote({ green: String(green), by }));
  const answer = await decide(ctx, deps, `hold-${id}`, messages(ctx.lang).canary.run.heldReason({ green: String(green), by }));
  await ctx.remember('held', null);
  await ctx.view({ held: null });
  if (answer.name === CanaryIntent.promoteFull) {
    await ctx.step(promotedFullId(ctx.params.target), async () => answer.by);
    await ctx.note(messages(ctx.lang).canary.run.promotedFullContinues({ by: answer.by }));
  } else if (answer.name === 'promote') await ctx.note(messages(ctx.lang).canary.run.promotedContinues({ by: answer.by }));
  return answer;
}

/** Shifts to `pct`, reads it back, and for Route 53 waits until INSYNC. */
async function shiftTo(ctx: Ctx, traffic: CanaryTraffic, n: number, total: number, pct: number): Promise<void> {
  const target = ctx.params.target;
  const want = weightsFor(pct);
  await ctx.remember('step', n);
  await ctx.view({ step: n, phase: CanaryPhase.shifting, bakeUntil: undefined, gates: undefined, insyncAt: undefined });
  const shifted = await ctx.step<{ changeId?: string }>(`shift-weights:${target}:${pct}`, () => traffic.shift(want), {
    verify: async () => {
      const w = await traffic.read();
      return w.blue === want.blue && w.green === want.green ? { done: true, result: {} } : { done: false };
    },
  });
  const read = await traffic.read();
  if (read.blue !== want.blue || read.green !== want.green) {
    throw new OpError((l) => messages(l).failures.canaryReadBack({ blue: read.blue, green: read.green, wantBlue: want.blue, wantGreen: want.green }));
  }
  await showWeights(ctx, read, read.ttl !== undefined ? { ttl: read.ttl } : {});
  if (traffic.inSync && shifted.changeId) {
    const changeId = shifted.changeId;
    await ctx.view({ phase: CanaryPhase.syncing });
    const inSync = traffic.inSync.bind(traffic);
    const at = await ctx.step(`wait-insync:${target}:${pct}`, () => ctx.poll((l) => messages(l).failures.wait.insync({ change: changeId }), async () => ((await inSync(changeId)) ? ctx.now() : undefined), POLL));
    await ctx.view({ insyncAt: at });
    const t = (ms: number) => formatTime(ms, ctx.timezone, false, ctx.lang);
    await ctx.note(messages(ctx.lang).canary.run.stepInsync({ step: n, steps: total, pct, at: t(at), ...(read.ttl !== undefined ? { effective: t(at + read.ttl * 1000), ttl: read.ttl } : {}) }));
  } else {
    await ctx.note(messages(ctx.lang).canary.run.stepUpdated({ step: n, steps: total, pct, alb: traffic.via === 'alb' }));
  }
}

/** Gate results; the first failing one is returned as `failed`. Said in the run's language. */
async function gates(traffic: CanaryTraffic, lang: Lang, watched: string[] = []): Promise<{ lines: string[]; failed?: string }> {
  const lines: string[] = [...watched];
  let failed: string | undefined;
  if (traffic.greenHealth) {
    const h = await targetHealthGate(traffic.greenHealth.bind(traffic), lang);
    lines.push(h.line);
    failed = h.failed;
  }
  if (lines.length === 0) lines.push(messages(lang).gates.noGates);
  return failed ? { lines, failed } : { lines };
}

const planOf = (p: CanaryParams, cfg: CanaryConfig): number[] => (p.action === 'set' ? [p.pct!] : (p.steps ?? cfg.steps));

/** What the message always shows, from params and config: written again whenever a walk or a hold (re)starts. */
const baseView = (ctx: Ctx, cfg: CanaryConfig, traffic: CanaryTraffic): CanaryView => ({ target: ctx.params.target, via: traffic.via, action: ctx.params.action, steps: planOf(ctx.params, cfg), auto: cfg.auto });

async function walk(ctx: Ctx, deps: CanaryDeps, cfg: CanaryConfig, traffic: CanaryTraffic): Promise<FinalState> {
  const { params } = ctx;
  const target = params.target;
  const plan = planOf(params, cfg);
  const base = baseView(ctx, cfg, traffic);
  if ((await knownWeights(ctx)) === undefined) await showWeights(ctx, await traffic.read(), { ...base, step: 0, phase: CanaryPhase.shifting });
  else await ctx.view(base);

  const watch = deps.watch?.(ctx.envName, target, cfg);
  for (const [i, pct] of plan.entries()) {
    const n = i + 1;
    // Promote to 100 %: every step before the last is skipped (the last one is shifted, gated and reported).
    if (n < plan.length && (await ctx.stepDone(promotedFullId(target)))) continue;
    const before = await knownWeights(ctx);
    const blocked = await alarmsBeforeStep(ctx, watch, cfg, before ? greenShare(before) : 0, pct);
    if (blocked) return gateFailed(ctx, traffic, messages(ctx.lang).canary.run.gateBefore({ step: n, steps: plan.length, pct, why: blocked }));
    await shiftTo(ctx, traffic, n, plan.length, pct);
    if (params.action === 'set') break;

    // Bake: the start is remembered, so a restart or a hold does not bake from zero again.
    const bakeStart = await ctx.step(`bake:${target}:${pct}`, async () => ctx.now());
    const until = bakeStart + cfg.bakeSeconds * 1000;
    // Promote (or Promote to 100 %) pressed while it bakes ends the bake: the gates are still checked.
    let watched: Awaited<ReturnType<typeof bakeWatched>> = { lines: [] };
    for (;;) {
      if (await promotedAt(ctx, n)) break;
      if (until > ctx.now()) await ctx.view({ phase: CanaryPhase.baking, bakeUntil: until });
      try {
        watched = await bakeWatched(ctx, watch, cfg, bakeStart, until, { target, step: n, steps: plan });
        break;
      } catch (err) {
        if (!(err instanceof Interrupted) || !isPromote(err.intent.name)) throw err;
        await takePromote(ctx, deps, err.intent, n, plan.length);
      }
    }
    if (watched.failure) return gateFailed(ctx, traffic, messages(ctx.lang).canary.run.gateAt({ step: n, steps: plan.length, pct, why: watched.failure }), watched.after);
    if (watched.inconclusive) {
      await ctx.note(messages(ctx.lang).canary.run.inconclusive({ step: n, steps: plan.length, pct, why: watched.inconclusive }));
      const answer = await decide(ctx, deps, `inconclusive-${n}`, messages(ctx.lang).canary.run.inconclusiveReason({ step: n, steps: plan.length, why: watched.inconclusive }));
      if (answer.name === 'rollback') return rollback(ctx, traffic, messages(ctx.lang).canary.run.byPerson({ by: answer.by }));
      if (answer.name === CanaryIntent.promoteFull) await recordPromote(ctx, answer, n);
    }
    await ctx.view({ phase: CanaryPhase.gating });
    const g = await gates(traffic, ctx.lang, watched.lines);
    await ctx.view({ gates: g.lines });
    if (g.failed) return rollback(ctx, traffic, messages(ctx.lang).canary.run.gateFailedAt({ step: n, steps: plan.length, pct, why: g.failed }));

    if (n === plan.length) break;
    if (cfg.auto) {
      await ctx.note(messages(ctx.lang).canary.run.advancing({ step: n, steps: plan.length, pct }));
      continue;
    }
    // Promoted during the bake: that press was the Promote this step waits for.
    if (await promotedAt(ctx, n)) continue;
    await ctx.view({ phase: CanaryPhase.waiting });
    const answer = await decide(ctx, deps, `step-${n}`, messages(ctx.lang).canary.run.stepReason({ step: n, steps: plan.length, pct }));
    if (answer.name === 'rollback') return rollback(ctx, traffic, messages(ctx.lang).canary.run.byPerson({ by: answer.by }));
    if (answer.name === CanaryIntent.promoteFull) {
      await recordPromote(ctx, answer, n);
      await ctx.note(messages(ctx.lang).canary.run.promotedFullAt({ by: answer.by, step: n, steps: plan.length }));
    } else await ctx.note(messages(ctx.lang).canary.run.promotedAt({ by: answer.by, step: n, steps: plan.length }));
  }
  const last = plan[plan.length - 1]!;
  await ctx.view({ phase: CanaryPhase.done });
  await ctx.note(params.action === 'set' ? messages(ctx.lang).canary.run.greenAt({ pct: last }) : messages(ctx.lang).canary.run.complete({ pct: last }));
  return 'succeeded';
}

/**
 * A CloudWatch gate did not pass: traffic that is on green goes back to blue with the same one call as a person's
 * Rollback, and the run is held failed (Retry starts again from step 1). Nothing moved yet: a refusal, no call.
 */
async function gateFailed(ctx: Ctx, traffic: CanaryTraffic, why: string, after?: () => Promise<void>): Promise<never> {
  const w = await knownWeights(ctx);
  if (w && greenShare(w) > 0) {
    await rollback(ctx, traffic, messages(ctx.lang).canary.run.gateFailed({ why }));
    await after?.();
    throw new OpError((l) => messages(l).failures.canaryBackOnBlue);
  }
  await ctx.view({ why: messages(ctx.lang).canary.run.refused({ why }) });
  throw new OpError((l) => messages(l).failures.canaryNothingMoved);
}

/** All weight on blue in ONE call, then read back; a Route 53 change is also waited to INSYNC. */
async function rollback(ctx: Ctx, traffic: CanaryTraffic, why: string): Promise<FinalState> {
  const target = ctx.params.target;
  const want = weightsFor(0);
  const done = await ctx.step<{ changeId?: string }>(`rollback-weights:${target}`, () => traffic.shift(want), {
    verify: async () => {
      const w = await traffic.read();
      return w.green === 0 && w.blue > 0 ? { done: true, result: {} } : { done: false };
    },
  });
  const read = await traffic.read();
  if (read.green !== 0) throw new OpError((l) => messages(l).failures.canaryRollbackStuck({ green: read.green, blue: read.blue, via: traffic.via }));
  await ctx.remember('held', null);
  await showWeights(ctx, read, { phase: CanaryPhase.rolledBack, why: messages(ctx.lang).canary.run.rolledBack({ why }), held: null, bakeUntil: undefined });
  let sync = '';
  if (traffic.inSync && done.changeId) {
    // A second Rollback or Pause pressed now must not stop the wait for INSYNC: keep polling through it.
    for (;;) {
      try {
        const at = await ctx.poll((l) => messages(l).failures.wait.insync({ change: done.changeId! }), async () => ((await traffic.inSync!(done.changeId!)) ? ctx.now() : undefined), POLL);
        await ctx.view({ insyncAt: at });
        const t = (ms: number) => formatTime(ms, ctx.timezone, false, ctx.lang);
        sync = messages(ctx.lang).canary.run.rollbackSync({ at: t(at), ...(read.ttl !== undefined ? { effective: t(at + read.ttl * 1000), ttl: read.ttl } : {}) });
        break;
      } catch (err) {
        if (!(err instanceof Interrupted)) throw err;
      }
    }
  }
  await ctx.note(messages(ctx.lang).canary.run.rolledBackNote({ why, blue: read.blue, green: read.green, sync }));
  return 'rolled_back';
}
