// The harness's barriers can fail: work a handler does after its ack is waited for, and a waiter says what it awaited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../handlers/commands/spec.js';
import { startBot, type TestBot } from './support/bot.js';
import { until } from './support/wait.js';

describe('the test harness', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
    // The edge answers only the bot's commands (deps.commands, handlers/edge.ts): this test's command joins this bot's.
    (t.bot.deps.commands as CommandSpec[]).push({ command: '/late-writer', description: 'test only', usageHint: '', forms: ['/late-writer'], examples: [] });
    // A handler that acks first and writes to Slack afterwards, as a careless one would.
    t.bot.app.command('/late-writer', async ({ ack, client, command }) => {
      await ack();
      await new Promise((r) => setImmediate(r));
      await client.chat.postMessage({ channel: command.channel_id, text: 'written after the ack' });
    });
  });
  afterAll(async () => t.close());

  it('settled() waits for what a handler does after its ack', async () => {
    const before = t.slack.calls.length;
    const res = await t.client.command('/late-writer');
    expect(res.status).toBe(200);
    await t.settled();
    expect(t.slack.calls.slice(before).map((c) => c.method)).toContain('chat.postMessage');
  });

  it('until() fails with what it was waiting for', async () => {
    await expect(until(() => undefined, { what: 'a thing that never comes', timeoutMs: 50 })).rejects.toThrow(/a thing that never comes/);
  });
});
