// A hold (Pause) is the canary's own memory, not its message's: a bot restarted on the same database with the run's
// view wiped finds the canary still held where it was, and Rollback from there is still one call.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { readEnv } from '../src/env.js';
import { createLog } from '../src/log.js';
import { createBot } from '../src/main.js';
import { startFakeSlack, textOf } from './support/fake-slack.js';
import { SANDBOX_CREDENTIALS, startSandbox } from './support/sandbox.js';
import { slackClient } from './support/slack-client.js';

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
    const aws = await startSandbox({ config: CONFIG });
    const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
    const signingSecret = randomBytes(16).toString('hex');
    const slack = await startFakeSlack({ botToken, userGroups: GROUPS });
    const dbFile = join(mkdtempSync(join(tmpdir(), 'ecs-chatops-hold-')), 'runs.db');
    const makeBot = async (owner: string) => {
      const env = readEnv({
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.url,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${dbFile}`,
        LOG_LEVEL: 'info',
        STATUS_UPDATE_INTERVAL_MS: '20',
        RUN_LEASE_MS: '1000',
      });
      const log = createLog({ level: 'info', secrets: [botToken, signingSecret], destination: new Writable({ write: (_c, _e, cb) => cb() }) });
      const bot = await createBot({ env, config: aws.config, log, owner, awsClientOptions: { endpoint: aws.server.url, credentials: SANDBOX_CREDENTIALS, retryDelayMs: 5, maxAttempts: 4 }, schedulerEveryMs: 50 });
      const { url } = await bot.start();
      return { bot, client: slackClient({ baseUrl: url!, signingSecret, fakeSlack: slack }) };
    };
    const status = (needle: string) =>
      slack.waitFor(() => slack.messages(CH).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs: 15_000, message: `no status message with "${needle}"` });
    const weights = () => aws.world.elbv2.evaluate(LISTENER, { path: '/', sourceIp: '198.51.100.7' }).targetGroups;
    try {
      // Prepare: green at 10 %, baking, then held by a person.
      const first = await makeBot('bot-a');
      await first.client.command('/canary prod web start', { user: 'U0SRE0001' });
      await status('Bake ends');
      await first.client.command('/canary prod web pause', { user: 'U0SRE0001' });
      const message = await status('Held at green 10 % by <@U0SRE0001>');
      await first.bot.stop();
      const shownBefore = slack.messages(CH).find((m) => m.ts === message.ts)!.history.length;
      // The view goes; the steps and the run's memory stay.
      const db = new Database(dbFile);
      const wiped = db.prepare(`update runs set view = '{}', version = version + 1 where kind = 'canary'`).run();
      db.close();
      expect(wiped.changes).toBe(1);
      expect(weights()).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });

      // Act: a new bot takes the run over.
      const second = await makeBot('bot-b');
      try {
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
        const [run] = await second.bot.deps.store.listRuns({ env: 'prod', kind: 'canary', active: true, limit: 5 });
        expect(run?.state).toBe('awaiting_approval');
        const held = slack.messages(CH).find((m) => m.ts === message.ts)!;
        const mark = aws.world.record.mark();
        await second.client.press(held, 'run.rollback', { user: 'U0SRE0001' });

        // Assess
        await status('↩️');
        expect(aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
        expect(weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
      } finally {
        await second.bot.stop();
      }
    } finally {
      await slack.close();
      await aws.close();
    }
  });
});
