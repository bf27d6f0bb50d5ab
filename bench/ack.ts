// Ack latency: signed slash commands and button presses at 1, 10 and 100 concurrent, against the bot and against
// a bare Bolt app that only acks (the floor), side by side in one run. Goal: bot p99 within 1.3× of the floor.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { startFakeSlack } from '../playground/fake-slack.js';
import { slackClient } from '../playground/slack-client.js';
import { SANDBOX_CREDENTIALS, startSandbox } from '../test/support/sandbox.js';

const ROOT = new URL('..', import.meta.url).pathname;
import { summary, timed } from './measure.js';

/** Starts a child process and resolves with the port it reports (a line `PORT n`, or the bot's "listening" log). */
function child(args: string[], env: Record<string, string>): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)|"port":(\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1] ?? m[2]}`, proc });
    });
    proc.once('exit', () => reject(new Error(`child exited: ${out.slice(-500)}`)));
  });
}

export async function run(): Promise<Record<string, unknown>> {
  // The bot and the floor each run in their own process, as in production; this process only sends load and plays Slack.
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const aws = await startSandbox();
  const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startFakeSlack({ botToken });
  const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-ack-'));
  const env = { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.url, PORT: '0', HOST: '127.0.0.1', OPS_CONFIG: 'ops.example.yml', DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, LOG_LEVEL: 'info', AWS_ENDPOINT_URL: aws.server.url, AWS_REGION: 'ap-northeast-1', AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey };
  const bot = await child(['dist/src/cli.js'], env);
  const bare = await child(['--import', 'tsx', 'bench/bare-bolt.ts'], env);
  const t = { slack };
  const botClient = slackClient({ baseUrl: bot.url, signingSecret, fakeSlack: slack });
  const bareClient = slackClient({ baseUrl: bare.url, signingSecret, fakeSlack: slack });
  // A press of a run button as Slack sends it (here on a run that does not exist: the bot looks it up and refuses).
  const press = () =>
    stringify({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: 'U0DEV0001', username: 'dev', team_id: 'T0FAKE0001' },
        api_app_id: 'A0FAKE',
        container: { type: 'message', message_ts: '1.1', channel_id: 'C0DEV0001', is_ephemeral: false },
        trigger_id: '1.2.3',
        team: { id: 'T0FAKE0001', domain: 'fake' },
        channel: { id: 'C0DEV0001', name: 'dev' },
        response_url: t.slack.responseUrl(`bench-${Math.random()}`, { user: 'U0DEV0001', channel: 'C0DEV0001' }),
        actions: [{ action_id: 'run.retry', block_id: 'b', value: '{"r":"r-none-000000","n":"x"}', type: 'button', action_ts: '1.1', text: { type: 'plain_text', text: 'Retry' } }],
      }),
    });
  const out: Record<string, unknown> = {};
  try {
    for (const concurrency of [1, 10, 100]) {
      const total = concurrency === 1 ? 200 : concurrency === 10 ? 500 : 1000;
      // Warm both, then measure them interleaved so machine noise hits both alike.
      await timed(50, 5, async () => void (await bareClient.command('/ops help')));
      await timed(50, 5, async () => void (await botClient.command('/ops help')));
      // Alternate in slices (floor, bot, floor, bot…) so the other work on the machine, which drifts over a run,
      // lands on both alike instead of on whichever went second.
      const slices = Math.max(1, Math.min(10, Math.floor(total / Math.max(20, concurrency * 2))));
      const per = Math.ceil(total / slices);
      const floorCmd: number[] = [];
      const botCmd: number[] = [];
      const floorPress: number[] = [];
      const botPress: number[] = [];
      for (let i = 0; i < slices; i += 1) {
        floorCmd.push(...(await timed(per, concurrency, async () => void (await bareClient.command('/ops help')))));
        botCmd.push(...(await timed(per, concurrency, async () => void (await botClient.command('/ops help')))));
      }
      for (let i = 0; i < slices; i += 1) {
        floorPress.push(...(await timed(per, concurrency, async () => void (await bareClient.raw(press())))));
        botPress.push(...(await timed(per, concurrency, async () => void (await botClient.raw(press())))));
      }
      const c = summary(botCmd);
      const f = summary(floorCmd);
      const cp = summary(botPress);
      const fp = summary(floorPress);
      out[`command@${concurrency} p50/p99 ms (floor)`] = `${c.p50}/${c.p99} (${f.p50}/${f.p99}) ×${(c.p99 / f.p99).toFixed(2)}`;
      out[`press@${concurrency} p50/p99 ms (floor)`] = `${cp.p50}/${cp.p99} (${fp.p50}/${fp.p99}) ×${(cp.p99 / fp.p99).toFixed(2)}`;
      out[`command@${concurrency} p99 ratio`] = Number((c.p99 / f.p99).toFixed(2));
      out[`press@${concurrency} p99 ratio`] = Number((cp.p99 / fp.p99).toFixed(2));
    }
  } finally {
    bot.proc.kill('SIGTERM');
    bare.proc.kill('SIGTERM');
    await slack.close();
    await aws.close();
  }
  return out;
}
