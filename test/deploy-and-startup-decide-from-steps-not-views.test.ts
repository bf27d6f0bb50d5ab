// Issue 20, from outside: /deploy and /startup|/shutdown plan inside their operations (the dry run a person reads is the
// operation's plan, and a startup plan touches no AWS API), and they decide from their steps and their own memory,
// never from the status message's view — a view wiped mid-run changes nothing they do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEntry } from '../sandbox/record.js';
import { textOf, latestIn } from './support/fake-slack.js';
import { CLUSTER, DEV, startHarness, type Harness } from './support/fast-bot.js';
import { envYaml, opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const ACCT = '111111111111';
const LB = `arn:aws:elasticloadbalancing:ap-northeast-1:${ACCT}`;
const rule = (n: string, listener = '01') => `${LB}:listener-rule/app/prod-shop/7777777777777777/77777777777777${listener}/00000000000000${n}`;
const tg = (name: string, n: string) => `${LB}:targetgroup/${name}/77777777777777${n}`;
const image = (tag: string) => `${ACCT}.dkr.ecr.ap-northeast-1.amazonaws.com/checkout:${tag}`;

const config = opsConfig({ prod: prodEnv({ permissions: { operate: [], approve: ['U0LEAD001', 'U0LEAD002'], requireApproval: true }, ...envYaml(`
    services:
      checkout: { desiredCount: 2 }
    deploy:
      checkout:
        strategy: ecs
        container: web
        port: 8080
        targetGroupArn: ${tg('checkout-blue', '11')}
        alternateTargetGroupArn: ${tg('checkout-green', '12')}
        productionListenerRuleArn: ${rule('11')}
        testListenerRuleArn: ${rule('12', '02')}
        roleArn: arn:aws:iam::${ACCT}:role/ecsInfrastructureRoleForLoadBalancers
        type: BLUE_GREEN
        bakeMinutes: 1
        pauseAt: [POST_TEST_TRAFFIC_SHIFT]
        pauseTimeoutMinutes: 30
`) }) });

const ZONE = 'Z0PRIVATE0001';
const taskSetConfig = opsConfig({ prod: prodEnv({ permissions: { operate: [], approve: ['U0LEAD001', 'U0LEAD002'], requireApproval: true }, ...envYaml(`
    services:
      users: { desiredCount: 2 }
    canary:
      users:
        route53: { hostedZoneId: ${ZONE}, recordName: users.internal.example., type: CNAME, blue: users-blue, green: users-green }
        steps: [10, 50, 100]
        bakeSeconds: 600
    deploy:
      users:
        strategy: tasksets
        container: app
        port: 8080
        canary: users
        blueRegistryArn: arn:aws:servicediscovery:ap-northeast-1:${ACCT}:service/srv-users-blue
        greenRegistryArn: arn:aws:servicediscovery:ap-northeast-1:${ACCT}:service/srv-users-green
        terminationWaitMinutes: 30
`) }) });

const runIdOf = (text: string) => /run `(r-[0-9a-z]+-[0-9a-z]+)`/.exec(text)![1]!;

/** Every field of a run's view removed (annotate merges; a field set to undefined is dropped when stored). */
async function wipeView(h: Harness, runId: string): Promise<void> {
  const run = await h.bot.deps.engine.getRun(runId);
  await h.bot.deps.engine.annotate(runId, Object.fromEntries(Object.keys(run!.view).map((k) => [k, undefined])));
  expect((await h.bot.deps.engine.getRun(runId))!.view).toEqual({});
}

describe('/deploy through ECS: the plan is the operation’s, the decisions are not the view’s', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());
  const { waitLatest } = latestIn(() => h.slack, CH, 60_000);

  it('--dry-run through Slack answers exactly the operation’s plan, with reads only', async () => {
    const mark = h.aws.world.record.mark();
    await h.client.command(`/deploy prod checkout ${image('v2')} --dry-run`, { user: 'U0DEV0001' });
    const dry = await h.slack.waitFor(() => h.slack.ephemerals('U0DEV0001').find((e) => e.text.includes('Dry run: /deploy prod checkout')), { timeoutMs: 10_000 });
    const plan = await h.bot.deps.engine.plan('deploy', 'prod', { target: 'checkout', image: image('v2') });
    expect(dry.text).toBe(`*Dry run: /deploy prod checkout ${image('v2')} --dry-run* — nothing was changed. ${plan.join('\n')}`);
    expect(plan[1]).toContain('RegisterTaskDefinition: family `checkout` revision 1 → 2');
    expect(h.aws.world.record.mutations(mark)).toEqual([]);
    // What it read: the running service and its task definition, nothing else.
    expect([...new Set(h.aws.world.record.since(mark).map((c: CallEntry) => c.op))].sort()).toEqual(['DescribeServices', 'DescribeTaskDefinition']);
  });

  it('a restart at the pause with the view wiped resumes without repeating a call or a thread line, and succeeds', async () => {
    const mark = h.aws.world.record.mark();
    await h.client.command(`/deploy prod checkout ${image('v2')}`, { user: 'U0LEAD001' });
    const paused = await waitLatest('Green passed test traffic');
    const runId = runIdOf(textOf(paused.blocks));
    await wipeView(h, runId);
    await h.restart();
    const again = await waitLatest('Green passed test traffic');
    await h.bot.publisher.flush();
    await h.client.press(h.slack.message(CH, again.ts)!, 'run.approve', { user: 'U0LEAD002' });
    const done = await waitLatest('✅ Deploy · checkout · prod');
    expect(done.ts).toBe(paused.ts);
    expect(textOf(done.blocks)).toContain('green serves all production traffic');
    expect(h.aws.world.record.since(mark).filter((c) => c.op === 'UpdateService' && !c.error)).toHaveLength(1);
    const thread = h.slack.thread(CH, done.ts).map((m) => m.text);
    // The start line and each stage's line once: the run remembers what it said, the view does not tell it.
    expect(thread.filter((t) => t.startsWith('🚀 ECS BLUE_GREEN deployment'))).toHaveLength(1);
    const stages = thread.flatMap((t) => /^▶️ `([A-Z_]+)`/.exec(t)?.[1] ?? []);
    expect(stages).toContain('POST_TEST_TRAFFIC_SHIFT');
    expect(stages).toEqual([...new Set(stages)]);
  });
});

