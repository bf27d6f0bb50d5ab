// Skip once / Cancel on a schedule reminder.
import type { App, BlockButtonAction } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { ActionId } from '../../blocks/actions.js';
import { parseScheduleButton } from '../../blocks/schedule.js';

export function register(app: App, deps: Deps): void {
  const reply = (respond: (m: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown>, text: string) =>
    respond({ response_type: 'ephemeral', replace_original: false, text });

  app.action<BlockButtonAction>(ActionId.scheduleSkip, async ({ ack, body, action, respond }) => {
    await ack();
    const b = parseScheduleButton(action.value);
    if (!b) return void (await reply(respond, '⚠️ That button carried a payload I cannot read; nothing was changed.'));
    const s = (await deps.scheduler.list()).find((x) => x.id === b.s);
    if (!s) return void (await reply(respond, 'That schedule no longer exists.'));
    const env = deps.config.environments[s.env];
    if (!env || !(await deps.access.canOperate(body.user.id, env.permissions))) return void (await reply(respond, `⛔ you may not change schedules of *${s.env}*`));
    const ok = await deps.scheduler.skipOnce(b.s, b.at, body.user.id);
    await reply(respond, ok ? `⏭ The fire at that time will be skipped (by <@${body.user.id}>).` : 'That fire has already happened or was changed.');
  });

  app.action<BlockButtonAction>(ActionId.scheduleCancel, async ({ ack, body, action, respond }) => {
    await ack();
    const b = parseScheduleButton(action.value);
    if (!b) return void (await reply(respond, '⚠️ That button carried a payload I cannot read; nothing was changed.'));
    const s = (await deps.scheduler.list()).find((x) => x.id === b.s || x.id.startsWith(`${b.s}:`));
    if (!s) return void (await reply(respond, 'That schedule no longer exists (already fired or cancelled).'));
    const env = deps.config.environments[s.env];
    if (!env || !(await deps.access.canOperate(body.user.id, env.permissions))) return void (await reply(respond, `⛔ you may not change schedules of *${s.env}*`));
    const n = await deps.scheduler.cancel(b.s, body.user.id);
    await reply(respond, n > 0 ? `🗑 Cancelled \`${b.s}\` (by <@${body.user.id}>).` : 'Nothing left to cancel.');
  });
}
