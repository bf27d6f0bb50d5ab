// The status message of a run: one header, the operation's own body, the decision in front of people, a footer.
import type { KnownBlock } from '@slack/types';
import { formatDuration, formatTime, formatTimeNear } from '../src/clock.js';
import type { Run, RunState } from '../src/runs/run.js';
import { messages, type Lang } from '../src/i18n/index.js';
import { actions, context, header, section, type ButtonSpec, type RunViewContext } from './kit.js';

export type { Body, RunViewContext } from './kit.js';
import { Intent, runActionId, runButtonValue } from './actions.js';
import { z } from 'zod';

/** The engine's own mark on any run's view: who approved it (src/runs/engine.ts `approved`). */
const ApprovedSchema = z.object({ approvedBy: z.string().regex(/^[UW][A-Z0-9]+$/) }).partial();

export const STATE_EMOJI: Record<RunState, string> = {
  planned: '🗒',
  awaiting_confirmation: '❔',
  running: '⏳',
  awaiting_approval: '⏸',
  succeeded: '✅',
  failed: '❌',
  rolled_back: '↩️',
  cancelled: '⏹',
};

/** The state in words, English (other modules' sentences and tests use it); `messages(lang).run.state` in another language. */
export const STATE_WORDS: Record<RunState, string> = messages('en').run.state;

/** The run buttons in the message's language; an intent no catalog names shows as itself. */
function runButton(intent: string, lang: Lang): Omit<ButtonSpec, 'actionId' | 'value'> {
  const m = messages(lang).run;
  const deny = m.confirm.deny;
  switch (intent) {
    case Intent.approve:
      return { label: m.button.approve, style: 'primary' };
    case Intent.promote:
      return { label: m.button.promote, style: 'primary' };
    case Intent.promoteFull:
      return { label: m.button.promoteFull, confirm: { title: m.confirm.promoteFullTitle, text: m.confirm.promoteFullText, confirm: m.button.promoteFull, deny } };
    case Intent.finish:
      return { label: m.button.finish, style: 'primary' };
    case Intent.retry:
      return { label: m.button.retry, style: 'primary' };
    case Intent.pause:
      return { label: m.button.pause };
    case Intent.cancel:
      return { label: m.button.cancel };
    case Intent.skip:
      return { label: m.button.skip };
    case 'stop':
      return { label: m.button.stop, confirm: { title: m.confirm.stopTitle, text: m.confirm.stopText, confirm: m.confirm.stopConfirm, deny } };
    case Intent.rollback:
      return { label: m.button.rollback, style: 'danger', confirm: { title: m.confirm.rollbackTitle, text: m.confirm.rollbackText, confirm: m.confirm.rollbackConfirm, deny } };
    default:
      return { label: intent };
  }
}

export function runStatus(run: Run, ctx: RunViewContext): { text: string; blocks: KnownBlock[] } {
  const emoji = STATE_EMOJI[run.state];
  const blocks: KnownBlock[] = [header(`${emoji} ${ctx.title}`)];
  blocks.push(...(ctx.body?.(run, ctx) ?? []));

  const lang = ctx.lang ?? 'en';
  const m = messages(lang).run;
  const buttons: ButtonSpec[] = [];
  if (run.pause) {
    const deadline = run.pause.deadline ? formatTimeNear(run.pause.deadline, ctx.timezone, ctx.now, lang) : undefined;
    blocks.push(section(m.paused({ reason: run.pause.reason, since: formatTime(run.pause.since, ctx.timezone, false, lang), ...(deadline ? { deadline } : {}) })));
    for (const intent of run.pause.intents) buttons.push({ ...runButton(intent, lang), actionId: runActionId(intent), value: runButtonValue(run.id, run.pause.nonce) });
  }
  for (const intent of ctx.anytime) {
    if (run.pause?.intents.includes(intent)) continue;
    buttons.push({ ...runButton(intent, lang), actionId: runActionId(intent), value: runButtonValue(run.id, `anytime:${run.version}`) });
  }
  if (run.state === 'failed') {
    blocks.push(section(`❌ *${run.error ?? m.failed}*`));
    buttons.push({ ...runButton(Intent.retry, lang), actionId: runActionId(Intent.retry), value: runButtonValue(run.id, `failed-${run.version}`) });
  }
  if (buttons.length > 0) blocks.push(actions(`run:${run.id}`, buttons));
  // Who approved is part of the run's record on its message, not only a reply in the thread (OpContext.approved).
  const approvedBy = ApprovedSchema.safeParse(run.view).data?.approvedBy;
  if (approvedBy) blocks.push(context([m.approvedByContext({ by: approvedBy })]));

  const end = run.endedAt ?? ctx.now;
  blocks.push(
    context([
      m.footer({ state: m.state[run.state], by: run.requestedBy, started: formatTime(run.createdAt, ctx.timezone, false, lang), took: formatDuration(end - run.createdAt, lang), runId: run.id }),
    ]),
  );
  return { text: `${emoji} ${ctx.title} — ${m.state[run.state]}`, blocks };
}
