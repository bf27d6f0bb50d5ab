// How a command answers when something is wrong: the ack carries an ephemeral message; nothing else happens.
import type { AckFn, RespondArguments, RespondFn } from '@slack/bolt';
import type { Log } from '../../src/log.js';
import { UsageError } from '../args.js';
import { isStoreUnavailable, STORE_DOWN_TEXT } from '../../src/store/outage.js';
import { messages, type Lang } from '../../src/i18n/index.js';

export async function replyError(err: unknown, ack: AckFn<string | RespondArguments>, log: Log, respond?: RespondFn, lang: Lang = 'en'): Promise<void> {
  const m = messages(lang).replies;
  let text: string;
  if (err instanceof UsageError) text = err.reply(lang);
  else {
    log.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'command failed');
    // Never the database's address or driver text: what is wrong and what to do.
    text = isStoreUnavailable(err) ? m.storeDown({ why: STORE_DOWN_TEXT }) : `❌ ${err instanceof Error ? err.message : m.somethingWrong}`;
  }
  try {
    await ack({ response_type: 'ephemeral', text });
  } catch {
    // Already acknowledged (a dry run that failed while reading AWS): the answer goes to the response_url instead.
    await respond?.({ response_type: 'ephemeral', text }).catch(() => undefined);
  }
}
