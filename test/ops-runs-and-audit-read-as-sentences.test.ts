// /ops runs and /ops audit, sent as signed slash commands to the real Bolt receiver, answer in sentences: no raw
// JSON such as {"action":"end"} or {"step":"wait-insync:…"} reaches the person reading them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/bot.js';

let t: TestBot;
beforeAll(async () => {
  t = await startBot();
  await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
  await t.slack.waitFor(() => t.slack.messages('C0DEV0001').some((m) => m.text.includes('Done')), { timeoutMs: 15_000 });
  await t.client.command('/maintenance end dev', { user: 'U0DEV0001' });
  await t.slack.waitFor(() => t.slack.messages('C0DEV0001').filter((m) => m.text.includes('Done')).length >= 2, { timeoutMs: 15_000 });
});
afterAll(() => t.close());

const textOf = (body: unknown): string => (body as { text?: string }).text ?? '';

describe('/ops runs', () => {
  it('says what each run did, on which environment, who asked and how it ended', async () => {
    const text = textOf((await t.client.command('/ops runs dev', { user: 'U0DEV0001' })).body);
    expect(text).not.toMatch(/[{}]/);
    expect(text).not.toContain('"action"');
    expect(text).toMatch(/✅ \*Done\* · maintenance end on \*dev\* · asked by <@U0DEV0001> at .+ · `r-[0-9a-z]+-[0-9a-z]+`/);
    expect(text).toMatch(/✅ \*Done\* · maintenance start on \*dev\*/);
  });
});

describe('/ops audit', () => {
  it('tells each entry as a sentence, AWS steps in words', async () => {
    const text = textOf((await t.client.command('/ops audit dev', { user: 'U0DEV0001' })).body);
    expect(text).not.toMatch(/[{}]/);
    expect(text).not.toContain('"step"');
    expect(text).toContain('<@U0DEV0001> asked for maintenance end on *dev*');
    expect(text).toMatch(/the run \(`r-[0-9a-z]+-[0-9a-z]+`\) on \*dev\* finished: it succeeded/);
    // Every AWS step the bot took is told as what it did, not as a step id in JSON.
    const awsLines = text.split('\n').filter((l) => l.includes('· the bot '));
    expect(awsLines.length).toBeGreaterThan(0);
    for (const l of awsLines) expect(l).not.toMatch(/step":|\{"/);
  });
});

describe('the sentences carry what people typed safely', () => {
  it('an image name or reason cannot mention the channel or break the formatting', async () => {
    const { whatRunDoes, auditSentence } = await import('../blocks/history.js');
    expect(whatRunDoes('deploy', { target: 'api', image: 'repo/x:<!channel>`' })).toBe("deploy `api` with image `repo/x:&lt;!channel&gt;'`");
    const line = auditSentence({ at: 0, env: 'dev', run_id: null, actor: 'bot', action: 'aws-failed', detail: JSON.stringify({ step: 'wait-insync:web:25', error: 'boom <!here>' }) }, 'UTC');
    expect(line).toContain('AWS failed while the bot waited for the load balancers to apply (web, 25) on *dev*: boom &lt;!here&gt;');
  });
});
