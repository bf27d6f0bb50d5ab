// /scale as people read it: the service, the count it goes from and to, and running / desired as ECS reports them.
import type { KnownBlock } from '@slack/types';
import type { ScaleView } from '../src/ops/scale.js';
import type { Run } from '../src/runs/run.js';
import { context, section, type RunViewContext } from './kit.js';

const PHASE: Record<NonNullable<ScaleView['phase']>, string> = {
  reading: '⏳ reading the service',
  waiting: '⏸ waiting for approval',
  scaling: '⏳ tasks starting or stopping',
  done: '🟢 there',
  unchanged: '🟢 already there',
  cancelled: '⏹ cancelled',
};

export function scaleBody(v: ScaleView, _run: Run, _ctx: RunViewContext): KnownBlock[] {
  if (!v.service) return [];
  const name = v.serviceName && v.serviceName !== v.service ? ` (ECS \`${v.serviceName}\`)` : '';
  const from = v.from !== undefined ? `${v.from} → ` : '';
  const counts =
    v.running !== undefined
      ? `*${v.running}* running / ${v.desired ?? '?'} desired${v.pending ? ` · ${v.pending} pending` : ''}${v.failed ? ` · ${v.failed} failed to start` : ''}`
      : 'counts not read yet';
  const out: KnownBlock[] = [section(`\`${v.service}\`${name}: ${from}*${v.to ?? '?'}* tasks\n${v.phase ? PHASE[v.phase] : ''} · ${counts}`)];
  if (v.note) out.push(section(v.note));
  out.push(context(['running / desired tasks, as ECS reports them']));
  return out;
}
