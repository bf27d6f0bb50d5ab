// `npm start`: the real bot when Slack credentials are set; otherwise the whole thing on the local sandbox.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config/load.js';
import { EnvError, readEnv } from './env.js';
import { createBot, secretsOf } from './main.js';
import { createLog } from './log.js';

function fail(err: unknown): never {
  if (err instanceof ConfigError || err instanceof EnvError) {
    console.error(`ecs-chatops: ${err.message}`);
  } else {
    console.error(`ecs-chatops: ${err instanceof Error ? err.message : String(err)}`);
  }
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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const hasSlack = Boolean(process.env.SLACK_BOT_TOKEN || process.env.SLACK_APP_TOKEN || process.env.SLACK_SIGNING_SECRET);
  if (!hasSlack || argv.includes('--local')) {
    const { startLocal } = await import('./local.js');
    await startLocal({ argv, env: process.env });
    return;
  }
  const env = readEnv(process.env);
  const configPath = env.OPS_CONFIG;
  const config = loadConfig(configPath);
  const log = createLog({ level: env.LOG_LEVEL, secrets: secretsOf(env) });
  let awsClientOptions = {};
  if (argv.includes('--sandbox')) {
    const { startSandboxFromConfig } = await import('./sandbox/start.js');
    const sandbox = await startSandboxFromConfig(config, { realTime: true });
    awsClientOptions = sandbox.clientOptions;
    log.info({ url: sandbox.url }, 'AWS calls go to the local sandbox');
  }
  const bot = await createBot({ env, config, log, awsClientOptions, ...failpoints(process.env.ECS_CHATOPS_FAILPOINTS) });
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

main().catch(fail);
