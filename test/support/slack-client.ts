// Kept for tests: the signing Slack client lives in playground/, where the local playground uses it too.
export * from '../../playground/slack-client.js';
