// The confirmation modal's submit: the typed environment name must match, then the run is requested. The checks that
// can fail ran before the modal opened (handlers/commands/start-run.ts) and run again here: the state can change.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../src/deps.js';
import { CONFIRM_CALLBACK, ConfirmMetadataSchema, dialogError, mentionedUsers } from '../../blocks/confirm.js';
import { escapeText } from '../args.js';
import { messages, type Lang } from '../../src/i18n/index.js';

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
  const plain = async (client: WebClient, reason: string, lang: Lang) => dialogError(reason, { names: await namesIn(client, reason), timezone: deps.config.timezone, lang });

  app.view(CONFIRM_CALLBACK, async ({ ack, body, view, client }) => {
    let meta;
    try {
      meta = ConfirmMetadataSchema.parse(JSON.parse(view.private_metadata));
    } catch {
      // The form cannot say whose language it was opened in: the person's cached one, else ops.yml's.
      await ack({ response_action: 'errors', errors: { confirm: messages(deps.people.cached(body.user.id) ?? deps.config.language).replies.confirm.damaged } });
      return;
    }
    const lang: Lang = meta.lang ?? 'en';
    const m = messages(lang).replies.confirm;
    const typed = view.state.values.confirm?.env?.value?.trim();
    if (typed !== meta.envName) {
      await ack({ response_action: 'errors', errors: { confirm: m.typeExactly({ env: meta.envName }) } });
      return;
    }
    const answer = await deps.engine.request({ kind: meta.kind, envName: meta.envName, params: meta.params, by: body.user.id });
    if (!answer.accepted) {
      await ack({ response_action: 'errors', errors: { confirm: await plain(client, answer.say?.(lang) ?? answer.reason, lang) } });
      return;
    }
    await ack();
    deps.engine.start(answer.run.id);
    await client.chat.postEphemeral({ channel: meta.channel, user: body.user.id, text: m.accepted({ summary: escapeText(meta.summary), runId: answer.run.id }) }).catch(() => undefined);
  });
}
