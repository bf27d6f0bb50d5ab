// /canary <env> <target> start [steps] | promote | pause | rollback | set <pct> | status
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { envArg, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { notAvailableYet } from './not-yet.js';
import { replyError } from './reply.js';
import { specOf } from './spec.js';

const spec = specOf('/canary');

export function register(app: App, deps: Deps): void {
  app.command('/canary', async ({ command, ack }) => {
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError('here is how to use it', spec);
      const envName = envArg(deps.config, words[0], spec);
      const targets = Object.keys(deps.config.environments[envName]!.canary);
      if (targets.length === 0) throw new UsageError(`*${envName}* has no \`canary\` targets in ops.yml`, spec);
      oneOf(words[1], targets, 'canary target', spec);
      const sub = oneOf(words[2], ['start', 'promote', 'pause', 'rollback', 'set', 'status'] as const, 'subcommand', spec);
      if (sub === 'start' && words[3] !== undefined) {
        const steps = words[3].split(',').map(Number);
        if (steps.some((s) => !Number.isInteger(s) || s < 1 || s > 100) || steps.some((s, i) => i > 0 && s <= steps[i - 1]!) || steps[steps.length - 1] !== 100) {
          throw new UsageError('steps are rising whole percentages ending at 100, comma-separated, e.g. `10,50,100`', spec);
        }
        noMore(words, 4, spec);
      } else if (sub === 'set') {
        const pct = Number(words[3]);
        if (!Number.isInteger(pct) || pct < 0 || pct > 100) throw new UsageError('`set` takes green\'s share as a whole percentage 0–100, e.g. `set 25`', spec);
        noMore(words, 4, spec);
      } else noMore(words, 3, spec);
      await notAvailableYet(ack, `/canary ${command.text.trim()}`);
    } catch (err) {
      await replyError(err, ack, deps.log);
    }
  });
}
