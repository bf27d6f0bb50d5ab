// A hold (Pause) is the canary's own memory, not its message's: a bot restarted on the same database with the run's
// view wiped finds the canary still held where it was, and Rollback from there is still one call.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { textOf } from './support/fake-slack.js';
import { startBot } from './support/harness.js';

const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';
const BLUE_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/3333333333333301';
const GREEN_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-green/3333333333333302';
const CH = 'C0PROD001';
const GROUPS = { S0SRE0001: ['U0SRE0001', 'U0LEAD001'], S0LEADS01: ['U0LEAD001'] };

// A bake far longer than the test: a run that forgot its hold would sit in "Baking", not in the hold's pause.
const CONFIG = parseConfig(`
timezone: Asia/Tokyo
environments:
  prod:
    region: ap-northeast-1
    channel: ${CH}
    permissions: { operate: [S0SRE0001], approve: [S0LEADS01], requireApproval: false, confirm: false }
    cluster: prod-cluster
    canary:
      web:
        alb: { listenerArn: ${LISTENER}, blueTargetGroupArn: ${BLUE_TG}, greenTargetGroupArn: ${GREEN_TG} }
        steps: [10, 100]
        bakeSeconds: 3600
`);

describe('a held canary across a restart, its view lost', () => {
  it('is still held at green 10 % after the restart, and Rollback puts all traffic on blue in one call', async () => {
    const t = await startBot({ config: CONFIG, userGroups: GROUPS, db: 'file' });
    const { aws, slack } = t;
    const dbFile = t.databaseUrl.slice('file:'.length);
    const status = (needle: string) =>
      slack.waitFor(() => slack.messages(CH).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs: 15_000, message: `no status message with "${needle}"` });
    const weights = () => aws.world.elbv2.evaluate(LISTENER, { path: '/', sourceIp: '198.51.100.7' }).targetGroups;
    try {
      // Prepare: green at 10 %, baking, then held by a person.
      await t.client.command('/canary prod web start', { user: 'U0SRE0001' });
      await status('Bake ends');
      await t.client.command('/canary prod web pause', { user: 'U0SRE0001' });
      const message = await status('Held at green 10 % by <@U0SRE0001>');
      let shownBefore = 0;
      // Act: the bot stops; the view goes (the steps and the run's memory stay); a new bot takes the run over.
      await t.restart({
        whileStopped: () => {
          shownBefore = slack.messages(CH).find((m) => m.ts === message.ts)!.history.length;
          const db = new Database(dbFile);
          const wiped = db.prepare(`update runs set view = '{}', version = version + 1 where kind = 'canary'`).run();
          db.close();
          expect(wiped.changes).toBe(1);
          expect(weights()).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });
        },
      });
      expect(shownBefore).toBeGreaterThan(0); // the wipe ran, between the two bots

      // The message as the new bot draws it, once it shows where the canary is (held, or baking again).
      const redrawn = await slack.waitFor(
        () => {
          const m = slack.messages(CH).find((x) => x.ts === message.ts)!;
          return m.history.slice(shownBefore).map((v) => textOf(v.blocks).split('\n')).find((lines) => lines.includes('Held') || lines.some((l) => l.startsWith('Bake ends')));
        },
        { timeoutMs: 15_000, message: 'the new bot did not redraw the canary' },
      );
      expect(redrawn).toContain('Held');
      expect(redrawn.join('\n')).toContain('Step 1/2 · green 10 % · blue 90 %');
      expect(redrawn.join('\n')).toContain('Held at green 10 % by <@U0SRE0001> — Promote to continue');
      const [run] = await t.bot.deps.store.listRuns({ env: 'prod', kind: 'canary', active: true, limit: 5 });
      expect(run?.state).toBe('awaiting_approval');
      const held = slack.messages(CH).find((m) => m.ts === message.ts)!;
      const mark = aws.world.record.mark();
      await t.client.press(held, 'run.rollback', { user: 'U0SRE0001' });

      // Assess
      await status('↩️');
      expect(aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
      expect(weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    } finally {
      await t.close();
    }
  });
});
