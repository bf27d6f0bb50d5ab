// /scale <env> <service> <count> [--dry-run]: parse, then the engine (request, or plan for a dry run). Nothing else.
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { MAX_SCALE } from '../../src/ops/scale.js';
import { envArg, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { replyError } from './reply.js';
import { answering } from '../lang.js';
import { messages } from '../../src/i18n/index.js';
import type { CommandSpec } from './spec.js';
import { startRun } from './start-run.js';

const spec: CommandSpec = {
  command: '/scale',
  description: 'Set how many tasks one ECS service runs, and watch them get there',
  usageHint: '<env> <service> <count> [--dry-run]',
  forms: ['/scale <env> <service> <count> [--dry-run]'],
  examples: ['/scale prod api 6', '/scale dev service-b 0 --dry-run'],
};
export const specs = [spec];

export function register(app: App, deps: Deps): void {
  app.command(spec.command, async ({ command, ack: ackNow, respond, client }) => {
    const { reader, ack } = await answering(deps, command, ackNow, respond);
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError((m) => m.replies.usage.hereIsHow, spec);
      const envName = envArg(deps.config, words[0], spec);
      const known = Object.keys(deps.config.environments[envName]!.services);
      if (known.length === 0) throw new UsageError((m) => m.replies.usage.noServices({ env: envName }), spec);
      const service = oneOf(words[1], known, 'service', spec);
      if (words[2] === undefined || !/^\d{1,4}$/.test(words[2]) || Number(words[2]) > MAX_SCALE) throw new UsageError((m) => m.replies.usage.countIsWhole({ max: MAX_SCALE, example: `/scale ${envName} ${service} 4` }), spec);
      noMore(words, 3, spec);
      const params = { service, count: Number(words[2]) };
      const summary = `/scale ${envName} ${service} ${params.count}`;
      if (flags['dry-run']) {
        await ack();
        const lines = await deps.engine.plan('scale', envName, params, reader.lang).catch((e: unknown) => [`⚠️ ${e instanceof Error ? e.message : String(e)}`]);
        await respond({ response_type: 'ephemeral', text: messages(reader.lang).replies.dryRun({ command: summary, calls: lines.join('\n') }) });
        return;
      }
      await startRun(deps, { ack, client, command }, { kind: 'scale', envName, params, summary }, reader.lang);
    } catch (err) {
      await replyError(err, ack, deps.log, respond, reader);
    }
  });
}
