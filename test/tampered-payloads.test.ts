// Validly signed but tampered payloads are answered at once (never a 500, never Slack's 3 s timeout), and change nothing.
import { stringify } from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/bot.js';
import { textOf } from './support/fake-slack.js';

const DEV = 'C0DEV0001';

describe('tampered payloads', () => {
  let t: TestBot;
  let endButton: Record<string, unknown>;
  beforeAll(async () => {
    t = await startBot();
    // A real message with a real button, so the tampered presses aim at something that exists.
    await t.client.command('/maintenance start dev');
    const msg = await t.slack.waitFor(() => t.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Maintenance on · dev')), { timeoutMs: 10_000 });
    endButton = { action_id: 'maintenance.end', block_id: 'b', value: 'dev', type: 'button', action_ts: '1.1', text: { type: 'plain_text', text: 'End maintenance' }, ts: msg.ts };
  });
  afterAll(async () => t.close());

  const press = (patch: Record<string, unknown>) => {
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: { id: 'U0DEV0001', username: 'u0dev0001', team_id: t.slack.teamId },
      api_app_id: t.slack.appId,
      token: 'fake-verification-token',
      container: { type: 'message', message_ts: '1.1', channel_id: DEV, is_ephemeral: false },
      trigger_id: '1.2.3',
      team: { id: t.slack.teamId, domain: 'fake' },
      channel: { id: DEV, name: 'dev' },
      response_url: t.slack.responseUrl(`tamper-${Math.random()}`, { user: 'U0DEV0001', channel: DEV }),
      actions: [endButton],
      ...patch,
    };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete payload[k];
    return stringify({ payload: JSON.stringify(payload) });
  };
  const command = (fields: Record<string, string>) => stringify({ token: 'x', team_id: t.slack.teamId, channel_id: DEV, user_id: 'U0DEV0001', text: '', response_url: t.slack.responseUrl(`c-${Math.random()}`, { user: 'U0DEV0001', channel: DEV }), trigger_id: '1.2.3', ...fields });

  const CASES: [string, () => string][] = [
    ['block_actions without user', () => press({ user: undefined })],
    ['block_actions with user: {}', () => press({ user: {} })],
    ['an unknown action_id', () => press({ actions: [{ ...endButton, action_id: 'maintenance.nuke' }] })],
    ['actions: []', () => press({ actions: [] })],
    ['an empty form', () => ''],
    ['a command without `command`', () => command({ text: 'end dev' })],
    ['an unknown command', () => command({ command: '/nuke', text: 'dev' })],
    ['a command without user_id', () => command({ command: '/maintenance', text: 'end dev', user_id: '' })],
    ['a view_submission without view', () => stringify({ payload: JSON.stringify({ type: 'view_submission', user: { id: 'U0DEV0001' } }) })],
  ];

  it.each(CASES)('%s: answered at once, nothing changed, no crash in the log', async (_name, body) => {
    const mark = t.aws.world.record.mark();
    const logs = t.logs.length;
    const started = performance.now();
    const res = await t.client.raw(body());
    const ms = performance.now() - started;
    expect(res.status === 200 || (res.status >= 400 && res.status < 500)).toBe(true);
    expect(ms).toBeLessThan(1500);
    // Barrier: a proper command after it is answered; the tampered request was fully handled before.
    expect((await t.client.command('/ops help')).status).toBe(200);
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    const written = t.logs.slice(logs).join('');
    expect(written).not.toMatch(/NOT NULL|not acknowledged|unhandled error|TypeError/);
    expect(await t.bot.deps.store.listRuns({ env: 'dev', active: true, limit: 10 })).toEqual([]);
  });

  it('an unknown button is refused in words to the presser', async () => {
    const before = t.slack.replies().length;
    await t.client.raw(press({ actions: [{ ...endButton, action_id: 'maintenance.nuke' }] }));
    const reply = await t.slack.waitFor(() => t.slack.replies().slice(before).find((r) => JSON.stringify(r).includes('not one I know')), { timeoutMs: 5000 });
    expect(JSON.stringify(reply)).toContain('nothing was changed');
  });
});
