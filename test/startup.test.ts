// /startup and /shutdown end to end: signed Slack requests in, the simulated ECS services and the sandbox's call record as the evidence.
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEntry } from '../sandbox/record.js';
import { textOf, type SlackMessage } from './support/fake-slack.js';
import { CLUSTER, DEV, devConfig, SERVICES, startHarness, type Harness } from './support/fast-bot.js';

const latest = (h: Harness, channel = DEV): SlackMessage => h.slack.messages(channel).at(-1)!;
// Hang guards in wall time, sized for a busy machine: a startup here is hundreds of simulated polls (a service close
// to ready is read every 300 ms), each one a skip after the harness's 50 ms quiet window, so at load 15 one run took
// over 20 s of wall time. They only turn a run that stopped into a failure.
const HANG_MS = 90_000;
const waitText = (h: Harness, needle: string, timeoutMs = HANG_MS) =>
  h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs, message: `no message with "${needle}"` });
const updates = (h: Harness, mark: number) => h.aws.world.record.since(mark).filter((e) => e.op === 'UpdateService' && e.error === undefined);
const svcOf = (e: CallEntry) => (e.input as { service: string }).service;
const desiredOf = (e: CallEntry) => (e.input as { desiredCount: number }).desiredCount;
const snapshot = (h: Harness) => h.aws.world.ecs.snapshot()[CLUSTER]!;

