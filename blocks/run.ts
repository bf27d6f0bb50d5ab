// The status message of a run: one header, the operation's own body, the decision in front of people, a footer.
import type { KnownBlock } from '@slack/types';
import { formatDuration, formatTime, formatTimeNear } from '../src/clock.js';
import type { Run, RunState } from '../src/runs/run.js';
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

export const STATE_WORDS: Record<RunState, string> = {
  planned: 'Planned',
  awaiting_confirmation: 'Waiting for confirmation',
  running: 'Running',
  awaiting_approval: 'Waiting',
  succeeded: 'Done',
  failed: 'Failed',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
};

const BUTTON: Record<string, Omit<ButtonSpec, 'actionId' | 'value'>> = {
  [Intent.approve]: { label: 'Approve', style: 'primary' },
  [Intent.promote]: { label: 'Promote', style: 'primary' },
  [Intent.promoteFull]: {
    label: 'Promote to 100 %',
    confirm: { title: 'Promote to 100 %?', text: 'Every remaining step is skipped: all traffic goes to the new version now.', confirm: 'Promote to 100 %' },
  },
  [Intent.finish]: { label: 'Finish now', style: 'primary' },
  [Intent.retry]: { label: 'Retry', style: 'primary' },
  [Intent.pause]: { label: 'Pause' },
  stop: { label: 'Stop', confirm: { title: 'Stop?', text: 'The services this run started go back to 0 tasks, dependents first.', confirm: 'Stop them' } },
  [Intent.cancel]: { label: 'Cancel' },
  [Intent.rollback]: {
    label: 'Rollback',
    style: 'danger',
    confirm: { title: 'Roll back?', text: 'All traffic goes back to the previous version at once.', confirm: 'Roll back' },
  },
};


export function runStatus(run: Run, ctx: RunViewContext): { text: string; blocks: KnownBlock[] } {
  const emoji = STATE_EMOJI[run.state];
  const blocks: KnownBlock[] = [header(`${emoji} ${ctx.title}`)];
  blocks.push(...(ctx.body?.(run, ctx) ?? []));

  const buttons: ButtonSpec[] = [];
  if (run.pause) {
    const deadline = run.pause.deadline ? ` · deadline ${formatTimeNear(run.pause.deadline, ctx.timezone, ctx.now)}` : '';
    blocks.push(section(`⏸ *${run.pause.reason}* since ${formatTime(run.pause.since, ctx.timezone)}${deadline}`));
    for (const intent of run.pause.intents) buttons.push({ ...(BUTTON[intent] ?? { label: intent }), actionId: runActionId(intent), value: runButtonValue(run.id, run.pause.nonce) });
  }
  for (const intent of ctx.anytime) {
    if (run.pause?.intents.includes(intent)) continue;
    buttons.push({ ...(BUTTON[intent] ?? { label: intent }), actionId: runActionId(intent), value: runButtonValue(run.id, `anytime:${run.version}`) });
  }
  if (run.state === 'failed') {
    blocks.push(section(`❌ *${run.error ?? 'failed'}*`));
    buttons.push({ ...BUTTON[Intent.retry]!, actionId: runActionId(Intent.retry), value: runButtonValue(run.id, `failed-${run.version}`) });
  }
  if (buttons.length > 0) blocks.push(actions(`run:${run.id}`, buttons));
  // Who approved is part of the run's record on its message, not only a reply in the thread (OpContext.approved).
  const approvedBy = ApprovedSchema.safeParse(run.view).data?.approvedBy;
  if (approvedBy) blocks.push(context([`Approved by <@${approvedBy}>`]));

  const end = run.endedAt ?? ctx.now;
  blocks.push(
    context([
      `${STATE_WORDS[run.state]} · requested by <@${run.requestedBy}> · started ${formatTime(run.createdAt, ctx.timezone)} · ${formatDuration(end - run.createdAt)} · run \`${run.id}\``,
    ]),
  );
  return { text: `${emoji} ${ctx.title} — ${STATE_WORDS[run.state]}`, blocks };
}