describe('/deploy with task sets: Rollback knows where the deploy stood without its view', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: taskSetConfig });
  });
  afterAll(async () => h.close());
  const { waitLatest } = latestIn(() => h.slack, CH, 60_000);
  const weights = () =>
    Object.fromEntries(
      h.aws.world.route53
        .records(ZONE)
        .filter((r) => r.name === 'users.internal.example.')
        .map((r) => [r.setIdentifier?.endsWith('-blue') ? 'blue' : 'green', r.weight]),
    );

  it('Rollback during the 10 % bake, its view wiped: traffic back on blue, and the message marks the 10 % step rolled back', async () => {
    await h.client.command(`/deploy prod users ${ACCT}.dkr.ecr.ap-northeast-1.amazonaws.com/users:v2`, { user: 'U0LEAD001' });
    const waiting = await waitLatest('Approve to move 10 %');
    await h.client.press(waiting, 'run.approve', { user: 'U0LEAD002' });
    const baking = await waitLatest('Bake ends about');
    expect(weights()).toEqual({ blue: 90, green: 10 });
    await wipeView(h, runIdOf(textOf(baking.blocks)));
    await h.bot.publisher.flush();
    await h.client.press(h.slack.message(CH, baking.ts)!, 'run.rollback', { user: 'U0DEV0001' });
    const done = await waitLatest('↩️ Deploy · users · prod');
    expect(done.ts).toBe(waiting.ts);
    expect(weights()).toEqual({ blue: 100, green: 0 });
    // Green came up, the 10 % step is the one rolled back, the rest never happened.
    expect(textOf(done.blocks)).toContain('🟢 Green up   ↩️ 10 %   ➖ 50 %   ➖ 100 %   ➖ Green primary   ➖ Blue removed');
  });
});

