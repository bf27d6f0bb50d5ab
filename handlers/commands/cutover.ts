// /cutover <env> <name> [--dry-run]
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { envArg, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { notAvailableYet } from './not-yet.js';
import { replyError } from './reply.js';
import { specOf } from './spec.js';

const spec = specOf('/cutover');

export function register(app: App, deps: Deps): void {
  app.command('/cutover', async ({ command, ack }) => {
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError('here is how to use it', spec);
      const envName = envArg(deps.config, words[0], spec);
      const names = Object.keys(deps.config.environments[envName]!.cutover);
      if (names.length === 0) throw new UsageError(`*${envName}* has no \`cutover\` records in ops.yml`, spec);
      oneOf(words[1], names, 'cutover name', spec);
      noMore(words, 2, spec);
      await notAvailableYet(ack, `/cutover ${command.text.trim()}`);
    } catch (err) {
      await replyError(err, ack, deps.log);
    }
  });
}
