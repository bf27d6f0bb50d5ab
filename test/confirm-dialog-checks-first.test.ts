// The confirmation dialog (permissions.confirm): what can fail — busy, not an operator — is told privately before the
// dialog opens, so nobody types the environment's name for nothing; on submit it is checked again (the state can
// change meanwhile), and the error inside the dialog is plain text: names and local times, no mrkdwn, no mentions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialogError } from '../blocks/confirm.js';
import { startBot, type TestBot } from './support/bot.js';
import { messagesIn } from './support/harness.js';

let t: TestBot;
beforeAll(async () => {
  t = await startBot({ userGroups: { S0SRE0001: ['U0SRE0001', 'U0SRE0002', 'U0LEAD001'], S0LEADS01: ['U0LEAD001', 'U0LEAD002'] } });
});
afterAll(() => t.close());

const modals = () => t.slack.views().filter((v) => v.view.callback_id === 'run.confirm');

describe('the confirmation dialog', () => {
  it('is not opened for someone who may not operate: they are told why at once', async () => {
    const n = modals().length;
    const res = await t.client.command('/maintenance start prod', { user: 'U0NOBODY01', triggerId: 'trig-nobody' });
    expect(JSON.stringify(res.body)).toContain('you may not operate *prod*');
    await t.settled();
    expect(modals().length).toBe(n);
  });

  it('is not opened while another run holds the lock; a dialog opened before the lock was taken refuses on submit, in plain text', async () => {
    const n = modals().length;
    // Two people open the dialog while prod is free.
    await t.client.command('/maintenance start prod', { user: 'U0SRE0001', triggerId: 'trig-a' });
    await t.client.command('/maintenance start prod', { user: 'U0SRE0002', triggerId: 'trig-b' });
    await t.slack.waitFor(() => (modals().length >= n + 2 ? true : undefined), { timeoutMs: 5000 });
    const [first, second] = modals().slice(n);
    await t.client.submitView(first!.view, { confirm: { env: 'prod' } }, { user: 'U0SRE0001' });
    await messagesIn(t.slack, 'C0PROD001').waitText('Waiting for a second person to approve');

    // The second submit meets the lock taken meanwhile: the dialog says so in plain words.
    const refused = await t.client.submitView(second!.view, { confirm: { env: 'prod' } }, { user: 'U0SRE0002' });
    const error = (refused.body as { errors?: { confirm?: string } }).errors?.confirm ?? '';
    expect(error).toContain('is busy');
    expect(error).toContain('@u0sre0001');
    expect(error).toMatch(/\d\d:\d\d JST/);
    expect(error).not.toMatch(/[*`]|<@|<!subteam|\d{4}-\d\d-\d\dT/);
    expect(error.length).toBeLessThanOrEqual(150);

    // A third person now is told before any dialog opens.
    const before = modals().length;
    const busy = await t.client.command('/maintenance start prod', { user: 'U0LEAD001', triggerId: 'trig-c' });
    expect(JSON.stringify(busy.body)).toContain('is busy');
    await t.settled();
    expect(modals().length).toBe(before);
    await t.client.press(messagesIn(t.slack, 'C0PROD001').latest(), 'run.cancel', { user: 'U0SRE0001' });
    await messagesIn(t.slack, 'C0PROD001').waitText('nothing changed');
  });

  it('turns a reason into plain text: names, user groups, local times, no mrkdwn', () => {
    const text = dialogError('you may not operate *prod* — operators: <!subteam^S0SRE0001>, <@U0ALICE01> since 2026-12-02T05:04:00Z, run `r-1`', { names: { U0ALICE01: 'alice' }, timezone: 'Asia/Tokyo' });
    expect(text).toBe('you may not operate prod — operators: user group S0SRE0001, @alice since 2026-12-02 14:04 JST, run r-1');
  });
});
