// A canary's CloudWatch gates end to end: alarms before each step and at every poll of a bake, green judged against
// blue from the ALB's metrics; a bad green rolls back by itself within one poll. Bot and sandbox share one fast clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCH_EVERY_MS } from '../src/ops/gates.js';
import { textOf, type SlackMessage } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { devEnv, opsConfig } from './support/harness.js';
import { until as waitUntil } from './support/wait.js';

const CH = 'C0DEV0001';
const ELB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
const listener = (n: number) => `${ELB}:listener/app/gates-${n}/88888888888888${n}0/88888888888888${n}1`;
const tg = (name: string, n: number, side: 'b' | 'g') => `${ELB}:targetgroup/${name}-${side === 'b' ? 'blue' : 'green'}/88888888888888${n}${side === 'b' ? 'b' : 'e'}`;
const alb = (name: string, n: number) => ({ listenerArn: listener(n), blueTargetGroupArn: tg(name, n, 'b'), greenTargetGroupArn: tg(name, n, 'g') });

const config = opsConfig({
  dev: devEnv({
    canary: {
      alarmed: { alb: alb('alarmed', 1), steps: [10, 50, 100], bakeSeconds: 120, auto: true, alarms: ['alarmed-5xx'], analysis: { enabled: false } },
      missing: { alb: alb('missing', 2), steps: [10, 100], alarms: ['nobody-made-this'] },
      sparse: { alb: alb('sparse', 3), steps: [10, 100], alarms: ['sparse-alarm'], insufficientDataSeconds: 20 },
      analysed: { alb: alb('analysed', 4), steps: [10, 50, 100], bakeSeconds: 180, auto: true },
      blind: { alb: alb('blind', 6), steps: [10, 100], bakeSeconds: 120, alarms: ['blind-alarm'], analysis: { enabled: false } },
      restarted: { alb: alb('restarted', 7), steps: [10, 100], bakeSeconds: 600, auto: true, alarms: ['restarted-5xx'], analysis: { enabled: false } },
      quiet: { alb: alb('quiet', 5), steps: [20, 100], bakeSeconds: 60, auto: true, analysis: { inconclusiveAfterSeconds: 60 } },
    },
  }),
});

/** The harness's waiter (it lets simulated time skip ahead while the test waits), in this file's argument order. */
const until = <T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> => waitUntil(check, { what, timeoutMs });

