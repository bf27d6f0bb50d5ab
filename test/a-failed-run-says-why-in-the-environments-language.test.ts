// The ❌ line of a run that failed for a reason the operation itself raised (not an AWS error) is in the
// environment's language: a `language: ja` startup whose service cannot start says so in Japanese, an `en` one in
// English (issue 21). Service names and ECS's own words stay as written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { CLUSTER, DEV, devConfig, startBot, type TestBot } from './support/harness.js';

const HANG_MS = 90_000;

for (const lang of ['ja', 'en'] as const) {
  describe(`a startup that fails on a ${lang} environment`, () => {
    let t: TestBot;
    beforeAll(async () => {
      t = await startBot({ config: devConfig((c) => (c.environments.dev!.language = lang)), world: { startDelaySeconds: 5 } });
    }, 60_000);
    afterAll(async () => t.close());

    it(`says why on the ❌ line in ${lang === 'ja' ? 'Japanese' : 'English'}`, async () => {
      t.aws.world.ecs.failTasks(CLUSTER, 'service-b', true);
      await t.client.command('/startup dev', { user: 'U0DEV0001' });
      const header = lang === 'ja' ? '❌ 起動 · dev' : '❌ Startup · dev';
      const failed = await t.slack.waitFor(() => t.slack.messages(DEV).find((m) => textOf(m.blocks).includes(header)), { timeoutMs: HANG_MS, message: `no message shows "${header}"` });
      const text = textOf(failed.blocks);
      if (lang === 'ja') {
        expect(text).toContain('service-b: ECS がタスクを安定して起動できません（unable to consistently start tasks） — 保留: service-c, service-d, service-e');
        expect(text).not.toContain('held back');
        expect(text).not.toContain('ECS is unable');
      } else {
        expect(text).toContain('service-b: ECS is unable to consistently start tasks successfully — held back: service-c, service-d, service-e');
      }
    }, 120_000);
  });
}

describe('a scale that fails on a ja environment', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: devConfig((c) => (c.environments.dev!.language = 'ja')), world: { startDelaySeconds: 5 } });
  }, 60_000);
  afterAll(async () => t.close());

  it('says on the ❌ line, in Japanese, what it waited for when the wait runs out', async () => {
    t.aws.world.ecs.failTasks(CLUSTER, 'service-a', true);
    await t.client.command('/scale dev service-a 3', { user: 'U0DEV0001' });
    const failed = await t.slack.waitFor(() => t.slack.messages(DEV).find((m) => textOf(m.blocks).includes('❌ スケール service-a')), { timeoutMs: HANG_MS, message: 'no failed scale message' });
    const text = textOf(failed.blocks);
    expect(text).toMatch(/❌ \*(ステップ `[^`]+` で停止: )?service-a のタスク 3 件の起動を \d+秒待ちましたが、時間切れになりました\*/);
    expect(text).not.toMatch(/timed out|waiting for/);
  }, 120_000);
});
