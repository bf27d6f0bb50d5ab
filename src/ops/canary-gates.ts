// The canary's CloudWatch gates, kept out of canary.ts: alarms before each step, a watched bake, and a Retry that starts afresh.
import type { CanaryConfig } from '../config/schema.js';
import type { OpContext } from '../runs/operation.js';
import { messages, type Lang } from '../i18n/index.js';
import { COLORS, type ChartLine } from './chart.js';
import { analysisApplies, checkAlarms, watchBake, WATCH_EVERY_MS, type BakeResult, type SideSeries, type TrafficWatch } from './gates.js';

/** The gates a canary has, in words, from its config alone (for --dry-run, before any AWS read), in the asker's language. */
export function describeCanaryGates(cfg: CanaryConfig, lang: Lang = 'en'): string[] {
  const m = messages(lang).gates;
  const out: string[] = [];
  if (cfg.alarms.length) out.push(m.planAlarms({ names: cfg.alarms.join(', '), every: WATCH_EVERY_MS / 1000 }));
  const comparable = cfg.alb !== undefined || cfg.analysis.metrics !== undefined;
  if (comparable && cfg.analysis.enabled && cfg.bakeSeconds > 0) {
    const a = cfg.analysis;
    out.push(
      m.planAnalysis({
        what: cfg.alb ? m.planCompareAlb : m.planCompareMetrics,
        word: m.errorWord({ word: cfg.alb ? '5XX' : 'error' }),
        rate: a.maxErrorRateIncrease,
        p99: a.maxP99IncreasePercent,
        min: a.minRequests,
      }),
    );
  }
  return out;
}

/** Green's target health (an ALB canary's gate after each bake): a line for the message, and the failure in words. */
export async function targetHealthGate(greenHealth: () => Promise<{ healthy: number; unhealthy: number; total: number }>, lang: Lang): Promise<{ line: string; failed?: string }> {
  const m = messages(lang).gates;
  const h = await greenHealth();
  const ok = h.total > 0 && h.unhealthy === 0 && h.healthy > 0;
  const line = m.healthLine({ ok, healthy: h.healthy, total: h.total });
  if (ok) return { line };
  return { line, failed: h.total === 0 ? m.healthNoTargets : m.healthUnhealthy({ healthy: h.healthy, total: h.total }) };
}

/**
 * Alarms before a traffic step toward green: the failure in words, or undefined when the step may go. Moving toward
 * blue is never held back by an alarm (it is the way out).
 */
export async function alarmsBeforeStep(ctx: OpContext<unknown>, watch: TrafficWatch | undefined, cfg: CanaryConfig, fromPct: number, toPct: number): Promise<string | undefined> {
  if (!watch || toPct <= fromPct) return undefined;
  const v = await checkAlarms(watch, cfg, ctx.now(), ctx.timezone, ctx.lang);
  if (v.lines.length) await ctx.view({ gates: v.lines });
  return v.failure;
}

/**
 * The bake of one step, watched: alarms and the analysis every poll; a plain sleep when nothing is watched. With `at`
 * (where the bake stands) and a watch that can draw and post, the step ends with a green-vs-blue chart in the thread.
 */
/** Where the bake stands, for the chart's title and marks. */
export interface BakeStep {
  target: string;
  /** 1-based. */
  step: number;
  steps: number[];
}

export async function bakeWatched(ctx: OpContext<unknown>, watch: TrafficWatch | undefined, cfg: CanaryConfig, from: number, until: number, at?: BakeStep): Promise<BakeResult> {
  if (!watch || (watch.alarmNames.length === 0 && !analysisApplies(watch, cfg.bakeSeconds, cfg.analysis))) {
    if (until > ctx.now()) await ctx.sleep(until - ctx.now());
    return { lines: [] };
  }
  const result = await watchBake(ctx, watch, cfg, { from, until, bakeSeconds: cfg.bakeSeconds });
  if (!at || !analysisApplies(watch, cfg.bakeSeconds, cfg.analysis) || !watch.postFile || !watch.chart) return result;
  // A failure rolls back first: the picture can wait, the customers cannot.
  if (result.failure) return { ...result, after: () => postCanaryChart(ctx, watch, from, result, at).catch(() => undefined) };
  await postCanaryChart(ctx, watch, from, result, at);
  return result;
}

interface ChartMark {
  at: number;
  label: string;
}

/**
 * At the end of each step's bake (and so at the run's end, passed or rolled back): green against blue over the run so
 * far, one picture in the thread, step boundaries marked. Once per step: a restart does not post it again.
 */
async function postCanaryChart(ctx: OpContext<unknown>, watch: TrafficWatch, from: number, result: BakeResult, at: BakeStep): Promise<void> {
  const pct = at.steps[at.step - 1] ?? 0;
  // The step boundaries so far are the run's own memory (not its view): a restart draws the same marks.
  const marks = [...((await ctx.recall<ChartMark[]>('chart-marks')) ?? []).filter((m) => m.at !== from), { at: from, label: `${pct} %` }].sort((a, b) => a.at - b.at);
  await ctx.remember('chart-marks', marks);
  const id = `chart:${at.target}:${from}`;
  if (await ctx.stepDone(id)) return;
  const start = Math.floor(Math.min(ctx.run.createdAt, marks[0]?.at ?? from) / 60_000) * 60_000;
  const cmp = await watch.compare!(start, ctx.now());
  const rate = (s: SideSeries): [number, number | null][] => s.timestamps.map((t, i) => [t, (s.requests[i] ?? 0) > 0 ? (100 * (s.errors[i] ?? 0)) / s.requests[i]! : null]);
  const p99 = (s: SideSeries): [number, number | null][] => s.timestamps.map((t, i) => [t, s.p99Ms[i] ?? null]);
  const line = (name: 'blue' | 'green', points: [number, number | null][]): ChartLine => ({ name, color: COLORS[name], points });
  const png = await watch.chart!({
    title: `Canary ${at.target} · ${ctx.envName} — green vs blue`,
    timezone: ctx.timezone,
    marks,
    panels: [
      { title: '5XX rate', unit: '%', lines: [line('blue', rate(cmp.blue)), line('green', rate(cmp.green))] },
      { title: 'p99 response time', unit: 'ms', lines: [line('blue', p99(cmp.blue)), line('green', p99(cmp.green))] },
    ],
  });
  const g = messages(ctx.lang).gates;
  const outcome = result.failure ? g.chartFailed : result.inconclusive ? g.chartInconclusive : g.chartPassed;
  const step = g.chartStep({ step: at.step, steps: at.steps.length, pct });
  await ctx.step(id, async () => {
    await watch.postFile!(ctx.run, { png, filename: `canary-${at.target}-${from}.png`, title: g.chartFileTitle({ step }), comment: g.chartComment({ step, outcome }) });
    return true;
  });
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
    await ctx.note(messages(ctx.lang).gates.retryNote({ attempt: attempt + 1 }));
  }
  return scoped;
}
