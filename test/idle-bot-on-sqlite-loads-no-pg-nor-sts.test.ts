// Footprint (issue 23): the built bot on SQLite, with no environment that assumes a role, loads neither the
// PostgreSQL driver (pg) nor @aws-sdk/credential-providers (STS AssumeRole), idle or after a run. Every module the
// process loads is recorded: ESM through a loader hook, CommonJS from the require cache at exit.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';
import { compiledPath } from './support/compiled.js';
import { slackClient } from './support/slack-client.js';
import { exampleConfigWithoutSchedules, SANDBOX_CREDENTIALS, startSandbox, type TestSandbox } from './support/sandbox.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('the built bot on SQLite, no roleArn', () => {
  let slack: FakeSlack;
  let aws: TestSandbox;
  const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  beforeAll(async () => {
    slack = await startFakeSlack({ botToken });
    aws = await startSandbox();
  });
  afterAll(async () => {
    await slack?.close();
    await aws?.close();
  });

  it('has loaded no pg and no @aws-sdk/credential-providers module, after a maintenance run too', async () => {
    // Prepare: the recorders, and ops.example.yml (no environment has a roleArn).
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-modules-'));
    const loaded = join(dir, 'loaded');
    writeFileSync(loaded, '');
    writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(loaded)}, url + '\\n'); return next(url, context); }\n`);
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
    writeFileSync(join(dir, 'cache.cjs'), `process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(loaded)}, Object.keys(require.cache).join('\\n') + '\\n'));\n`);
    const config = parse(readFileSync(join(ROOT, 'ops.example.yml'), 'utf8')) as { environments: Record<string, { roleArn?: string }> };
    expect(Object.values(config.environments).filter((e) => e.roleArn)).toEqual([]);
    const env = {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.url,
      PORT: '0',
      HOST: '127.0.0.1',
      OPS_CONFIG: exampleConfigWithoutSchedules(), // no reminder or startup due while it idles
      DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      DRAIN_NOTICE_MS: '0',
      AWS_ENDPOINT_URL: aws.server.url,
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    };
    const bot = spawn(process.execPath, ['--import', join(dir, 'register.mjs'), '--require', join(dir, 'cache.cjs'), await compiledPath('src/cli.ts')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bot.stdout.on('data', (d: Buffer) => (out += d.toString()));
    bot.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => bot.once('exit', (code) => r(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        bot.stdout.on('data', () => {
          const m = /"port":(\d+)[^\n]*listening for Slack/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        bot.once('exit', () => reject(new Error(`the bot exited before listening:\n${out.slice(-3000)}`)));
      });
      // Act: a maintenance run that calls AWS (the clients and their credentials are built), to its end.
      const client = slackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack: slack });
      await client.command('/maintenance start dev', { user: 'U0DEV0001' });
      await slack.waitFor(() => slack.messages('C0DEV0001').some((m) => JSON.stringify(m.blocks ?? '').includes('Maintenance on')), { timeoutMs: 30_000 });
    } finally {
      bot.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // Assess
    const paths = readFileSync(loaded, 'utf8').split('\n').filter(Boolean).map((l) => (l.startsWith('file:') ? new URL(l).pathname : l));
    // Not vacuous: the store's driver and an SDK client were loaded.
    expect(paths.some((p) => p.includes('/node_modules/better-sqlite3/'))).toBe(true);
    expect(paths.some((p) => p.includes('/node_modules/@aws-sdk/client-elastic-load-balancing-v2/'))).toBe(true);
    expect(paths.filter((p) => /\/node_modules\/(pg|pg-pool|pg-protocol|@aws-sdk\/credential-providers)\//.test(p))).toEqual([]);
  }, 90_000);
});
