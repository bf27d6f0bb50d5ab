// The path the Docker image runs: `npm run build`, then `node dist/src/cli.js` — it answers /healthz and a signed /ops help,
// and bad config or environment stop it with a clear message and no stack trace.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack } from './support/fake-slack.js';
import { slackClient } from './support/slack-client.js';

const ROOT = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);

function startBuilt(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['dist/src/cli.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  /** The port it listens on, from its own log line (PORT=0: the kernel picks a free one, so parallel files never collide). */
  const listening = new Promise<number>((resolve, reject) => {
    proc.stdout.on('data', () => {
      const m = /"port":(\d+)[^\n]*listening for Slack/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', () => reject(new Error(`the built bot exited before listening:\n${out.slice(-2000)}${err.slice(-2000)}`)));
  });
  // The bad-config tests expect an exit and never await it.
  listening.catch(() => undefined);
  return { proc, exited, listening, out: () => out, err: () => err };
}

describe('the built bot', () => {
  // A whole tsc emit: 20 CPU-seconds, and over 120 s of wall time beside a busy core at load 19 (a stress run); the
  // timeout only turns a hung build into a failure.
  beforeAll(async () => {
    await run('npm', ['run', 'build'], { cwd: ROOT });
  }, 300_000);

  it('answers /healthz and a signed /ops help in HTTP mode', async () => {
    const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
    const signingSecret = randomBytes(16).toString('hex');
    const slack = await startFakeSlack({ botToken });
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-build-'));
    const bot = startBuilt({ SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.url, PORT: '0', HOST: '127.0.0.1', OPS_CONFIG: 'ops.example.yml', DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, AWS_REGION: 'ap-northeast-1' });
    try {
      const port = await bot.listening;
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const res = await slackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack: slack }).command('/ops help');
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain('/maintenance start <env>');
      expect(bot.out()).not.toContain(botToken);
      expect(bot.out()).not.toContain(signingSecret);
    } finally {
      bot.proc.kill('SIGTERM');
      await bot.exited;
      await slack.close();
    }
  }, 30_000);

  it('stops on a bad config with the path and the fix, and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-badcfg-'));
    const cfg = join(dir, 'ops.yml');
    writeFileSync(cfg, 'environments:\n  dev:\n    region: ap-northeast-1\n    channel: C0DEV0001\n    cluster: c\n    services:\n      a: { dependsOn: [b] }\n      b: { dependsOn: [a] }\n');
    const bot = startBuilt({ SLACK_BOT_TOKEN: `xoxb-${randomBytes(8).toString('hex')}`, SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'), OPS_CONFIG: cfg });
    expect(await bot.exited).toBe(1);
    expect(bot.err()).toContain('environments.dev.services: dependency cycle: a → b → a');
    expect(bot.err()).not.toMatch(/\n\s+at /);
  }, 20_000);

  it('stops on a bad environment naming each variable and how to set it', async () => {
    const bot = startBuilt({ SLACK_BOT_TOKEN: 'not-a-token', OPS_CONFIG: 'ops.example.yml' });
    expect(await bot.exited).toBe(1);
    expect(bot.err()).toContain('SLACK_BOT_TOKEN: must be the bot token (starts with xoxb-)');
    expect(bot.err()).toContain('SLACK_SIGNING_SECRET: is required in HTTP mode');
    expect(bot.err()).not.toContain('not-a-token');
    expect(bot.err()).not.toMatch(/\n\s+at /);
  }, 20_000);
});
