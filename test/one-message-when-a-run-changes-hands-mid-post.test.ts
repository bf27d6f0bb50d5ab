// A run handed to another replica while its first status message is still on its way to Slack keeps one message.
// Found by replicas.test under load ("a schedule due while three replicas start together fires once": one run, two
// messages): the owner had left its "posting" marker and sent chat.postMessage, its lease ran out before Slack
// answered, and the replica that took the run over found the marker but no message yet — and posted a second one.
// Real processes: a's post is held at the fake Slack and a is frozen (SIGSTOP) until b owns the run.
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { textOf } from './support/fake-slack.js';
import { ownsRun, sqliteFile, startCluster, statusMessages } from './support/replicas.js';
import { until } from './support/wait.js';

describe('a run that changes hands while its status message is being posted', () => {
  it('the replica that takes it over adopts the message in flight instead of posting a second one', async () => {
    const url = sqliteFile('midpost');
    const c = await startCluster(url);
    const store = await Store.open(url);
    try {
      const a = await c.startReplica('a');
      const b = await c.startReplica('b');
      const held = c.slack.holdNext('chat.postMessage');
      await a.client.command('/maintenance start dev', { user: 'U0DEV0001' });
      await held.asked;
      a.proc.kill('SIGSTOP');
      try {
        const [run] = await store.listRuns({ kind: 'maintenance' });
        await until(() => ownsRun(store, run!.id, b), { what: 'b owns the run', timeoutMs: 30_000, pollMs: 25 });
        // b has the run and no message yet; a's post is in flight. Let it land (a is still frozen).
        held.release();
        await c.slack.waitFor(() => statusMessages(c.slack).some((m) => textOf(m.blocks).includes('✅ Maintenance on · dev')), { timeoutMs: 60_000 });
      } finally {
        a.proc.kill('SIGCONT');
      }
      // Barrier: every replica drains and exits, so none can still post; then read what Slack holds.
      await c.drain();
      expect(statusMessages(c.slack)).toHaveLength(1);
      expect(c.aws.world.record.mutations()).toEqual(['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule']);
    } finally {
      await store.close();
      await c.close();
    }
  }, 120_000);
});
