// /ops: help, live status, recent runs and the audit log.
import type { App } from '@slack/bolt';
import { formatTime } from '../../src/clock.js';
import type { Deps } from '../../src/deps.js';
import { readEnvironmentStatus } from '../../src/ops/status.js';
import { toRun } from '../../src/runs/run.js';
import { environmentStatusView, statusFile, statusFileName } from '../../blocks/status.js';
import { auditSentence, runLine } from '../../blocks/history.js';
import { envArg, noMore, oneOf, tokenize } from '../args.js';
import { helpText, specOf } from './spec.js';
import { replyError } from './reply.js';
import { answering } from '../lang.js';
import { messages } from '../../src/i18n/index.js';

const spec = specOf('/ops');

export function register(app: App, deps: Deps): void {
  app.command('/ops', async ({ command, ack: ackNow, respond, client }) => {
    const { reader, ack } = await answering(deps, command, ackNow, respond);
    const { lang } = reader;
    try {
      const { words } = tokenize(command.text, spec);
      const sub = words.length === 0 ? 'help' : oneOf(words[0], ['help', 'status', 'runs', 'audit'] as const, 'subcommand', spec);
      if (sub === 'help') {
        noMore(words, 1, spec);
        await ack({ response_type: 'ephemeral', text: [messages(lang).help.intro, ...deps.commands.map((s) => helpText(s, reader))].join('\n\n') });
        return;
      }
      if (sub === 'status') {
        const envName = envArg(deps.config, words[1], spec);
        noMore(words, 2, spec);
        await ack();
        const env = deps.config.environments[envName]!;
        const st = await readEnvironmentStatus(envName, env, deps.status(envName));
        const readAt = formatTime(deps.clock.now(), deps.config.timezone, false, lang);
        const { blocks, servicesLeft } = environmentStatusView(envName, st, readAt, lang);
        await respond({ response_type: 'ephemeral', text: messages(lang).status.liveStatus({ env: envName }), blocks });
        if (servicesLeft > 0) {
          // More services than one message can show: the whole list, worst first, as a text file in this channel.
          try {
            await client.filesUploadV2({ channel_id: command.channel_id, file: Buffer.from(statusFile(envName, st, readAt, lang)), filename: statusFileName(envName), title: messages(lang).status.fileUploadTitle({ env: envName, n: st.services.length }) });
          } catch (err) {
            deps.log.warn({ env: envName, err: err instanceof Error ? err.message : String(err) }, 'could not post the full /ops status list');
            await respond({ response_type: 'ephemeral', replace_original: false, text: messages(lang).status.couldNotPostFile({ n: st.services.length }) });
          }
        }
        return;
      }
      const envName = words[1] ? envArg(deps.config, words[1], spec) : undefined;
      noMore(words, 2, spec);
      if (sub === 'runs') {
        const rows = await deps.store.listRuns({ ...(envName ? { env: envName } : {}), limit: 15 });
        const lines = rows.map(toRun).map((r) => runLine(r, deps.config.timezone, lang));
        const h = messages(lang).history;
        await ack({ response_type: 'ephemeral', text: lines.length ? `${h.latestRuns}\n${lines.join('\n')}` : h.noRuns });
        return;
      }
      const rows = await deps.store.listAudit({ ...(envName ? { env: envName } : {}), limit: 20 });
      const lines = rows.map((a) => auditSentence(a, deps.config.timezone, lang).slice(0, 400));
      const h = messages(lang).history;
      await ack({ response_type: 'ephemeral', text: lines.length ? `${h.auditLog({ env: envName ?? '' })}\n${lines.join('\n')}` : h.auditEmpty });
    } catch (err) {
      await replyError(err, ack, deps.log, undefined, reader);
    }
  });
}
