// The confirmation modal's submit: the typed environment name must match, then the run is requested.
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { CONFIRM_CALLBACK, ConfirmMetadataSchema } from '../../blocks/confirm.js';
import { escapeText } from '../args.js';

export function register(app: App, deps: Deps): void {
  app.view(CONFIRM_CALLBACK, async ({ ack, body, view, client }) => {
    let meta;
    try {
      meta = ConfirmMetadataSchema.parse(JSON.parse(view.private_metadata));
    } catch {
      await ack({ response_action: 'errors', errors: { confirm: 'This form is damaged; close it and type the command again.' } });
      return;
    }
    const typed = view.state.values.confirm?.env?.value?.trim();
    if (typed !== meta.envName) {
      await ack({ response_action: 'errors', errors: { confirm: `Type ${meta.envName} exactly to confirm.` } });
      return;
    }
    const answer = await deps.engine.request({ kind: meta.kind, envName: meta.envName, params: meta.params, by: body.user.id });
    if (!answer.accepted) {
      await ack({ response_action: 'errors', errors: { confirm: answer.reason.slice(0, 150) } });
      return;
    }
    await ack();
    deps.engine.start(answer.run.id);
    await client.chat.postEphemeral({ channel: meta.channel, user: body.user.id, text: `▶️ \`${escapeText(meta.summary)}\` accepted as run \`${answer.run.id}\`.` }).catch(() => undefined);
  });
}
