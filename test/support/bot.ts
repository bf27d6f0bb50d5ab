// Kept for the tests that import it: the harness lives in ./harness.ts (one startBot, the config builders).
export { skipWhileWaiting, startBot, trackHandlers, type BotOptions, type TestBot } from './harness.js';
