// The canary's CloudWatch gates, kept out of canary.ts: alarms before each step, a watched bake, and a Retry that starts afresh.
import type { CanaryConfig } from '../config/schema.js';
import type { OpContext } from '../runs/operation.js';
import { analysisApplies, checkAlarms, watchBake, WATCH_EVERY_MS, type BakeResult, type TrafficWatch } from './gates.js';

/** The gates a canary has, in words, from its config alone (for --dry-run, before any AWS read). */
export function describeCanaryGates(cfg: CanaryConfig): string[] {
  const out: string[] = [];
  if (cfg.alarms.length) out.push(`alarms ${cfg.alarms.join(', ')} (DescribeAlarms before every step and every ${WATCH_EVERY_MS / 1000} s of a bake; ALARM rolls back)`);
  const comparable = cfg.alb !== undefined || cfg.analysis.metrics !== undefined;
  if (comparable && cfg.analysis.enabled && cfg.bakeSeconds > 0) {
    const a = cfg.analysis;
    out.push(`analysis green vs blue from ${cfg.alb ? 'the ALB target groups' : 'the metrics named in ops.yml'} (GetMetricData; 5XX rate +${a.maxErrorRateIncrease} points or p99 +${a.maxP99IncreasePercent} % fails; ${a.minRequests} requests a side needed)`);
  }
  return out;
}

/**
 * Alarms before a traffic step toward green: the failure in words, or undefined when the step may go. Moving toward
 * blue is never held back by an alarm (it is the way out).
 */
export async function alarmsBeforeStep(ctx: OpContext<unknown>, watch: TrafficWatch | undefined, cfg: CanaryConfig, fromPct: number, toPct: number): Promise<string | undefined> {
  if (!watch || toPct <= fromPct) return undefined;
  const v = await checkAlarms(watch, cfg, ctx.now(), ctx.timezone);
  if (v.lines.length) await ctx.view({ gates: v.lines });
  return v.failure;
}

/** The bake of one step, watched: alarms and the analysis every poll; a plain sleep when nothing is watched. */
export async function bakeWatched(ctx: OpContext<unknown>, watch: TrafficWatch | undefined, cfg: CanaryConfig, from: number, until: number): Promise<BakeResult> {
  if (!watch || (watch.alarmNames.length === 0 && !analysisApplies(watch, cfg.bakeSeconds, cfg.analysis))) {
    if (until > ctx.now()) await ctx.sleep(until - ctx.now());
    return { lines: [] };
  }
  return watchBake(ctx, watch, cfg, { from, until, bakeSeconds: cfg.bakeSeconds });
}

/**
 * The context a canary runs under after people pressed Retry: every step and pause id carries the attempt, so the
 * walk starts again from step 1 (the rollback already put everything on blue) instead of finding the old steps done.
 */
export async function attemptScoped<P>(ctx: OpContext<P>, fresh: boolean): Promise<OpContext<P>> {
  const attempt = await ctx.attempt();
  if (attempt === 0) return ctx;
  const tag = (id: string) => `${id}:a${attempt}`;
  // Reads (ctx.run) fall through to the engine's own context, which it keeps up to date.
  const scoped = Object.create(ctx) as OpContext<P>;
  scoped.step = (id, fn, opts) => ctx.step(tag(id), fn, opts);
  scoped.stepDone = (id) => ctx.stepDone(tag(id));
  scoped.pause = (id, p) => ctx.pause(tag(id), p);
  if (fresh && !(await ctx.stepDone(tag('retry')))) {
    await ctx.step(tag('retry'), async () => true);
    await ctx.view({ why: undefined, gates: undefined, bakeUntil: undefined });
    await ctx.note(`🔁 Retry (attempt ${attempt + 1}): the canary starts again from step 1, with its gates checked first.`);
  }
  return scoped;
}
