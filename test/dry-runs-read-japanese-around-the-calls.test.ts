// A dry run is ephemeral, so it is in the asker's Slack locale (issue 21): a ja-JP person's `--dry-run` of every
// operation reads Japanese around the calls, while each call stays as AWS names it (`elbv2:ModifyListener …`,
// `ecs:UpdateService …`). The environments here are English: only the person's locale makes the answer Japanese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/bot.js';
import { englishLines } from './support/english.js';
import { prodConfig } from './guardrails-fixtures.js';

const JA = 'U0SRE0001';
const EN = 'U0SRE0002';

/** Each operation's dry runs, and a call each must still show word for word. */
const DRY_RUNS: [command: string, call: string][] = [
  ['/maintenance start prod --dry-run', 'CreateRule priority 1 path /* → 503 application/json'],
  ['/maintenance end prod --dry-run', '*frontend*'],
  ['/canary prod web start --dry-run', 'elbv2:ModifyListener 2222222222222222/2222222222222201 forward web-blue/3333333333333301 weight 90'],
  ['/canary prod api-internal start --dry-run', 'route53:ChangeResourceRecordSets zone Z0PRIVATE0001'],
  ['/canary prod api-internal set 30 --dry-run', 'api-blue weight 70, api-green weight 30'],
  ['/startup dev --dry-run', 'UpdateService desiredCount'],
  ['/shutdown dev --dry-run', 'UpdateService desiredCount'],
  ['/deploy prod payment repo/payment:v2 --dry-run', '"TaskDefinition": "arn:aws:ecs:ap-northeast-1:111111111111:task-definition/payment:2"'],
  ['/deploy prod checkout repo/checkout:v2 --dry-run', '"strategy": "BLUE_GREEN"'],
  ['/deploy prod api-internal repo/api:v2 --dry-run', 'ecs:UpdateServicePrimaryTaskSet green'],
  ['/cutover prod www --dry-run', 'route53:ChangeResourceRecordSets'],
  ['/scale prod api 5 --dry-run', 'ecs:UpdateService cluster `prod-cluster` service `api` desiredCount 3 → 5'],
];

describe("a dry run reads the asker's language around the calls", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: prodConfig(), userGroups: { S0SRE0001: [JA, EN], S0LEADS01: ['U0LEAD001'] }, world: { route53SyncSeconds: 0 } });
    t.slack.setUser(JA, { locale: 'ja-JP' });
    t.slack.setUser(EN, { locale: 'en-US' });
  });
  afterAll(async () => t.close());

  async function ask(command: string, user: string): Promise<string> {
    const seen = t.slack.ephemerals(user).length;
    await t.client.command(command, { user });
    const answer = await t.slack.waitFor(() => t.slack.ephemerals(user).slice(seen)[0], { timeoutMs: 10_000, message: `no answer to ${command}` });
    await t.settled();
    return answer.text;
  }

  for (const [command, call] of DRY_RUNS) {
    it(`${command}: Japanese around the calls for a ja-JP person, English for an en-US one`, async () => {
      const ja = await ask(command, JA);
      expect(ja).toMatch(/^\*ドライラン: /);
      expect(ja).toContain(call);
      expect(englishLines(ja)).toEqual([]);
      // The same dry run for an English reader: the check finds its sentences (so it can fail), the call is the same.
      const en = await ask(command, EN);
      expect(en).toMatch(/^\*Dry run: /);
      expect(en).toContain(call);
      expect(englishLines(en).length).toBeGreaterThan(0);
    });
  }

  it('/canary status, read from AWS, answers a ja-JP person in Japanese too', async () => {
    const ja = await ask('/canary prod web status', JA);
    expect(ja).toBe('*カナリア · web · prod* （AWS から読み取り）\n🔵 Blue 100 % · 🟢 Green 0 %（重み 1 / 0）\n実行中のカナリアはありません。');
    expect(await ask('/canary prod web status', EN)).toBe('*Canary · web · prod* (read from AWS)\n🔵 blue 100 % · 🟢 green 0 % (weights 1 / 0)\nNo canary run is active.');
  });
});
