// A run button pressed on the App Home arrives without a response_url (Slack sends none for views): the answer meant
// for the presser alone — here a refusal — reaches them in their DM with the app instead of vanishing in an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runActionId, runButtonValue } from '../blocks/actions.js';
import { signSlackRequest } from './support/slack-client.js';
import { startBot, type TestBot } from './support/bot.js';

let t: TestBot;
beforeAll(async () => {
  t = await startBot();
});
afterAll(() => t.close());

describe('a button pressed on the App Home', () => {
  it('tells the presser privately why nothing happened', async () => {
    const payload = {
      type: 'block_actions',
      user: { id: 'U0DEV0001', username: 'dev', team_id: 'T0FAKE0001' },
      api_app_id: 'A0FAKE0001',
      container: { type: 'view', view_id: 'V0HOME0001' },
      trigger_id: '1.2.home',
      team: { id: 'T0FAKE0001', domain: 'fake' },
      view: { id: 'V0HOME0001', type: 'home', blocks: [], hash: '1.a', state: { values: {} } },
      actions: [{ action_id: runActionId('approve'), block_id: 'home:r-aaaa-bbbb', type: 'button', value: runButtonValue('r-aaaa-bbbb', 'x'), action_ts: '1.000001' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const ts = Math.floor(t.clock.now() / 1000);
    const res = await fetch(new URL('/slack/events', t.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(t.secrets.signingSecret, ts, body) },
      body,
    });
    expect(res.status).toBe(200);
    const dm = await t.slack.waitFor(() => t.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'U0DEV0001'), { timeoutMs: 10_000 });
    expect(String(dm.args.text)).toContain('⛔ run r-aaaa-bbbb not found');
    await t.settled();
    expect(t.logs.join('')).not.toContain('unhandled error in a Slack handler');
  });
});
