// Kill -9 of the bot at every step boundary of a maintenance start: the restarted bot finishes the run,
// keeps updating the same status message, and the sandbox's call record shows no mutation twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeSlack, textOf } from './support/fake-slack.js';
import { EXAMPLE_CONFIG, SANDBOX_CREDENTIALS, startSandbox } from './support/sandbox.js';
import { slackClient } from './support/slack-client.js';

const ROOT = new URL('..', import.meta.url).pathname;

interface Child {
  proc: ChildProcess;
  port: Promise<number>;
  exited: Promise<number | null>;
}

function startChild(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = new Promise<number>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+).*listening for Slack/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', () => reject(new Error(`bot exited before listening:\n${out.slice(-2000)}`)));
  });
  port.catch(() => undefined);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, port, exited };
}

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
  it.each(BOUNDARIES)('at %s: the run finishes once, on the same message', async (boundary) => {
    const aws = await startSandbox();
    const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
    const signingSecret = randomBytes(16).toString('hex');
    const slack = await startFakeSlack({ botToken });
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-crash-'));
    const env = {
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.url,
      PORT: '0',
      HOST: '127.0.0.1',
      OPS_CONFIG: EXAMPLE_CONFIG,
      DATABASE_URL: `file:${join(dir, 'runs.db')}`,
      STATUS_UPDATE_INTERVAL_MS: '10',
      RUN_LEASE_MS: '1000',
      LOG_LEVEL: 'info',
      AWS_ENDPOINT_URL: aws.server.url,
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    };
    try {
      const first = startChild({ ...env, ECS_CHATOPS_FAILPOINTS: boundary });
      const client = slackClient({ baseUrl: `http://127.0.0.1:${await first.port}`, signingSecret, fakeSlack: slack });
      const res = await client.command('/maintenance start dev', { user: 'U0DEV0001' });
      expect(res.status).toBe(200);
      // The failpoint kills the bot with SIGKILL at the boundary.
      expect(await first.exited).toBeNull();

      const second = startChild(env);
      await second.port;
      await slack.waitFor(() => slack.messages('C0DEV0001').some((m) => textOf(m.blocks).includes('✅ Maintenance on · dev')), { timeoutMs: 20_000 });
      second.proc.kill('SIGTERM');
      await second.exited;

      expect(aws.world.record.mutations()).toEqual(['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule']);
      expect(slack.messages('C0DEV0001')).toHaveLength(1);
      expect(aws.world.elbv2.evaluate('arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/dev-web/1111111111111111/1111111111111101', { path: '/', sourceIp: '198.51.100.1' })).toMatchObject({ kind: 'fixed-response', status: 503 });
    } finally {
      await slack.close();
      await aws.close();
    }
  }, 40_000);
});
