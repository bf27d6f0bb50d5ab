// How a command answers when something is wrong: the ack carries an ephemeral message; nothing else happens.
import type { AckFn, RespondArguments, RespondFn } from '@slack/bolt';
import type { Log } from '../../src/log.js';
import { UsageError } from '../args.js';

export async function replyError(err: unknown, ack: AckFn<string | RespondArguments>, log: Log, respond?: RespondFn): Promise<void> {
  let text: string;
  if (err instanceof UsageError) text = err.reply();
  else {
    log.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'command failed');
    text = `❌ ${err instanceof Error ? err.message : 'something went wrong'}`;
  }
  try {
    await ack({ response_type: 'ephemeral', text });
  } catch {
    // Already acknowledged (a dry run that failed while reading AWS): the answer goes to the response_url instead.
    await respond?.({ response_type: 'ephemeral', text }).catch(() => undefined);
  }
}
