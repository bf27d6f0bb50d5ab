// The help's example dates come from the bot's clock: a copied example is tomorrow in the configured time zone, never a
// date already past (issue 21, playground polish). The bot runs on a simulated date far from today's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../sandbox/clock.js';
import { startBot, type TestBot } from './support/harness.js';

// 2027-03-10 21:00 in Tokyo (the example config's zone): tomorrow there is 2027-03-11.
const NOW = Date.parse('2027-03-10T12:00:00Z');

describe('example dates in help and usage replies', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ world: { clock: new SimClock(NOW, 'manual') } });
  }, 60_000);
  afterAll(async () => t.close());

  it('/ops help dates the maintenance window example tomorrow, in the configured zone', async () => {
    const res = await t.client.command('/ops help', { user: 'U0DEV0001' });
    const text = JSON.stringify(res.body);
    expect(text).toContain('/maintenance schedule prod 2027-03-11 02:00 2h');
    expect(text).not.toContain('2026-12-01');
  });

  it('a wrong /maintenance schedule shows the same future example, and the example as typed is accepted', async () => {
    const wrong = JSON.stringify((await t.client.command('/maintenance schedule dev tomorrow', { user: 'U0DEV0001' })).body);
    expect(wrong).toContain('like `2027-03-11 02:00`');
    expect(wrong).toContain('/maintenance schedule prod 2027-03-11 02:00 2h');
    const dry = JSON.stringify((await t.client.command('/maintenance schedule dev 2027-03-11 02:00 2h --dry-run', { user: 'U0DEV0001' })).body);
    expect(dry).toContain('Dry run: /maintenance schedule dev');
    expect(dry).not.toContain('in the past');
  });
});
