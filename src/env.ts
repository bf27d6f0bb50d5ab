// The process environment, validated once at start: each missing or malformed variable is named with how to set it.
import { z } from 'zod';

const url = (example: string) => z.string().url(`must be a URL such as ${example}`);

export const EnvSchema = z
  .object({
    OPS_CONFIG: z.string().min(1).default('./ops.yml'),
    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-/, 'must be the bot token (starts with xoxb-) from your Slack app\'s "OAuth & Permissions" page')
      .optional(),
    SLACK_SIGNING_SECRET: z
      .string()
      .regex(/^[0-9a-f]{16,}$/i, 'must be the hex "Signing Secret" from your Slack app\'s "Basic Information" page')
      .optional(),
    SLACK_APP_TOKEN: z
      .string()
      .regex(/^xapp-/, 'must be an app-level token (starts with xapp-) with the connections:write scope, for Socket Mode')
      .optional(),
    SLACK_API_URL: url('https://slack.com/api/').optional(),
    PORT: z.coerce.number().int().min(0).max(65535, 'must be a TCP port number').default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: z.string().min(1).default('file:./data/ecs-chatops.db'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Milliseconds between two updates of one status message (Slack's chat.update is Tier 3, ~50/min per workspace). */
    STATUS_UPDATE_INTERVAL_MS: z.coerce.number().int().min(0).default(3000),
    /** How long a replica's ownership of a run lasts without renewal. */
    RUN_LEASE_MS: z.coerce.number().int().min(1000).default(15_000),
    /**
     * After SIGTERM, how long /healthz answers 503 (while Slack's requests are still served and runs are handed over)
     * before the port closes: a load balancer marks a target unhealthy after interval × threshold, 2 × 5 s at the
     * fastest on an ALB. The whole drain stays under the 30 s stop timeout.
     */
    DRAIN_NOTICE_MS: z.coerce.number().int().min(0).max(20_000, 'must be at most 20000 so the drain ends within a 30 s stop timeout').default(10_000),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required — set it to your bot token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page' });
    }
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required in HTTP mode — set it to the app\'s Signing Secret, or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode',
      });
    }
  });

export type BotEnv = z.infer<typeof EnvSchema> & { SLACK_BOT_TOKEN: string };

export class EnvError extends Error {
  readonly code = 'env_invalid';
  constructor(readonly problems: string[]) {
    super(`the environment is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

export function readEnv(source: Record<string, string | undefined>): BotEnv {
  // Empty strings count as unset: `FOO= npm start` should behave like no FOO.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    // Never echo a value back: it may be a secret.
    throw new EnvError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data as BotEnv;
}

/** Where the bot should run: the three ways Slack can reach it. */
export function receiverMode(env: BotEnv): 'socket' | 'http' {
  return env.SLACK_APP_TOKEN ? 'socket' : 'http';
}
