// Ordered startup at the critical path: a dependent's UpdateService comes within 1 s (simulated) of the moment its
// last dependency became ready, with a 3 s long poll, every DescribeServices ≤ 10 services, ≤ 4 a second, none throttled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS_PER_SECOND, FAST_SERVICES, shortTier } from '../src/ops/startup.js';
import type { CallEntry } from '../sandbox/record.js';
import { textOf } from './support/fake-slack.js';
import { devEnv, opsConfig, startBot, type TestBot } from './support/harness.js';

/*
 * Time: the bot and the sandbox share the harness's simulated clock, which moves only when everything sleeps; every
 * figure below is read from the sandbox's call record, in simulated time, so a loaded machine's stalls cannot add to
 * (or hide in) the second being measured.
 */
const DEV = 'C0DEV0001';
// A → B → (C, D). 7 s starts against a 3 s long poll: a poll-paced loop sees A and B ready 2 s late (at 9 s, not 7 s).
const GRAPH: Record<string, string[]> = { 'service-a': [], 'service-b': ['service-a'], 'service-c': ['service-b'], 'service-d': ['service-b'] };
const DELAYS: Record<string, number> = { 'service-a': 7, 'service-b': 7, 'service-c': 4, 'service-d': 5 };

const config = opsConfig({
  dev: devEnv({
    services: Object.fromEntries(Object.entries(GRAPH).map(([s, deps]) => [s, { desiredCount: 1, dependsOn: deps }])),
    startup: { engine: 'inline', pollSeconds: 3 },
    permissions: { operate: ['U0DEV0001'] },
  }),
});

describe('ordered startup follows the critical path, not the poll', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config, world: { startDelays: DELAYS }, logLevel: 'info' });
  });
  afterAll(async () => t?.close());

  it('starts each dependent within 1 s of its last dependency becoming ready, inside the DescribeServices budget', async () => {
    const { aws, slack, client } = t;
    const mark = aws.world.record.mark();
    const res = await client.command('/startup dev', { user: 'U0DEV0001' });
    expect(JSON.stringify(res.body)).toContain('accepted as run');
    // Barrier: the run's final message.
    await slack.waitFor(() => slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Startup · dev')), { timeoutMs: 60_000, message: 'startup did not finish' });
    const calls = aws.world.record.since(mark);
    const started: Record<string, number> = {};
    for (const c of calls.filter((e: CallEntry) => e.op === 'UpdateService')) started[(c.input as { service: string }).service] = c.at;
    expect(Object.keys(started).sort()).toEqual(Object.keys(GRAPH).sort());
    const lags = Object.fromEntries(
      Object.entries(GRAPH)
        .filter(([, ds]) => ds.length > 0)
        .map(([s, ds]) => [s, started[s]! - Math.max(...ds.map((d) => started[d]! + DELAYS[d]! * 1000))]),
    );
    for (const [s, lag] of Object.entries(lags)) {
      expect(lag, `${s} must not start before its dependencies are ready`).toBeGreaterThanOrEqual(0);
      expect(lag, `${s} started ${lag} ms after its last dependency became ready`).toBeLessThanOrEqual(1000);
    }
    const describes = calls.filter((e) => e.op === 'DescribeServices');
    expect(describes.filter((e) => e.error !== undefined)).toEqual([]);
    for (const d of describes) expect((d.input as { services: string[] }).services.length).toBeLessThanOrEqual(10);
    // No second of simulated time holds more than CALLS_PER_SECOND reads.
    for (const d of describes) expect(describes.filter((o) => o.at >= d.at && o.at < d.at + 1000).length).toBeLessThanOrEqual(CALLS_PER_SECOND);
  }, 90_000);
});

describe('the short tier', () => {
  it('takes only services close to done, the ones others wait on first, then the longest starting, at most FAST_SERVICES', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ key: `s${i}`, close: i % 3 !== 0, gates: i % 2 === 0, since: 1000 - i }));
    const tier = shortTier(many);
    expect(tier.size).toBe(FAST_SERVICES);
    for (const k of tier) expect(many.find((c) => c.key === k)!.close).toBe(true);
    // Every close service that gates others (10 of them) is in; the rest of the places go to the oldest non-gating.
    const gating = many.filter((c) => c.close && c.gates).map((c) => c.key);
    expect(gating.every((k) => tier.has(k))).toBe(true);
    const rest = many.filter((c) => c.close && !c.gates).sort((a, b) => a.since - b.since).slice(0, FAST_SERVICES - gating.length).map((c) => c.key);
    expect(rest.every((k) => tier.has(k))).toBe(true);
    expect(shortTier([{ key: 'far', close: false, gates: true, since: 0 }]).size).toBe(0);
  });
});
