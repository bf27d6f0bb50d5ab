// The answer meant for the person who pressed a button alone: ephemeral through the press's response_url, or — for a
// press on a view (the App Home), which Slack sends without one — in their DM with the app. Never silent.
import type { App, RespondFn } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import type { Lang } from '../../src/i18n/index.js';
import type { Log } from '../../src/log.js';
import { personLang } from '../lang.js';

export type Tell = (text: string) => Promise<void>;

/** A function that tells the presser `text` privately; a failure to deliver is logged, never thrown. */
export function tellPresser(app: App, log: Log, user: string, respond: RespondFn | undefined): Tell {
  return async (text) => {
    try {
      if (respond) await respond({ response_type: 'ephemeral', replace_original: false, text });
      else await app.client.chat.postMessage({ channel: user, text });
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not tell the presser');
    }
  };
}

export interface PresserAnswers {
  /** Tells a text already written. */
  say: Tell;
  /** The presser's language: their Slack locale, looked up from the press on (at most 2 s), else `where`'s. */
  lang: Promise<Lang>;
  /** Tells `text` in the presser's language: only this waits for the lookup. */
  tell: (text: (lang: Lang) => string) => Promise<void>;
}

/**
 * The answers of a button that changes something (End maintenance, Switch back, Skip once, Cancel): the language
 * lookup starts at the press and only the answer awaits it, so what the press does never waits on users.info.
 */
export function presserAnswers(app: App, deps: Pick<Deps, 'config' | 'people' | 'log'>, user: string, respond: RespondFn | undefined, where: { envName?: string | undefined; text?: string } = {}): PresserAnswers {
  const lang = personLang(deps, user, where, 2000);
  const say = tellPresser(app, deps.log, user, respond);
  return { say, lang, tell: async (text) => say(text(await lang)) };
}
