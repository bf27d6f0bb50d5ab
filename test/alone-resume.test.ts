// Issue 18 item 9: a process that can prove the lease holder is dead (killed on this host; its own earlier life
// after a restart) resumes the run at once instead of waiting out a lease nobody will renew. A frozen holder
// (alive, SIGSTOP) keeps its lease.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ownerIsGone, processOwner } from '../src/runs/identity.js';
import { Store } from '../src/store/store.js';
import { textOf } from './support/fake-slack.js';
import { sqliteFile, startCluster, statusMessages } from './support/replicas.js';

describe('resuming at once when the holder is provably dead', () => {
  it('restarted after kill -9 on SQLite with a 30 s lease, the bot finishes the run within seconds, nothing twice', async () => {
    const url = sqliteFile('alone');
    const c = await startCluster(url, { leaseMs: 30_000 });
    try {
      const a = await c.startReplica('a', { ECS_CHATOPS_FAILPOINTS: 'after:shift-rule:api#1' });
      await a.client.command('/maintenance start dev', { user: 'U0DEV0001' });
      expect(await a.exited).toBeNull();
      const b = await c.startReplica('b');
      const readyAt = performance.now();
      await c.slack.waitFor(() => statusMessages(c.slack).some((m) => textOf(m.blocks).includes('✅ Maintenance on · dev')), { timeoutMs: 25_000 });
      // Well inside the 30 s lease the dead process held (start-up time on a busy machine aside).
      expect(performance.now() - readyAt).toBeLessThan(10_000);
      expect(b.output()).toContain('took the run over at once');
      expect(c.aws.world.record.mutations()).toEqual(['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule']);
      const store = await Store.open(url);
      const [run] = await store.listRuns({ kind: 'maintenance' });
      await store.close();
      expect(run?.state).toBe('succeeded');
    } finally {
      await c.close();
    }
  }, 60_000);

  it('proves nothing about a live process, another host, or a name it cannot read', () => {
    const self = processOwner();
    const [host, ns] = self.split('|');
    expect(ownerIsGone(self, self)).toBe(false);
    // The parent of this process is alive (a frozen process is alive too).
    expect(ownerIsGone(`${host}|${ns}|${process.ppid}|abcd`, self)).toBe(false);
    expect(ownerIsGone(`another-host|${ns}|999999|abcd`, self)).toBe(false);
    expect(ownerIsGone(`${host}|pid:[1]|999999|abcd`, self)).toBe(false);
    expect(ownerIsGone('bot-1234', self)).toBe(false);
    // An earlier life of this very PID (a container restarted in place) is over.
    expect(ownerIsGone(`${host}|${ns}|${process.pid}|0000`, self)).toBe(ns !== '');
  });
});
