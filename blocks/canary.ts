// What people read about a canary: the step, green's share read from AWS, when the shift is fully effective, bake and gates.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../src/clock.js';
import { greenShare, type CanaryPhase, type CanaryView } from '../src/ops/canary.js';
import type { Run } from '../src/runs/run.js';
import type { RunViewContext } from './kit.js';
import { context, section } from './kit.js';

const PHASE: Record<CanaryPhase, string> = {
  shifting: 'Shifting weights',
  syncing: 'Waiting for Route 53 INSYNC',
  baking: 'Baking',
  gating: 'Checking gates',
  waiting: 'Waiting for Promote',
  held: 'Held',
  done: 'Complete',
  'rolled-back': 'All traffic on blue',
};

/** `10 → *50* → 100`: the steps, the current one in bold. */
export function stepTrail(steps: number[], current: number): string {
  return steps.map((s, i) => (i + 1 === current ? `*${s} %*` : `${s} %`)).join(' → ');
}

export function canaryBody(v: CanaryView, run: Run, ctx: RunViewContext): KnownBlock[] {
  if (!v.steps) return [];
  const out: KnownBlock[] = [];
  const green = v.weights ? greenShare(v.weights) : undefined;
  const stepText = v.action === 'set' ? `Set green to ${v.steps[0]} %` : v.step ? `${v.phase === 'rolled-back' ? 'Rolled back at step' : 'Step'} ${v.step}/${v.steps.length}` : 'Before step 1';
  const lines = [
    `*${stepText} · green ${green ?? '?'} % · blue ${green === undefined ? '?' : 100 - green} %* (${v.via === 'alb' ? 'ALB weights' : 'Route 53 weights'}, read back from AWS)`,
  ];
  if (v.action !== 'set') lines.push(`Steps: ${stepTrail(v.steps, v.step ?? 0)}${v.auto ? ' · advances by itself' : ' · Promote between steps'}`);
  if (v.phase && run.state !== 'failed') lines.push(PHASE[v.phase]);
  if (v.insyncAt !== undefined) {
    lines.push(`Route 53 INSYNC ${formatTime(v.insyncAt, ctx.timezone)}${v.ttl !== undefined ? ` · fully effective by ${formatTime(v.insyncAt + v.ttl * 1000, ctx.timezone)} (old TTL ${v.ttl} s)` : ''}`);
  }
  if (v.phase === 'baking' && v.bakeUntil !== undefined) lines.push(`Bake ends ${formatTime(v.bakeUntil, ctx.timezone)}`);
  if (v.gates?.length) lines.push(`Gates: ${v.gates.join(' · ')}`);
  out.push(section(lines.join('\n')));
  // The header carries the state's one emoji; the reason is plain.
  if (v.why) out.push(section(`*${v.why}*`));
  if (run.state === 'running' || run.state === 'awaiting_approval') out.push(context(['Rollback puts all traffic on blue in one call, at any moment.']));
  return out;
}
