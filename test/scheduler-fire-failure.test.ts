// Issue 18 item 7: a scheduled fire that cannot run is retried, then reported in the channel — never left claimed
// and undone with the window "pending" for ever. Through the real bot: the fake Slack answers `no_such_subteam`
// for the user group that guards prod, exactly as at fire time in the field.
import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/bot.js';

describe('a scheduled fire whose request fails', () => {
  let t: TestBot | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a maintenance window whose user-group lookup fails is reported in the channel and no longer pending', async () => {
    // No user groups known to Slack: prod's `operate: [S0SRE0001]` cannot be resolved (no_such_subteam).
    t = await startBot();
    const { scheduler, clock, store } = t.bot.deps;
    const start = clock.now() - 1000;
    const id = await scheduler.addWindow('prod', start, start + 3_600_000, 'U0OPS0001');
    const report = await t.slack.waitFor(() => t!.slack.messages('C0PROD001').find((m) => m.text.includes(id)), { timeoutMs: 10_000 });
    expect(report.text).toContain('did not start');
    expect(report.text).toContain('no_such_subteam');
    expect(report.text).toContain('tried 3 times');
    // Barrier: the pass that posted the report has finished (tick() joins the pass in flight, or runs a new one).
    await scheduler.tick();
    // The start is done with (reported), the end still waits; nothing ran, nothing is claimed and forgotten.
    const pending = (await scheduler.list('prod')).map((s) => s.id);
    expect(pending).toEqual([`${id}:end`]);
    expect(await store.listRuns({ kind: 'maintenance' })).toHaveLength(0);
    expect((await store.listAudit({ limit: 50 })).filter((e) => e.action === 'fire')).toHaveLength(1);
    expect(t.aws.world.record.mutations()).toEqual([]);
  });
});
