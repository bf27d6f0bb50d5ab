// Whatever the bot repeats from a person's text is escaped: `<!channel>` or `<@U…>` typed into a command never
// comes back as a live mention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/bot.js';
import { prodConfig } from './guardrails-fixtures.js';

describe('user text echoed back', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: prodConfig(), userGroups: { S0SRE0001: ['U0SRE0001'], S0LEADS01: ['U0LEAD001'] } });
  });
  afterAll(async () => t.close());

  /** Every answer the person saw for one command: the ack and any later ephemeral. */
  async function answer(text: string, needle: string, user = 'U0SRE0001'): Promise<string> {
    await t.client.command(text, { user });
    return (await t.slack.waitFor(() => t.slack.ephemerals(user).find((e) => e.text.includes(needle)), { timeoutMs: 10_000, message: `no answer with "${needle}"` })).text;
  }
  const LIVE = /<!channel>|<!here>|<@U0VICTIM1>|<!subteam\^S0EVERY01>/;

  it.each([
    ['/deploy with a mention as its image', '/deploy prod payment <!channel>', 'is neither an image reference'],
    ['/deploy with a user mention as its image', '/deploy prod payment <@U0VICTIM1>', 'is neither an image reference'],
    ['/startup with mentions as service names', '/startup dev <!here> <@U0VICTIM1>', 'unknown service(s)'],
    ['/shutdown dry run with a mention in a flag', '/shutdown dev --dry-run=<!subteam^S0EVERY01>', 'Dry run'],
    ['/startup accepted with a mention in a flag', '/startup dev service-a --config=<!channel>', 'accepted as run'],
  ])('%s', async (_name, command, needle) => {
    const text = await answer(command, needle);
    expect(text).not.toMatch(LIVE);
    expect(text).toMatch(/&lt;(!channel|@U0VICTIM1|!here|!subteam\^S0EVERY01)&gt;/);
  });
});
