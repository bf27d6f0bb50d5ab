// What one person reads — /ops help, /ops runs, /ops audit, /ops status, /maintenance schedules and the App Home —
// is in their Slack locale: a ja-JP person reads Japanese on an English bot, an en-US one English on the same bot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type ViewEntry } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/harness.js';

const JA = 'U0JAPAN01';
const EN = 'U0DEV0001';

describe("replies meant for one person, in that person's language", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
    t.slack.setUser(JA, { locale: 'ja-JP' });
    // One finished run, so /ops runs and /ops audit have something to say.
    await t.client.command('/maintenance start dev', { user: EN });
    await t.slack.waitFor(() => t.slack.messages('C0DEV0001').some((m) => textOf(m.blocks).includes('✅ Maintenance on · dev')), { timeoutMs: 15_000 });
  }, 60_000);
  afterAll(async () => t.close());

  const ack = async (text: string, user: string) => JSON.stringify((await t.client.command(text, { user })).body);

  it('/ops help', async () => {
    const ja = await ack('/ops help', JA);
    expect(ja).toContain('どのコマンドも `help` で使い方を表示します');
    expect(ja).toContain('ALB リスナーをメンテナンスモードにする・戻す');
    expect(ja).toContain('_例:_');
    expect(await ack('/ops help', EN)).toContain('Put ALB listeners into maintenance and back');
  });

  it('/ops runs and /ops audit read as Japanese sentences', async () => {
    const runs = await ack('/ops runs', JA);
    expect(runs).toContain('*最近の実行*');
    expect(runs).toMatch(/✅ \*完了\* · \*dev\* のメンテナンス開始 · 依頼者 <@U0DEV0001> · \d{4}\/\d\d\/\d\d\([日月火水木金土]\) \d\d:\d\d JST/);
    const audit = await ack('/ops audit dev', JA);
    expect(audit).toContain('*監査ログ* · dev');
    expect(audit).toContain('<@U0DEV0001> がメンテナンス開始を依頼 · *dev*');
    expect(audit).toContain('が完了しました（成功）');
    expect(await ack('/ops runs', EN)).toContain('maintenance start on *dev* · asked by <@U0DEV0001>');
  });

  it('/ops status dev', async () => {
    await t.client.command('/ops status dev', { user: JA });
    const reply = await t.slack.waitFor(() => t.slack.replies().find((r) => JSON.stringify(r.body).includes('現在の状態')), { timeoutMs: 10_000 });
    const text = textOf(reply.body.blocks ?? []);
    expect(text).toContain('📋 dev — 現在の状態');
    expect(text).toContain('*サービス* （実行中/必要数）');
    expect(text).toContain('*api*: メンテナンス中');
    expect(text).toMatch(/\d\d:\d\d JST に AWS から取得/);
  });

  it('the App Home', async () => {
    const homeOf = (user: string): ViewEntry | undefined => t.slack.views().find((v) => v.method === 'views.publish' && v.user === user);
    await t.client.event({ type: 'app_home_opened', user: JA, channel: 'D0HOME0001', tab: 'home' });
    const ja = await t.slack.waitFor(() => homeOf(JA), { timeoutMs: 10_000 });
    const text = textOf(ja.view.blocks);
    expect(text).toContain('ecs-chatops — 全環境');
    expect(text).toMatch(/🚧 メンテナンス \*中\*: 全リスナー（\d\d:\d\d JST から、<@U0DEV0001>）/);
    expect(text).toContain('*コマンド*');
    await t.client.event({ type: 'app_home_opened', user: EN, channel: 'D0HOME0002', tab: 'home' });
    const en = await t.slack.waitFor(() => homeOf(EN), { timeoutMs: 10_000 });
    expect(textOf(en.view.blocks)).toContain('ecs-chatops — every environment');
  });
});