describe('/startup and /shutdown: the plan is the operation’s, Stop decides from the run’s steps', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());
  const updates = (mark: number) => h.aws.world.record.since(mark).filter((e) => e.op === 'UpdateService' && e.error === undefined);

  it('--dry-run answers the operation’s plan and calls no AWS API at all', async () => {
    const mark = h.aws.world.record.mark();
    for (const [kind, text] of [['startup', '/startup dev service-b --dry-run'], ['shutdown', '/shutdown dev --dry-run']] as const) {
      const res = await h.client.command(text, { user: 'U0DEV0001' });
      const plan = await h.bot.deps.engine.plan(kind, 'dev', kind === 'startup' ? { services: ['service-b'] } : {});
      expect((res.body as { text: string }).text).toBe(`*Dry run: ${text}* — nothing was changed. ${plan.join('\n')}`);
    }
    expect(h.aws.world.record.since(mark)).toEqual([]);
  });

  it('Stop after a failed startup scales back what the run started, dependents first, even with its view wiped', async () => {
    h.aws.world.ecs.failTasks(CLUSTER, 'service-b', true);
    await h.client.command('/startup dev', { user: 'U0DEV0001' });
    const failed = await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('❌ Startup · dev')), { timeoutMs: 20_000 });
    h.aws.world.ecs.failTasks(CLUSTER, 'service-b', false);
    await wipeView(h, runIdOf(textOf(failed.blocks)));
    await h.bot.publisher.flush();
    const mark = h.aws.world.record.mark();
    await h.client.press(h.slack.message(DEV, failed.ts)!, 'run.stop', { user: 'U0DEV0001' });
    const stopped = await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('⏹ Startup · dev')), { timeoutMs: 20_000 });
    expect(updates(mark).map((e) => [(e.input as { service: string }).service, (e.input as { desiredCount: number }).desiredCount])).toEqual([
      ['service-b', 0],
      ['service-a', 0],
    ]);
    expect(h.slack.thread(DEV, stopped.ts).some((m) => m.text.includes('Stopped by <@U0DEV0001>: service-b, service-a scaled back to 0'))).toBe(true);
    const text = textOf(h.slack.message(DEV, stopped.ts)!.blocks);
    expect(text).toMatch(/⚫ `service-a`.*stopped by <@U0DEV0001>/);
    expect(text).toMatch(/⛔ `service-c`.*not started: stopped/);
  });
});

describe('/startup: Stop mid-run with the view wiped', () => {
  it('scales back what the run started (from its steps), not what its message happens to list', async () => {
    const h = await startHarness({ startDelays: { 'service-a': 3, 'service-b': 40 } });
    try {
      await h.client.command('/startup dev', { user: 'U0DEV0001' });
      // service-b is starting (its UpdateService sent, the run asleep until its next read); the view now says nothing.
      const starting = await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => /⏳ `service-b`/.test(textOf(m.blocks))), { timeoutMs: 20_000 });
      await wipeView(h, runIdOf(textOf(starting.blocks)));
      await h.bot.publisher.flush();
      const mark = h.aws.world.record.mark();
      await h.client.press(h.slack.message(DEV, starting.ts)!, 'run.stop', { user: 'U0DEV0001' });
      const stopped = await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('⏹ Startup · dev')), { timeoutMs: 20_000 });
      const scaled = h.aws.world.record.since(mark).filter((e) => e.op === 'UpdateService' && e.error === undefined);
      expect(scaled.map((e) => [(e.input as { service: string }).service, (e.input as { desiredCount: number }).desiredCount])).toEqual([
        ['service-b', 0],
        ['service-a', 0],
      ]);
      expect(h.slack.thread(DEV, stopped.ts).some((m) => m.text.includes('Stopped by <@U0DEV0001>: service-b, service-a scaled back to 0'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
