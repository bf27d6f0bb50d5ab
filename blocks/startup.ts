// Startup and shutdown as people read them: one line per service, in the order it will move, phone-sized.
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../src/clock.js';
import type { StartupView, ServiceRowView } from '../src/ops/startup.js';
import type { Run } from '../src/runs/run.js';
import type { RunViewContext } from './kit.js';
import { context, section } from './kit.js';
import { messages, type Lang } from '../src/i18n/index.js';

const ICON: Record<ServiceRowView['phase'], string> = {
  waiting: '⚪',
  starting: '⏳',
  ready: '🟢',
  failed: '❌',
  held: '⛔',
  stopping: '⏳',
  stopped: '⚫',
};

function line(name: string, r: ServiceRowView, now: number, lang: Lang): string {
  const m = messages(lang).services;
  // Before ECS has the new count, show the count the service is going to: "0/2", not "0/0".
  const goal = r.target !== undefined && r.target > r.desired ? r.target : r.desired;
  const counts = `${r.running}/${goal}${r.pending > 0 ? m.pending({ n: r.pending }) : ''}${r.failed > 0 ? m.failedCount({ n: r.failed }) : ''}`;
  const elapsed = r.since !== undefined ? ` · ${formatDuration((r.doneAt ?? now) - r.since, lang)}` : '';
  const why = r.why ? ` · _${r.why}_` : '';
  const event = r.phase === 'failed' && r.lastEvent ? `\n      ↳ ${r.lastEvent.slice(0, 200)}` : '';
  return `${ICON[r.phase]} \`${name}\` ${counts}${elapsed}${why}${event}`;
}

/** Startup's and shutdown's part of the status message, from the parsed view (registered with typedBody in src/registry.ts). */
export function startupBody(view: StartupView, _run: Run, ctx: RunViewContext): KnownBlock[] {
  const rows = Object.entries(view.services ?? {});
  if (rows.length === 0) return [];
  const lang = ctx.lang ?? 'en';
  const m = messages(lang).services;
  const count = (p: ServiceRowView['phase']) => rows.filter(([, r]) => r.phase === p).length;
  // A startup that was stopped says how many it stopped, not only how few are ready.
  const goal = view.direction === 'down' ? m.stopped({ done: count('stopped'), all: rows.length }) : `${m.ready({ done: count('ready'), all: rows.length })}${count('stopped') ? ` · ${m.stoppedCount({ n: count('stopped') })}` : ''}`;
  const out: KnownBlock[] = [];
  let chunk: string[] = [];
  for (const [name, r] of rows) {
    const l = line(name, r, ctx.now, lang);
    if ([...chunk, l].join('\n').length > 2800) {
      out.push(section(chunk.join('\n')));
      chunk = [];
    }
    chunk.push(l);
  }
  if (chunk.length) out.push(section(chunk.join('\n')));
  out.push(context([`${goal}${count('failed') ? m.failedCount({ n: count('failed') }) : ''}${count('held') ? m.heldBack({ n: count('held') }) : ''} · ${m.runningDesired}`]));
  return out;
}
