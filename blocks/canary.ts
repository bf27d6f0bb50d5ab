// What people read about a canary: the step, green's share read from AWS, when the shift is fully effective, bake and gates.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../src/clock.js';
import { greenShare, type CanaryView } from '../src/ops/canary.js';
import { messages } from '../src/i18n/index.js';
import type { Run } from '../src/runs/run.js';
import type { RunViewContext } from './kit.js';
import { context, section } from './kit.js';

/** `10 → *50* → 100`: the steps, the current one in bold. */
export function stepTrail(steps: number[], current: number): string {
  return steps.map((s, i) => (i + 1 === current ? `*${s} %*` : `${s} %`)).join(' → ');
}

export function canaryBody(v: CanaryView, run: Run, ctx: RunViewContext): KnownBlock[] {
  if (!v.steps) return [];
  const lang = ctx.lang ?? 'en';
  const m = messages(lang).canary;
  const t = (ms: number) => formatTime(ms, ctx.timezone, false, lang);
  const out: KnownBlock[] = [];
  const green = v.weights ? greenShare(v.weights) : undefined;
  const stepText = v.action === 'set' ? m.setGreen({ pct: v.steps[0] ?? 0 }) : v.step ? (v.phase === 'rolled-back' ? m.rolledBackAtStep({ step: v.step, steps: v.steps.length }) : m.step({ step: v.step, steps: v.steps.length })) : m.beforeStep1;
  const lines = [m.weights({ step: stepText, green: String(green ?? '?'), blue: green === undefined ? '?' : String(100 - green), via: v.via === 'alb' ? m.albWeights : m.route53Weights })];
  if (v.action !== 'set') lines.push(m.steps({ trail: stepTrail(v.steps, v.step ?? 0), auto: Boolean(v.auto) }));
  if (v.phase && run.state !== 'failed') lines.push(m.phase[v.phase]);
  if (v.insyncAt !== undefined) lines.push(m.insync(v.ttl !== undefined ? { at: t(v.insyncAt), effective: t(v.insyncAt + v.ttl * 1000), ttl: v.ttl } : { at: t(v.insyncAt) }));
  if (v.phase === 'baking' && v.bakeUntil !== undefined) lines.push(m.bakeEnds({ at: t(v.bakeUntil) }));
  // A gate still waiting (⏳) when the run has ended never concluded: ⚪, as a stage that was not reached.
  const ended = run.state !== 'running' && run.state !== 'awaiting_approval';
  if (v.gates?.length) lines.push(m.gates({ gates: v.gates.map((g) => (ended ? g.replace(/^⏳/u, '⚪') : g)).join(' · ') }));
  out.push(section(lines.join('\n')));
  // The header carries the state's one emoji; the reason is plain.
  if (v.why) out.push(section(`*${v.why}*`));
  if (run.state === 'running' || run.state === 'awaiting_approval') out.push(context([m.rollbackAnyMoment]));
  return out;
}
