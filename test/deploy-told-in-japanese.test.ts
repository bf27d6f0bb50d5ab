// A CodeDeploy blue/green deploy where ops.yml's top-level `language: ja` is the default: the run's message, its
// pause, its thread posts and its outcome are Japanese (issue 21); the CodeDeploy calls are those of an English run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { textOf, latestIn } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';

const CH = 'C0PROD001';
const PAY_LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-pay/4444444444444444/4444444444444401';
const IMAGE = '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v2';

const config = parseConfig(`
timezone: Asia/Tokyo
language: ja
environments:
  prod:
    region: ap-northeast-1
    channel: ${CH}
    cluster: prod-cluster
    permissions: { operate: [], approve: [U0LEAD001], requireApproval: true }
    services:
      payment: { desiredCount: 2 }
    deploy:
      payment:
        strategy: codedeploy
        container: web
        port: 80
        application: AppEcs-prod-payment
        deploymentGroup: DgpEcs-prod-payment
        serviceRoleArn: arn:aws:iam::111111111111:role/ecsCodeDeployRole
        targetGroups: [payment-blue, payment-green]
        prodListenerArn: ${PAY_LISTENER}
        terminationWaitMinutes: 1
`);

describe('/deploy in Japanese (top-level language: ja)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());

  const { waitLatest } = latestIn(() => h.slack, CH, 30_000);

  it('walks every hook to success, told in Japanese', async () => {
    const mark = h.aws.world.record.mark();
    await h.client.command(`/deploy prod payment ${IMAGE}`, { user: 'U0DEV0001' });
    const waiting = await waitLatest('別の担当者の承認待ち（まだ何も変更していません）');
    expect(textOf(waiting.blocks)).toContain('デプロイ · payment · prod');
    await h.client.press(waiting, 'run.approve', { user: 'U0LEAD001' });
    const done = await waitLatest('✅ デプロイ · payment · prod');
    const text = textOf(done.blocks);
    expect(text).toContain('*サービス* `payment`（codedeploy）');
    expect(text).toContain('*トラフィック* 🔵 Blue 0 % · 🟢 Green 100 %');
    expect(text).toContain('*Green が本番トラフィックをすべて処理しています*');
    const thread = h.slack.thread(CH, done.ts).map((r) => r.text);
    expect(thread.some((t) => t.startsWith('📦 新しいリビジョン') && t.includes(IMAGE))).toBe(true);
    expect(thread.some((t) => t.startsWith('🚀 CodeDeploy のデプロイ'))).toBe(true);
    expect(thread).toContain('✅ <@U0LEAD001> が承認しました。');
    expect(h.aws.world.record.mutations(mark).filter((x) => x === 'codedeploy:CreateDeployment')).toHaveLength(1);
  });
});
