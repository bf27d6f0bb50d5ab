// /startup and /shutdown <env> [service …] [--dry-run]: one parser for both directions of ordered startup.
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { envArg, escapeText, tokenize, UsageError } from '../args.js';
import { replyError } from './reply.js';
import { answering } from '../lang.js';
import { messages } from '../../src/i18n/index.js';
import { specOf } from './spec.js';
import { startRun } from './start-run.js';
import { namesText } from '../../src/ops/startup-waves.js';

const DIRECTIONS = [
  { command: '/startup', kind: 'startup' },
  { command: '/shutdown', kind: 'shutdown' },
] as const;

export function register(app: App, deps: Deps): void {
  for (const d of DIRECTIONS) {
    const spec = specOf(d.command);
    app.command(d.command, async ({ command, ack: ackNow, client, respond }) => {
      const { reader, ack } = await answering(deps, command, ackNow, respond);
      try {
        const { words, flags } = tokenize(command.text, spec);
        if (words[0] === 'help' || flags.help) throw new UsageError((m) => m.replies.usage.hereIsHow, spec);
        const envName = envArg(deps.config, words[0], spec);
        const env = deps.config.environments[envName]!;
        const known = Object.keys(env.services);
        if (known.length === 0) throw new UsageError((m) => m.replies.usage.noServices({ env: envName }), spec);
        const requested = [...new Set(words.slice(1))];
        const unknown = requested.filter((w) => !known.includes(w));
        if (unknown.length > 0) throw new UsageError((m) => m.replies.usage.unknownServices({ names: unknown.map((u) => `\`${escapeText(u.slice(0, 40))}\``).join(', '), env: envName, known: namesText(known) }), spec);
        const summary = `${d.command} ${command.text.trim()}`;
        const params = requested.length ? { services: requested } : {};
        if (flags['dry-run']) {
          // The plan is the dependency order from ops.yml: no AWS read, so it fits in the ack.
          const lines = await deps.engine.plan(d.kind, envName, params, reader.lang);
          await ack({ response_type: 'ephemeral', text: messages(reader.lang).replies.dryRunPlan({ command: escapeText(summary.slice(0, 200)), plan: lines.join('\n') }) });
          return;
        }
        await startRun(deps, { ack, client, command }, { kind: d.kind, envName, params, summary }, reader.lang);
      } catch (err) {
        await replyError(err, ack, deps.log, respond, reader);
      }
    });
  }
}
