// The confirmation dialog is one person's: opened, labelled and answered in the Slack locale of the person who typed
// the command, on an environment whose channel speaks English (issue 21).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/harness.js';

const SRE_JA = 'U0SRE0002';

describe('the confirm dialog in the reader’s language', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ userGroups: { S0SRE0001: ['U0SRE0001', SRE_JA], S0LEADS01: ['U0LEAD001'] } });
    t.slack.setUser(SRE_JA, { locale: 'ja-JP' });
    t.slack.setUser('U0JAPAN01', { locale: 'ja-JP' });
  }, 60_000);
  afterAll(async () => t.close());

  it('a person who may not operate is told before any dialog opens, in Japanese', async () => {
    const res = await t.client.command('/maintenance start prod', { user: 'U0JAPAN01', triggerId: 'trig-ja-1' });
    expect(JSON.stringify(res.body)).toContain('⛔ *prod* を操作する権限がありません。操作できる人: <!subteam^S0SRE0001>');
    expect(t.slack.views().filter((v) => v.view.callback_id === 'run.confirm')).toEqual([]);
  });

  it('an operator reads the dialog and its errors in Japanese, and the run is accepted in Japanese', async () => {
    await t.client.command('/maintenance start prod', { user: SRE_JA, triggerId: 'trig-ja-2' });
    const open = await t.slack.waitFor(() => t.slack.views().find((v) => v.view.callback_id === 'run.confirm'), { timeoutMs: 10_000 });
    const view = open.view as unknown as { title: { text: string }; submit: { text: string }; close: { text: string }; blocks: unknown[] };
    expect([view.title.text, view.submit.text, view.close.text]).toEqual(['確認', '実行する', 'キャンセル']);
    expect(textOf(view.blocks)).toContain('*prod* で次のコマンドを実行しようとしています');
    expect(textOf(view.blocks)).toContain('確認のため prod と入力してください');
    const wrong = await t.client.submitView(open.view, { confirm: { env: 'dev' } }, { user: SRE_JA });
    expect(JSON.stringify(wrong.body)).toContain('確認のため prod と正確に入力してください。');
    await t.client.submitView(open.view, { confirm: { env: 'prod' } }, { user: SRE_JA });
    const accepted = await t.slack.waitFor(() => t.slack.ephemerals(SRE_JA).find((e) => e.text.includes('として受け付けました')), { timeoutMs: 10_000 });
    expect(accepted.text).toMatch(/^▶️ `\/maintenance start prod` を run `r-[0-9a-z-]+` として受け付けました。$/);
    // The channel's message stays in prod's language (English).
    await t.slack.waitFor(() => t.slack.messages('C0PROD001').find((m) => textOf(m.blocks).includes('Waiting for a second person to approve')), { timeoutMs: 10_000 });
  });
});
