// A canary on a `language: ja` environment: its CloudWatch alarm gate lines, the failure that rolls it back and a
// Retry's note are Japanese (issue 21). Alarm names, ALARM and the alarm's own reason stay as CloudWatch wrote them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type SlackMessage } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { devEnv, opsConfig } from './support/harness.js';
import { until as waitUntil } from './support/wait.js';

const CH = 'C0DEV0001';
const ELB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
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
    },
  }),
});

describe('canary alarm gates in Japanese', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  }, 60_000);
  afterAll(async () => h.close());

  const runMessage = () => h.slack.messages(CH).find((m) => textOf(m.blocks).includes('alarmed'));
  const waitFor = (needle: string) =>
    waitUntil(() => {
      const m = runMessage();
      return m && textOf(m.blocks).includes(needle) ? m : undefined;
    }, { what: `the canary's message to show "${needle}"`, timeoutMs: 30_000 });

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
});
