// CloudWatch gates of traffic-moving runs: alarms checked before every step and at every poll of a bake, and green judged against blue.
import type { AnalysisConfig } from '../config/cloudwatch.js';
import { formatTime } from '../clock.js';
import { messages, sayError, type Lang } from '../i18n/index.js';
import type { Run } from '../runs/run.js';
import type { DrawChart } from './chart.js';

/** One alarm as CloudWatch reports it (src/aws/cloudwatch.ts returns this shape). */
export interface AlarmReading {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason: string;
  /** When it entered its state (ms). */
  since: number;
}

/** One side's per-minute figures; a minute with no datapoint is absent (no data is never "no errors"). */
export interface SideSeries {
  timestamps: number[];
  requests: number[];
  errors: number[];
  /** p99 response time in ms, per minute (undefined where CloudWatch had none). */
  p99Ms: (number | undefined)[];
}

export interface Comparison {
  blue: SideSeries;
  green: SideSeries;
  /** What the errors are called in messages: `5XX` for an ALB's target groups, `error` for metrics ops.yml names. */
  errorWord?: '5XX' | 'error';
}

/** What a run's gates read from CloudWatch (a port; src/adapters/watch.ts provides it). */
export interface TrafficWatch {
  alarmNames: readonly string[];
  /** DescribeAlarms of `alarmNames`. */
  alarms(): Promise<{ found: AlarmReading[]; missing: string[] }>;
  /** Green and blue per minute over [fromMs, toMs); absent when there is nothing to compare (no metrics named). */
  compare?(fromMs: number, toMs: number): Promise<Comparison>;
  /** How the comparison is made, for messages and --dry-run ("ALB target groups web-blue vs web-green"), in a language. */
  compareWhat?: (lang: Lang) => string;
  /** Posts a picture in the run's thread (files.uploadV2); absent where no Slack is wired (dry runs, unit tests). */
  postFile?: (run: Run, file: { png: Buffer; filename: string; title: string; comment: string }) => Promise<void>;
  /** Draws the picture postFile posts (blocks/chart.ts `chartPng`, passed in by src/registry.ts). */
  chart?: DrawChart;
}

export interface GateSettings {
  insufficientDataSeconds: number;
  analysis: AnalysisConfig;
}

// ── alarms ───────────────────────────────────────────────────────────────────

export interface AlarmVerdict {
  /** One line per alarm for the message: `✅ web-5xx-high OK`. */
  lines: string[];
  /** Set when the gate does not pass: which alarm and why, in words for the run's message. */
  failure?: string;
}

/**
 * An alarm passes only when it exists and is OK. ALARM fails; a missing alarm fails (a gate nobody can check is no
 * gate); INSUFFICIENT_DATA is tolerated for `insufficientDataSeconds` (alarms on sparse metrics sit there after a quiet
 * spell), then fails.
 */
export function judgeAlarms(
  names: readonly string[],
  read: { found: AlarmReading[]; missing: string[] },
  now: number,
  s: Pick<GateSettings, 'insufficientDataSeconds'>,
  timezone: string,
  lang: Lang = 'en',
): AlarmVerdict {
  const m = messages(lang).gates;
  const span = (secs: number) => (secs < 120 ? m.seconds({ n: secs }) : m.minutes({ n: Math.round(secs / 60) }));
  const lines: string[] = [];
  let failure: string | undefined;
  const fail = (why: string) => (failure ??= why);
  for (const name of names) {
    const a = read.found.find((x) => x.name === name);
    if (!a) {
      lines.push(m.missingLine({ name }));
      fail(m.missing({ name }));
      continue;
    }
    if (a.state === 'ALARM') {
      const since = formatTime(a.since, timezone, false, lang);
      lines.push(m.firingLine({ name, since }));
      fail(m.firing({ name, since, reason: a.reason }));
    } else if (a.state === 'INSUFFICIENT_DATA') {
      const forS = Math.max(0, Math.round((now - a.since) / 1000));
      if (forS > s.insufficientDataSeconds) {
        lines.push(m.noDataLine({ name, for: span(forS) }));
        fail(m.noData({ name, for: span(forS), max: span(s.insufficientDataSeconds) }));
      } else lines.push(m.noDataToleratedLine({ name, for: span(forS), max: span(s.insufficientDataSeconds) }));
    } else lines.push(m.okLine({ name }));
  }
  return failure ? { lines, failure } : { lines };
}

// ── green against blue ──────────────────────────────────────────────────────

export interface SideFigures {
  requests: number;
  errors: number;
  /** 5XX per request, in percent. */
  errorRate: number;
  /** Request-weighted mean of the per-minute p99s, ms; undefined with no latency data. */
  p99Ms?: number;
}

