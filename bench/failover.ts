// Failover figures on a real PostgreSQL: kill -9 of a run's owner → another replica resumes it, and Stop pressed on a non-owner replica → the AWS call.
import { performance } from 'node:perf_hooks';
import { Store } from '../src/store/store.js';
import { startPostgres } from '../test/support/postgres.js';
import { ownsRun, pressLatencies, startCluster, statusMessages } from '../test/support/replicas.js';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};

/** `BENCH_FAILOVER_LEASE_MS` (default 15 000, the product default), `BENCH_FAILOVER_KILLS` (2), `BENCH_PRESSES` (20). */
export async function run(): Promise<Record<string, unknown>> {
  const leaseMs = Number(process.env.BENCH_FAILOVER_LEASE_MS ?? 15_000);
  const kills = Number(process.env.BENCH_FAILOVER_KILLS ?? 2);
  const presses = Number(process.env.BENCH_PRESSES ?? 20);
  const server = await startPostgres();
  try {
    // Press → call latency through a non-owner replica (NOTIFY wakes the owner).
    const c1 = await startCluster(await server.freshDatabase(), { leaseMs });
    let latencies: number[];
    try {
      const [a, b] = await Promise.all([c1.startReplica('a'), c1.startReplica('b'), c1.startReplica('c')]);
      latencies = await pressLatencies(c1, a!, b!, presses);
    } finally {
      await c1.close();
    }

    // Failover: the owner of a waiting startup run is killed; time until another replica holds the run.
    const failovers: number[] = [];
    for (let k = 0; k < kills; k += 1) {
      const c = await startCluster(await server.freshDatabase(), { leaseMs });
      const store = await Store.open(c.databaseUrl);
      try {
        const [a] = await Promise.all([c.startReplica('a'), c.startReplica('b'), c.startReplica('c')]);
        await a!.client.command('/startup dev', { user: 'U0DEV0001' });
        await c.slack.waitFor(() => statusMessages(c.slack).find((m) => JSON.stringify(m.blocks).includes('run.stop')), { timeoutMs: 10_000 });
        const [row] = await store.listRuns({ kind: 'startup' });
        // The owner id carries the holder's pid (`…|<pid>|…`, src/runs/identity.ts); each wait has a deadline, so a bench
        // that cannot see what it waits for stops with the reason instead of spinning.
        const deadline = (what: string, ms: number) => {
          const until = performance.now() + ms;
          return () => {
            if (performance.now() > until) throw new Error(`failover bench: ${what} not seen within ${ms / 1000} s`);
          };
        };
        const firstHeld = deadline('the run held by the replica that took the command', 30_000);
        while (!(await ownsRun(store, row!.id, a!))) {
          firstHeld();
          await new Promise((r) => setTimeout(r, 20));
        }
        a!.proc.kill('SIGKILL');
        const killedAt = performance.now();
        await a!.exited;
        const takenOver = deadline('another replica holding the run', 4 * leaseMs + 30_000);
        for (;;) {
          const owner = (await store.getRun(row!.id))?.owner;
          if (owner && !owner.includes(`|${a!.proc.pid}|`)) break;
          takenOver();
          await new Promise((r) => setTimeout(r, 20));
        }
        failovers.push(performance.now() - killedAt);
      } finally {
        await store.close();
        await c.close();
      }
    }
    return {
      leaseMs,
      renewEveryMs: Math.max(300, Math.floor(leaseMs / 3)),
      sweepEveryMs: Math.max(100, Math.floor(leaseMs / 5)),
      failoverMs: failovers.map((f) => Math.round(f)),
      failoverMaxMs: Math.round(Math.max(...failovers)),
      pressToCallMs: { n: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
    };
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
