// /maintenance start|end|status <env> [--dry-run]
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { envArg, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { formatTime } from '../../src/clock.js';
import { parseDateTime, parseWindowEnd } from '../../src/runs/when.js';
import { scheduleList } from '../../blocks/schedule.js';
import { replyError } from './reply.js';
import { specOf, tomorrow } from './spec.js';
import { startRun } from './start-run.js';
import { answering } from '../lang.js';
import { messages } from '../../src/i18n/index.js';
import { envLanguage } from '../../src/config/schema.js';

const spec = specOf('/maintenance');

export function register(app: App, deps: Deps): void {
  app.command('/maintenance', async ({ command, ack: ackNow, respond, client }) => {
    // Answers go to the person who typed: in their Slack locale (a first lookup answers through response_url), else the env's language.
    const { reader, ack } = await answering(deps, command, ackNow, respond);
    const { lang } = reader;
    const m = messages(lang);
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError((t) => t.replies.usage.hereIsHow, spec);
      const sub = oneOf(words[0], ['start', 'end', 'status', 'schedule', 'schedules', 'cancel'] as const, 'subcommand', spec);
      if (sub === 'cancel') {
        const id = words[1];
        if (!id || !/^w-[0-9a-z]+-[0-9a-z]+$/.test(id)) throw new UsageError((t) => t.schedule.whichWindow, spec);
        noMore(words, 2, spec);
        const s = (await deps.scheduler.list()).find((x) => x.id.startsWith(`${id}:`));
        const env = s ? deps.config.environments[s.env] : undefined;
        if (!s || !env) throw new UsageError((t) => t.schedule.noWindow({ id }), spec);
        if (!(await deps.access.canOperate(command.user_id, env.permissions))) throw new UsageError((t) => t.schedule.mayNotChange({ env: s.env }), spec);
        if (flags['dry-run']) {
          const fires = (await deps.scheduler.list()).filter((x) => x.id.startsWith(`${id}:`)).length;
          await ack({ response_type: 'ephemeral', text: m.schedule.dryCancel({ id, env: s.env, fires }) });
          return;
        }
        const n = await deps.scheduler.cancel(id, command.user_id);
        await ack({ response_type: 'ephemeral', text: m.schedule.cancelled({ id, fires: n }) });
        return;
      }
      const envName = envArg(deps.config, words[1], spec);
      if (sub === 'schedule') {
        const tz = deps.config.timezone;
        const start = parseDateTime(`${words[2] ?? ''} ${words[3] ?? ''}`, tz);
        if (start === undefined) throw new UsageError((t) => t.replies.usage.startIsADate({ timezone: tz, example: `${tomorrow(deps.clock.now(), tz)} 02:00` }), spec);
        const end = words[4] === undefined ? undefined : parseWindowEnd(words[4], start, tz);
        if (end === undefined) throw new UsageError((t) => t.replies.usage.endIsADuration, spec);
        noMore(words, 5, spec);
        const now = deps.clock.now();
        if (start <= now) throw new UsageError((t) => t.replies.usage.startInThePast({ start: formatTime(start, tz, true, lang) }), spec);
        if (end - start > 7 * 86_400_000) throw new UsageError((t) => t.replies.usage.windowTooLong, spec);
        if (!deps.config.environments[envName]!.maintenance) throw new UsageError((t) => t.replies.usage.noListeners({ env: envName }), spec);
        if (!(await deps.access.canOperate(command.user_id, deps.config.environments[envName]!.permissions))) throw new UsageError((t) => t.replies.usage.mayNotOperate({ env: envName }), spec);
        if (flags['dry-run']) {
          await ack({ response_type: 'ephemeral', text: m.schedule.drySchedule({ env: envName, start: formatTime(start, tz, true, lang), end: formatTime(end, tz, true, lang) }) });
          return;
        }
        const id = await deps.scheduler.addWindow(envName, start, end, command.user_id);
        // Said in the channel, for everyone in it: the environment's language.
        const said = messages(envLanguage(deps.config, envName)).schedule;
        const channelLang = envLanguage(deps.config, envName);
        const approval = deps.config.environments[envName]!.permissions.requireApproval;
        await ack({ response_type: 'in_channel', text: said.scheduled({ id, env: envName, start: formatTime(start, tz, true, channelLang), end: formatTime(end, tz, true, channelLang), by: command.user_id, approval }) });
        return;
      }
      noMore(words, 2, spec);
      if (sub === 'schedules') {
        await ack({ response_type: 'ephemeral', text: scheduleList(envName, await deps.scheduler.list(envName), deps.config.timezone, lang) });
        return;
      }
      const env = deps.config.environments[envName]!;
      if (!env.maintenance) throw new UsageError((t) => t.replies.usage.noListeners({ env: envName }), spec);

      if (sub === 'status') {
        await ack();
        await respond({ response_type: 'ephemeral', text: await deps.engine.status('maintenance', envName, { action: 'start' }, lang) });
        return;
      }
      if (flags['dry-run']) {
        await ack();
        const plan = await deps.engine.plan('maintenance', envName, { action: sub }, lang);
        await respond({ response_type: 'ephemeral', text: m.replies.dryRun({ command: `/maintenance ${sub} ${envName}`, calls: plan.join('\n') || m.replies.none }) });
        return;
      }
      await startRun(deps, { ack, client, command }, { kind: 'maintenance', envName, params: { action: sub }, summary: `/maintenance ${sub} ${envName}` }, lang);
    } catch (err) {
      await replyError(err, ack, deps.log, respond, reader);
    }
  });
}