export type AnalysisOutcome = 'pass' | 'fail' | 'wait';

export interface AnalysisVerdict {
  outcome: AnalysisOutcome;
  line: string;
  /** The line without its icon and label: the figures (and, when waiting, why it cannot judge yet). */
  detail: string;
  /** For a failure: what was worse, in words. */
  why?: string;
  blue: SideFigures;
  green: SideFigures;
}

export function figures(s: SideSeries): SideFigures {
  const requests = Math.round(s.requests.reduce((a, b) => a + b, 0));
  const errors = Math.round(s.errors.reduce((a, b) => a + b, 0));
  let weighted = 0;
  let weight = 0;
  s.p99Ms.forEach((p, i) => {
    if (p === undefined) return;
    const w = s.requests[i] ?? 0;
    weighted += p * w;
    weight += w;
  });
  return { requests, errors, errorRate: requests > 0 ? (100 * errors) / requests : 0, ...(weight > 0 ? { p99Ms: weighted / weight } : {}) };
}

const pct = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} %`;

/**
 * Green fails when its 5XX rate exceeds blue's by more than `maxErrorRateIncrease` points, or its p99 exceeds blue's
 * by more than `maxP99IncreasePercent` % and `minP99IncreaseMs` ms. A side below `minRequests` cannot pass: the
 * bake waits (a failure with enough green traffic still fails at once — the evidence is already there). The line and
 * the failure are said in `lang` (the run's).
 */
export function judgeCanary(cmp: Comparison, a: AnalysisConfig, lang: Lang = 'en'): AnalysisVerdict {
  const m = messages(lang).gates;
  const blue = figures(cmp.blue);
  const green = figures(cmp.green);
  const word = m.errorWord({ word: cmp.errorWord ?? '5XX' });
  const ms = (v: number | undefined) => (v === undefined ? m.noFigures : `${Math.round(v)} ms`);
  const both = m.both({
    green: m.side({ side: 'green', rate: pct(green.errorRate), word, p99: ms(green.p99Ms), requests: green.requests }),
    blue: m.side({ side: 'blue', rate: pct(blue.errorRate), p99: ms(blue.p99Ms), requests: blue.requests }),
  });
  const verdict = (outcome: AnalysisOutcome, detail: string, why?: string): AnalysisVerdict => ({
    outcome,
    line: m.analysisLine({ icon: outcome === 'pass' ? '✅' : outcome === 'fail' ? '❌' : '⏳', detail }),
    detail,
    ...(why !== undefined ? { why } : {}),
    blue,
    green,
  });
  if (green.requests >= a.minRequests && blue.requests >= a.minRequests) {
    const rateOver = green.errorRate - blue.errorRate;
    if (rateOver > a.maxErrorRateIncrease) {
      return verdict('fail', both, m.rateWorse({ word, green: pct(green.errorRate), blue: pct(blue.errorRate), points: rateOver.toFixed(1), allowed: a.maxErrorRateIncrease, requests: green.requests }));
    }
    if (green.p99Ms !== undefined && blue.p99Ms !== undefined) {
      const over = green.p99Ms - blue.p99Ms;
      if (over > a.minP99IncreaseMs && over > (blue.p99Ms * a.maxP99IncreasePercent) / 100) {
        return verdict('fail', both, m.p99Worse({ green: ms(green.p99Ms), blue: ms(blue.p99Ms), percent: Math.round((100 * over) / Math.max(1, blue.p99Ms)), allowed: a.maxP99IncreasePercent }));
      }
    }
    return verdict('pass', both);
  }
  const short = [
    green.requests < a.minRequests ? m.shortSide({ side: 'green', requests: green.requests }) : '',
    blue.requests < a.minRequests ? m.shortSide({ side: 'blue', requests: blue.requests }) : '',
  ].filter(Boolean).join(', ');
  return verdict('wait', m.tooLittle({ short, min: a.minRequests, both }));
}

/** Whether the analysis applies to this run: a bake to judge, analysis on, and something to compare. */
export function analysisApplies(watch: TrafficWatch, bakeSeconds: number, a: AnalysisConfig): boolean {
  return a.enabled && bakeSeconds > 0 && watch.compare !== undefined;
}

/** The gates a run has, in words, for --dry-run and the plan (in the asker's language). */
export function describeGates(watch: TrafficWatch | undefined, bakeSeconds: number, s: GateSettings, lang: Lang = 'en'): string[] {
  const m = messages(lang).gates;
  const out: string[] = [];
  if (!watch) return out;
  if (watch.alarmNames.length) out.push(m.planAlarms({ names: watch.alarmNames.join(', '), every: WATCH_EVERY_MS / 1000 }));
  if (analysisApplies(watch, bakeSeconds, s.analysis)) {
    const a = s.analysis;
    out.push(m.planAnalysis({ what: watch.compareWhat?.(lang) ?? m.planCompareAny, word: '5XX', rate: a.maxErrorRateIncrease, p99: a.maxP99IncreasePercent, min: a.minRequests }));
  }
  return out;
}

/** How often a bake reads CloudWatch: ALB metrics come in 60 s periods, alarms are evaluated each minute. */
export const WATCH_EVERY_MS = 15_000;

// ── the bake, watched ───────────────────────────────────────────────────────

/** The part of an operation's context a watched bake needs. */
export interface WatchContext {
  now(): number;
  timezone: string;
  /** The run's language: the gate lines and the failure are said in it (English when absent). */
  lang?: Lang;
  sleep(ms: number): Promise<void>;
  view(patch: Record<string, unknown>): Promise<void>;
}

export interface BakeResult {
  /** The gate lines last shown. */
  lines: string[];
  /** Set when an alarm or the analysis failed: roll back and say this. */
  failure?: string;
  /** Set when the analysis could not decide within `inconclusiveAfterSeconds` after the bake: a person decides. */
  inconclusive?: string;
  analysis?: AnalysisVerdict;
  /** Work that must wait until traffic is safe again (the step's chart after a failure): run it after the rollback. */
  after?: () => Promise<void>;
}

/** Alarms only: the check before a traffic step. */
export async function checkAlarms(watch: TrafficWatch, s: Pick<GateSettings, 'insufficientDataSeconds'>, now: number, timezone: string, lang: Lang = 'en'): Promise<AlarmVerdict> {
  if (watch.alarmNames.length === 0) return { lines: [] };
  let read;
  try {
    read = await watch.alarms();
  } catch (err) {
    // The SDK already retried: a gate that cannot be read is a gate that does not pass.
    return blind('alarms', err, lang);
  }
  return judgeAlarms(watch.alarmNames, read, now, s, timezone, lang);
}

function blind(which: 'alarms' | 'metrics', err: unknown, lang: Lang = 'en'): AlarmVerdict {
  const m = messages(lang).gates;
  const why = sayError(err, lang);
  return { lines: [m.blindLine({ what: m[which] })], failure: m.blind({ what: m[which], why }) };
}

/**
 * Bakes from `from` until `until`, reading alarms (and the analysis) every WATCH_EVERY_MS: the first failure ends the
 * bake at once. At the end it passes only when every alarm is OK and the analysis passed; too little traffic keeps
 * it waiting, up to `inconclusiveAfterSeconds`.
 */
export async function watchBake(ctx: WatchContext, watch: TrafficWatch, s: GateSettings, bake: { from: number; until: number; bakeSeconds: number }): Promise<BakeResult> {
  const analyse = analysisApplies(watch, bake.bakeSeconds, s.analysis);
  const giveUp = bake.until + s.analysis.inconclusiveAfterSeconds * 1000;
  const lang = ctx.lang ?? 'en';
  const m = messages(lang).gates;
  const span = (secs: number) => (secs < 120 ? m.seconds({ n: secs }) : m.minutes({ n: Math.round(secs / 60) }));
  let shown = '';
  for (;;) {
    const now = ctx.now();
    const alarms = await checkAlarms(watch, s, now, ctx.timezone, lang);
    let analysis: AnalysisVerdict | undefined;
    if (analyse && !alarms.failure) {
      try {
        analysis = judgeCanary(await watch.compare!(Math.floor(bake.from / 60_000) * 60_000, now), s.analysis, lang);
      } catch (err) {
        const b = blind('metrics', err, lang);
        return { lines: [...alarms.lines, ...b.lines], failure: b.failure! };
      }
    }
    const lines = [...alarms.lines, ...(analysis ? [analysis.line] : [])];
    if (lines.join('\n') !== shown) {
      shown = lines.join('\n');
      await ctx.view({ gates: lines });
    }
    const base = { lines, ...(analysis ? { analysis } : {}) };
    if (alarms.failure) return { ...base, failure: alarms.failure };
    if (analysis?.outcome === 'fail') return { ...base, failure: m.analysisFailed({ why: analysis.why ?? '' }) };
    if (now >= bake.until) {
      if (!analysis || analysis.outcome === 'pass') return base;
      if (now >= giveUp) return { ...base, inconclusive: m.inconclusive({ after: span(Math.round((now - bake.from) / 1000)), detail: analysis.detail }) };
    }
    const next = now < bake.until ? Math.min(WATCH_EVERY_MS, bake.until - now) : Math.min(WATCH_EVERY_MS, giveUp - now);
    await ctx.sleep(Math.max(1, next));
  }
}
