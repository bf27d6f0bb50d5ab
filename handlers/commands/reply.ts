// How a command answers when something is wrong: the ack carries an ephemeral message; nothing else happens.
import type { AckFn, RespondArguments, RespondFn } from '@slack/bolt';
import type { Log } from '../../src/log.js';
import { UsageError } from '../args.js';
import { isStoreUnavailable, STORE_DOWN_TEXT } from '../../src/store/outage.js';
import { messages, sayError } from '../../src/i18n/index.js';
import type { Reader } from './spec.js';

/** `reader`: who typed the command — their language, and the clock and zone for the help's example dates. */
export async function replyError(err: unknown, ack: AckFn<string | RespondArguments>, log: Log, respond: RespondFn | undefined, reader: Reader): Promise<void> {
  const m = messages(reader.lang).replies;
  let text: string;
  if (err instanceof UsageError) text = err.reply(reader);
  else {
    log.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'command failed');
    // Never the database's address or driver text: what is wrong and what to do.
    text = isStoreUnavailable(err) ? m.storeDown({ why: STORE_DOWN_TEXT }) : `❌ ${err instanceof Error ? sayError(err, reader.lang) : m.somethingWrong}`;
  }
  try {
    await ack({ response_type: 'ephemeral', text });
  } catch {
    // Already acknowledged (a dry run that failed while reading AWS): the answer goes to the response_url instead.
    await respond?.({ response_type: 'ephemeral', text }).catch(() => undefined);
  }
}
