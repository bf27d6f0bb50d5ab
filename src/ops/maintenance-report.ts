// How many requests maintenance answered, redirected and let through, per load balancer, from the ALB's CloudWatch metrics.
import { z } from 'zod';
import type { Environment } from '../config/schema.js';
import { formatTime } from '../clock.js';
import type { Facts, OpContext } from '../runs/operation.js';
import type { Run } from '../runs/run.js';
import { COLORS, type ChartLine, type DrawChart } from './chart.js';
import { messages, type Lang } from '../i18n/index.js';

/** [minute start ms, count] */
export type Minute = [number, number];

export interface LoadBalancerCounts {
  /** `prod-web` */
  loadBalancer: string;
  listeners: string[];
  /** HTTP_Fixed_Response_Count of the load balancer, per minute. */
  fixed: Minute[];
  /** HTTP_Redirect_Count, per minute. */
  redirect: Minute[];
  /** RequestCount of the bypass rule's target groups, per minute (undefined: no listener of it has a bypass). */
  bypass?: Minute[];
}

/** The port (src/adapters/watch.ts provides it). */
export interface MaintenanceMetrics {
  read(listeners: { name: string; listenerArn: string; bypass: boolean }[], fromMs: number, toMs: number): Promise<LoadBalancerCounts[]>;
}

export const maintenanceReport = z.object({
  from: z.number(),
  to: z.number(),
  /** The start was not recorded (maintenance begun by hand, or before the bot kept windows): the last hour is shown. */
  guessed: z.boolean(),
  loadBalancers: z.array(z.object({ name: z.string(), listeners: z.array(z.string()), fixed: z.number(), redirect: z.number(), bypass: z.number().optional() })),
  /**
   * The allowlist's count comes from the target group's RequestCount, which also counts normal traffic: only the
   * whole minutes inside the window are counted (the first and last minute are partly normal traffic).
   */
  bypassFrom: z.number(),
  bypassTo: z.number(),
});
export type MaintenanceReport = z.infer<typeof maintenanceReport>;

export const windowKey = (envName: string) => `maintenance-window:${envName}`;
const GUESS_MS = 60 * 60_000;
const MINUTE = 60_000;
const total = (m: Minute[] | undefined) => Math.round((m ?? []).reduce((a, [, v]) => a + v, 0));
const n = (v: number) => v.toLocaleString('en-US');

/** Reads the counts over the maintenance window of an environment, whole minutes only (CloudWatch's periods). */
export async function readReport(
  envName: string,
  env: Environment,
  metrics: MaintenanceMetrics,
  facts: Pick<Facts, 'recall'>,
  now: number,
  /** When traffic went back to normal (the end run's request), else now. */
  endedAt = now,
): Promise<{ report: MaintenanceReport; perMinute: LoadBalancerCounts[] }> {
  const window = await facts.recall<{ since: number }>(windowKey(envName));
  const since = window?.since ?? now - GUESS_MS;
  const from = Math.floor(since / MINUTE) * MINUTE;
  const to = Math.max(from + MINUTE, Math.ceil(now / MINUTE) * MINUTE);
  const bypassFrom = Math.ceil(since / MINUTE) * MINUTE;
  const bypassTo = Math.max(bypassFrom, Math.floor(Math.min(endedAt, now) / MINUTE) * MINUTE);
  const listeners = (env.maintenance?.listeners ?? []).map((l) => ({ name: l.name, listenerArn: l.listenerArn, bypass: l.bypass !== undefined }));
  const perMinute = (await metrics.read(listeners, from, to)).map((c) => ({ ...c, ...(c.bypass ? { bypass: c.bypass.filter(([t]) => t >= bypassFrom && t + MINUTE <= bypassTo) } : {}) }));
  return {
    perMinute,
    report: {
      from,
      to: Math.min(to, now),
      guessed: window === undefined,
      bypassFrom,
      bypassTo,
      loadBalancers: perMinute.map((c) => ({ name: c.loadBalancer, listeners: c.listeners, fixed: total(c.fixed), redirect: total(c.redirect), ...(c.bypass ? { bypass: total(c.bypass) } : {}) })),
    },
  };
}

