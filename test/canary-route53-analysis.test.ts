// A Route 53 canary (seed 004) judged by the metrics ops.yml names: the application publishes them (PutMetricData),
// and a green worse than blue rolls back by itself. Bot and sandbox share one fast clock.
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, latestIn } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { devEnv, opsConfig } from './support/harness.js';

const CH = 'C0DEV0001';
const ZONE = 'Z0PRIVATE0001';
const metric = (color: string, name: string) => ({ namespace: 'Shop/Api', name, dimensions: { Color: color } });
const config = opsConfig({
  dev: devEnv({
    canary: {
      orders: {
        route53: { hostedZoneId: ZONE, recordName: 'orders.internal.example.', type: 'CNAME', blue: 'orders-blue', green: 'orders-green' },
        steps: [10, 100],
        bakeSeconds: 300,
        auto: true,
        analysis: {
          metrics: {
            blue: { requests: metric('blue', 'Requests'), errors: metric('blue', 'Errors') },
            green: { requests: metric('green', 'Requests'), errors: metric('green', 'Errors') },
          },
        },
      },
    },
  }),
});

describe('Route 53 canary judged by the metrics ops.yml names', () => {
  let h: Harness;
  let stopPublishing = () => {};
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => {
    stopPublishing();
    await h.close();
  });
  const { waitLatest } = latestIn(() => h.slack, CH, 30_000);
  const weights = () =>
    Object.fromEntries(
      h.aws.world.route53
        .records(ZONE)
        .filter((r) => r.name === 'orders.internal.example.')
        .map((r) => [r.setIdentifier, r.weight]),
    );

  it('--dry-run names the gates it will check, and changes nothing', async () => {
    const mark = h.aws.world.record.mark();
    await h.client.command('/canary dev orders start --dry-run', { user: 'U0SRE0001' });
    const dry = await h.slack.waitFor(() => h.slack.ephemerals().find((e) => e.text.includes('Dry run: /canary dev orders start')), { timeoutMs: 5000 });
    expect(dry.text).toContain('gates: analysis green vs blue from the metrics named in ops.yml (GetMetricData; error rate +1 points or p99 +25 % fails; 100 requests a side needed)');
    expect(dry.text).not.toContain('not checked');
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('green erring more than blue in its own metrics is rolled back, the comparison named', async () => {
    let greenErrors = 0;
    // The application's own metrics, both colours, published at every moment the bot looks at AWS (each of its
    // calls, every bake poll among them) — driven by the sandbox's call record, so no simulated minute goes by
    // without a point, however fast the harness skips time.
    let lastAt = -1;
    const publish = () => {
      const at = h.aws.world.clock.now();
      if (at === lastAt) return;
      lastAt = at;
      const d = (color: string, name: string, v: number) => ({ MetricName: name, Dimensions: [{ Name: 'Color', Value: color }], Value: v, Timestamp: new Date(at) });
      void h.aws.clients.cloudwatch.send(new PutMetricDataCommand({ Namespace: 'Shop/Api', MetricData: [d('blue', 'Requests', 90), d('blue', 'Errors', 0), d('green', 'Requests', 10), d('green', 'Errors', greenErrors)] }));
    };
    stopPublishing = h.aws.world.record.onAdd((call) => call.op !== 'PutMetricData' && publish());
    publish();
    await h.client.command('/canary dev orders start', { user: 'U0SRE0001' });
    await waitLatest('✅ analysis: green 0.00 % error');
    expect(weights()).toEqual({ 'orders-blue': 90, 'orders-green': 10 });
    greenErrors = 3;
    const failed = await waitLatest('Retry');
    expect(textOf(failed.blocks)).toMatch(/gate failed at step 1\/2 \(green 10 %\): analysis: green's error rate [\d.]+ % is [\d.]+ points above blue's 0\.00 %/);
    expect(weights()).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
  });
});
