// Issue 16 item 6: /shutdown scales to 0 only services it can classify. A service mid-deployment is someone's work in
// flight: it is left alone and reported, and what it needs stays up; the rest stops as usual.
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { CLUSTER, DEV, startHarness, type Harness } from './support/fast-bot.js';

describe('/shutdown and a service it cannot classify', () => {
  let h: Harness;
  beforeAll(async () => {
    // service-c's new tasks take a simulated day to start: its deployment stays IN_PROGRESS for the whole test.
    h = await startHarness({ startDelays: { 'service-c': 86_400 } });
  });
  afterAll(async () => h.close());

  it('leaves a mid-deployment service and its dependencies running, stops the others, and says why', async () => {
    await h.client.command('/startup dev service-d service-e', { user: 'U0DEV0001' });
    await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Startup · dev')), { timeoutMs: 20_000 });
    // Someone deploys service-c by hand.
    await h.aws.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'service-c', desiredCount: 1, forceNewDeployment: true }));
    expect(h.aws.world.ecs.snapshot()[CLUSTER]!['service-c']).toMatchObject({ desired: 1 });

    const mark = h.aws.world.record.mark();
    await h.client.command('/shutdown dev', { user: 'U0DEV0001' });
    const done = await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('Shutdown · dev') && textOf(m.blocks).includes('left running')), { timeoutMs: 20_000 });
    const scaled = h.aws.world.record
      .since(mark)
      .filter((e) => e.op === 'UpdateService' && e.error === undefined)
      .map((e) => (e.input as { service: string }).service);
    expect(scaled.sort()).toEqual(['service-d', 'service-e']);
    const ecs = h.aws.world.ecs.snapshot()[CLUSTER]!;
    expect(ecs['service-c']).toMatchObject({ desired: 1 });
    expect(ecs['service-b']).toMatchObject({ desired: 2 });
    expect(ecs['service-d']).toMatchObject({ desired: 0 });
    const text = textOf(done.blocks);
    expect(text).toContain('service-c (mid-deployment');
    expect(text).toContain('still needed by service-c');
    expect(h.slack.thread(DEV, done.ts).some((m) => m.text.includes('⚠️ *service-c* mid-deployment'))).toBe(true);
  }, 60_000);
});
