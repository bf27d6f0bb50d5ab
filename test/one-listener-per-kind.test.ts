// handlers/router.ts: the bot's commands and buttons reach their handlers through one Bolt listener each, dispatching
// on the command's name and the action id as Bolt's own matching did. Real Bolt App, events through processEvent.
import { App, type ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { routed } from '../handlers/router.js';

function app(): App {
  // Events are handed to processEvent directly, as the receiver would. The bot's ids are given, so Bolt never asks
  // auth.test; and its Web API points at a closed loopback port, so nothing here can reach beyond this machine.
  return new App({ token: 'xoxb-test', signingSecret: 'x', tokenVerificationEnabled: false, botId: 'B1', botUserId: 'U0BOT', convoStore: false, clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' } });
}

function event(body: Record<string, unknown>): ReceiverEvent & { acked: () => boolean } {
  let acked = false;
  return { body, ack: async () => void (acked = true), acked: () => acked };
}

const command = (name: string) => event({ command: name, text: '', user_id: 'U1', channel_id: 'C1', team_id: 'T1', response_url: 'http://127.0.0.1:9/r', trigger_id: 't' });
const press = (actionId: string) =>
  event({ type: 'block_actions', user: { id: 'U1' }, team: { id: 'T1' }, channel: { id: 'C1' }, actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1' }], response_url: 'http://127.0.0.1:9/r', trigger_id: 't' });

describe('one listener per kind', () => {
  it('a command reaches the handler registered for its name, and only that one', async () => {
    const a = app();
    const r = routed(a);
    const heard: string[] = [];
    r.app.command('/ops', async ({ ack }) => void (heard.push('ops'), await ack()));
    r.app.command('/canary', async ({ ack }) => void (heard.push('canary'), await ack()));
    r.mount();
    const e = command('/canary');
    await a.processEvent(e);
    expect([heard, e.acked()]).toEqual([['canary'], true]);
  });

  it('a button runs every handler whose id or pattern matches, as Bolt ran every matching listener', async () => {
    const a = app();
    const r = routed(a);
    const heard: string[] = [];
    r.app.action(/^run\.[a-z]+$/, async ({ ack }) => void (heard.push('run.*'), await ack()));
    r.app.action('run.stop', async () => void heard.push('run.stop'));
    r.app.action('schedule.skip', async () => void heard.push('skip'));
    r.mount();
    await a.processEvent(press('run.stop'));
    expect(heard.sort()).toEqual(['run.*', 'run.stop']);
    heard.length = 0;
    await a.processEvent(press('run.Stop'));
    expect(heard).toEqual([]);
  });

  it("a handler's failure reaches Bolt's error handler", async () => {
    const a = app();
    const errors: unknown[] = [];
    a.error(async (err) => void errors.push(err));
    const r = routed(a);
    r.app.action('boom', async ({ ack }) => {
      await ack();
      throw new Error('handler failed');
    });
    r.mount();
    await a.processEvent(press('boom')).catch((err: unknown) => errors.push(err));
    expect(String((errors[0] as { original?: unknown })?.original ?? errors[0])).toContain('handler failed');
  });

  it('refuses what it would not route faithfully: a second handler for a command, a middleware chain, a /g pattern', () => {
    const r = routed(app());
    r.app.command('/ops', async () => undefined);
    expect(() => r.app.command('/ops', async () => undefined)).toThrow('two handlers for /ops');
    expect(() => (r.app.command as (...a: unknown[]) => void)('/x', async () => undefined, async () => undefined)).toThrow();
    expect(() => r.app.action(/run/g, async () => undefined)).toThrow();
  });

  it('everything else is the App itself', () => {
    const a = app();
    expect(routed(a).app.client).toBe(a.client);
  });
});