describe('/startup and /shutdown of seed 003 (dev: A → B → C, D, E)', () => {
  let h: Harness;
  beforeAll(async () => {
    // service-b has no count in ops.yml here: startup restores what the last shutdown found (1 the first time).
    h = await startHarness({ config: devConfig((c) => delete c.environments.dev!.services['service-b']!.desiredCount) });
  });
  afterAll(async () => h.close());

  it('refuses unknown services and bad forms with the right form, touching no AWS API', async () => {
    const mark = h.aws.world.record.mark();
    for (const text of ['/startup', '/startup staging', '/startup dev service-x', '/shutdown dev service-a nope', '/startup dev --force']) {
      const res = await h.client.command(text, { user: 'U0DEV0001' });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toMatch(/\/(startup|shutdown) <env>/);
    }
    const named = await h.client.command('/startup dev service-x', { user: 'U0DEV0001' });
    expect(JSON.stringify(named.body)).toContain('unknown service(s) `service-x` in dev — known: service-a, service-b, service-c, service-d, service-e');
    expect(h.aws.world.record.since(mark)).toEqual([]);
    expect(h.slack.messages(DEV)).toEqual([]);
  });

  it('--dry-run shows the order and the calls, and changes nothing', async () => {
    const mark = h.aws.world.record.mark();
    const res = await h.client.command('/startup dev --dry-run', { user: 'U0DEV0001' });
    const text = JSON.stringify(res.body);
    expect(text).toContain('Dry run');
    expect(text).toContain('1. `service-a`');
    expect(text).toContain('2. `service-b`');
    expect(text).toContain('3. `service-c`, `service-d`, `service-e`');
    const down = JSON.stringify((await h.client.command('/shutdown dev --dry-run', { user: 'U0DEV0001' })).body);
    expect(down).toContain('1. `service-c`, `service-d`, `service-e`');
    expect(down).toContain('3. `service-a`');
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
    expect(h.slack.messages(DEV)).toEqual([]);
  });

  it('starts every service, each as soon as its dependencies are ready, with a thread reply per service', async () => {
    expect(Object.values(snapshot(h)).filter((s) => s.desired > 0)).toEqual([]);
    const mark = h.aws.world.record.mark();
    const res = await h.client.command('/startup dev', { user: 'U0DEV0001' });
    expect(JSON.stringify(res.body)).toContain('accepted as run');
    const done = await waitText(h, '✅ Startup · dev');
    const text = textOf(done.blocks);
    for (const s of SERVICES) expect(text).toContain(`🟢 \`${s}\``);
    expect(text).toContain('`service-b` 1/1');
    expect(text).toContain('5/5 ready');
    const ups = updates(h, mark);
    expect(ups.map(svcOf)).toEqual(['service-a', 'service-b', 'service-c', 'service-d', 'service-e']);
    expect(ups.map(desiredOf)).toEqual([1, 1, 1, 1, 1]);
    // B went up after A ran, and C–E together right after B ran: no level waits for anything but its own dependencies.
    const at = Object.fromEntries(ups.map((e) => [svcOf(e), e.at]));
    expect(at['service-b']! - at['service-a']!).toBeGreaterThanOrEqual(5_000);
    expect(at['service-b']! - at['service-a']!).toBeLessThan(5_000 + 3 * 1000);
    expect(at['service-e']! - at['service-c']!).toBeLessThan(1000);
    for (const s of SERVICES) expect(snapshot(h)[s]).toMatchObject({ desired: 1, running: 1 });
    const thread = h.slack.thread(DEV, done.ts).map((m) => m.text);
    for (const s of SERVICES) expect(thread.some((t) => t.includes(`🟢 *${s}* ready`))).toBe(true);
  });

  it('/shutdown goes in reverse order, remembers the counts, and /startup restores them', async () => {
    // Someone scaled B to 3 by hand during the day: the night's shutdown remembers 3.
    await h.aws.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'service-b', desiredCount: 3 }));
    const mark = h.aws.world.record.mark();
    await h.client.command('/shutdown dev', { user: 'U0DEV0001' });
    const done = await waitText(h, '✅ Shutdown · dev');
    expect(textOf(done.blocks)).toContain('5/5 stopped');
    const downs = updates(h, mark);
    expect(downs.map(svcOf).slice(0, 3).sort()).toEqual(['service-c', 'service-d', 'service-e']);
    expect(downs.map(svcOf).slice(3)).toEqual(['service-b', 'service-a']);
    expect(downs.every((e) => desiredOf(e) === 0)).toBe(true);
    for (const s of SERVICES) expect(snapshot(h)[s]).toMatchObject({ desired: 0, running: 0 });
    expect(h.slack.thread(DEV, done.ts).filter((m) => m.text.includes('stopped')).length).toBe(5);

    const upMark = h.aws.world.record.mark();
    await h.client.command('/startup dev', { user: 'U0DEV0001' });
    await h.slack.waitFor(() => h.slack.messages(DEV).filter((m) => textOf(m.blocks).includes('✅ Startup · dev')).length === 2, { timeoutMs: HANG_MS });
    const ups = updates(h, upMark);
    expect(Object.fromEntries(ups.map((e) => [svcOf(e), desiredOf(e)]))).toEqual({ 'service-a': 1, 'service-b': 3, 'service-c': 1, 'service-d': 1, 'service-e': 1 });
    expect(snapshot(h)['service-b']).toMatchObject({ desired: 3, running: 3 });
    expect(textOf(latest(h).blocks)).toContain('`service-b` 3/3');
  });

  it('a subset pulls in its dependencies (startup) or its dependents (shutdown)', async () => {
    const mark = h.aws.world.record.mark();
    await h.client.command('/shutdown dev service-b', { user: 'U0DEV0001' });
    await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Shutdown · dev (service-b)')), { timeoutMs: HANG_MS });
    expect(updates(h, mark).map(svcOf).slice(-1)).toEqual(['service-b']);
    expect(updates(h, mark).map(svcOf).sort()).toEqual(['service-b', 'service-c', 'service-d', 'service-e']);
    expect(snapshot(h)['service-a']).toMatchObject({ desired: 1, running: 1 });
    const up = h.aws.world.record.mark();
    await h.client.command('/startup dev service-c', { user: 'U0DEV0001' });
    const done = await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Startup · dev (service-c)')), { timeoutMs: HANG_MS });
    // A was running already: no call for it; B then C.
    expect(updates(h, up).map(svcOf)).toEqual(['service-b', 'service-c']);
    expect(textOf(done.blocks)).toContain('already there');
    expect(textOf(done.blocks)).not.toContain('service-d');
  });
});

