// A button that changes something is taken at once, however slow Slack is to say who pressed it (issue 23): End
// maintenance and Switch back start their run while users.info for a first-time presser is still unanswered (held
// by the fake Slack, and the bot's clock does not move meanwhile), and what the presser is then told is in their
// language. Skip once likewise: a skip pressed just before its window fires must be taken before it. Before, each waited up to 2 s of users.info before doing anything. Signed HTTP to the bot, no sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../src/i18n/index.js';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { devConfig, opsConfig, prodEnv } from './support/harness.js';
import { until } from './support/wait.js';

const DEV = 'C0DEV0001';
const PROD = 'C0PROD001';
const NEW_LB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/fargate-web/5555555555555555';
// ops.example.yml's dev (its maintenance listeners), and a prod with the cutover of test/cutover.test.ts.
const CONFIG = devConfig((c) => {
  c.environments.prod = opsConfig({ prod: prodEnv({ cutover: { www: { hostedZoneId: 'Z0PUBLIC00001', recordName: 'www.example.com.', to: { loadBalancerArn: NEW_LB } } } }) }).environments.prod!;
});
const JA_END = 'U0JAEND001';
const JA_BACK = 'U0JABACK01';
const JA_SKIP = 'U0JASKIP01';
/** "2026-12-02 10:05" in Asia/Tokyo (the example's zone). */
const tokyo = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('a press by someone whose language is not known yet', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: CONFIG, userGroups: { S0SRE0001: ['U0SRE0001', 'U0LEAD001', JA_BACK], S0LEADS01: ['U0LEAD001'] }, world: { route53SyncSeconds: 0 } });
    t.slack.setUser(JA_END, { locale: 'ja-JP' });
    t.slack.setUser(JA_BACK, { locale: 'ja-JP' });
    t.slack.setUser(JA_SKIP, { locale: 'ja-JP' });
  });
  afterAll(async () => t.close());

  const inChannel = (channel: string, needle: string, also = '') =>
    t.slack.waitFor(() => t.slack.messages(channel).findLast((m) => textOf(m.blocks).includes(needle) && textOf(m.blocks).includes(also)), { timeoutMs: 10_000, message: `no message in ${channel} with "${needle}" ${also}` });
  const runs = async (env: string, kind: string) => (await t.bot.deps.store.listRuns({ env, kind, limit: 50 })).map((r) => ({ id: r.id, params: JSON.parse(r.params) as Record<string, unknown> }));
  const askedFor = (user: string) => t.slack.callsTo('users.info').filter((c) => c.args.user === user);

  it('End maintenance: the End run starts while users.info is unanswered; the next answer is in Japanese', async () => {
    await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    const start = await inChannel(DEV, '✅ Maintenance on · dev', '[End maintenance]');
    const ends = async () => (await runs('dev', 'maintenance')).filter((r) => r.params.action === 'end');
    const before = (await ends()).length;
    const held = t.slack.holdNext('users.info');
    const pressed = t.client.press(start, 'maintenance.end', { user: JA_END, asShown: true });
    await held.asked;
    // The End run exists with users.info still held (the fake records a call when it answers it).
    await until(async () => (await ends()).length > before, { what: 'the End run, while users.info is unanswered' });
    expect(askedFor(JA_END)).toEqual([]);
    held.release();
    await pressed;
    await inChannel(DEV, '✅ Maintenance off · dev');
    // Pressed again on the same rendering, now that the language is known: told in Japanese that it is taken.
    await t.client.press(start, 'maintenance.end', { user: JA_END, asShown: true });
    const ja = messages('ja').replies;
    const told = await t.slack.waitFor(() => t.slack.ephemerals(JA_END).find((e) => e.text === ja.endAlreadyNoted || e.text.startsWith(ja.alreadyEnded({ env: 'dev', runId: '' }).slice(0, 8))), { timeoutMs: 5000, message: 'no Japanese answer to the second press' });
    expect(told.text).not.toMatch(/[A-Za-z]{12,}/); // not the English sentence
    expect((await ends()).length).toBe(before + 1);
  });

  it('Switch back: the way back starts while users.info is unanswered', async () => {
    await t.client.command('/cutover prod www', { user: 'U0SRE0001' });
    const asking = await inChannel(PROD, 'Waiting for a second person to approve the cutover');
    await t.client.press(asking, 'run.approve', { user: 'U0LEAD001' });
    const done = await inChannel(PROD, '✅ DNS cutover · www · prod', '[Switch back]');
    const backs = async () => (await runs('prod', 'cutover')).filter((r) => r.params.back === true);
    const held = t.slack.holdNext('users.info');
    const pressed = t.client.press(done, 'cutover.back', { user: JA_BACK });
    await held.asked;
    await until(async () => (await backs()).length === 1, { what: 'the switch back run, while users.info is unanswered' });
    expect(askedFor(JA_BACK)).toEqual([]);
    held.release();
    await pressed;
    await inChannel(PROD, '✅ Switch back · www · prod');
  });

  it('Skip once: the skip is taken while users.info is unanswered, and the answer is in Japanese', async () => {
    const start = Math.ceil((t.clock.now() + 5 * 60_000) / 60_000) * 60_000;
    await t.client.command(`/maintenance schedule dev ${tokyo(start)} ${tokyo(start + 10 * 60_000).slice(11)}`, { user: 'U0DEV0001' });
    const reminder = await inChannel(DEV, 'maintenance start at');
    const skipped = async () => (await t.bot.deps.scheduler.list()).some((s) => s.env === 'dev' && s.skipAt !== null);
    expect(await skipped()).toBe(false);
    const held = t.slack.holdNext('users.info');
    const pressed = t.client.press(reminder, 'schedule.skip', { user: JA_SKIP });
    await held.asked;
    await until(skipped, { what: 'the skip, while users.info is unanswered' });
    expect(askedFor(JA_SKIP)).toEqual([]);
    held.release();
    await pressed;
    const told = await t.slack.waitFor(() => t.slack.ephemerals(JA_SKIP).at(-1), { timeoutMs: 5000, message: 'no answer to the skip' });
    expect(told.text).toBe(messages('ja').schedule.skipped({ by: JA_SKIP }));
  });
});
