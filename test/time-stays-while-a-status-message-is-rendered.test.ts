// The harness's time-skipper holds simulated time while the status publisher renders and sends a message. Between the
// debounce's wake and chat.update the publisher reads the run and renders it: neither a request nor a sleep. Under
// load that stretch outlasted the skipper's quiet window, and simulated time jumped to the next sleeper — a canary's
// whole 600 s bake was skipped before the message showing the bake went out (stress runs of the fifth session:
// "Rollback during the 10 % bake" saw 50 % already). Here the read is made slow, in event-loop turns, on purpose.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/harness.js';
import { until } from './support/wait.js';

/** Many quiet windows (50 ms) long, in event-loop turns: no timer on the clock, no request. */
const WORK_MS = 400;
const BAKE_MS = 600_000;

describe('time-skipping while a status message is rendered', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(async () => t.close());

  it('does not jump to the next sleeper until the message has gone out', async () => {
    await t.client.command('/maintenance start dev');
    const row = await until(async () => (await t.bot.deps.store.listRuns({ limit: 5 })).find((r) => r.state === 'succeeded' && r.ts), { what: 'the maintenance run done, its message posted' });
    const run = (await t.bot.deps.engine.getRun(row.id))!;
    await t.bot.publisher.flush();
    // A run asleep on a long bake, as a canary is while its message is being updated.
    const bake = new AbortController();
    void t.clock.sleep(BAKE_MS, bake.signal).catch(() => undefined);
    const engine = t.bot.deps.engine;
    const getRun = engine.getRun.bind(engine);
    let reads = 0;
    engine.getRun = async (id: string) => {
      const began = performance.now();
      while (performance.now() - began < WORK_MS) await new Promise((r) => setImmediate(r));
      reads += 1;
      return getRun(id);
    };
    try {
      const before = t.clock.now();
      t.bot.publisher.changed(run);
      await until(() => reads > 0 && !t.bot.publisher.busy(), { what: 'the publisher done with its slow read', timeoutMs: 10_000 });
      // The debounce (20 ms) may be skipped; the bake may not.
      expect(t.clock.now() - before).toBeLessThan(BAKE_MS);
    } finally {
      engine.getRun = getRun;
      bake.abort();
    }
  });
});
