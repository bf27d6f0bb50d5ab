// Issue 21, "Japanese and English": a channel's status message is in its environment's language (ops.yml
// `language`), a reply meant for one person in that person's Slack locale (users.info include_locale). One bot, two
// environments: dev speaks Japanese, prod English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { devConfig, startBot, type TestBot } from './support/harness.js';

const DEV = 'C0DEV0001';
const PROD = 'C0PROD001';
/** HH:MM in Tokyo (UTC+9, no daylight saving), worked out here rather than by the code under test. */
const jst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(11, 16);

describe('Japanese and English in one bot', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({
      config: devConfig((c) => {
        c.environments.dev!.language = 'ja';
        // A second person approves in dev too, so the Japanese message shows its pause and its buttons.
        c.environments.dev!.permissions = { ...c.environments.dev!.permissions, requireApproval: true };
        c.environments.prod!.permissions = { ...c.environments.prod!.permissions, confirm: false };
      }),
      userGroups: { S0SRE0001: ['U0SRE0001', 'U0SRE0002', 'U0LEAD001'], S0LEADS01: ['U0LEAD001', 'U0LEAD002'] },
    });
  }, 60_000);
  afterAll(async () => t.close());

  const latest = (channel: string) => t.slack.messages(channel).at(-1)!;
  const waitText = (channel: string, needle: string) =>
    t.slack.waitFor(() => t.slack.messages(channel).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs: 15_000, message: `no message in ${channel} shows "${needle}"` });
  const buttons = (m: { blocks?: readonly unknown[] }) => [...textOf(m.blocks).matchAll(/\[([^\]▾⋯]+)\]/g)].map((x) => x[1]);

  it('a maintenance start on a ja environment is told in Japanese, with JST times in Japanese form', async () => {
    const res = await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    expect(JSON.stringify(res.body)).toContain('accepted as run'); // the typing person's locale is en-US: the reply is English
    const waiting = await waitText(DEV, '別の担当者の承認待ち');
    const run = (await t.bot.deps.engine.getRun(/run `(r-[0-9a-z-]+)`/.exec(textOf(waiting.blocks))![1]!))!;
    const text = textOf(waiting.blocks);
    expect(text).toContain('メンテナンス開始 · dev');
    expect(text).toContain('api*: 待機中');
    expect(text).toContain(`（${jst(run.pause!.since)} JST から）`);
    expect(text).toContain(`依頼者 <@U0DEV0001> · 開始 ${jst(run.createdAt)} JST · 経過 `);
    expect(text).toMatch(/経過 \d+秒 · run `r-/);
    expect(buttons(waiting)).toEqual(['承認', 'キャンセル']);
    expect(text).not.toMatch(/Waiting|requested by|started|Approve|Cancel/);

    await t.client.press(latest(DEV), 'run.approve', { user: 'U0DEV0002' });
    const done = await waitText(DEV, '✅ メンテナンス開始 · dev');
    expect(textOf(done.blocks)).toContain('api*: メンテナンス中');
    expect(textOf(done.blocks)).toContain('完了 · 依頼者');
    expect(buttons(done)).toEqual(['メンテナンス終了']);
    expect(t.slack.thread(DEV, done.ts).map((m) => m.text)).toContain('✅ <@U0DEV0002> が承認しました。');
  });

  it('ending it from its button: the end message and its report in the thread are Japanese too', async () => {
    const start = t.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ メンテナンス開始 · dev'))!;
    await t.client.press(start, 'maintenance.end', { user: 'U0DEV0001' });
    const ended = await waitText(DEV, '✅ メンテナンス終了 · dev');
    expect(textOf(ended.blocks)).toContain('api*: 通常稼働');
    const report = await t.slack.waitFor(() => t.slack.thread(DEV, ended.ts).find((m) => m.text.startsWith('📊')), { timeoutMs: 15_000 });
    expect(report.text).toMatch(/^📊 \*メンテナンスレポート\* · \d\d:\d\d JST–\d\d:\d\d JST（\d+分）/);
    expect(report.text).toContain('メンテナンス応答');
    // The start's message loses its End button and says which run ended it, in Japanese.
    await t.slack.waitFor(() => textOf(t.slack.message(DEV, start.ts)!.blocks).includes('でメンテナンスを終了しました'), { timeoutMs: 10_000 });
  });

  it('a maintenance start on an en environment of the same bot stays English', async () => {
    await t.client.command('/maintenance start prod', { user: 'U0SRE0001' });
    const waiting = await waitText(PROD, 'Waiting for a second person to approve');
    const text = textOf(waiting.blocks);
    expect(text).toContain('Maintenance on · prod');
    expect(text).toMatch(/requested by <@U0SRE0001> · started \d\d:\d\d JST/);
    expect(buttons(waiting)).toEqual(['Approve', 'Cancel']);
    expect(text).not.toMatch(/[ぁ-んァ-ン]/);
  });

  it("a refusal on an en environment is told in the person's own locale (ja-JP), and in English to an en-US person", async () => {
    t.slack.setUser('U0JAPAN01', { locale: 'ja-JP' });
    const mark = t.aws.world.record.mark();
    const ja = await t.client.command('/maintenance end prod', { user: 'U0JAPAN01' });
    expect(JSON.stringify(ja.body)).toContain('⛔ *prod* を操作する権限がありません。操作できる人: <!subteam^S0SRE0001>');
    const en = await t.client.command('/maintenance end prod', { user: 'U0ENGLISH' });
    expect(JSON.stringify(en.body)).toContain('⛔ you may not operate *prod* — operators: <!subteam^S0SRE0001>');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    // The locale was asked for (include_locale), once per person: the second answer to the same person is cached.
    await t.client.command('/maintenance end prod', { user: 'U0JAPAN01' });
    const lookups = t.slack.callsTo('users.info').filter((c) => c.args.user === 'U0JAPAN01');
    expect(lookups).toHaveLength(1);
    expect(String(lookups[0]!.args.include_locale)).toBe('true');
  });

  it("a refused button press on an en environment is told to the presser alone, in their locale", async () => {
    const waiting = t.slack.messages(PROD).find((m) => textOf(m.blocks).includes('Waiting for a second person to approve'))!;
    await t.client.press(waiting, 'run.approve', { user: 'U0JAPAN01' });
    const told = await t.slack.waitFor(() => t.slack.ephemerals('U0JAPAN01').find((e) => e.text.includes('approve')), { timeoutMs: 10_000 });
    expect(told.text).toBe('⛔ *prod* で approve する権限がありません。許可されている人: <!subteam^S0LEADS01>');
    // The channel's message is untouched and still English.
    expect(textOf(t.slack.message(PROD, waiting.ts)!.blocks)).toContain('Waiting for a second person to approve');
  });

  it('a usage error is answered in the Japanese reader\'s language, help text included', async () => {
    const res = await t.client.command('/maintenance begin prod', { user: 'U0JAPAN01' });
    const body = JSON.stringify(res.body);
    expect(body).toContain('不明なサブコマンド `begin` です');
    expect(body).toContain('ALB リスナーをメンテナンスモードにする・戻す');
    expect(body).toContain('/maintenance start <env> [--dry-run]');
  });

  it("when users.info fails, the person is answered in the environment's language", async () => {
    t.slack.failNext('users.info', 'ratelimited', 1);
    const res = await t.client.command('/maintenance end dev --dry-run extra', { user: 'U0NOLOCALE' });
    expect(JSON.stringify(res.body)).toContain('余分な引数');
  });
});
