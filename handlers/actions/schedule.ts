// Skip once / Cancel on a schedule reminder.
import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { ActionId } from '../../blocks/actions.js';
import { section } from '../../blocks/kit.js';
import { isWindowEnd, parseScheduleButton } from '../../blocks/schedule.js';
import { formatTime } from '../../src/clock.js';
import { tellPresser } from './presser.js';
import { messages } from '../../src/i18n/index.js';
import { envLanguage } from '../../src/config/schema.js';
import { personLang } from '../lang.js';

export function register(app: App, deps: Deps): void {
  const reply = (respond: RespondFn | undefined, text: string, user: string) => tellPresser(app, deps.log, user, respond)(text);

  app.action<BlockButtonAction>(ActionId.scheduleSkip, async ({ ack, body, action, respond }) => {
    await ack();
    // Answers to the presser in their language; what replaces the reminder in the channel, in the environment's.
    const lang = await personLang(deps, body.user.id, { text: '' }, 2000);
    const m = messages(lang).schedule;
    const b = parseScheduleButton(action.value);
    if (!b) return void (await reply(respond, messages(lang).replies.buttonUnreadable, body.user.id));
    const s = (await deps.scheduler.list()).find((x) => x.id === b.s);
    if (!s) return void (await reply(respond, m.gone, body.user.id));
    const env = deps.config.environments[s.env];
    if (!env || !(await deps.access.canOperate(body.user.id, env.permissions))) return void (await reply(respond, m.mayNotChangeRefused({ env: s.env }), body.user.id));
    const ok = await deps.scheduler.skipOnce(b.s, b.at, body.user.id);
    if (!ok) return void (await reply(respond, m.alreadyFired, body.user.id));
    if (!isWindowEnd(s)) return void (await reply(respond, m.skipped({ by: body.user.id }), body.user.id));
    // The end of a window skipped: the site stays in maintenance. The reminder says so where everyone reads it,
    // its buttons go (the decision is taken), and the one who skipped is named as the one who ends it.
    const channelLang = envLanguage(deps.config, s.env);
    const said = messages(channelLang).schedule.staysInMaintenance({ env: s.env, at: formatTime(b.at, deps.config.timezone, true, channelLang), by: body.user.id, window: s.id.split(':')[0] ?? s.id });
    await respond?.({ response_type: 'in_channel', replace_original: true, text: said, blocks: [section(said)] }).catch(() => undefined);
    await reply(respond, m.yoursToEnd({ env: s.env, at: formatTime(b.at, deps.config.timezone, true, lang) }), body.user.id);
  });

  app.action<BlockButtonAction>(ActionId.scheduleCancel, async ({ ack, body, action, respond }) => {
    await ack();
    const lang = await personLang(deps, body.user.id, { text: '' }, 2000);
    const m = messages(lang).schedule;
    const b = parseScheduleButton(action.value);
    if (!b) return void (await reply(respond, messages(lang).replies.buttonUnreadable, body.user.id));
    const s = (await deps.scheduler.list()).find((x) => x.id === b.s || x.id.startsWith(`${b.s}:`));
    if (!s) return void (await reply(respond, m.goneOrFired, body.user.id));
    const env = deps.config.environments[s.env];
    if (!env || !(await deps.access.canOperate(body.user.id, env.permissions))) return void (await reply(respond, m.mayNotChangeRefused({ env: s.env }), body.user.id));
    const n = await deps.scheduler.cancel(b.s, body.user.id);
    await reply(respond, n > 0 ? m.cancelledBy({ id: b.s, by: body.user.id }) : m.nothingLeft, body.user.id);
  });
}
