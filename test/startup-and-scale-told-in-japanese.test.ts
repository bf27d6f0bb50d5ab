// A `language: ja` environment's startup, scale and shutdown: the status message and every thread post the run
// writes are Japanese (issue 21), while the ECS calls are the same as in English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { devConfig, startBot, type TestBot } from './support/harness.js';

const DEV = 'C0DEV0001';

describe('startup, scale and shutdown in Japanese', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: devConfig((c) => (c.environments.dev!.language = 'ja')) });
  }, 60_000);
  afterAll(async () => t.close());

  const waitText = (needle: string) =>
    t.slack.waitFor(() => t.slack.messages(DEV).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs: 60_000, message: `no message shows "${needle}"` });
  const thread = (ts: string) => t.slack.thread(DEV, ts).map((m) => m.text);

  it('/startup dev', async () => {
    await t.client.command('/startup dev', { user: 'U0DEV0001' });
    const done = await waitText('✅ 起動 · dev');
    const text = textOf(done.blocks);
    expect(text).toContain('5/5 起動済み · 実行中/必要タスク数');
    expect(text).toContain('完了 · 依頼者 <@U0DEV0001>');
    expect(thread(done.ts).filter((x) => /^🟢 \*service-[a-e]\* 起動完了: service-[a-e] (\d)\/\1（\d+秒）$/.test(x))).toHaveLength(5);
  });

  it('/scale dev service-a 2', async () => {
    await t.client.command('/scale dev service-a 2', { user: 'U0DEV0001' });
    const done = await waitText('✅ スケール service-a → 2 タスク · dev');
    const text = textOf(done.blocks);
    expect(text).toContain('`service-a`: 1 → *2* タスク');
    expect(text).toContain('🟢 完了 · 実行中 *2* / 必要数 2');
    expect(text).toContain('2 タスクが実行中です。');
    expect(thread(done.ts)).toContain('↕️ `service-a` の必要タスク数を 1 → 2 に変更しました。');
  });

  it('/shutdown dev', async () => {
    await t.client.command('/shutdown dev', { user: 'U0DEV0001' });
    const done = await waitText('✅ 停止 · dev');
    expect(textOf(done.blocks)).toContain('5/5 停止済み');
    expect(thread(done.ts)).toContain('⚫ *service-a* を停止しました（停止前 2 タスク。起動時に元に戻します）');
  });
});
