// A DNS cutover on a `language: ja` environment: the pre-switch check lines on its message and the ❌ line of a
// refused cutover are Japanese; a ja-JP person's dry run lists the checks in Japanese, and their late Switch back
// press is refused in Japanese (issue 21). Names, ARNs, record names and Route 53 states stay as written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { OPEN, opsConfig, prodEnv, startBot, type TestBot } from './support/harness.js';

const CH = 'C0PROD001';
const NEW_LB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/fargate-web/5555555555555555';
const CONFIG = opsConfig({
  prod: prodEnv({ language: 'ja', permissions: OPEN, cutover: {
      www: { hostedZoneId: 'Z0PUBLIC00001', recordName: 'www.example.com.', to: { loadBalancerArn: NEW_LB } },
      shop: { hostedZoneId: 'Z0PUBLIC00001', recordName: 'shop.example.com.', to: { loadBalancerArn: NEW_LB }, alarms: ['shop-5xx-never-made'] },
    },
  }),
});
const JA = 'U0JAPAN01';

describe('a DNS cutover told in Japanese', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: CONFIG, world: { route53SyncSeconds: 0 } });
    t.slack.setUser(JA, { locale: 'ja-JP' });
  }, 60_000);
  afterAll(async () => t.close());

  const latest = () => t.slack.messages(CH).at(-1)!;
  const waitLatest = (needle: string) =>
    t.slack.waitFor(() => (textOf(latest()?.blocks).includes(needle) ? latest() : undefined), { timeoutMs: 20_000, message: `latest message lacks "${needle}"` });
  const tg = () => t.aws.world.elbv2.targetGroupArnByName('fargate-web-tg')!;

  it("a ja-JP person's dry run lists the checks in Japanese", async () => {
    await t.client.command('/cutover prod www --dry-run', { user: JA });
    const dry = await t.slack.waitFor(() => t.slack.ephemerals(JA).find((e) => e.text.includes('/cutover prod www')), { timeoutMs: 10_000 });
    expect(dry.text).toContain('✅ ロードバランサー *fargate-web* の状態は active');
    expect(dry.text).toContain('✅ ターゲットグループ *fargate-web-tg*: 正常 2/2');
    expect(dry.text).not.toContain('healthy');
  });

  it('a refused cutover: check lines and the ❌ line in Japanese, nothing changed', async () => {
    t.aws.world.elbv2.setTargetHealth(tg(), 'unhealthy');
    try {
      const mark = t.aws.world.record.mark();
      await t.client.command('/cutover prod www', { user: JA });
      const failed = await waitLatest('❌ DNS 切り替え');
      const text = textOf(failed.blocks);
      expect(text).toContain('事前チェック（1/2 合格）');
      expect(text).toContain('✅ ロードバランサー *fargate-web* の状態は active');
      expect(text).toContain('❌ ターゲットグループ *fargate-web-tg*: 正常 0/2');
      expect(text).toContain('DNS 切り替えを中止しました。何も変更していません: ターゲットグループ fargate-web-tg: 正常 0/2');
      expect(text).not.toMatch(/healthy|load balancer|target group|cutover refused/);
      expect(t.aws.world.record.mutations(mark)).toEqual([]);
    } finally {
      t.aws.world.elbv2.setTargetHealth(tg(), 'healthy');
    }
  });

  it('a second Switch back press is refused in Japanese', async () => {
    await t.client.command('/cutover prod www', { user: JA });
    const done = await waitLatest('[切り戻し]');
    await t.client.press(done, 'cutover.back', { user: JA });
    await t.slack.waitFor(() => t.slack.messages(CH).find((m) => textOf(m.blocks).includes('run `') && textOf(m.blocks).includes('で切り戻しました')), { timeoutMs: 20_000 });
    const mark = t.aws.world.record.mark();
    await t.client.press(done, 'cutover.back', { user: JA, asShown: true });
    const e = await t.slack.waitFor(() => t.slack.ephemerals(JA).find((x) => x.text.includes('すでに切り戻し済み')), { timeoutMs: 10_000 });
    expect(e.text).toMatch(/^⛔ DNS 切り替え r-[0-9a-z]+-[0-9a-z]+ は run r-[0-9a-z]+-[0-9a-z]+ ですでに切り戻し済みです$/);
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('an alarm gate that refuses the switch says so in Japanese', async () => {
    t.aws.world.deleteAlarm('shop-5xx-never-made');
    const mark = t.aws.world.record.mark();
    await t.client.command('/cutover prod shop', { user: JA });
    const failed = await waitLatest('❌ DNS 切り替え · shop');
    const text = textOf(failed.blocks);
    expect(text).toContain('中止: アラーム `shop-5xx-never-made` が CloudWatch に存在しません。作成するか、ops.yml の alarms から外してください。何も変更していません。');
    expect(t.slack.thread(CH, failed.ts).map((m) => m.text)).toContain('切り替え前のアラーム: ❌ アラーム shop-5xx-never-made が存在しません');
    expect(text).not.toMatch(/does not exist|cutover refused/);
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });
});
