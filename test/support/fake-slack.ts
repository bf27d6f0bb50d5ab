// Kept for tests: the fake Slack lives in playground/, where the local playground uses it too.
export * from '../../playground/fake-slack.js';

import type { FakeSlack } from '../../playground/fake-slack.js';
import { messagesIn } from './harness.js';

/** The newest message of a channel, and a wait until it shows `needle` (./harness.ts messagesIn has more). */
export function latestIn(slack: () => FakeSlack, channel: string, defaultTimeoutMs = 30_000) {
  const { latest, waitLatest } = messagesIn(slack, channel, defaultTimeoutMs);
  return { latest, waitLatest };
}

/**
 * What the person who typed a command reads, as JSON: the ack's body, or — when the bot acked with nothing because
 * their Slack locale was not known yet (handlers/lang.ts `answering`) — the first reply to a response_url after
 * `repliesBefore` (`slack.replies().length` taken before the command). Bot processes run on the wall clock, where a
 * loaded machine can make the locale lookup outlast the ack's grace.
 */
export async function answerOf(res: { body: unknown }, slack: FakeSlack, repliesBefore: number): Promise<string> {
  if (res.body !== undefined && res.body !== '' && res.body !== null) return JSON.stringify(res.body);
  const reply = await slack.waitFor(() => slack.replies()[repliesBefore], { timeoutMs: 10_000, message: 'neither the ack nor a response_url reply said anything' });
  return JSON.stringify(reply.body);
}
