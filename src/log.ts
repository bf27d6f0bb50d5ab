// Structured logging (pino) with every known secret redacted, by key and by value, before a line is written.
import { pino, type Logger } from 'pino';
import type { Logger as SlackLogger, LogLevel } from '@slack/bolt';

export type Log = Logger;

const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'secret',
  'password',
  'authorization',
  'Authorization',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'body',
  'rawBody',
];

/** Token shapes that must never be written even when they hide inside a message string. */
const TOKEN_PATTERN = /xox[abposr]-[0-9A-Za-z-]+|xapp-[0-9A-Za-z-]+|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}/g;

export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(TOKEN_PATTERN, '[redacted]');
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join('[redacted]');
  return out;
}

export interface LogOptions {
  level?: string;
  /** Exact secret values (tokens, signing secret, database password) to scrub from every line. */
  secrets?: readonly string[];
  destination?: NodeJS.WritableStream;
}

export function createLog(opts: LogOptions = {}): Log {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 6);
  const destination = opts.destination ?? process.stdout;
  // The last line of defence: scrub the serialised line itself, so a secret inside an error message is caught too.
  const scrubbing = {
    write(line: string) {
      destination.write(redactText(line, secrets));
    },
  };
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' },
      base: { app: 'ecs-chatops' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    scrubbing,
  );
}

/** Bolt's logger interface on top of pino, so Bolt's own lines are redacted too. */
export function forSlack(log: Log): SlackLogger {
  const child = log.child({ component: 'bolt' });
  let level = 'info' as LogLevel;
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: (...m: unknown[]) => child.debug(join(m)),
    info: (...m: unknown[]) => child.info(join(m)),
    warn: (...m: unknown[]) => child.warn(join(m)),
    error: (...m: unknown[]) => child.error(join(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
