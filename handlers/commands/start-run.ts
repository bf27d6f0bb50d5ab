// The shared path from a validated command to a run: confirmation modal when the environment wants one, else request → ack → drive.
import type { AckFn, RespondArguments, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../src/deps.js';
import { confirmModal } from '../../blocks/confirm.js';
import { escapeText } from '../args.js';
import { messages, type Lang } from '../../src/i18n/index.js';

export interface RunAsk {
  kind: string;
  envName: string;
  params: Record<string, unknown>;
  /** The command as typed, for the modal and the ack. */
  summary: string;
}

export async function startRun(
  deps: Deps,
  slack: { ack: AckFn<string | RespondArguments>; client: WebClient; command: SlashCommand },
  ask: RunAsk,
  lang: Lang = 'en',
): Promise<void> {
  const m = messages(lang).replies;
  const env = deps.config.environments[ask.envName]!;
  if (env.permissions.confirm) {
    // What can fail is checked before the dialog opens (busy, not an operator): the person is told now, privately,
    // instead of typing the confirmation word for nothing. The submit checks again.
    const refused = await deps.engine.check({ kind: ask.kind, envName: ask.envName, params: ask.params, by: slack.command.user_id });
    if (refused) {
      await slack.ack({ response_type: 'ephemeral', text: `⛔ ${refused.say?.(lang) ?? refused.reason}${refused.holder ? holderLink(deps, refused.holder.channel, refused.holder.ts, lang) : ''}` });
      return;
    }
    // A trigger_id lives 3 s: open the modal first, ack right after.
    await slack.client.views.open({ trigger_id: slack.command.trigger_id, view: confirmModal(ask, slack.command.channel_id, lang) });
    await slack.ack();
    return;
  }
  const answer = await deps.engine.request({ kind: ask.kind, envName: ask.envName, params: ask.params, by: slack.command.user_id });
  if (!answer.accepted) {
    await slack.ack({ response_type: 'ephemeral', text: `⛔ ${answer.say?.(lang) ?? answer.reason}${answer.holder ? holderLink(deps, answer.holder.channel, answer.holder.ts, lang) : ''}` });
    return;
  }
  await slack.ack({ response_type: 'ephemeral', text: m.accepted({ summary: escapeText(ask.summary), runId: answer.run.id, channel: answer.run.channel ?? '' }) });
  deps.engine.start(answer.run.id);
}

export function holderLink(deps: Pick<Deps, 'messageLink'>, channel: string | null, ts: string | null, lang: Lang = 'en'): string {
  return channel && ts ? messages(lang).replies.seeItsMessage({ url: deps.messageLink(channel, ts) }) : '';
}
