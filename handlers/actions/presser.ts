// The answer meant for the person who pressed a button alone: ephemeral through the press's response_url, or — for a
// press on a view (the App Home), which Slack sends without one — in their DM with the app. Never silent.
import type { App, RespondFn } from '@slack/bolt';
import type { Log } from '../../src/log.js';

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
