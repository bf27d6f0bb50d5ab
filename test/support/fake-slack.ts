// Kept for tests: the fake Slack lives in src/playground, where the local playground uses it too.
export * from '../../src/playground/fake-slack.js';
