// What people read about a DNS cutover: what was checked, the records before and after, and the way back while it lasts.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../src/clock.js';
import type { CutoverView } from '../src/ops/cutover.js';
import type { Run } from '../src/runs/run.js';
import type { RunViewContext } from './kit.js';
import { actions, section } from './kit.js';

export const CutoverActionId = { back: 'cutover.back' } as const;

export function cutoverBody(v: CutoverView, run: Run, ctx: RunViewContext): KnownBlock[] {
  const out: KnownBlock[] = [];
  if (v.note) out.push(section(v.note));
  if (v.checks?.length) {
    const ok = v.checks.filter((c) => c.ok).length;
    out.push(section(`*Checked (${ok}/${v.checks.length} passed)*\n${v.checks.map((c) => `${c.ok ? '✅' : '❌'} ${c.text}`).join('\n')}`));
  }
  if (v.before?.length) out.push(section(`*${v.back ? (v.phase === 'done' ? 'Before the switch back' : 'Now') : 'Before'}*\n${v.before.map((r) => `• ${r}`).join('\n')}`));
  if (v.after?.length) out.push(section(`*${v.back ? (v.phase === 'done' ? 'Restored' : 'Restoring') : 'After'}*\n${v.after.map((r) => `• ${r}`).join('\n')}`));
  if (v.insyncAt !== undefined) {
    out.push(section(`Route 53 INSYNC ${formatTime(v.insyncAt, ctx.timezone)}${v.effectiveAt !== undefined ? ` · fully effective by ${formatTime(v.effectiveAt, ctx.timezone)}` : ''}`));
  }
  // The way back stays on the message for switchBackDays; the handler re-checks the deadline and the stored records.
  if (v.switchedBackBy) out.push(section(`↩️ Switched back by run \`${v.switchedBackBy}\`.`));
  else if (!v.back && run.state === 'succeeded' && v.backUntil !== undefined && ctx.now < v.backUntil) {
    out.push(section(`Switch back restores the records above exactly, until ${formatTime(v.backUntil, ctx.timezone, true)}.`));
    out.push(
      actions(`cutover:${run.id}`, [
        {
          actionId: CutoverActionId.back,
          label: 'Switch back',
          value: run.id,
          style: 'danger',
          confirm: { title: 'Switch back?', text: `${v.recordName ?? 'The name'} goes back to exactly the records it had before this cutover.`, confirm: 'Switch back' },
        },
      ]),
    );
  }
  return out;
}