describe('a failing service, Retry and Stop', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('holds back the dependents of a service that cannot start, says which and why, and Retry finishes after healing', async () => {
    h.aws.world.ecs.failTasks(CLUSTER, 'service-b', true);
    const mark = h.aws.world.record.mark();
    await h.client.command('/startup dev', { user: 'U0DEV0001' });
    const failed = await waitText(h, '❌ Startup · dev');
    const text = textOf(failed.blocks);
    expect(text).toContain('🟢 `service-a`');
    expect(text).toContain('❌ `service-b`');
    expect(text).toContain('unable to consistently start tasks');
    for (const s of ['service-c', 'service-d', 'service-e']) expect(text).toContain(`⛔ \`${s}\``);
    expect(text).toContain('needs service-b');
    expect(text).toContain('held back: service-c, service-d, service-e');
    expect(updates(h, mark).map(svcOf)).toEqual(['service-a', 'service-b']);
    expect(h.slack.thread(DEV, failed.ts).some((m) => m.text.includes('❌ *service-b* failed'))).toBe(true);

    h.aws.world.ecs.failTasks(CLUSTER, 'service-b', false);
    const retry = h.aws.world.record.mark();
    // Press Retry on the message as it stands once every pending update is sent: the first render that said ❌ may
    // carry an older run version, whose Retry is (rightly) refused as stale.
    await h.bot.publisher.flush();
    await h.client.press(h.slack.message(DEV, failed.ts)!, 'run.retry', { user: 'U0DEV0001' });
    const done = await waitText(h, '✅ Startup · dev');
    expect(done.ts).toBe(failed.ts);
    // Only the failed part again (a fresh deployment for B), then its dependents; A is left alone.
    expect(updates(h, retry).map(svcOf)).toEqual(['service-b', 'service-c', 'service-d', 'service-e']);
    expect((updates(h, retry)[0]!.input as { forceNewDeployment?: boolean }).forceNewDeployment).toBe(true);
    for (const s of SERVICES) expect(snapshot(h)[s]!.running).toBe(s === 'service-b' ? 2 : 1);
  });

  it('Stop rolls the services this run started back down, dependents first', async () => {
    await h.client.command('/shutdown dev', { user: 'U0DEV0001' });
    await waitText(h, '✅ Shutdown · dev');
    h.aws.world.ecs.failTasks(CLUSTER, 'service-b', true);
    await h.client.command('/startup dev', { user: 'U0DEV0001' });
    const msg = await h.slack.waitFor(() => { const m = latest(h); return textOf(m.blocks).includes('❌ Startup · dev') && m; }, { timeoutMs: HANG_MS });
    const mark = h.aws.world.record.mark();
    await h.client.press(msg, 'run.stop', { user: 'U0DEV0001' });
    const stopped = await waitText(h, '⏹ Startup · dev');
    expect(stopped.ts).toBe(msg.ts);
    expect(updates(h, mark).map(svcOf)).toEqual(['service-b', 'service-a']);
    expect(updates(h, mark).every((e) => desiredOf(e) === 0)).toBe(true);
    h.aws.world.ecs.failTasks(CLUSTER, 'service-b', false);
    expect(h.slack.thread(DEV, msg.ts).some((m) => m.text.includes('Stopped by <@U0DEV0001>: service-b, service-a scaled back to 0'))).toBe(true);
  });
});

describe('a restart mid-run', () => {
  it('a second bot on the same database resumes the run on the same message and repeats no call', async () => {
    const h = await startHarness({ startDelays: { 'service-a': 3, 'service-b': 40 } });
    try {
      const mark = h.aws.world.record.mark();
      await h.client.command('/startup dev', { user: 'U0DEV0001' });
      await h.slack.waitFor(() => updates(h, mark).some((e) => svcOf(e) === 'service-b'), { timeoutMs: HANG_MS });
      const before = latest(h);
      await h.restart();
      const done = await waitText(h, '✅ Startup · dev');
      expect(done.ts).toBe(before.ts);
      expect(h.slack.messages(DEV).length).toBe(1);
      expect(updates(h, mark).map(svcOf)).toEqual(SERVICES);
      for (const s of SERVICES) expect(snapshot(h)[s]!.running).toBe(s === 'service-b' ? 2 : 1);
    } finally {
      await h.close();
    }
  });
});

