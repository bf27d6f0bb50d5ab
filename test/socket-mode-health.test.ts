// Issue 18 item 11: Socket Mode that cannot connect does not look healthy. The bot comes up, serves /healthz at
// once (503 while apps.connections.open fails, saying why), and the log says plainly what to fix.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.js';
import { createLog } from '../src/log.js';
import { createBot, type Bot } from '../src/main.js';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';
import { EXAMPLE_CONFIG } from './support/sandbox.js';
import { until } from './support/wait.js';
import { loadConfig } from '../src/config/load.js';

describe('Socket Mode health', () => {
  let bot: Bot | undefined;
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await bot?.stop();
    await slack?.close();
    bot = undefined;
  });

  it('with apps.connections.open failing: /healthz is 503 and names the failure, the log says what to fix', async () => {
    const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
    slack = await startFakeSlack({ botToken });
    // Slack refuses the call (the fake has no Socket Mode endpoint: it answers as for an unknown method).
    slack.failNext('apps.connections.open', 'internal_error', 100);
    const lines: string[] = [];
    const log = createLog({ level: 'info', destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }) });
    const env = readEnv({ SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: `xapp-1-${randomBytes(8).toString('hex')}`, SLACK_API_URL: slack.url, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: ':memory:' });
    bot = await createBot({ env, config: loadConfig(EXAMPLE_CONFIG), log });
    // start() returns although Slack cannot be reached: health must answer meanwhile.
    const { port } = await bot.start();
    expect(port).toBeGreaterThan(0);
    await slack.waitFor(() => slack!.callsTo('apps.connections.open').length > 0);
    let body: { ok?: boolean; slack?: string } = {};
    let status = 0;
    await until(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      status = res.status;
      body = (await res.json()) as typeof body;
      return body.slack?.includes('apps.connections.open failed');
    }, { what: '/healthz to name the failed Socket Mode connection', timeoutMs: 10_000, pollMs: 50 }).catch(() => undefined);
    expect(status).toBe(503);
    expect(body).toMatchObject({ ok: false });
    expect(body.slack).toContain('apps.connections.open failed');
    expect(lines.join('')).toContain('cannot connect to Slack in Socket Mode');
    expect(lines.join('')).toContain('SLACK_APP_TOKEN');
    // The app token never reaches a log line.
    expect(lines.join('')).not.toContain(env.SLACK_APP_TOKEN!);
  }, 30_000);
});
