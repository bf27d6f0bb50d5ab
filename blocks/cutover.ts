// What people read about a DNS cutover: what was checked, the records before and after, and the way back while it lasts.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../src/clock.js';
import type { CutoverView } from '../src/ops/cutover.js';
import type { Run } from '../src/runs/run.js';
import type { RunViewContext } from './kit.js';
import { actions, section } from './kit.js';
import { messages } from '../src/i18n/index.js';

export const CutoverActionId = { back: 'cutover.back' } as const;

export function cutoverBody(v: CutoverView, run: Run, ctx: RunViewContext): KnownBlock[] {
  const lang = ctx.lang ?? 'en';
  const m = messages(lang).cutover;
  const out: KnownBlock[] = [];
  if (v.note) out.push(section(v.note));
  if (v.checks?.length) {
    const ok = v.checks.filter((c) => c.ok).length;
    out.push(section(`${m.checked({ ok, all: v.checks.length })}\n${v.checks.map((c) => `${c.ok ? '✅' : '❌'} ${c.text}`).join('\n')}`));
  }
  if (v.before?.length) out.push(section(`*${v.back ? (v.phase === 'done' ? m.beforeSwitchBack : m.now) : m.before}*\n${v.before.map((r) => `• ${r}`).join('\n')}`));
  if (v.after?.length) out.push(section(`*${v.back ? (v.phase === 'done' ? m.restored : m.restoring) : m.after}*\n${v.after.map((r) => `• ${r}`).join('\n')}`));
  if (v.insyncAt !== undefined) {
    out.push(section(m.insync({ at: formatTime(v.insyncAt, ctx.timezone, false, lang), ...(v.effectiveAt !== undefined ? { effective: formatTime(v.effectiveAt, ctx.timezone, false, lang) } : {}) })));
  }
  // The way back stays on the message for switchBackDays; the handler re-checks the deadline and the stored records.
  if (v.switchedBackBy) out.push(section(m.switchedBackBy({ runId: v.switchedBackBy })));
  else if (!v.back && run.state === 'succeeded' && v.backUntil !== undefined && ctx.now < v.backUntil) {
    out.push(section(m.backUntil({ until: formatTime(v.backUntil, ctx.timezone, true, lang) })));
    out.push(
      actions(`cutover:${run.id}`, [
        {
          actionId: CutoverActionId.back,
          label: m.switchBack,
          value: run.id,
          style: 'danger',
          confirm: { title: m.switchBackTitle, text: m.switchBackText({ name: v.recordName ?? m.theName }), confirm: m.switchBack, deny: messages(lang).run.confirm.deny },
        },
      ]),
    );
  }
  return out;
}
