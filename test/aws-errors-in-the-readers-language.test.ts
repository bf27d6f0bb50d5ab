// An AWS failure is said in the language of whoever reads it: a ja-JP person's dry run, and the ❌ line of a run on a
// `language: ja` environment. AWS's own names (the call, HTTP status) and the listener's ops.yml name stay as written;
// the gateway's words around them ("listener … in ap-northeast-1") are said in the reader's language too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { devConfig, startBot, type TestBot } from './support/harness.js';

describe('an AWS 5xx told in Japanese', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: devConfig((c) => (c.environments.dev!.language = 'ja')) });
    t.slack.setUser('U0JAPAN01', { locale: 'ja-JP' });
  }, 60_000);
  afterAll(async () => t.close());

  it("a ja-JP person's dry run on a failing ELBv2", async () => {
    t.aws.world.faults.add({ service: 'elbv2', kind: 'error5xx', rate: 1 });
    try {
      await t.client.command('/maintenance start dev --dry-run', { user: 'U0JAPAN01' });
      const e = await t.slack.waitFor(() => t.slack.ephemerals('U0JAPAN01').find((x) => x.text.startsWith('❌')), { timeoutMs: 10_000 });
      expect(e.text).toMatch(/^❌ AWS が ap-northeast-1 のリスナー "api"（app\/dev-web\/[^）]+） の Describe\w+ で失敗しました（HTTP 5\d\d[^）]*）。リクエストに問題はありません。再実行してください$/);
    } finally {
      t.aws.world.faults.clear();
    }
  });

  it("a run on a ja environment fails with the reason in Japanese on its message", async () => {
    t.aws.world.faults.add({ service: 'elbv2', kind: 'error5xx', rate: 1 });
    try {
      await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
      const failed = await t.slack.waitFor(() => t.slack.messages('C0DEV0001').find((m) => textOf(m.blocks).includes('❌ メンテナンス開始 · dev')), { timeoutMs: 30_000 });
      const text = textOf(failed.blocks);
      expect(text).toMatch(/❌ \*(ステップ `[^`]+` で停止: )?AWS が ap-northeast-1 のリスナー "api"（.* で失敗しました/);
      expect(text).toContain('[再実行]');
    } finally {
      t.aws.world.faults.clear();
    }
  });
});
