// Which language to answer one person in: their Slack locale (cached, src/slack/locale.ts), else the language of the
// environment the command names, else the top-level `language` of ops.yml.
import { envLanguage } from '../src/config/schema.js';
import type { Deps } from '../src/deps.js';
import type { Lang } from '../src/i18n/index.js';
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

/** Who typed a command: their language (as `personLang`), the bot's clock and zone (help examples are dated from them). */
export async function readerOf(deps: Pick<Deps, 'config' | 'people' | 'clock'>, userId: string | undefined, text: string | undefined): Promise<Reader> {
  return { lang: await personLang(deps, userId, { text: text ?? '' }), now: deps.clock.now(), timezone: deps.config.timezone };
}
