// The bot as a long-running process: environment and config read once, the bot started, SIGTERM/SIGINT drained.
// Shared by the product entry (src/cli.ts, what the Docker image runs) and the dev entry (playground/cli.ts, `npm start`).
import { existsSync } from 'node:fs';
import type { ClientOptions } from './aws/clients.js';
import { loadConfig } from './config/load.js';
import type { OpsConfig } from './config/schema.js';
import { readEnv, type BotEnv } from './env.js';
import { createLog, type Log } from './log.js';
import { createBot, secretsOf } from './main.js';

/** With none of the Slack variables set there is no Slack to connect to (the dev entry then opens the playground). */
export function hasSlackVariables(env: NodeJS.ProcessEnv): boolean {
  return ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'].some((name) => Boolean(env[name]));
}

/**
 * Prints one readable error and exits 1: no stack trace, since a ConfigError or EnvError names the path or variable
 * and the fix, and any other error's message is what an operator can act on.
 */
export function fail(err: unknown): never {
  console.error(`ecs-chatops: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

/**
 * Test failpoints (like fail-rs): `ECS_CHATOPS_FAILPOINTS=after:create-rule:api` kills the process with SIGKILL
 * at the first step boundary whose name starts with that; `before:shift-rule:api#2` at the second such one.
 * The crash-and-resume tests stop the bot exactly there. Unset in production.
 */
export function failpoints(spec: string | undefined): { failpoint?: (name: string) => void } {
  if (!spec) return {};
  const points = spec.split(',').map((p) => {
    const [prefix = '', nth = '1'] = p.split('#');
    return { prefix, nth: Number(nth), seen: 0 };
  });
  return {
    failpoint: (name) => {
      for (const p of points) {
        if (!name.startsWith(p.prefix)) continue;
        p.seen += 1;
        if (p.seen === p.nth) process.kill(process.pid, 'SIGKILL');
      }
    },
  };
}

export interface ProcessSetup {
  env: BotEnv;
  config: OpsConfig;
  configPath: string;
  log: Log;
}

/** Reads and checks the environment and ops.yml; throws EnvError / ConfigError naming what is wrong. */
export function readSetup(source: NodeJS.ProcessEnv): ProcessSetup {
  const env = readEnv(source);
  const configPath = env.OPS_CONFIG;
  const config = loadConfig(configPath);
  const log = createLog({ level: env.LOG_LEVEL, secrets: secretsOf(env) });
  return { env, config, configPath, log };
}

/** Starts the bot and keeps it running until SIGTERM or SIGINT, then drains and exits. */
export async function runBotProcess(setup: ProcessSetup, opts: { awsClientOptions?: ClientOptions } = {}): Promise<void> {
  const { env, config, configPath, log } = setup;
  const bot = await createBot({ env, config, log, awsClientOptions: opts.awsClientOptions ?? {}, ...failpoints(process.env.ECS_CHATOPS_FAILPOINTS) });
  const where = await bot.start();
  log.info({ ...where, config: configPath, exists: existsSync(configPath) }, 'ecs-chatops is running');
  const shutdown = (signal: string) => {
    log.info({ signal, noticeMs: env.DRAIN_NOTICE_MS }, 'draining: /healthz says 503, no new work, leases handed back');
    // The last word on the 30 s stop timeout: whatever still hangs (Slack or the database unreachable) is left behind.
    setTimeout(() => {
      log.warn('drain did not finish within 25 s; exiting — runs still leased are taken over when their lease ends');
      process.exit(1);
    }, 25_000).unref();
    void bot.stop({ noticeMs: env.DRAIN_NOTICE_MS }).then(() => {
      log.info('drained; exiting');
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
