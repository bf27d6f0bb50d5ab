// The process environment is checked at start with a fix for each problem, and no secret reaches a log line.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EnvError, readEnv, receiverMode } from '../src/env.js';
import { createLog, redactText } from '../src/log.js';

const problems = (env: Record<string, string>) => {
  try {
    readEnv(env);
  } catch (e) {
    if (e instanceof EnvError) return e.problems;
    throw e;
  }
  return [];
};

describe('environment variables', () => {
  it('names every missing variable with how to set it', () => {
    const p = problems({});
    expect(p.some((l) => l.startsWith('SLACK_BOT_TOKEN: is required'))).toBe(true);
    expect(p.some((l) => l.startsWith('SLACK_SIGNING_SECRET: is required in HTTP mode'))).toBe(true);
  });

  it('names malformed ones without echoing their value', () => {
    const p = problems({ SLACK_BOT_TOKEN: ['xoxp', 'personal', 'token', 'here'].join('-'), SLACK_SIGNING_SECRET: 'not-hex!', PORT: 'eighty' });
    expect(p.join('\n')).not.toContain(['xoxp', 'personal', 'token', 'here'].join('-'));
    expect(p.some((l) => l.startsWith('SLACK_BOT_TOKEN: must be the bot token'))).toBe(true);
    expect(p.some((l) => l.startsWith('SLACK_SIGNING_SECRET: must be the hex'))).toBe(true);
    expect(p.some((l) => l.startsWith('PORT:'))).toBe(true);
  });

  it('picks Socket Mode when an app token is set', () => {
    const tok = ['xoxb', '1234567890', 'abcdefghij'].join('-');
    expect(receiverMode(readEnv({ SLACK_BOT_TOKEN: tok, SLACK_APP_TOKEN: 'xapp-1-abc' }))).toBe('socket');
    expect(receiverMode(readEnv({ SLACK_BOT_TOKEN: tok, SLACK_SIGNING_SECRET: 'abcdef0123456789' }))).toBe('http');
  });
});

describe('logs', () => {
  it('redact secrets by key, by value and by shape', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
    const secret = 'abcdef0123456789abcdef';
    const token = ['xoxb', '9999999999', 'ZZZZZZZZZZ'].join('-');
    const log = createLog({ level: 'info', secrets: [secret], destination: sink });
    log.info({ token, nested: { signingSecret: secret } }, `message with ${secret} and ${token}`);
    log.info({ err: { message: `failed with key AKIA${'A'.repeat(16)}` } }, 'oops');
    const all = lines.join('');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(token);
    expect(all).not.toContain(`AKIA${'A'.repeat(16)}`);
    expect(all).toContain('[redacted]');
    expect(redactText('plain text')).toBe('plain text');
  });
});
