// Skip once / Cancel on a schedule reminder.
import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { ActionId } from '../../blocks/actions.js';
import { section } from '../../blocks/kit.js';
import { isWindowEnd, parseScheduleButton } from '../../blocks/schedule.js';
import { formatTime } from '../../src/clock.js';
import { tellPresser } from './presser.js';

export function register(app: App, deps: Deps): void {
  const reply = (respond: RespondFn | undefined, text: string, user: string) => tellPresser(app, deps.log, user, respond)(text);

  app.action<BlockButtonAction>(ActionId.scheduleSkip, async ({ ack, body, action, respond }) => {
    await ack();
    const b = parseScheduleButton(action.value);
    if (!b) return void (await reply(respond, '⚠️ That button carried a payload I cannot read; nothing was changed.', body.user.id));
    const s = (await deps.scheduler.list()).find((x) => x.id === b.s);
    if (!s) return void (await reply(respond, 'That schedule no longer exists.', body.user.id));
    const env = deps.config.environments[s.env];
    if (!env || !(await deps.access.canOperate(body.user.id, env.permissions))) return void (await reply(respond, `⛔ you may not change schedules of *${s.env}*`, body.user.id));
    const ok = await deps.scheduler.skipOnce(b.s, b.at, body.user.id);
    if (!ok) return void (await reply(respond, 'That fire has already happened or was changed.', body.user.id));
    if (!isWindowEnd(s)) return void (await reply(respond, `⏭ The fire at that time will be skipped (by <@${body.user.id}>).`, body.user.id));
    // The end of a window skipped: the site stays in maintenance. The reminder says so where everyone reads it,
    // its buttons go (the decision is taken), and the one who skipped is named as the one who ends it.
    const when = formatTime(b.at, deps.config.timezone, true);
    const said = `🚧 *${s.env}* stays in maintenance after ${when}: <@${body.user.id}> skipped the end of window \`${s.id.split(':')[0]}\`. <@${body.user.id}> must end it with \`/maintenance end ${s.env}\`.`;
    await respond?.({ response_type: 'in_channel', replace_original: true, text: said, blocks: [section(said)] }).catch(() => undefined);
    await reply(respond, `⏭ Done: maintenance of *${s.env}* will NOT end at ${when}. It is yours to end: \`/maintenance end ${s.env}\`.`, body.user.id);
  });

  app.action<BlockButtonAction>(ActionId.scheduleCancel, async ({ ack, body, action, respond }) => {
    await ack();
    const b = parseScheduleButton(action.value);
    if (!b) return void (await reply(respond, '⚠️ That button carried a payload I cannot read; nothing was changed.', body.user.id));
    const s = (await deps.scheduler.list()).find((x) => x.id === b.s || x.id.startsWith(`${b.s}:`));
    if (!s) return void (await reply(respond, 'That schedule no longer exists (already fired or cancelled).', body.user.id));
    const env = deps.config.environments[s.env];
    if (!env || !(await deps.access.canOperate(body.user.id, env.permissions))) return void (await reply(respond, `⛔ you may not change schedules of *${s.env}*`, body.user.id));
    const n = await deps.scheduler.cancel(b.s, body.user.id);
    await reply(respond, n > 0 ? `🗑 Cancelled \`${b.s}\` (by <@${body.user.id}>).` : 'Nothing left to cancel.', body.user.id);
  });
}
