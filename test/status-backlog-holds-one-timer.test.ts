// Runs that finish faster than Slack's chat.update budget (~50 a minute per workspace) lets their messages follow
// leave a backlog: one timer serves it in turn, not a timer (and a re-render every 1.5 s) per run behind — that was
// most of the bot's CPU and a timer, an AbortController and a listener per run over 1,000 runs (issue 23). When the
// budget comes back, every message shows its run's final state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { onEmitter, until } from './support/wait.js';

const RUNS = 24;
const CH = 'C0DEV0001';
/** The run a status message belongs to (its Slack message metadata). */
const runOf = (m: { metadata?: unknown }) => (m.metadata as { event_payload?: { run_id?: string } } | undefined)?.event_payload?.run_id;

describe('status messages behind the chat.update budget', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(async () => t.close());

  it(`${RUNS} runs done in ${RUNS * 100} ms of simulated time: the backlog sleeps on one timer, then every message shows ✅`, async () => {
    const ids: string[] = [];
    const sleepingBefore = t.clock.sleeping();
    for (let i = 0; i < RUNS; i += 1) {
      const res = await t.client.command(`/maintenance ${i % 2 === 0 ? 'start' : 'end'} dev`, { user: 'U0DEV0001' });
      const id = /run `(r-[\w-]+)`/.exec(JSON.stringify(res.body))?.[1];
      expect(id, JSON.stringify(res.body)).toBeDefined();
      ids.push(id!);
      // The run ends in the store (its AWS calls need no time to pass), awaited without skipping time, so simulated
      // time — and with it the budget's refill — moves only by the 100 ms below (past the 20 ms update interval).
      const state = await until(async () => {
        const run = await t.bot.deps.engine.getRun(id!);
        return run?.state === 'succeeded' || run?.state === 'failed' ? run.state : undefined;
      }, { what: `run ${id} to end`, on: onEmitter(t.bot.deps.engine), holdTime: true });
      expect(state).toBe('succeeded');
      t.clock.advance(100);
    }
    // The barrier: every update due has been tried (sent, or found over the budget and put to wait).
    await t.bot.publisher.flush();
    const behind = ids.filter((id) => !t.slack.messages(CH).some((m) => runOf(m) === id && textOf(m.blocks).includes('✅')));
    // The budget's burst (10) is long spent: most messages are behind their run…
    expect(behind.length).toBeGreaterThan(RUNS / 2);
    // …and they wait on one timer, not one each.
    expect(t.clock.sleeping() - sleepingBefore).toBeLessThanOrEqual(1);

    // Time moves (skipped while we wait): the line is served and each message ends on its run's final state.
    for (const id of behind) {
      await t.slack.waitFor(() => t.slack.messages(CH).some((m) => runOf(m) === id && textOf(m.blocks).includes('✅')), { timeoutMs: 60_000 });
    }
  });
});
