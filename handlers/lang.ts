// Which language to answer one person in: their Slack locale (cached, src/slack/locale.ts), else the language of the
// environment the command names, else the top-level `language` of ops.yml.
import type { AckFn, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import { envLanguage } from '../src/config/schema.js';
import type { Deps } from '../src/deps.js';
import type { Lang } from '../src/i18n/index.js';
import { LOCALE_ACK_GRACE_MS, LOCALE_REPLY_BUDGET_MS } from '../src/slack/locale.js';
import type { Reader } from './commands/spec.js';

/** The environment a command's text names, if any word of it is one (`/canary prod web …`, `/maintenance start dev`). */
export function envNamed(deps: Pick<Deps, 'config'>, text: string | undefined): string | undefined {
  return (text ?? '').split(/\s+/).find((w) => Object.hasOwn(deps.config.environments, w));
}

/** The person's language; `envName` (or the env a command text names) decides when their locale says nothing. */
export function personLang(deps: Pick<Deps, 'config' | 'people'>, userId: string | undefined, where: { envName?: string | undefined; text?: string } = {}, budgetMs?: number): Promise<Lang> {
  const envName = where.envName ?? envNamed(deps, where.text);
  const fallback = envName ? envLanguage(deps.config, envName) : deps.config.language;
  return deps.people.langOf(userId, fallback, budgetMs);
}

type CommandAck = AckFn<string | RespondArguments>;

/**
 * Who typed a command — their language (as `personLang`), the bot's clock and zone (help examples are dated from
 * them) — and the `ack` the handler answers with. Slack's ack does not wait on the person's Slack locale (issue 23):
 * - their language is known (cached), or the lookup answers within LOCALE_ACK_GRACE_MS: the reader has it and
 *   `ack` is Bolt's own, so the answer rides on the ack;
 * - otherwise Slack is acked then, with nothing to show; the lookup gets the rest of LOCALE_REPLY_BUDGET_MS (else
 *   the environment's language), and what the handler then acks goes to the command's response_url — the same
 *   ephemeral (or in-channel) message, a moment later, in their language. The handler itself runs once, after the
 *   lookup, so whatever it does it does in one language.
 */
export async function answering(deps: Pick<Deps, 'config' | 'people' | 'clock'>, command: Pick<SlashCommand, 'user_id' | 'text'>, ack: CommandAck, respond: RespondFn): Promise<{ reader: Reader; ack: CommandAck }> {
  const reader = (lang: Lang): Reader => ({ lang, now: deps.clock.now(), timezone: deps.config.timezone });
  const userId = command.user_id;
  const quick = await personLang(deps, userId, { text: command.text }, LOCALE_ACK_GRACE_MS);
  // Settled (cached, answered in the grace, or failed and remembered): one answer, on the ack.
  if (!userId || deps.people.knows(userId)) return { reader: reader(quick), ack };
  await ack();
  const lang = await personLang(deps, userId, { text: command.text }, LOCALE_REPLY_BUDGET_MS - LOCALE_ACK_GRACE_MS);
  const later: CommandAck = async (body) => {
    if (body === undefined || body === '') return;
    await respond(typeof body === 'string' ? { response_type: 'ephemeral', text: body } : { response_type: 'ephemeral', ...body });
  };
  return { reader: reader(lang), ack: later };
}
