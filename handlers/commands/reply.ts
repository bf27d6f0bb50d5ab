// How a command answers when something is wrong: the ack carries an ephemeral message; nothing else happens.
import type { AckFn, RespondArguments } from '@slack/bolt';
import type { Log } from '../../src/log.js';
import { UsageError } from '../args.js';
import { isStoreUnavailable, STORE_DOWN_TEXT } from '../../src/store/outage.js';

export async function replyError(err: unknown, ack: AckFn<string | RespondArguments>, log: Log): Promise<void> {
  if (err instanceof UsageError) {
    await ack({ response_type: 'ephemeral', text: err.reply() });
    return;
  }
  log.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'command failed');
  if (isStoreUnavailable(err)) {
    // Never the database's address or driver text: what is wrong and what to do.
    await ack({ response_type: 'ephemeral', text: `⚠️ Nothing done: ${STORE_DOWN_TEXT}. Try again in a minute; if it lasts, check the bot's database.` }).catch(() => undefined);
    return;
  }
  await ack({ response_type: 'ephemeral', text: `❌ ${err instanceof Error ? err.message : 'something went wrong'}` }).catch(() => undefined);
}