describe('canary gates from CloudWatch', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());

  const runMessage = (title: string): SlackMessage | undefined => h.slack.messages(CH).find((m) => textOf(m.blocks).includes(title));
  const waitFor = (title: string, needle: string, timeoutMs = 30_000) =>
    until(() => {
      const m = runMessage(title);
      return m && textOf(m.blocks).includes(needle) ? m : undefined;
    }, `"${title}" to show "${needle}"`, timeoutMs);
  const weights = (n: number, _name: string) => h.aws.world.elbv2.evaluate(listener(n), { path: '/', sourceIp: '198.51.100.7' }).targetGroups;
  const thread = (m: SlackMessage) => h.slack.thread(CH, m.ts).map((r) => r.text);

  it('an alarm going into ALARM during a bake rolls back within one poll, names the alarm and its reason, and holds the run failed with Retry', async () => {
    const title = 'Canary · alarmed · dev';
    await h.client.command('/canary dev alarmed start', { user: 'U0SRE0001' });
    await waitFor(title, 'Bake ends');
    expect(weights(1, 'alarmed')).toEqual({ [tg('alarmed', 1, 'b')]: 90, [tg('alarmed', 1, 'g')]: 10 });
    await waitFor(title, '✅ alarm alarmed-5xx OK');

    const mark = h.aws.world.record.mark();
    h.aws.world.setAlarm('alarmed-5xx', 'ALARM', 'Threshold Crossed: 2 datapoints [31.0, 44.0] were greater than the threshold (10.0).');
    const firedAt = h.aws.world.clock.now();
    const failed = await waitFor(title, 'Retry');
    const text = textOf(failed.blocks);
    expect(text).toContain('gate failed at step 1/3 (green 10 %): alarm `alarmed-5xx` in ALARM since');
    expect(text).toContain('Threshold Crossed: 2 datapoints [31.0, 44.0] were greater than the threshold (10.0).');
    expect(text).toContain('all traffic is back on blue — Retry starts the canary again from step 1');
    // The same one call a person's Rollback makes, and within one poll of the alarm.
    expect(h.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
    const call = h.aws.world.record.since(mark).find((e) => e.mutating)!;
    expect(call.at - firedAt).toBeLessThanOrEqual(WATCH_EVERY_MS + 3000);
    expect(weights(1, 'alarmed')).toEqual({ [tg('alarmed', 1, 'b')]: 100, [tg('alarmed', 1, 'g')]: 0 });
    expect(thread(failed).some((l) => l.includes('↩️ Rolled back by itself: gate failed at step 1/3'))).toBe(true);

    // Retry while the alarm still fires is a refusal before anything moves.
    const mark2 = h.aws.world.record.mark();
    await h.client.press(failed, 'run.retry', { user: 'U0SRE0001' });
    const refused = await waitFor(title, 'Refused before step 1/3');
    expect(textOf(refused.blocks)).toContain('nothing was moved');
    expect(h.aws.world.record.mutations(mark2)).toEqual([]);

    // Once the alarm is OK again, Retry starts again from step 1.
    h.aws.world.setAlarm('alarmed-5xx', 'OK');
    await h.client.press(refused, 'run.retry', { user: 'U0SRE0001' });
    await until(() => (weights(1, 'alarmed')?.[tg('alarmed', 1, 'g')] === 10 ? true : undefined), 'green back at 10 % after Retry');
    await waitFor(title, 'Bake ends');
    expect(thread(refused).some((l) => l.includes('🔁 Retry'))).toBe(true);
    h.aws.world.setAlarm('alarmed-5xx', 'ALARM');
    await waitFor(title, 'Retry');
    expect(weights(1, 'alarmed')).toEqual({ [tg('alarmed', 1, 'b')]: 100, [tg('alarmed', 1, 'g')]: 0 });
  });

  it('an alarm that does not exist is a refusal before anything moves, never a pass', async () => {
    h.aws.world.deleteAlarm('nobody-made-this');
    const mark = h.aws.world.record.mark();
    await h.client.command('/canary dev missing start', { user: 'U0SRE0001' });
    const m = await waitFor('Canary · missing · dev', 'Retry');
    expect(textOf(m.blocks)).toContain('Refused before step 1/2 (green 10 %): alarm `nobody-made-this` does not exist in CloudWatch — create it, or remove it from the alarms in ops.yml');
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
    expect(h.aws.world.record.since(mark).filter((e) => e.service === 'cloudwatch').map((e) => e.op)).toContain('DescribeAlarms');
  });

  it('INSUFFICIENT_DATA is tolerated for insufficientDataSeconds, then refuses', async () => {
    h.aws.world.setAlarm('sparse-alarm', 'INSUFFICIENT_DATA');
    const since = h.aws.world.clock.now();
    // 20 s of simulated time: one second of wall clock.
    await until(() => (h.aws.world.clock.now() - since > 21_000 ? true : undefined), 'the alarm to be without data for 21 s');
    const mark = h.aws.world.record.mark();
    await h.client.command('/canary dev sparse start', { user: 'U0SRE0001' });
    const m = await waitFor('Canary · sparse · dev', 'Retry');
    expect(textOf(m.blocks)).toMatch(/alarm `sparse-alarm` has been INSUFFICIENT_DATA for 2\d s \(more than 20 s\): it cannot see anything, so it cannot pass/);
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('green worse than blue rolls back by itself within one poll, the comparison on the message', async () => {
    const title = 'Canary · analysed · dev';
    h.aws.world.cloudwatch.setRequestsPerMinute(6000);
    await h.client.command('/canary dev analysed start', { user: 'U0SRE0001' });
    await waitFor(title, '✅ analysis: green');
    const mark = h.aws.world.record.mark();
    h.aws.world.cloudwatch.setQuality(tg('analysed', 4, 'g'), { errorRate: 0.3 });
    const badAt = h.aws.world.clock.now();
    const failed = await waitFor(title, 'Retry');
    const text = textOf(failed.blocks);
    expect(text).toMatch(/gate failed at step 1\/3 \(green 10 %\): analysis: green's 5XX rate [\d.]+ % is [\d.]+ points above blue's 0\.\d+ % \(allowed 1\) over \d+ requests/);
    expect(h.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
    const call = h.aws.world.record.since(mark).find((e) => e.mutating)!;
    expect(call.at - badAt).toBeLessThanOrEqual(WATCH_EVERY_MS + 3000);
    expect(weights(4, 'analysed')).toEqual({ [tg('analysed', 4, 'b')]: 100, [tg('analysed', 4, 'g')]: 0 });
    // The picture of the step, in the run's thread, through the real upload flow: a PNG, bytes as announced.
    const chart = await until(() => h.slack.thread(CH, failed.ts).find((m) => m.files?.length), 'the chart in the thread');
    expect(chart.text).toContain('📈 Step 1/3 · green 10 % · ❌ gate failed: green vs blue since the start');
    const upload = h.slack.uploads().find((u) => u.id === chart.files![0]!.id)!;
    expect(upload).toMatchObject({ completed: true, channel: CH, thread_ts: failed.ts });
    expect(upload.bytes!.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(upload.bytes!.length).toBe(upload.length);
    expect(h.slack.callsTo('files.getUploadURLExternal').length).toBe(1);
    expect(h.slack.callsTo('files.completeUploadExternal').length).toBe(1);
    h.aws.world.cloudwatch.setQuality(tg('analysed', 4, 'g'), { errorRate: 0.002 });
  });

  it('too little traffic never passes: the bake waits, then a person decides', async () => {
    const title = 'Canary · quiet · dev';
    h.aws.world.cloudwatch.setRequestsPerMinute(30);
    await h.client.command('/canary dev quiet start', { user: 'U0SRE0001' });
    const waiting = await waitFor(title, '⏳ analysis: too little traffic to judge');
    expect(textOf(waiting.blocks)).toMatch(/too little traffic to judge \(green \d+(, blue \d+)? of 100 requests needed\)/);
    const paused = await waitFor(title, 'analysis inconclusive after');
    expect(textOf(paused.blocks)).toContain('Promote to go on anyway, or Rollback');
    // Still at step 1: nothing advanced on too little evidence.
    expect(weights(5, 'quiet')).toEqual({ [tg('quiet', 5, 'b')]: 80, [tg('quiet', 5, 'g')]: 20 });
    await h.client.press(paused, 'run.rollback', { user: 'U0SRE0001' });
    await waitFor(title, 'All traffic on blue');
    h.aws.world.cloudwatch.setRequestsPerMinute(600);
  });

  it('a CloudWatch that cannot be read during the bake is a gate that does not pass: rolled back, the error named', async () => {
    const title = 'Canary · blind · dev';
    await h.client.command('/canary dev blind start', { user: 'U0SRE0001' });
    await waitFor(title, 'Bake ends');
    const mark = h.aws.world.record.mark();
    h.aws.world.faults.add({ service: 'cloudwatch', kind: 'error5xx', count: 50 });
    try {
      const failed = await waitFor(title, 'Retry');
      expect(textOf(failed.blocks)).toContain('CloudWatch alarms could not be read');
      expect(textOf(failed.blocks)).toContain('a gate that cannot be checked does not pass');
      expect(h.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
      expect(weights(6, 'blind')).toEqual({ [tg('blind', 6, 'b')]: 100, [tg('blind', 6, 'g')]: 0 });
    } finally {
      h.aws.world.faults.clear();
    }
  });

  it('a bot restarted mid-bake goes on watching the same bake: the alarm still rolls back, the bake not restarted', async () => {
    const title = 'Canary · restarted · dev';
    await h.client.command('/canary dev restarted start', { user: 'U0SRE0001' });
    const baking = await waitFor(title, 'Bake ends');
    const bakeEnds = /Bake ends ([0-9:]+ JST)/.exec(textOf(baking.blocks))![1]!;
    await h.restart();
    const mark = h.aws.world.record.mark();
    h.aws.world.setAlarm('restarted-5xx', 'ALARM', 'Threshold Crossed: after the restart');
    const failed = await waitFor(title, 'Retry');
    expect(textOf(failed.blocks)).toContain('alarm `restarted-5xx` in ALARM');
    expect(h.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
    expect(weights(7, 'restarted')).toEqual({ [tg('restarted', 7, 'b')]: 100, [tg('restarted', 7, 'g')]: 0 });
    // The same bake (its start is a durable step): its end, as the message showed it, never moved with the restart.
    const views = h.slack.messages(CH).find((m) => m.ts === baking.ts)!.history.map((v) => /Bake ends ([0-9:]+ JST)/.exec(textOf(v.blocks))?.[1]).filter(Boolean);
    expect(new Set(views)).toEqual(new Set([bakeEnds]));
  });
});