/** The report in words, for the thread and for /maintenance status. */
export function reportLines(r: MaintenanceReport, timezone: string, lang: Lang = 'en'): string[] {
  const m = messages(lang).maintenance.report;
  const t = (ms: number) => formatTime(ms, timezone, false, lang);
  const span = m.span({ from: t(r.from), to: t(r.to), minutes: Math.max(1, Math.round((r.to - r.from) / MINUTE)) });
  const lines = [m.title({ span, guessed: r.guessed })];
  for (const lb of r.loadBalancers) {
    const parts = [m.fixed({ n: n(lb.fixed) }), m.redirected({ n: n(lb.redirect) })];
    if (lb.bypass !== undefined) {
      const whole = Math.round((r.bypassTo - r.bypassFrom) / MINUTE);
      parts.push(m.bypass({ n: n(lb.bypass), window: whole > 0 ? m.wholeMinutes({ from: t(r.bypassFrom), to: t(r.bypassTo) }) : m.noWholeMinute }));
    }
    lines.push(`• *${lb.name}* (${lb.listeners.join(', ')}): ${parts.join(' · ')}`);
  }
  lines.push(m.source);
  return lines;
}

/** Requests per minute across the window, stacked by what they got. */
export function reportChart(draw: DrawChart, envName: string, perMinute: LoadBalancerCounts[], r: MaintenanceReport, timezone: string): Promise<Buffer> {
  const minutes: number[] = [];
  for (let t = r.from; t < Math.max(r.to, r.from + MINUTE); t += MINUTE) minutes.push(t);
  const sum = (pick: (c: LoadBalancerCounts) => Minute[] | undefined) =>
    minutes.map((t): [number, number] => [t, Math.round(perMinute.reduce((a, c) => a + (pick(c)?.find(([m]) => m === t)?.[1] ?? 0), 0))]);
  const lines: ChartLine[] = [
    { name: 'maintenance response', color: COLORS.red, area: true, points: sum((c) => c.fixed) },
    { name: 'redirected', color: COLORS.amber, area: true, points: sum((c) => c.redirect) },
  ];
  if (perMinute.some((c) => c.bypass)) lines.push({ name: 'let through (allowlist)', color: COLORS.green, area: true, points: sum((c) => c.bypass) });
  return draw({ title: `Maintenance · ${envName} — requests per minute`, timezone, panels: [{ title: 'requests', unit: 'per minute', lines }] });
}

export interface ReportDeps {
  metrics: (envName: string) => MaintenanceMetrics;
  /** Posts the chart in the run's thread (files.uploadV2); with `chart`, which draws it. */
  postFile?: (run: Run, file: { png: Buffer; filename: string; title: string; comment: string }) => Promise<void>;
  chart?: DrawChart;
}

/**
 * After a maintenance run: a start remembers when the window opened; an end reads the counts over the window, says them
 * in the thread with a chart, and forgets the window. Each is a durable step, so a restart does not post twice.
 */
export async function afterMaintenance(ctx: OpContext<{ action: 'start' | 'end' }, { report?: MaintenanceReport }>, deps: ReportDeps): Promise<void> {
  const key = windowKey(ctx.envName);
  if (ctx.params.action === 'start') {
    await ctx.step('remember-window', async () => {
      if (!(await ctx.facts.recall(key))) await ctx.facts.remember(key, { since: ctx.now() });
      return true;
    });
    return;
  }
  const done = await ctx.stepDone('report');
  if (!done) {
    try {
      const { report, perMinute } = await readReport(ctx.envName, ctx.env, deps.metrics(ctx.envName), ctx.facts, ctx.now(), ctx.run.createdAt);
      await ctx.view({ report });
      await ctx.step('report', async () => {
        await ctx.note(reportLines(report, ctx.timezone, ctx.lang).join('\n'));
        if (deps.postFile && deps.chart) {
          const png = await reportChart(deps.chart, ctx.envName, perMinute, report, ctx.timezone);
          await deps.postFile(ctx.run, { png, filename: `maintenance-${ctx.envName}-${report.from}.png`, title: `Maintenance · ${ctx.envName}`, comment: messages(ctx.lang).maintenance.report.chartComment });
        }
        return true;
      });
    } catch (err) {
      // The traffic is back either way: a report that cannot be read is said, not a failed run.
      await ctx.note(messages(ctx.lang).maintenance.report.none({ why: err instanceof Error ? err.message : String(err) }));
    }
  }
  await ctx.step('forget-window', async () => {
    await ctx.facts.forget(key);
    return true;
  });
}
