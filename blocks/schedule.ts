// Messages about schedules: the reminder before a fire (Skip once / Cancel) and the list of what is planned.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../src/clock.js';
import type { Schedule } from '../src/runs/scheduler.js';
import { z } from 'zod';
import { ActionId } from './actions.js';
import { actions, context, section } from './kit.js';
import { messages, type Lang } from '../src/i18n/index.js';

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

export function describeSchedule(s: Schedule, lang: Lang = 'en'): string {
  const m = messages(lang).schedule;
  const what = s.kind === 'maintenance' ? m.maintenanceAction({ action: String(s.params.action) }) : s.kind;
  return s.type === 'cron' ? m.fromOpsYml({ what, spec: s.spec }) : what;
}

/** Skipping the end of a maintenance window leaves the site in maintenance: that is never a silent click. */
export const isWindowEnd = (s: Pick<Schedule, 'kind' | 'params'>): boolean => s.kind === 'maintenance' && s.params.action === 'end';

/** The reminder is posted in the environment's channel: in the environment's language. */
export function scheduleReminder(s: Schedule, at: number, timezone: string, lang: Lang = 'en'): { text: string; blocks: KnownBlock[] } {
  const m = messages(lang).schedule;
  const windowId = s.id.startsWith('w-') ? s.id.split(':')[0]! : s.id;
  const value = JSON.stringify({ s: s.id, at } satisfies ScheduleButton);
  const when = formatTime(at, timezone, true, lang);
  const text = m.reminder({ env: s.env, what: describeSchedule(s, lang), at: when });
  return {
    text,
    blocks: [
      section(text),
      actions(`schedule:${s.id}:${at}`, [
        isWindowEnd(s)
          ? {
              actionId: ActionId.scheduleSkip,
              label: m.skipEnd,
              value,
              style: 'danger',
              confirm: { title: m.stayTitle, text: m.stayText({ env: s.env, at: when }), confirm: m.stayConfirm, deny: m.keepEnd },
            }
          : { actionId: ActionId.scheduleSkip, label: m.skipOnce, value },
        {
          actionId: ActionId.scheduleCancel,
          label: s.type === 'cron' ? m.cancelCron : m.cancelWindow,
          value: JSON.stringify({ s: windowId, at } satisfies ScheduleButton),
          style: 'danger',
          confirm: { title: m.cancelTitle, text: m.cancelText, confirm: m.cancelConfirm, deny: m.deny },
        },
      ]),
      context([m.scheduledBy({ by: s.createdBy === 'ops.yml' ? 'ops.yml' : `<@${s.createdBy}>`, id: s.id })]),
    ],
  };
}

/** `/maintenance schedules`: for the person who asked, in their language. */
export function scheduleList(env: string, list: Schedule[], timezone: string, lang: Lang = 'en'): string {
  const m = messages(lang).schedule;
  if (list.length === 0) return m.nothing({ env });
  return [m.listTitle({ env }), ...list.map((s) => `• ${formatTime(s.nextAt ?? 0, timezone, true, lang)} — ${describeSchedule(s, lang)}${s.skipAt === s.nextAt ? m.skippedOnce : ''} · \`${s.id}\``)].join('\n');
}
