// An AWS Lambda deployment: Slack's requests through Bolt's Lambda receiver (function URL or API Gateway), and the
// runs and schedules driven by invocations that EventBridge Scheduler makes every minute with {"ecs-chatops":"tick"}.
// A function is frozen between invocations, so nothing happens in the background: each tick drives every run for a
// bounded time within the function's timeout and hands it back. Runs are durable in PostgreSQL (required here).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsLambdaReceiver } from '@slack/bolt';
import { loadConfig } from './config/load.js';
import { readEnv, type BotEnv } from './env.js';
import { createBot, type Bot } from './main.js';
import { RequestGuard } from './slack/guard.js';
import { isPostgresUrl } from './store/store.js';

type AwsHandler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;
type AwsEvent = Parameters<AwsHandler>[0];
type AwsContext = Parameters<AwsHandler>[1];

/** What the EventBridge Scheduler schedule sends as the invocation's input. */
export const TICK_EVENT = { 'ecs-chatops': 'tick' } as const;
/** Kept free at the end of a tick: the hand-back (≤ 10 s) and the last status updates (≤ 5 s). */
const TICK_RESERVE_MS = 15_000;

export class LambdaConfigError extends Error {
  readonly code = 'lambda_config';
}

/** SQLite lives in one process's file; a Lambda has many short-lived sandboxes and a read-only disk. */
export function checkLambdaEnv(env: BotEnv): void {
  if (!isPostgresUrl(env.DATABASE_URL)) {
    throw new LambdaConfigError(
      'DATABASE_URL must be a PostgreSQL URL (postgres://user:pass@host:5432/db) on AWS Lambda: SQLite needs one long-lived process and a writable disk, and a function has neither — see README "AWS Lambda"',
    );
  }
  if (!env.SLACK_SIGNING_SECRET) throw new LambdaConfigError('SLACK_SIGNING_SECRET is required on AWS Lambda (requests arrive over HTTP)');
}

function isTick(event: unknown): boolean {
  const e = event as Record<string, unknown> | null;
  // The schedule's own input, or an EventBridge rule's "Scheduled Event".
  return !!e && (e['ecs-chatops'] === 'tick' || (e['detail-type'] === 'Scheduled Event' && e.source === 'aws.events'));
}

/**
 * The same request guard as the HTTP receiver (future timestamps, replays), after the signature is known good (so a
 * forged request cannot fill the replay record). Lambda runs many sandboxes at once, so the replay record is the
 * store's: one row per (timestamp, canonical v0 signature), claimed once across every sandbox.
 */
async function refusal(event: AwsEvent, secret: string, guard: RequestGuard, bot: Bot): Promise<string | undefined> {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const ts = headers['x-slack-request-timestamp'];
  const sig = /^v0=[0-9a-f]{64}/.exec(headers['x-slack-signature'] ?? '')?.[0];
  if (!ts || !sig) return undefined; // Bolt refuses these itself
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  if (expected.length !== sig.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(sig))) return undefined; // Bolt answers 401
  const why = guard.check({ method: 'POST', headers: { ...headers, 'x-slack-signature': sig, 'content-length': String(Buffer.byteLength(body)) } } as unknown as IncomingMessage);
  if (why) return why;
  const { store, clock } = bot.deps;
  if (!(await store.claimFire(`slack-request:${ts}:${sig}`, clock.now()))) return 'replayed request';
  return undefined;
}

interface Built {
  bot: Bot;
  slack: AwsHandler;
  guard: RequestGuard;
  secret: string;
}

let built: Promise<Built> | undefined;

async function build(): Promise<Built> {
  const env = readEnv(process.env);
  checkLambdaEnv(env);
  const config = loadConfig(env.OPS_CONFIG);
  const lambdaReceiver = new AwsLambdaReceiver({ signingSecret: env.SLACK_SIGNING_SECRET! });
  const bot = await createBot({ env, config, lambdaReceiver });
  await bot.start();
  return { bot, slack: await lambdaReceiver.start(), guard: new RequestGuard(() => bot.deps.clock.now()), secret: env.SLACK_SIGNING_SECRET! };
}

export const handler = async (event: AwsEvent, context: AwsContext): Promise<unknown> => {
  built ??= build().catch((err: unknown) => {
    built = undefined; // the next invocation tries again (a database not reachable yet)
    throw err;
  });
  const { bot, slack, guard, secret } = await built;
  if (isTick(event)) {
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000;
    await bot.work(Math.max(0, remaining - TICK_RESERVE_MS));
    return { ok: true };
  }
  const refused = await refusal(event, secret, guard, bot);
  if (refused) {
    bot.deps.log.warn({ reason: refused }, 'refused a Slack request');
    return { statusCode: 401, body: '' };
  }
  return slack(event, context);
};
