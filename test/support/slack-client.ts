// Kept for tests: the signing Slack client lives in src/playground, where the local playground uses it too.
export * from '../../playground/slack-client.js';
