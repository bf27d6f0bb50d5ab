// One press is one intent, whenever it lands: End maintenance pressed twice ends once, its button leaves the message
// when maintenance is over, and a press of that old rendering is refused as out of date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../playground/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { textOf } from './support/fake-slack.js';
import { until } from './support/wait.js';

const DEV = 'C0DEV0001';

describe('one press, one intent', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(async () => t.close());

  const find = (needle: string, also = '') =>
    t.slack.waitFor(() => t.slack.messages(DEV).find((m) => textOf(m.blocks).includes(needle) && textOf(m.blocks).includes(also)), { timeoutMs: 10_000, message: `no message with "${needle}" ${also}` });
  const endRuns = async () => (await t.bot.deps.store.listRuns({ env: 'dev', kind: 'maintenance', limit: 50 })).filter((r) => JSON.parse(r.params).action === 'end');
  const answered = (user: string, needle: string) => t.slack.waitFor(() => t.slack.ephemerals(user).find((e) => e.text.includes(needle)), { timeoutMs: 5000, message: `no answer "${needle}" to ${user}` });

  async function startMaintenance(): Promise<SlackMessage> {
    await t.client.command('/maintenance start dev');
    const msgs = () => t.slack.messages(DEV).filter((m) => textOf(m.blocks).includes('✅ Maintenance on · dev') && textOf(m.blocks).includes('[End maintenance]'));
    const before = msgs().length;
    return t.slack.waitFor(() => (msgs().length > before ? msgs().at(-1) : undefined), { timeoutMs: 10_000 });
  }

  it('a second press while the first End is under way ends maintenance once; the button leaves; the old rendering is refused', async () => {
    const start = await startMaintenance();
    const runsBefore = (await endRuns()).length;
    // The moment that once started a second run (presses 40–50 ms apart): the first press's End run exists,
    // then the second press of the same rendering lands — a barrier on the store, not a guess in milliseconds.
    const first = t.client.press(start, 'maintenance.end', { user: 'U0DEV0001', asShown: true });
    await until(async () => (await endRuns()).length > runsBefore, { what: "the first press's End run" });
    await Promise.all([first, t.client.press(start, 'maintenance.end', { user: 'U0DEV0002', asShown: true })]);
    // The first press wins; the second presser is told it was already noted (or, if the End has finished by then,
    // that the button is out of date) — never a second run.
    await t.slack.waitFor(() => t.slack.ephemerals('U0DEV0002').find((e) => e.text.includes('Already noted') || e.text.includes('out of date')), { timeoutMs: 5000 });
    // The start message is drawn again without its button once maintenance is over.
    const redrawn = await find(`run \`${(textOf(start.blocks).match(/run `(r-[^`]+)`/) ?? [])[1]}\``, 'Maintenance was ended by run');
    expect(textOf(redrawn.blocks)).not.toContain('[End maintenance]');
    const mark = t.aws.world.record.mark();
    // A press of the old rendering, after the end: out of date, nothing changes.
    await t.client.press(start, 'maintenance.end', { user: 'U0DEV0003', asShown: true });
    await answered('U0DEV0003', 'out of date');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    expect((await endRuns()).length).toBe(runsBefore + 1);
  });

  it('a typed /maintenance end also takes the button off the start message', async () => {
    const start = await startMaintenance();
    const id = (textOf(start.blocks).match(/run `(r-[^`]+)`/) ?? [])[1]!;
    await t.client.command('/maintenance end dev');
    const redrawn = await find(`run \`${id}\``, 'Maintenance was ended by run');
    expect(textOf(redrawn.blocks)).not.toContain('[End maintenance]');
  });
});
