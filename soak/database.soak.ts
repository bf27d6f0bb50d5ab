// Issue 18: the database goes away under three replicas — PostgreSQL restarted, every connection killed — at random
// moments across operations, over many rounds: no replica dies, every accepted run ends as it should (paused through
// the outage, not failed), each AWS change is made once, and each run keeps one status message.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../sandbox/faults.js';
import { Store } from '../src/store/store.js';
import { postgresMissing, startPostgres } from '../test/support/postgres.js';
import { startCluster } from '../test/support/replicas.js';

const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 12);
const SEQUENCE = ['/maintenance start dev', '/startup dev', '/maintenance end dev', '/shutdown dev'] as const;
const EXPECTED: Record<(typeof SEQUENCE)[number], string[]> = {
  '/maintenance start dev': ['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule'],
  '/maintenance end dev': ['elbv2:DeleteRule', 'elbv2:SetRulePriorities', 'elbv2:SetRulePriorities'],
  '/startup dev': ['ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService'],
  '/shutdown dev': ['ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService'],
};

describe.skipIf(postgresMissing)('the database restarted and its connections killed under three replicas', () => {
  it(`${ROUNDS} rounds of restarts and pg_terminate_backend across maintenance, startup and shutdown`, async () => {
    const random = seededRandom(Number(process.env.SOAK_SEED ?? 18));
    const server = await startPostgres();
    const url = await server.freshDatabase();
    const c = await startCluster(url);
    const ticker = setInterval(() => c.aws.world.clock.advance(1000), 40);
    const report: string[] = [];
    try {
      const replicas = await Promise.all(['a', 'b', 'c'].map((n) => c.startReplica(n)));
      for (let round = 0; round < ROUNDS; round += 1) {
        const command = SEQUENCE[round % SEQUENCE.length]!;
        const on = replicas[Math.floor(random() * replicas.length)]!;
        const mark = c.aws.world.record.mark();
        const answer = await on.client.command(command, { user: 'U0DEV0001' });
        const accepted = JSON.stringify(answer.body).includes('accepted as run');
        await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
        const fault = random() < 0.5 ? 'restart' : 'terminate';
        if (fault === 'restart') {
          server.stopServer();
          await new Promise((r) => setTimeout(r, 500 + Math.floor(random() * 2500)));
          server.startServer();
        } else {
          await server.terminateConnections(url);
        }
        const store = await Store.open(url);
        try {
          for (let waited = 0; ; waited += 100) {
            if ((await store.listRuns({ active: true })).length === 0) break;
            if (waited > 90_000) throw new Error(`round ${round}: ${command} never finished after a ${fault}`);
            await new Promise((r) => setTimeout(r, 100));
          }
          const [last] = await store.listRuns({ limit: 1 });
          if (accepted) expect(last?.state, `round ${round}: ${command} after a ${fault} ended ${last?.state} ${last?.error ?? ''}`).toBe('succeeded');
        } finally {
          await store.close();
        }
        for (const r of replicas) expect(r.proc.exitCode, `replica ${r.name} died in round ${round} (${fault}):\n${r.output().slice(-1500)}`).toBeNull();
        const mutations = c.aws.world.record.mutations(mark);
        report.push(`${round}: ${command} ${accepted ? 'accepted' : 'not accepted'}, ${fault} → ${mutations.length} changes`);
        expect(mutations, `round ${round}: ${command} (${fault})`).toEqual(accepted ? EXPECTED[command] : []);
      }
    } finally {
      clearInterval(ticker);
      await c.close();
      await server.close();
      console.info(report.join('\n'));
    }
  });
});
