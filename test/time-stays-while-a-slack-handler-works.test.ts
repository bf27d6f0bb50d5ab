// The harness's time-skipper holds simulated time while a Slack handler is still working after its ack. Bolt acks
// first (events are acked before any listener runs), so the test's request has returned and its waiter is skipping
// time while the handler reads the store, renders, or calls AWS; under load one such stretch without an HTTP request
// outlasted the quiet window and simulated time jumped 5 s mid-handler (an App Home read twice that the cache
// should have shared). The handler here works in many event-loop turns, as a busy one does, without a request or a sleep.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../handlers/commands/spec.js';
import { startBot, type TestBot } from './support/harness.js';

/** Longer than the skipper's quiet window (50 ms) many times over, in event-loop turns: no timer, no request. */
const WORK_MS = 400;

describe('time-skipping while a Slack handler works', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
    (t.bot.deps.commands as CommandSpec[]).push({ command: '/slow-after-ack', description: 'test only', usageHint: '', forms: ['/slow-after-ack'], examples: [] });
    t.bot.app.command('/slow-after-ack', async ({ ack, client, command }) => {
      await ack();
      const began = performance.now();
      while (performance.now() - began < WORK_MS) await new Promise((r) => setImmediate(r));
      await client.chat.postMessage({ channel: command.channel_id, text: 'done working' });
    });
  });
  afterAll(async () => t.close());

  it('does not move simulated time until the handler has finished', async () => {
    const skippedBefore = t.skipper.skipped();
    const nowBefore = t.clock.now();
    const res = await t.client.command('/slow-after-ack');
    expect(res.status).toBe(200);
    await t.slack.waitFor(() => t.slack.calls.some((c) => c.method === 'chat.postMessage' && c.args.text === 'done working'), { timeoutMs: 10_000 });
    expect(t.skipper.skipped() - skippedBefore).toBe(0);
    expect(t.clock.now()).toBe(nowBefore);
  });
});
