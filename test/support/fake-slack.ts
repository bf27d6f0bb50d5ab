// Kept for tests: the fake Slack lives in playground/, where the local playground uses it too.
export * from '../../playground/fake-slack.js';

import type { FakeSlack } from '../../playground/fake-slack.js';
import { messagesIn } from './harness.js';

/** The newest message of a channel, and a wait until it shows `needle` (./harness.ts messagesIn has more). */
export function latestIn(slack: () => FakeSlack, channel: string, defaultTimeoutMs = 30_000) {
  const { latest, waitLatest } = messagesIn(slack, channel, defaultTimeoutMs);
  return { latest, waitLatest };
}
