// Issue 18 item 8 with real signals: an owner frozen (SIGSTOP) in the middle of an AWS read, past its lease, whose
// run another replica took over and finished, wakes (SIGCONT) and writes nothing: no view, no note, no new version.
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { textOf } from './support/fake-slack.js';
import { ownsRun, sqliteFile, startCluster, statusMessages } from './support/replicas.js';
import { until as waitUntil } from './support/wait.js';

/** The harness's waiter, in this file's argument order. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> => waitUntil(probe, { what, timeoutMs, pollMs: 25 });

describe('a frozen owner that wakes up', () => {
  it('SIGSTOP mid-DescribeServices past its lease, run taken over and stopped elsewhere, SIGCONT: no stale write', async () => {
    const url = sqliteFile('frozen');
    const c = await startCluster(url);
    const store = await Store.open(url);
    try {
      const a = await c.startReplica('a');
      const b = await c.startReplica('b');
      await a.client.command('/startup dev', { user: 'U0DEV0001' });
      const message = await c.slack.waitFor(() => statusMessages(c.slack).find((m) => JSON.stringify(m.blocks ?? []).includes('run.stop')));
      const [first] = await store.listRuns({ kind: 'startup' });
      const runId = first!.id;
      await until('a owns the run', () => ownsRun(store, runId, a));
      // Hold a's next DescribeServices answer, and freeze a while it waits for it.
      let inFlight = false;
      c.aws.world.faults.add({ service: 'ecs', op: 'DescribeServices', kind: 'latency', latencyMs: 1500, count: 1 });
      const draw = c.aws.world.faults.draw.bind(c.aws.world.faults);
      c.aws.world.faults.draw = (service, op) => {
        if (op === 'DescribeServices') inFlight = true;
        return draw(service, op);
      };
      await until('a reads ECS', () => inFlight);
      a.proc.kill('SIGSTOP');
      try {
        // b takes the run over when a's lease runs out (1 s), and Stop pressed on b ends it.
        await until('b owns the run', () => ownsRun(store, runId, b));
        await b.client.press(message, 'run.stop', { user: 'U0DEV0002' });
        const ended = await until('the run ended', async () => {
          const r = await store.getRun(runId);
          return r && !['running', 'awaiting_approval'].includes(r.state) && r;
        });
        await c.slack.waitFor(() => textOf(c.slack.message(message.channel, message.ts)?.blocks ?? []).includes('Stopped') || undefined, { timeoutMs: 10_000 }).catch(() => undefined);
        const thread = c.slack.thread(message.channel, message.ts).length;
        a.proc.kill('SIGCONT');
        // Barrier: a lets go of the run (its log says so) — after whatever it would have written on waking.
        await until("a's driver lets go", () => /stopped driving/.test(a.output()));
        const after = (await store.getRun(runId))!;
        expect(after.version).toBe(ended.version);
        expect(after.view).toBe(ended.view);
        expect(after.state).toBe(ended.state);
        expect(c.slack.thread(message.channel, message.ts)).toHaveLength(thread);
      } finally {
        if (a.proc.exitCode === null) a.proc.kill('SIGCONT');
      }
    } finally {
      await store.close();
      await c.close();
    }
  }, 60_000);
});
