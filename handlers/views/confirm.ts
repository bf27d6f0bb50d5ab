// The confirmation modal's submit: the typed environment name must match, then the run is requested. The checks that
// can fail ran before the modal opened (handlers/commands/start-run.ts) and run again here: the state can change.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../src/deps.js';
import { CONFIRM_CALLBACK, ConfirmMetadataSchema, dialogError, mentionedUsers } from '../../blocks/confirm.js';
import { escapeText } from '../args.js';

/** The display names of the people a reason mentions (users.info; an id stays an id when Slack cannot say). */
export async function namesIn(client: WebClient, text: string): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  await Promise.all(
    mentionedUsers(text).map(async (id) => {
      const u = await client.users.info({ user: id }).catch(() => undefined);
      const name = u?.user?.profile?.display_name || u?.user?.real_name || u?.user?.name;
      if (name) names[id] = name;
    }),
  );
  return names;
}

export function register(app: App, deps: Deps): void {
  const plain = async (client: WebClient, reason: string) => dialogError(reason, { names: await namesIn(client, reason), timezone: deps.config.timezone });

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
      await ack({ response_action: 'errors', errors: { confirm: await plain(client, answer.reason) } });
      return;
    }
    await ack();
    deps.engine.start(answer.run.id);
    await client.chat.postEphemeral({ channel: meta.channel, user: body.user.id, text: `▶️ \`${escapeText(meta.summary)}\` accepted as run \`${answer.run.id}\`.` }).catch(() => undefined);
  });
}
