// /scale as people read it: the service, the count it goes from and to, and running / desired as ECS reports them.
import type { KnownBlock } from '@slack/types';
import type { ScaleView } from '../src/ops/scale.js';
import type { Run } from '../src/runs/run.js';
import { context, section, type RunViewContext } from './kit.js';
import { messages } from '../src/i18n/index.js';

export function scaleBody(v: ScaleView, _run: Run, ctx: RunViewContext): KnownBlock[] {
  if (!v.service) return [];
  const m = messages(ctx.lang ?? 'en').services.scale;
  const name = v.serviceName && v.serviceName !== v.service ? m.ecsName({ name: v.serviceName }) : '';
  const from = v.from !== undefined ? `${v.from} → ` : '';
  const counts =
    v.running !== undefined
      ? `${m.counts({ running: v.running, desired: String(v.desired ?? '?') })}${v.pending ? m.pendingCount({ n: v.pending }) : ''}${v.failed ? m.failedToStart({ n: v.failed }) : ''}`
      : m.notRead;
  const out: KnownBlock[] = [section(`${m.tasks({ service: v.service, name, from, to: String(v.to ?? '?') })}\n${v.phase ? m.phase[v.phase] : ''} · ${counts}`)];
  if (v.note) out.push(section(v.note));
  out.push(context([m.asEcsReports]));
  return out;
}
