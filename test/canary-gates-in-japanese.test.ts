// A canary on a `language: ja` environment: its CloudWatch alarm gate lines, the failure that rolls it back and a
// Retry's note are Japanese (issue 21). Alarm names, ALARM and the alarm's own reason stay as CloudWatch wrote them.
// So are the green-against-blue analysis (its line, its verdict) and the target-health gate of an ALB canary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type SlackMessage } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { devEnv, opsConfig } from './support/harness.js';
import { until as waitUntil } from './support/wait.js';

const CH = 'C0DEV0001';
const ELB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
const listener = (n: number) => `${ELB}:listener/app/gates-${n}/88888888888888${n}0/88888888888888${n}1`;
const tg = (name: string, n: number, side: 'b' | 'g') => `${ELB}:targetgroup/${name}-${side === 'b' ? 'blue' : 'green'}/88888888888888${n}${side === 'b' ? 'b' : 'e'}`;
const alb = (name: string, n: number) => ({ listenerArn: listener(n), blueTargetGroupArn: tg(name, n, 'b'), greenTargetGroupArn: tg(name, n, 'g') });
const config = opsConfig({
  dev: devEnv({
    language: 'ja',
    canary: {
      alarmed: {
        alb: {
          listenerArn: `${ELB}:listener/app/gates-1/8888888888888810/8888888888888811`,
          blueTargetGroupArn: `${ELB}:targetgroup/alarmed-blue/888888888888881b`,
          greenTargetGroupArn: `${ELB}:targetgroup/alarmed-green/888888888888881e`,
        },
        steps: [10, 50, 100],
        bakeSeconds: 600,
        auto: true,
        alarms: ['alarmed-5xx'],
        analysis: { enabled: false },
      },
      analysed: { alb: alb('analysed', 4), steps: [10, 50, 100], bakeSeconds: 180, auto: false },
      unhealthy: { alb: alb('unhealthy', 5), steps: [10, 100], bakeSeconds: 60, auto: true, analysis: { enabled: false } },
    },
  }),
});

describe('canary alarm gates in Japanese', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  }, 60_000);
  afterAll(async () => h.close());

  const runMessage = (target = 'alarmed') => h.slack.messages(CH).find((m) => textOf(m.blocks).includes(`カナリア · ${target} · dev`));
  const waitFor = (needle: string, target = 'alarmed') =>
    waitUntil(() => {
      const m = runMessage(target);
      return m && textOf(m.blocks).includes(needle) ? m : undefined;
    }, { what: `the ${target} canary's message to show "${needle}"`, timeoutMs: 30_000 });
  const thread = (m: SlackMessage) => h.slack.thread(CH, m.ts).map((r) => r.text);

  it('the alarm line, the ALARM that rolls back, and the Retry note', async () => {
    await h.client.command('/canary dev alarmed start', { user: 'U0SRE0001' });
    await waitFor('✅ アラーム alarmed-5xx OK');
    h.aws.world.setAlarm('alarmed-5xx', 'ALARM', 'Threshold Crossed: 2 datapoints were greater than the threshold (10.0).');
    const failed = await waitFor('[再実行]');
    const text = textOf(failed.blocks);
    expect(text).toMatch(/アラーム `alarmed-5xx` が (\d{4}\/\d\d\/\d\d\(.\) )?\d\d:\d\d JST から ALARM: Threshold Crossed: 2 datapoints were greater than the threshold \(10\.0\)\./);
    expect(text).not.toMatch(/alarm `alarmed-5xx` in ALARM|all traffic is back on blue/);

    h.aws.world.setAlarm('alarmed-5xx', 'OK');
    await h.bot.publisher.flush();
    await h.client.press(h.slack.message(CH, failed.ts)!, 'run.retry', { user: 'U0SRE0001' });
    const note = await waitUntil(() => h.slack.thread(CH, failed.ts).find((m: SlackMessage) => m.text.startsWith('🔁')), { what: 'the Retry note', timeoutMs: 30_000 });
    expect(note.text).toBe('🔁 再実行（2 回目）: カナリアをステップ 1 からやり直します。最初にゲートを確認します。');
  }, 120_000);

  it('green against blue: a step that passes and one that fails, the analysis and target-health lines in Japanese', async () => {
    h.aws.world.cloudwatch.setRequestsPerMinute(6000);
    await h.client.command('/canary dev analysed start', { user: 'U0SRE0001' });
    // Step 1 bakes and passes: the analysis line while it bakes, the target-health line after it, and the step's chart.
    const baking = await waitFor('✅ 分析: Green', 'analysed');
    expect(textOf(baking.blocks)).toMatch(/✅ 分析: Green [\d.]+ % 5XX · p99 \d+ ms（\d+ 件） 対 Blue [\d.]+ % · p99 \d+ ms（\d+ 件）/);
    const waiting = await waitFor('✅ Green のターゲット 正常 2/2', 'analysed');
    expect(textOf(waiting.blocks)).toMatch(/ゲート: ✅ 分析: Green .* · ✅ Green のターゲット 正常 2\/2/);
    const chart = await waitUntil(() => h.slack.thread(CH, waiting.ts).find((m) => m.files?.length), { what: "step 1's chart", timeoutMs: 30_000 });
    expect(chart.text).toContain('📈 ステップ 1/3 · Green 10 % · ✅ 合格: 開始からの Green と Blue の比較');

    // Step 2: green's 5XX rate climbs during the bake, and the analysis rolls it back.
    h.aws.world.cloudwatch.setQuality(tg('analysed', 4, 'g'), { errorRate: 0.3 });
    await h.bot.publisher.flush();
    await h.client.press(h.slack.message(CH, waiting.ts)!, 'run.promote', { user: 'U0SRE0001' });
    const failed = await waitFor('[再実行]', 'analysed');
    const text = textOf(failed.blocks);
    expect(text).toMatch(/❌ 分析: Green [\d.]+ % 5XX/);
    expect(text).toMatch(/ゲート不合格 ステップ 2\/3（Green 50 %）: 分析: Green の 5XX 率 [\d.]+ % が Blue の [\d.]+ % より [\d.]+ ポイント高くなっています（許容 1、\d+ リクエスト中）/);
    expect(text).not.toMatch(/analysis|green's|points above/);
    expect(thread(failed).some((l) => l.startsWith('↩️ ロールバックしました（自動: ゲート不合格 ステップ 2/3（Green 50 %）: 分析: Green の 5XX 率'))).toBe(true);
    h.aws.world.cloudwatch.setQuality(tg('analysed', 4, 'g'), { errorRate: 0.002 });
  }, 120_000);

  it('green targets unhealthy after the bake: the target-health gate fails in Japanese', async () => {
    h.aws.world.elbv2.setTargetHealth(tg('unhealthy', 5, 'g'), 'unhealthy');
    await h.client.command('/canary dev unhealthy start', { user: 'U0SRE0001' });
    const done = await waitFor('ゲート不合格', 'unhealthy');
    const text = textOf(done.blocks);
    expect(text).toContain('❌ Green のターゲット 正常 0/2');
    expect(text).toContain('ステップ 1/2（Green 10 %）でゲート不合格 — Green のターゲットが異常です: 正常 0/2');
    expect(text).not.toMatch(/targets healthy|unhealthy:/);
  }, 120_000);
});
