// Kill -9 of the bot at random moments across operations, over many rounds: every accepted run ends as it
// should, none is lost, none is doubled (each AWS change made once), on the same status message.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../sandbox/faults.js';
import { startCluster } from '../test/support/replicas.js';

const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 24);
const SEQUENCE = ['/maintenance start dev', '/startup dev', '/maintenance end dev', '/shutdown dev'] as const;
const EXPECTED: Record<(typeof SEQUENCE)[number], string[]> = {
  '/maintenance start dev': ['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule'],
  '/maintenance end dev': ['elbv2:DeleteRule', 'elbv2:SetRulePriorities', 'elbv2:SetRulePriorities'],
  '/startup dev': ['ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService'],
  '/shutdown dev': ['ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService', 'ecs:UpdateService'],
};

describe('kill -9 at random moments', () => {
  it(`${ROUNDS} rounds across maintenance, startup and shutdown`, async () => {
    const random = seededRandom(Number(process.env.SOAK_SEED ?? 11));
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-soak-'));
    const file = join(dir, 'runs.db');
    const c = await startCluster(`file:${file}`);
    // Tasks start on the sandbox clock: keep it moving while the bots work.
    const ticker = setInterval(() => c.aws.world.clock.advance(1000), 40);
    const report: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const command = SEQUENCE[round % SEQUENCE.length]!;
        const victim = await c.startReplica(`victim-${round}`);
        const mark = c.aws.world.record.mark();
        const answer = await victim.client.command(command, { user: 'U0DEV0001' });
        const accepted = JSON.stringify(answer.body).includes('accepted as run');
        await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
        victim.proc.kill('SIGKILL');
        await victim.exited;
        const heir = await c.startReplica(`heir-${round}`, { DRAIN_NOTICE_MS: '0' });
        const db = new Database(file, { readonly: true });
        try {
          for (let waited = 0; ; waited += 50) {
            const active = (db.prepare("select count(*) as n from runs where state in ('planned','running','awaiting_approval','awaiting_confirmation')").get() as { n: number }).n;
            if (active === 0) break;
            if (waited > 60_000) throw new Error(`round ${round}: ${command} never finished`);
            await new Promise((r) => setTimeout(r, 50));
          }
          const last = db.prepare('select state, error from runs order by created_at desc limit 1').get() as { state: string; error: string | null } | undefined;
          if (accepted) expect(last?.state, `round ${round}: ${command} ended ${last?.state} ${last?.error ?? ''}`).toBe('succeeded');
        } finally {
          db.close();
        }
        const mutations = c.aws.world.record.mutations(mark);
        report.push(`${round}: ${command} ${accepted ? 'accepted' : 'not accepted'} → ${mutations.length} changes`);
        // Each change exactly once: a killed bot's successor never repeats what took effect.
        expect(mutations, `round ${round}: ${command}`).toEqual(accepted ? EXPECTED[command] : []);
        heir.proc.kill('SIGTERM');
        await heir.exited;
      }
    } finally {
      clearInterval(ticker);
      await c.close();
      console.info(report.join('\n'));
    }
  });
});
