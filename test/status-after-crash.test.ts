// Issue 18 item 6: every run's message ends showing its final state, and a run has one message however it crashed.
// Real bot processes killed with SIGKILL at chosen moments (failpoints), on SQLite and PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { textOf } from './support/fake-slack.js';
import { backends } from './support/postgres.js';
import { startCluster, statusMessages } from './support/replicas.js';

describe.each(backends())('the status message after a crash on $name', (backend) => {
  afterAll(() => backend.close());

  it('killed right after the final state is stored: the next start shows it on the same message', async (t) => {
    if (backend.skip) return t.skip(backend.skip);
    const url = await backend.freshUrl();
    const c = await startCluster(url);
    try {
      const a = await c.startReplica('a', { ECS_CHATOPS_FAILPOINTS: 'after:finish' });
      await a.client.command('/maintenance start dev', { user: 'U0DEV0001' });
      expect(await a.exited).toBeNull(); // SIGKILL
      const store = await Store.open(url);
      const [run] = await store.listRuns({ kind: 'maintenance' });
      await store.close();
      expect(run?.state).toBe('succeeded');
      // The message still shows the run in progress: the last update lived only in the dead process.
      expect(textOf(statusMessages(c.slack)[0]!.blocks)).not.toContain('✅ Maintenance on · dev');
      await c.startReplica('b');
      await c.slack.waitFor(() => textOf(statusMessages(c.slack)[0]!.blocks).includes('✅ Maintenance on · dev'), { timeoutMs: 60_000 });
      expect(statusMessages(c.slack)).toHaveLength(1);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('killed between posting the status message and storing its ts: the run goes on with that one message', async (t) => {
    if (backend.skip) return t.skip(backend.skip);
    const url = await backend.freshUrl();
    const c = await startCluster(url);
    try {
      const a = await c.startReplica('a', { ECS_CHATOPS_FAILPOINTS: 'after:post-status' });
      await a.client.command('/maintenance start dev', { user: 'U0DEV0001' });
      expect(await a.exited).toBeNull();
      expect(statusMessages(c.slack)).toHaveLength(1);
      // The next replica takes the run over (lease 1 s), finds the message by its metadata and finishes on it.
      await c.startReplica('b');
      await c.slack.waitFor(() => statusMessages(c.slack).some((m) => textOf(m.blocks).includes('✅ Maintenance on · dev')), { timeoutMs: 60_000 });
      expect(statusMessages(c.slack)).toHaveLength(1);
      expect(c.aws.world.record.mutations()).toEqual(['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule']);
    } finally {
      await c.close();
    }
  }, 120_000);
});
