// The App Home through the real Bolt receiver: a signed app_home_opened event → the fake Slack's views.publish body
// shows every environment live (maintenance, canary weights, services); a run that changes publishes it again;
// viewers within a few seconds share one AWS read (counted on the sandbox's call record).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type ViewEntry } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { HOME_READ_TTL_MS } from '../handlers/home.js';

let t: TestBot;
beforeAll(async () => {
  t = await startBot();
});
afterAll(() => t.close());

const homeOf = (user: string): ViewEntry | undefined => t.slack.views().find((v) => v.method === 'views.publish' && v.user === user);
const open = (user: string) => t.client.event({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home' });
/** The DescribeServices calls one full read of every environment makes (services in tens). */
const readsPerRound = () => Object.values(t.aws.config.environments).reduce((n, e) => n + Math.ceil(Object.keys(e.services).length / 10), 0);

describe('App Home', () => {
  it('shows every environment: maintenance, canary weights, services, nothing scheduled, commands', async () => {
    await open('U0DEV0001');
    const home = await t.slack.waitFor(() => homeOf('U0DEV0001'), { timeoutMs: 10_000 });
    const text = textOf(home.view.blocks);
    expect(text).toContain('*dev*');
    expect(text).toContain('*prod*');
    expect(text).toContain('Maintenance *off*');
    expect(text).toContain('🐤 Canary *web*: blue 100% · green 0%');
    expect(text).toContain('`web` 2/2');
    expect(text).toContain('`api` 3/3');
    expect(text).toContain('/ops');
    expect(home.view.blocks.length).toBeLessThanOrEqual(100);
  });

  it('viewers within a few seconds share one AWS read; after that it is read again', async () => {
    t.clock.advance(HOME_READ_TTL_MS + 1);
    const mark = t.aws.world.record.mark();
    await Promise.all([open('U0DEV0002'), open('U0DEV0003')]);
    await t.slack.waitFor(() => homeOf('U0DEV0002') && homeOf('U0DEV0003'), { timeoutMs: 10_000 });
    await t.settled();
    const described = () => t.aws.world.record.since(mark).filter((c) => c.op === 'DescribeServices').length;
    expect(described()).toBe(readsPerRound());
    t.clock.advance(1000);
    await open('U0DEV0004');
    await t.slack.waitFor(() => homeOf('U0DEV0004'), { timeoutMs: 10_000 });
    await t.settled();
    expect(described()).toBe(readsPerRound());
    t.clock.advance(HOME_READ_TTL_MS);
    await open('U0DEV0004');
    await t.slack.waitFor(() => (homeOf('U0DEV0004')!.updates >= 1 ? true : undefined), { timeoutMs: 10_000 });
    await t.settled();
    expect(described()).toBe(2 * readsPerRound());
  });

  it('a run that changes publishes the Home again: maintenance ON, since when and by whom', async () => {
    const before = homeOf('U0DEV0001')!.updates;
    await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    await t.slack.waitFor(() => t.slack.messages('C0DEV0001').some((m) => m.text.includes('Done')), { timeoutMs: 15_000 });
    const home = await t.slack.waitFor(
      () => {
        const h = homeOf('U0DEV0001')!;
        return h.updates > before && textOf(h.view.blocks).includes('Maintenance *ON*') ? h : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(textOf(home.view.blocks)).toMatch(/🚧 Maintenance \*ON\* on every listener since .+ by <@U0DEV0001>/);
  });
});
