// `/startup <env> --dry-run` on 2,000 services acked 132,000 characters; through the real Bolt receiver it now
// answers within a few thousand, naming the first services of each wave and counting the rest.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { wavesText } from '../src/ops/startup-waves.js';
import { startBot } from './support/bot.js';

describe('/startup --dry-run at any size', () => {
  it('2,000 services: a short answer that counts what it does not name, and changes nothing', async () => {
    const services = Array.from({ length: 2000 }, (_, i) => `      service-with-a-long-name-${i}: { desiredCount: 2${i > 0 ? `, dependsOn: [service-with-a-long-name-${i - 1}]` : ''} }`).join('\n');
    const config = parseConfig(`
timezone: UTC
environments:
  big:
    region: ap-northeast-1
    channel: C0BIG0001
    cluster: big-cluster
    services:
${services}
`);
    const t = await startBot({ config });
    try {
      const mark = t.aws.world.record.mark();
      const res = await t.client.command('/startup big --dry-run', { user: 'U0DEV0001', channel: 'C0BIG0001' });
      const text = (res.body as { text: string }).text;
      expect(text.length).toBeLessThan(4000);
      expect(text).toContain('nothing was changed');
      expect(text).toContain('1. `service-with-a-long-name-0`');
      expect(text).toMatch(/…and [\d,]+ more waves \([\d,]+ services\)/);
      await t.settled();
      expect(t.aws.world.record.mutations(mark)).toEqual([]);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('one wide wave names its first services and counts the rest', () => {
    const text = wavesText([Array.from({ length: 2000 }, (_, i) => `s-${i}`)]);
    expect(text).toContain('`s-19` and 1,980 more (2,000 in this wave)');
    expect(text).not.toContain('`s-20`');
  });
});
