// Kill -9 of the bot at every step boundary of a maintenance start: the restarted bot finishes the run,
// keeps updating the same status message, and the sandbox's call record shows no mutation twice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startCluster } from './support/replicas.js';

const BOUNDARIES = [
  'before:decide',
  'after:decide',
  'after:plan:api',
  'after:remember:api',
  'before:shift-rule:api#1',
  'after:shift-rule:api#1',
  'after:shift-rule:api#2',
  'before:create-rule:api',
  'after:create-rule:api',
  'after:start:api',
];

describe('kill -9 and restart mid-run', () => {
  // Two bot processes start per case; beside a busy core at load 19 (a stress run) a case took 27–40 s and the old
  // 40 s timeout failed one. The timeout (and the 60 s wait for ✅) only turn a run nobody finishes into a failure.
  it.each(BOUNDARIES)('at %s: the run finishes once, on the same message', async (boundary) => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-crash-'));
    const c = await startCluster(`file:${join(dir, 'runs.db')}`);
    try {
      const first = await c.startReplica('first', { ECS_CHATOPS_FAILPOINTS: boundary });
      const res = await first.client.command('/maintenance start dev', { user: 'U0DEV0001' });
      expect(res.status).toBe(200);
      // The failpoint kills the bot with SIGKILL at the boundary.
      expect(await first.exited).toBeNull();

      await c.startReplica('second');
      await c.slack.waitFor(() => c.slack.messages('C0DEV0001').some((m) => textOf(m.blocks).includes('✅ Maintenance on · dev')), { timeoutMs: 60_000 });

      expect(c.aws.world.record.mutations()).toEqual(['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule']);
      expect(c.slack.messages('C0DEV0001')).toHaveLength(1);
      expect(c.aws.world.elbv2.evaluate('arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/dev-web/1111111111111111/1111111111111101', { path: '/', sourceIp: '198.51.100.1' })).toMatchObject({ kind: 'fixed-response', status: 503 });
    } finally {
      await c.close();
    }
  }, 120_000);
});
