// A person's Slack locale is looked up off the ack path (issue 23): the first command of a ja-JP person is acked
// while users.info is still unanswered (after the ack's short grace, on the bot's clock), and what the person then
// reads is Japanese, through the command's response_url. Once their language is known, the answer rides on the ack
// again. Signed HTTP to the bot, the fake Slack holding users.info (no sleeps).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALE_ACK_GRACE_MS, LOCALE_REPLY_BUDGET_MS } from '../src/slack/locale.js';
import { startBot, type TestBot } from './support/harness.js';

const JA = 'U0JAFIRST1';
const JA_HELP = 'どのコマンドも `help` で使い方を表示します';
const EN_HELP = 'Put ALB listeners into maintenance and back';

describe("a first-time person's command", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
    t.slack.setUser(JA, { locale: 'ja-JP' });
  }, 60_000);
  afterAll(async () => t?.close());

  const read = (user: string) => t.slack.ephemerals(user).map((e) => JSON.stringify(e));

  it('is acked before users.info answers, and the person reads the answer in Japanese', async () => {
    // Prepare: Slack's users.info is slow, as slow as it likes — held until released.
    const held = t.slack.holdNext('users.info');
    // Act
    let acked: { status: number; body: unknown } | undefined;
    const sent = t.client.command('/ops help', { user: JA }).then((res) => (acked = res));
    await held.asked;
    t.clock.advance(LOCALE_ACK_GRACE_MS);
    // Assess: the ack came back while users.info is unanswered (the old code held it for the lookup), and said nothing
    // in a language the person may not read.
    await t.slack.waitFor(() => acked, { timeoutMs: 10_000, message: 'the command was not acked while users.info was unanswered' });
    expect(acked!.status).toBe(200);
    expect(JSON.stringify(acked!.body ?? '')).not.toContain(EN_HELP);
    expect(t.slack.callsTo('users.info').filter((c) => c.args.user === JA)).toEqual([]);
    held.release();
    await sent;
    const reply = await t.slack.waitFor(() => t.slack.replies().find((r) => r.context.user === JA && JSON.stringify(r.body).includes(JA_HELP)), { timeoutMs: 10_000 });
    expect(reply.effect).toBe('ephemeral');
    expect(read(JA).filter((e) => e.includes(EN_HELP))).toEqual([]);
    expect(read(JA).filter((e) => e.includes(JA_HELP))).toHaveLength(1);
  });

  it('a lookup Slack never answers: acked all the same, answered in the environment\'s language within the budget', async () => {
    const NEW = 'U0JANEVER1';
    t.slack.setUser(NEW, { locale: 'ja-JP' });
    const held = t.slack.holdNext('users.info');
    let acked: { status: number; body: unknown } | undefined;
    const sent = t.client.command('/ops help', { user: NEW }).then((res) => (acked = res));
    await held.asked;
    t.clock.advance(LOCALE_ACK_GRACE_MS);
    await t.slack.waitFor(() => acked, { timeoutMs: 10_000, message: 'the command was not acked while users.info was unanswered' });
    await sent;
    t.clock.advance(LOCALE_REPLY_BUDGET_MS - LOCALE_ACK_GRACE_MS);
    const reply = await t.slack.waitFor(() => t.slack.replies().find((r) => r.context.user === NEW), { timeoutMs: 10_000 });
    expect(JSON.stringify(reply.body)).toContain(EN_HELP);
    held.release();
  });

  it('once the language is known, the answer is on the ack itself, and users.info is not asked again', async () => {
    const asked = t.slack.callsTo('users.info').filter((c) => c.args.user === JA).length;
    const res = await t.client.command('/ops help', { user: JA });
    expect(JSON.stringify(res.body)).toContain(JA_HELP);
    expect(t.slack.callsTo('users.info').filter((c) => c.args.user === JA)).toHaveLength(asked);
  });
});
