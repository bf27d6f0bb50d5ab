// /deploy <env> <service> <image | taskdef=family:rev> [--config NAME] [--dry-run]
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { envArg, escapeText, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { replyError } from './reply.js';
import { answering } from '../lang.js';
import { messages } from '../../src/i18n/index.js';
import { specOf } from './spec.js';
import { startRun } from './start-run.js';

const spec = specOf('/deploy');
/** An OCI image reference: registry/repository[:tag][@sha256:digest]. */
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const TASKDEF = /^taskdef=([A-Za-z0-9_-]{1,255}:[0-9]+)$/;
const CONFIG = /^[A-Za-z0-9_.-]{1,100}$/;

export function register(app: App, deps: Deps): void {
  app.command('/deploy', async ({ command, ack: ackNow, respond, client }) => {
    const { reader, ack } = await answering(deps, command, ackNow, respond);
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError((m) => m.replies.usage.hereIsHow, spec);
      const envName = envArg(deps.config, words[0], spec);
      const env = deps.config.environments[envName]!;
      const targets = Object.keys(env.deploy);
      if (targets.length === 0) throw new UsageError((m) => m.replies.usage.noDeploy({ env: envName }), spec);
      const target = oneOf(words[1], targets, 'deploy target', spec);
      const what = words[2];
      if (!what) throw new UsageError((m) => m.replies.usage.whichImage, spec);
      const taskdef = TASKDEF.exec(what)?.[1];
      if (!taskdef && !IMAGE.test(what)) throw new UsageError((m) => m.replies.usage.notAnImage({ what: escapeText(what.slice(0, 60)) }), spec);
      noMore(words, 3, spec);
      const config = typeof flags.config === 'string' ? flags.config : undefined;
      if (config !== undefined && !CONFIG.test(config)) throw new UsageError((m) => m.replies.usage.configTakesName, spec);
      const cfg = env.deploy[target]!;
      if (config !== undefined && cfg.strategy !== 'codedeploy') {
        const how = (m: ReturnType<typeof messages>) => (cfg.strategy === 'ecs' ? m.replies.usage.throughEcs({ type: cfg.type }) : m.replies.usage.withTaskSets);
        throw new UsageError((m) => m.replies.usage.configIsCodeDeploy({ target, how: how(m) }), spec);
      }
      const params = { target, ...(taskdef ? { taskDefinition: taskdef } : { image: what }), ...(config ? { config } : {}) };

      if (flags['dry-run']) {
        // The plan reads AWS (the running task definition, task sets, weights): ack first, answer through response_url.
        await ack();
        const lines = await deps.engine.plan('deploy', envName, params, reader.lang);
        await respond({ response_type: 'ephemeral', text: messages(reader.lang).replies.dryRunPlan({ command: `/deploy ${escapeText(command.text.trim())}`, plan: lines.join('\n') }) });
        return;
      }
      await startRun(deps, { ack, client, command }, { kind: 'deploy', envName, params, summary: `/deploy ${command.text.trim()}` }, reader.lang);
    } catch (err) {
      await replyError(err, ack, deps.log, respond, reader);
    }
  });
}
