// Issue 18 item 10 and issue 17 item 11: Lambda as a real deployment. Every invocation is a fresh Node process that
// loads dist-equivalent src/lambda.ts, handles one event and exits — nothing is kept alive in between, as a frozen or
// recycled function would. Slack's requests arrive as API Gateway events; runs and schedules move only on the
// scheduled {"ecs-chatops":"tick"} invocations. PostgreSQL is required there.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { compiledPath } from './support/compiled.js';
import { startFakeSlack, textOf, type FakeSlack } from './support/fake-slack.js';
import { postgresMissing, startPostgres, type TestPostgres } from './support/postgres.js';
import { statusMessages } from './support/replicas.js';
import { EXAMPLE_CONFIG, exampleConfigWithoutSchedules, SANDBOX_CREDENTIALS, startSandbox, type TestSandbox } from './support/sandbox.js';
import { slackClient } from './support/slack-client.js';

const ROOT = new URL('..', import.meta.url).pathname;

/** One invocation in a process of its own: the handler (compiled once, ./support/compiled.ts) is imported cold, called once, and the process exits. */
async function invoke(env: Record<string, string>, event: unknown, remainingMs = 18_000): Promise<{ result: unknown; out: string; code: number | null }> {
  const lambda = await compiledPath('src/lambda.ts', 'bundled');
  const script = `
    const { handler } = await import(${JSON.stringify(lambda)});
    const context = { getRemainingTimeInMillis: () => ${remainingMs} - (Date.now() - started) };
    const started = Date.now();
    try {
      const result = await handler(JSON.parse(process.env.LAMBDA_EVENT), context);
      process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
      process.exit(0);
    } catch (err) {
      process.stdout.write('\\nERROR ' + err.message + '\\n');
      process.exit(2);
    }
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env, LAMBDA_EVENT: JSON.stringify(event) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const m = /\nRESULT (.*)\n/.exec(out);
      resolve({ result: m ? JSON.parse(m[1]!) : undefined, out, code });
    });
  });
}

/** API Gateway in front of the function: each HTTP request becomes one invocation (a fresh process). */
async function apiGateway(env: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const event = { httpMethod: req.method, path: req.url, resource: '/slack/events', headers: req.headers, multiValueHeaders: {}, body, isBase64Encoded: false, requestContext: {}, pathParameters: null, queryStringParameters: null, multiValueQueryStringParameters: null, stageVariables: null };
      void invoke(env, event).then(({ result, out }) => {
        const r = result as { statusCode?: number; body?: string; headers?: Record<string, string> } | undefined;
        if (!r?.statusCode) {
          res.writeHead(502).end(out.slice(-2000));
          return;
        }
        res.writeHead(r.statusCode, { 'content-type': r.headers?.['Content-Type'] ?? r.headers?.['content-type'] ?? 'text/plain' }).end(r.body ?? '');
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('AWS Lambda deployment', () => {
  it('refuses SQLite with a clear error naming DATABASE_URL', async () => {
    const env = { SLACK_BOT_TOKEN: `xoxb-${randomBytes(8).toString('hex')}`, SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'), OPS_CONFIG: EXAMPLE_CONFIG, DATABASE_URL: 'file:/tmp/never-created/x.db', LOG_LEVEL: 'silent' };
    const { out, code } = await invoke(env, { 'ecs-chatops': 'tick' });
    expect(code).toBe(2);
    expect(out).toContain('DATABASE_URL must be a PostgreSQL URL');
  }, 60_000);
});

describe.skipIf(postgresMissing)('AWS Lambda deployment on PostgreSQL', () => {
  let server: TestPostgres;
  let aws: TestSandbox;
  let slack: FakeSlack;
  let env: Record<string, string>;
  let signingSecret: string;
  beforeAll(async () => {
    server = await startPostgres();
    aws = await startSandbox();
    const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
    signingSecret = randomBytes(16).toString('hex');
    slack = await startFakeSlack({ botToken });
    env = {
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.url,
      OPS_CONFIG: exampleConfigWithoutSchedules(),
      DATABASE_URL: await server.freshDatabase(),
      STATUS_UPDATE_INTERVAL_MS: '10',
      RUN_LEASE_MS: '5000',
      LOG_LEVEL: 'info',
      AWS_ENDPOINT_URL: aws.server.url,
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    };
  }, 60_000);
  afterAll(async () => {
    await slack?.close();
    await aws?.close();
    await server?.close();
  });

  it('a run requested through the function is driven to its end by scheduled invocations alone', async () => {
    const gw = await apiGateway(env);
    try {
      const client = slackClient({ baseUrl: gw.url, signingSecret, fakeSlack: slack });
      const res = await client.command('/maintenance start dev', { user: 'U0DEV0001' });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain('accepted as run');
      // The request's invocation has returned: nothing moved on AWS (a frozen function drives nothing).
      expect(aws.world.record.mutations()).toEqual([]);
      // EventBridge Scheduler's invocations, one process each, until the run has ended. Each has 3 s of driving
      // (18 s left minus the 15 s kept for the hand-back); the cap only turns a run that never ends into a failure —
      // on a busy machine the start-up eats into a tick's time, so how many ticks it takes is not the claim.
      let ticks = 0;
      const done = () => statusMessages(slack).some((m) => textOf(m.blocks).includes('✅ Maintenance on · dev'));
      while (!done() && ticks < 20) {
        const t = await invoke(env, { 'ecs-chatops': 'tick' }, 18_000);
        expect(t.result).toEqual({ ok: true });
        ticks += 1;
      }
      expect(done()).toBe(true);
      expect(aws.world.record.mutations()).toEqual(['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule']);
      expect(statusMessages(slack)).toHaveLength(1);
      const store = await Store.open(env.DATABASE_URL!);
      const [run] = await store.listRuns({ kind: 'maintenance' });
      await store.close();
      expect(run).toMatchObject({ state: 'succeeded', owner: null });
    } finally {
      await gw.close();
    }
  }, 180_000);

  it('the same request guard as HTTP: a future timestamp and a replay (on another sandbox) are refused', async () => {
    const gw = await apiGateway(env);
    try {
      const client = slackClient({ baseUrl: gw.url, signingSecret, fakeSlack: slack });
      const future = await client.command('/ops help', { timestampOffsetSeconds: 360 });
      expect(future.status).toBe(401);
      // Capture one signed request and send it twice: each lands on a fresh process (another Lambda sandbox).
      const ts = Math.floor(Date.now() / 1000);
      const body = `command=%2Fops&text=help&user_id=U0DEV0001&channel_id=C0DEV0001&team_id=${slack.teamId}&response_url=${encodeURIComponent(slack.responseUrl('replay-1', { user: 'U0DEV0001', channel: 'C0DEV0001' }))}&trigger_id=1.2.3`;
      const { signSlackRequest } = await import('./support/slack-client.js');
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(signingSecret, ts, body) };
      const first = await fetch(`${gw.url}/slack/events`, { method: 'POST', headers, body });
      const second = await fetch(`${gw.url}/slack/events`, { method: 'POST', headers, body });
      expect(first.status).toBe(200);
      expect(second.status).toBe(401);
    } finally {
      await gw.close();
    }
  }, 120_000);
});
