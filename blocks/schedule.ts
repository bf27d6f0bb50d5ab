// Messages about schedules: the reminder before a fire (Skip once / Cancel) and the list of what is planned.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../src/clock.js';
import type { Schedule } from '../src/runs/scheduler.js';
import { z } from 'zod';
import { ActionId } from './actions.js';
import { actions, context, section } from './kit.js';

export const ScheduleButtonSchema = z.object({ s: z.string().regex(/^(cfg:[a-z0-9-]+:[a-z]+|w-[0-9a-z]+-[0-9a-z]+(:start|:end)?)$/), at: z.number().int().positive() }).strict();
export type ScheduleButton = z.infer<typeof ScheduleButtonSchema>;

export function parseScheduleButton(value: string | undefined): ScheduleButton | undefined {
  try {
    const r = ScheduleButtonSchema.safeParse(JSON.parse(value ?? ''));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export function describeSchedule(s: Schedule): string {
  const what = s.kind === 'maintenance' ? `maintenance ${String(s.params.action)}` : s.kind;
  return s.type === 'cron' ? `${what} (\`${s.spec}\`, from ops.yml)` : what;
}

/** Skipping the end of a maintenance window leaves the site in maintenance: that is never a silent click. */
export const isWindowEnd = (s: Pick<Schedule, 'kind' | 'params'>): boolean => s.kind === 'maintenance' && s.params.action === 'end';

export function scheduleReminder(s: Schedule, at: number, timezone: string): { text: string; blocks: KnownBlock[] } {
  const windowId = s.id.startsWith('w-') ? s.id.split(':')[0]! : s.id;
  const value = JSON.stringify({ s: s.id, at } satisfies ScheduleButton);
  const text = `⏰ *${s.env}*: ${describeSchedule(s)} at ${formatTime(at, timezone, true)}`;
  const when = formatTime(at, timezone, true);
  return {
    text,
    blocks: [
      section(text),
      actions(`schedule:${s.id}:${at}`, [
        isWindowEnd(s)
          ? {
              actionId: ActionId.scheduleSkip,
              label: 'Skip the end (stay in maintenance)',
              value,
              style: 'danger',
              confirm: {
                title: 'Stay in maintenance?',
                text: `*${s.env}* will NOT come out of maintenance at ${when}. It stays in maintenance until someone ends it — you, by pressing this, with \`/maintenance end ${s.env}\`.`,
                confirm: 'Stay in maintenance',
                deny: 'Keep the end',
              },
            }
          : { actionId: ActionId.scheduleSkip, label: 'Skip once', value },
        { actionId: ActionId.scheduleCancel, label: s.type === 'cron' ? 'Cancel (until the config changes)' : 'Cancel window', value: JSON.stringify({ s: windowId, at } satisfies ScheduleButton), style: 'danger', confirm: { title: 'Cancel?', text: 'The schedule will not fire.', confirm: 'Cancel it' } },
      ]),
      context([`Scheduled by ${s.createdBy === 'ops.yml' ? 'ops.yml' : `<@${s.createdBy}>`} · \`${s.id}\``]),
    ],
  };
}

export function scheduleList(env: string, list: Schedule[], timezone: string): string {
  if (list.length === 0) return `Nothing scheduled in *${env}*.`;
  return [`*Scheduled in ${env}*`, ...list.map((s) => `• ${formatTime(s.nextAt ?? 0, timezone, true)} — ${describeSchedule(s)}${s.skipAt === s.nextAt ? ' (skipped once)' : ''} · \`${s.id}\``)].join('\n');
}
