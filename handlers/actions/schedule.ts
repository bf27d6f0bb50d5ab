// Skip once / Cancel on a schedule reminder.
import type { App, BlockButtonAction } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { ActionId } from '../../blocks/actions.js';
import { section } from '../../blocks/kit.js';
import { isWindowEnd, parseScheduleButton } from '../../blocks/schedule.js';
import { formatTime } from '../../src/clock.js';
import { presserAnswers } from './presser.js';
import { messages } from '../../src/i18n/index.js';
import { envLanguage } from '../../src/config/schema.js';

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(ActionId.scheduleSkip, async ({ ack, body, action, respond }) => {
    await ack();
    // Answers to the presser in their language; what replaces the reminder in the channel, in the environment's.
    // Taken before that language is known: a Skip pressed a moment before its window fires is taken before it.
    const { tell } = presserAnswers(app, deps, body.user.id, respond);
    const b = parseScheduleButton(action.value);
    if (!b) return void (await tell((l) => messages(l).replies.buttonUnreadable));
    const s = (await deps.scheduler.list()).find((x) => x.id === b.s);
    if (!s) return void (await tell((l) => messages(l).schedule.gone));
    const env = deps.config.environments[s.env];
    if (!env || !(await deps.access.canOperate(body.user.id, env.permissions))) return void (await tell((l) => messages(l).schedule.mayNotChangeRefused({ env: s.env })));
    const ok = await deps.scheduler.skipOnce(b.s, b.at, body.user.id);
    if (!ok) return void (await tell((l) => messages(l).schedule.alreadyFired));
    if (!isWindowEnd(s)) return void (await tell((l) => messages(l).schedule.skipped({ by: body.user.id })));
    // The end of a window skipped: the site stays in maintenance. The reminder says so where everyone reads it,
    // its buttons go (the decision is taken), and the one who skipped is named as the one who ends it.
    const channelLang = envLanguage(deps.config, s.env);
    const said = messages(channelLang).schedule.staysInMaintenance({ env: s.env, at: formatTime(b.at, deps.config.timezone, true, channelLang), by: body.user.id, window: s.id.split(':')[0] ?? s.id });
    await respond?.({ response_type: 'in_channel', replace_original: true, text: said, blocks: [section(said)] }).catch(() => undefined);
    await tell((l) => messages(l).schedule.yoursToEnd({ env: s.env, at: formatTime(b.at, deps.config.timezone, true, l) }));
  });

  app.action<BlockButtonAction>(ActionId.scheduleCancel, async ({ ack, body, action, respond }) => {
    await ack();
    const { tell } = presserAnswers(app, deps, body.user.id, respond);
    const b = parseScheduleButton(action.value);
    if (!b) return void (await tell((l) => messages(l).replies.buttonUnreadable));
    const s = (await deps.scheduler.list()).find((x) => x.id === b.s || x.id.startsWith(`${b.s}:`));
    if (!s) return void (await tell((l) => messages(l).schedule.goneOrFired));
    const env = deps.config.environments[s.env];
    if (!env || !(await deps.access.canOperate(body.user.id, env.permissions))) return void (await tell((l) => messages(l).schedule.mayNotChangeRefused({ env: s.env })));
    const n = await deps.scheduler.cancel(b.s, body.user.id);
    await tell((l) => (n > 0 ? messages(l).schedule.cancelledBy({ id: b.s, by: body.user.id }) : messages(l).schedule.nothingLeft));
  });
}
