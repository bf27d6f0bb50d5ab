// Kept for the tests that import it: `startHarness` is the harness's `startBot` with the runs in a file (so that
// `restart()` reopens them), the dev config polling every second, and info-level logs (./harness.ts).
import type { OpsConfig } from '../../src/config/schema.js';
import { devConfig, startBot, type BotOptions, type TestBot } from './harness.js';

export { CLUSTER, DEV, devConfig, fastClock, SERVICES, SPEED } from './harness.js';

export type Harness = TestBot;

export function startHarness(
  opts: { config?: OpsConfig; startDelays?: Record<string, number>; startDelaySeconds?: number; time?: BotOptions['time'] } = {},
): Promise<Harness> {
  return startBot({
    config: opts.config ?? devConfig(),
    db: 'file',
    logLevel: 'info',
    world: { startDelaySeconds: opts.startDelaySeconds ?? 5, ...(opts.startDelays ? { startDelays: opts.startDelays } : {}) },
    ...(opts.time ? { time: opts.time } : {}),
  });
}
