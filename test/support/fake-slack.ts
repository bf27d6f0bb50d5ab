// Kept for tests: the fake Slack lives in playground/, where the local playground uses it too.
export * from '../../playground/fake-slack.js';

import { textOf, type FakeSlack, type SlackMessage } from '../../playground/fake-slack.js';

/** The newest message of a channel, and a wait until it shows `needle` (a run just started posts the newest). */
export function latestIn(slack: () => FakeSlack, channel: string, defaultTimeoutMs = 30_000) {
  const latest = (): SlackMessage => slack().messages(channel).at(-1)!;
  const waitLatest = (needle: string, timeoutMs = defaultTimeoutMs) =>
    slack().waitFor(() => (textOf(latest().blocks).includes(needle) ? latest() : undefined), { timeoutMs, message: `latest message lacks "${needle}"` });
  return { latest, waitLatest };
}
