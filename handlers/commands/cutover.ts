// /cutover <env> <name> [--dry-run]
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { envArg, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { replyError } from './reply.js';
import { answering } from '../lang.js';
import { messages, sayError } from '../../src/i18n/index.js';
import { specOf } from './spec.js';
import { startRun } from './start-run.js';

const spec = specOf('/cutover');

export function register(app: App, deps: Deps): void {
  app.command('/cutover', async ({ command, ack: ackNow, respond, client }) => {
    const { reader, ack } = await answering(deps, command, ackNow, respond);
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError((m) => m.replies.usage.hereIsHow, spec);
      const envName = envArg(deps.config, words[0], spec);
      const names = Object.keys(deps.config.environments[envName]!.cutover);
      if (names.length === 0) throw new UsageError((m) => m.replies.usage.noCutover({ env: envName }), spec);
      const name = oneOf(words[1], names, 'cutover name', spec);
      noMore(words, 2, spec);
      if (flags['dry-run']) {
        await ack();
        let text: string;
        try {
          text = (await deps.engine.plan('cutover', envName, { name }, reader.lang)).join('\n');
        } catch (e) {
          text = `⚠️ ${sayError(e, reader.lang)}`;
        }
        await respond({ response_type: 'ephemeral', text: messages(reader.lang).replies.dryRunChecks({ command: `/cutover ${envName} ${name}`, plan: text }) });
        return;
      }
      await startRun(deps, { ack, client, command }, { kind: 'cutover', envName, params: { name }, summary: `/cutover ${envName} ${name}` }, reader.lang);
    } catch (err) {
      await replyError(err, ack, deps.log, respond, reader);
    }
  });
}