describe('each service starts the moment its own dependencies are ready', () => {
  it('a fast branch does not wait for a slow one on the same level', async () => {
    const config = devConfig((c) => {
      c.environments.dev!.services = {
        slow: { desiredCount: 1, dependsOn: [], timeoutSeconds: 600, failedTasksThreshold: 3 },
        quick: { desiredCount: 1, dependsOn: [], timeoutSeconds: 600, failedTasksThreshold: 3 },
        'after-slow': { desiredCount: 1, dependsOn: ['slow'], timeoutSeconds: 600, failedTasksThreshold: 3 },
        'after-quick': { desiredCount: 1, dependsOn: ['quick'], timeoutSeconds: 600, failedTasksThreshold: 3 },
      };
    });
    const h = await startHarness({ config, startDelays: { slow: 40, quick: 3 }, startDelaySeconds: 3 });
    try {
      const mark = h.aws.world.record.mark();
      await h.client.command('/startup dev', { user: 'U0DEV0001' });
      await waitText(h, '✅ Startup · dev');
      const at = Object.fromEntries(updates(h, mark).map((e) => [svcOf(e), e.at]));
      // after-quick went up while slow was still starting; after-slow only once slow ran (40 s), within a poll or two.
      expect(at['after-quick']! - at.quick!).toBeLessThan(3_000 + 3_000);
      expect(at['after-quick']!).toBeLessThan(at.slow! + 40_000);
      expect(at['after-slow']! - at.slow!).toBeGreaterThanOrEqual(40_000);
      expect(at['after-slow']! - at.slow!).toBeLessThan(40_000 + 3_000);
    } finally {
      await h.close();
    }
  });
});

describe('scheduled startup from ops.yml', () => {
  it('reminds before each fire; Skip once skips that fire only, and the next one runs like a typed /startup', async () => {
    // Every minute, reminded a minute before; at SPEED a simulated minute passes in 3 s.
    const config = devConfig((c) => {
      c.environments.dev!.startup = { ...c.environments.dev!.startup!, schedule: { start: '* * * * *', remindMinutesBefore: 1 } };
    });
    const h = await startHarness({ config, startDelaySeconds: 2 });
    try {
      const reminders = () => h.slack.messages(DEV).filter((m) => m.text.startsWith('⏰ *dev*: startup'));
      const first = await h.slack.waitFor(() => reminders()[0], { timeoutMs: HANG_MS });
      expect(first.text).toContain('(`* * * * *`, from ops.yml)');
      expect(first.text).toMatch(/ at \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/);
      const mark = h.aws.world.record.mark();
      await h.client.press(first, 'schedule.skip', { user: 'U0DEV0001' });
      await h.slack.waitFor(() => h.slack.ephemerals('U0DEV0001').some((e) => e.text.includes('will be skipped')), { timeoutMs: HANG_MS });
      await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => m.text.startsWith('⏭ Skipped once: scheduled *startup* of *dev*')), { timeoutMs: HANG_MS });
      expect(h.aws.world.record.mutations(mark)).toEqual([]);
      expect(h.slack.messages(DEV).some((m) => textOf(m.blocks).includes('Startup · dev'))).toBe(false);

      // The next fire is not skipped: a run with its status message, as if someone had typed /startup dev.
      await h.slack.waitFor(() => reminders().length >= 2, { timeoutMs: HANG_MS });
      const done = await waitText(h, '✅ Startup · dev', 15_000);
      expect(textOf(done.blocks)).toContain('requested by <@scheduler>');
      expect(textOf(done.blocks)).toContain('5/5 ready');
      expect(updates(h, mark).map(svcOf)).toEqual(SERVICES);
    } finally {
      await h.close();
    }
  });
});
