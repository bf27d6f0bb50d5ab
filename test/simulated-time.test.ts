// The bot and the sandbox keep one simulated time: the test moves it, and every "how long ago" the bot says is
// reckoned on it — not on the wall clock, which would make the answer depend on how fast the machine is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/bot.js';

describe('one simulated time for the bot and the sandbox', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(async () => t.close());

  it("/ops status reckons a deployment's age on the bot's clock", async () => {
    t.clock.advance('3h');
    await t.client.command('/ops status prod', { user: 'U0DEV0001' });
    const reply = await t.slack.waitFor(() => t.slack.ephemerals('U0DEV0001').find((e) => e.text.includes('prod — live status')), { timeoutMs: 5000 });
    expect(JSON.stringify(reply.blocks)).toContain('deployed 3h 00m ago');
  });

  it('moving the clock moves the sandbox and wakes the bot, and nothing moves by itself', async () => {
    const before = t.clock.now();
    expect(t.aws.world.clock.now()).toBe(before);
    const woke = t.clock.sleep(60_000);
    let done = false;
    void woke.then(() => (done = true));
    // A round of the event loop later, still asleep: this clock only moves when told.
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    t.aws.world.clock.advance(60_000);
    await woke;
    expect(t.clock.now()).toBe(before + 60_000);
  });
});
