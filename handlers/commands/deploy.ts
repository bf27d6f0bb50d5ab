// /deploy <env> <service> <image | taskdef=family:rev> [--config NAME] [--dry-run]
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { envArg, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { notAvailableYet } from './not-yet.js';
import { replyError } from './reply.js';
import { specOf } from './spec.js';

const spec = specOf('/deploy');
/** An OCI image reference: registry/repository[:tag][@sha256:digest]. */
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const TASKDEF = /^taskdef=[A-Za-z0-9_-]{1,255}:[0-9]+$/;

export function register(app: App, deps: Deps): void {
  app.command('/deploy', async ({ command, ack }) => {
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError('here is how to use it', spec);
      const envName = envArg(deps.config, words[0], spec);
      const services = Object.keys(deps.config.environments[envName]!.deploy);
      if (services.length === 0) throw new UsageError(`*${envName}* has no \`deploy\` targets in ops.yml`, spec);
      oneOf(words[1], services, 'deploy target', spec);
      const what = words[2];
      if (!what) throw new UsageError('which image? e.g. `111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v2` or `taskdef=payment:42`', spec);
      if (!TASKDEF.test(what) && !IMAGE.test(what)) throw new UsageError(`\`${what.slice(0, 60)}\` is neither an image reference (registry/repo:tag) nor \`taskdef=family:revision\``, spec);
      noMore(words, 3, spec);
      await notAvailableYet(ack, `/deploy ${command.text.trim()}`);
    } catch (err) {
      await replyError(err, ack, deps.log);
    }
  });
}
