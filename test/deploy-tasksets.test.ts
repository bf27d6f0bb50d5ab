// /deploy with task sets and Route 53 weights (seed 004), end to end: signed Slack requests in; the sandbox's task
// sets, weighted records and call record as the evidence. Bot and sandbox share one fast clock.
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { CreateTaskSetCommand, DeleteTaskSetCommand, DescribeTaskSetsCommand } from '@aws-sdk/client-ecs';
import type { KnownBlock } from '@slack/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitProblems } from '../blocks/kit.js';
import { parseConfig } from '../src/config/load.js';
import { greenTaskSet, shiftPlan } from '../src/ops/deploy-tasksets.js';
import { createTaskSetInput as createTaskSetRequest } from '../src/aws/ecs.js';
import { textOf, type SlackMessage, latestIn } from './support/fake-slack.js';
import { until as waitUntil } from './support/wait.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { envYaml, opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const ACCT = '111111111111';
const ZONE = 'Z0PRIVATE0001';
const CLUSTER = 'prod-cluster';
const image = (service: string, tag: string) => `${ACCT}.dkr.ecr.ap-northeast-1.amazonaws.com/${service}:${tag}`;
const registry = (service: string, colour: 'blue' | 'green') => `arn:aws:servicediscovery:ap-northeast-1:${ACCT}:service/srv-${service}-${colour}`;
const record = (service: string) => `${service}.internal.example.`;

/** One service per test, each with its own canary target (weighted pair) and Cloud Map registries, so tests do not meet. */
const target = (service: string, canary: string, deploy: string) => ({
  canary: `
      ${service}:
        route53: { hostedZoneId: ${ZONE}, recordName: ${record(service)}, type: CNAME, blue: ${service}-blue, green: ${service}-green }
${canary
  .trim()
  .split('\n')
  .map((l) => `        ${l.trim()}`)
  .join('\n')}`,
  deploy: `
      ${service}:
        strategy: tasksets
        container: app
        port: 8080
        canary: ${service}
        blueRegistryArn: ${registry(service, 'blue')}
        greenRegistryArn: ${registry(service, 'green')}
${deploy
  .trim()
  .split('\n')
  .map((l) => `        ${l.trim()}`)
  .join('\n')}`,
});

const TARGETS = [
  target('api-internal', 'steps: [10, 50, 100]\nbakeSeconds: 20', 'terminationWaitMinutes: 30'),
  target('users', 'steps: [10, 50, 100]\nbakeSeconds: 600', 'terminationWaitMinutes: 30'),
  target('carts', 'steps: [100]', 'terminationWaitMinutes: 30'),
  target('orders', 'steps: [50, 100]', 'terminationWaitMinutes: 1'),
  target('search', 'steps: [25, 100]\nbakeSeconds: 10', 'terminationWaitMinutes: 1'),
  target('billing', 'steps: [100]', 'terminationWaitMinutes: 1'),
];

const config = opsConfig({ prod: prodEnv({ permissions: { operate: [], approve: ['U0LEAD001', 'U0LEAD002'], requireApproval: true }, ...envYaml(`
    services:
${TARGETS.map((_, i) => `      ${['api-internal', 'users', 'carts', 'orders', 'search', 'billing'][i]}: { desiredCount: 2 }`).join('\n')}
    canary:${TARGETS.map((t) => t.canary).join('')}
    deploy:${TARGETS.map((t) => t.deploy).join('')}
`) }) });

/** Re-reads `check` (which asks the sandbox over the SDK) until it returns a value: the harness's waiter. */
const until = <T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, what = 'a condition'): Promise<T> =>
  waitUntil(check, { what, timeoutMs, pollMs: 100 });

describe('a tasksets target in ops.yml', () => {
  it("takes its steps and bake from the canary target unless it names its own, and refuses one registry for both colours", () => {
    const env = config.environments.prod!;
    const of = (key: string) => {
      const d = env.deploy[key]!;
      if (d.strategy !== 'tasksets') throw new Error('expected a tasksets target');
      return d;
    };
    expect(shiftPlan(of('users'), env.canary.users!)).toEqual({ steps: [10, 50, 100], bakeSeconds: 600 });
    expect(shiftPlan({ ...of('users'), steps: [20, 100], bakeSeconds: 5 }, env.canary.users!)).toEqual({ steps: [20, 100], bakeSeconds: 5 });
    expect(of('users')).toMatchObject({ waitForApproval: false, approvalWaitMinutes: 1440, terminationWaitMinutes: 30 });
    const same = TARGETS[0]!.deploy.replace(registry('api-internal', 'green'), registry('api-internal', 'blue'));
    expect(() =>
      parseConfig(`
environments:
  prod:
    region: ap-northeast-1
    channel: ${CH}
    cluster: ${CLUSTER}
    canary:${TARGETS[0]!.canary}
    deploy:${same}
`),
    ).toThrow(/environments\.prod\.deploy\.api-internal\.greenRegistryArn: must differ from blueRegistryArn/);
  });
});

describe('/deploy with task sets and Route 53 weights (seed 004)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());

  const { latest, waitLatest } = latestIn(() => h.slack, CH, 60_000);
  const thread = (m: SlackMessage) => h.slack.thread(CH, m.ts).map((r) => r.text);
  const mutations = (mark: number) => h.aws.world.record.mutations(mark);
  const calls = (mark: number, op: string) => h.aws.world.record.since(mark).filter((c) => c.op === op && !c.error);
  /** The weighted pair as Route 53 holds it now, by set identifier. */
  const weights = (service: string) =>
    Object.fromEntries(
      h.aws.world.route53
        .records(ZONE)
        .filter((r) => r.name === record(service))
        .map((r) => [r.setIdentifier?.endsWith('-blue') ? 'blue' : 'green', r.weight]),
    );
  /** The service's task sets through the real SDK, as ECS lists them. */
  const taskSets = async (service: string) => (await h.aws.clients.ecs.send(new DescribeTaskSetsCommand({ cluster: CLUSTER, service }))).taskSets ?? [];
  const runIdOf = (m: SlackMessage) => /run `(r-[0-9a-z]+-[0-9a-z]+)`/.exec(textOf(m.blocks))![1]!;

  it('--dry-run lists the exact calls and changes nothing', async () => {
    const mark = h.aws.world.record.mark();
    expect(JSON.stringify((await h.client.command(`/deploy prod api-internal ${image('api-internal', 'v2')} --config CodeDeployDefault.ECSAllAtOnce`, { user: 'U0DEV0001' })).body)).toContain(
      'deploys with task sets and Route 53 weights',
    );
    await h.client.command(`/deploy prod api-internal ${image('api-internal', 'v2')} --dry-run`, { user: 'U0DEV0001' });
    const dry = await h.slack.waitFor(() => h.slack.ephemerals().find((e) => e.text.includes('Dry run: /deploy prod api-internal')), { timeoutMs: 10_000 });
    expect(dry.text).toContain(`RegisterTaskDefinition: family \`api-internal\` revision 1 → 2, container *app* image \`${image('api-internal', 'v1')}\` → \`${image('api-internal', 'v2')}\``);
    expect(JSON.parse(/```\n([\s\S]*?)\n```/.exec(dry.text)![1]!)).toEqual({
      networkConfiguration: { awsvpcConfiguration: expect.objectContaining({ subnets: expect.arrayContaining([expect.stringMatching(/^subnet-/)]) }) },
      platformVersion: expect.any(String),
      cluster: CLUSTER,
      service: 'api-internal',
      taskDefinition: `arn:aws:ecs:ap-northeast-1:${ACCT}:task-definition/api-internal:2`,
      externalId: '<run id>',
      scale: { value: 100, unit: 'PERCENT' },
      serviceRegistries: [{ registryArn: registry('api-internal', 'green') }],
      launchType: 'FARGATE',
    });
    expect(dry.text).toContain('wait for Approve by a second person');
    for (const [n, pct] of [10, 50, 100].entries()) {
      expect(dry.text).toContain(`Step ${n + 1}/3 · green ${pct} %: route53:ChangeResourceRecordSets zone ${ZONE} (one batch) UPSERT CNAME ${record('api-internal')} api-internal-blue weight ${100 - pct}, api-internal-green weight ${pct}`);
    }
    expect(dry.text).toContain('ecs:UpdateServicePrimaryTaskSet green');
    expect(dry.text).toMatch(/then ecs:UpdateTaskSet blue scale 0 % and ecs:DeleteTaskSet blue/);
    expect(dry.text).toContain('Rollback at any moment: route53:ChangeResourceRecordSets');
    expect(dry.text).not.toContain('would be refused');
    expect(mutations(mark)).toEqual([]);
    expect(await taskSets('api-internal')).toHaveLength(1);
  });

  it('deploys: green up, a second person approves, weights walk 10 → 50 → 100, green primary, blue deleted; each step in the thread', async () => {
    const [blue] = await taskSets('api-internal');
    await h.client.command(`/deploy prod api-internal ${image('api-internal', 'v2')}`, { user: 'U0LEAD001' });
    const waiting = await waitLatest('Approve to move 10 % of api-internal.internal.example. to it');
    expect(weights('api-internal')).toEqual({ blue: 100, green: 0 });
    const runId = runIdOf(waiting);
    const sets = await taskSets('api-internal');
    const green = sets.find((t) => t.externalId === runId)!;
    expect(green).toMatchObject({ status: 'ACTIVE', runningCount: 2, computedDesiredCount: 2, stabilityStatus: 'STEADY_STATE', serviceRegistries: [{ registryArn: registry('api-internal', 'green') }] });
    expect(textOf(waiting.blocks)).toMatch(/🟢 green `[^`]+` ACTIVE · 2\/2 running/);
    expect(limitProblems(waiting.blocks as KnownBlock[])).toEqual([]);

    // The CreateTaskSet sent is the one --dry-run shows (with the run id as externalId).
    const created = calls(0, 'CreateTaskSet').filter((c) => (c.input as { service: string }).service === 'api-internal');
    expect(created).toHaveLength(1);
    const cfg = config.environments.prod!.deploy['api-internal']!;
    if (cfg.strategy !== 'tasksets') throw new Error('expected a tasksets target');
    // Green runs where blue runs: CreateTaskSet carries blue's network, launch type and platform.
    const [blueNow] = (await h.aws.clients.ecs.send(new DescribeTaskSetsCommand({ cluster: CLUSTER, service: 'api-internal' }))).taskSets!.filter((t) => t.externalId !== runId);
    expect(blueNow?.networkConfiguration?.awsvpcConfiguration?.subnets?.length).toBeGreaterThan(0);
    expect(created[0]!.input).toEqual(
      createTaskSetRequest(CLUSTER, 'api-internal', greenTaskSet(cfg, `arn:aws:ecs:ap-northeast-1:${ACCT}:task-definition/api-internal:2`, runId, { placement: { networkConfiguration: blueNow!.networkConfiguration!, launchType: 'FARGATE', platformVersion: blueNow!.platformVersion! } })),
    );

    const mark = h.aws.world.record.mark();
    await h.client.press(waiting, 'run.approve', { user: 'U0LEAD001' });
    await h.slack.waitFor(() => h.slack.ephemerals('U0LEAD001').some((e) => e.text.includes('needs a second person')), { timeoutMs: 10_000 });
    expect(mutations(mark)).toEqual([]);
    await h.client.press(waiting, 'run.approve', { user: 'U0LEAD002' });

    const term = await waitLatest('blue is kept for a fast rollback');
    expect(weights('api-internal')).toEqual({ blue: 0, green: 100 });
    expect((await taskSets('api-internal')).find((t) => t.id === green.id)?.status).toBe('PRIMARY');
    expect(textOf(term.blocks)).toContain('Finish now ends the wait');
    await h.client.press(term, 'run.finish', { user: 'U0DEV0001' });

    const done = await waitLatest('✅ Deploy · api-internal · prod');
    expect(done.ts).toBe(waiting.ts);
    expect(textOf(done.blocks)).toContain('green serves all traffic; blue is gone');
    expect(mutations(mark)).toEqual([
      'route53:ChangeResourceRecordSets',
      'route53:ChangeResourceRecordSets',
      'route53:ChangeResourceRecordSets',
      'ecs:UpdateServicePrimaryTaskSet',
      'ecs:UpdateTaskSet',
      'ecs:DeleteTaskSet',
    ]);
    expect(calls(mark, 'UpdateTaskSet')[0]!.input).toMatchObject({ taskSet: blue!.taskSetArn, scale: { value: 0 } });
    expect(calls(mark, 'DeleteTaskSet')[0]!.input).toMatchObject({ taskSet: blue!.taskSetArn });
    const after = await until(async () => {
      const now = await taskSets('api-internal');
      return now.length === 1 ? now : undefined;
    }, 10_000, 'blue to drain away');
    expect(after[0]).toMatchObject({ id: green.id, status: 'PRIMARY', runningCount: 2 });
    expect(weights('api-internal')).toEqual({ blue: 0, green: 100 });

    const lines = thread(done);
    for (const needle of ['New revision', 'Green task set', 'Green is up: 2/2', 'Approved by <@U0LEAD002>', 'Step 1/3 · green 10 % — Route 53 INSYNC', 'Step 2/3 · green 50 %', 'Step 3/3 · green 100 %', 'PRIMARY task set', 'Finished now by <@U0DEV0001>', 'scaled to 0 %']) {
      expect(lines.filter((l) => l.includes(needle)), `one thread line with "${needle}"`).toHaveLength(1);
    }
  });

  it('Rollback mid-shift puts all traffic back on blue in one Route 53 change first, then deletes green', async () => {
    await h.client.command(`/deploy prod users ${image('users', 'v2')}`, { user: 'U0LEAD001' });
    const waiting = await waitLatest('Approve to move 10 %');
    await h.client.press(waiting, 'run.approve', { user: 'U0LEAD002' });
    const baking = await waitLatest('Bake ends about');
    expect(weights('users')).toEqual({ blue: 90, green: 10 });
    expect(textOf(baking.blocks)).toContain('🟢 green 10 %');
    const green = (await taskSets('users')).find((t) => t.externalId === runIdOf(baking))!;

    const mark = h.aws.world.record.mark();
    await h.client.press(baking, 'run.rollback', { user: 'U0DEV0001' });
    const done = await waitLatest('↩️ Deploy · users · prod');
    expect(done.ts).toBe(waiting.ts);
    expect(textOf(done.blocks)).toContain('rolled back by <@U0DEV0001>: all traffic on blue');
    expect(mutations(mark)).toEqual(['route53:ChangeResourceRecordSets', 'ecs:DeleteTaskSet']);
    // One change batch carries both records: no reader ever sees a half-rolled-back pair.
    const change = calls(mark, 'ChangeResourceRecordSets')[0]!.input as { path: string; body: string };
    expect(change.path).toBe(`/2013-04-01/hostedzone/${ZONE}/rrset`);
    expect(change.body).toMatch(/<SetIdentifier>users-blue<\/SetIdentifier><Weight>100<\/Weight>.*<SetIdentifier>users-green<\/SetIdentifier><Weight>0<\/Weight>/);
    expect(weights('users')).toEqual({ blue: 100, green: 0 });
    expect(calls(mark, 'DeleteTaskSet')[0]!.input).toMatchObject({ taskSet: green.taskSetArn, force: true });
    const left = await until(async () => {
      const now = await taskSets('users');
      return now.length === 1 ? now : undefined;
    }, 10_000, 'green to drain away');
    expect(left[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: `arn:aws:ecs:ap-northeast-1:${ACCT}:task-definition/users:1` });
    expect(thread(done).some((l) => l.includes('↩️ Rolled back by <@U0DEV0001>') && l.includes('Route 53 INSYNC'))).toBe(true);
  });

  it('Rollback after green became primary: weights first, then blue primary again, then green deleted', async () => {
    await h.client.command(`/deploy prod carts ${image('carts', 'v2')}`, { user: 'U0LEAD001' });
    const waiting = await waitLatest('Approve to move 100 %');
    await h.client.press(waiting, 'run.approve', { user: 'U0LEAD002' });
    const term = await waitLatest('blue is kept for a fast rollback');
    const sets = await taskSets('carts');
    const blue = sets.find((t) => t.externalId === undefined)!;
    expect(sets.find((t) => t.externalId === runIdOf(term))?.status).toBe('PRIMARY');
    const mark = h.aws.world.record.mark();
    await h.client.press(term, 'run.rollback', { user: 'U0DEV0001' });
    // A second Rollback while the first is carried out (Route 53 still syncing) is the same wish: nothing more happens.
    await h.slack.waitFor(() => (calls(mark, 'ChangeResourceRecordSets').length > 0 ? true : undefined), { timeoutMs: 10_000 });
    await h.client.press(latest(), 'run.rollback', { user: 'U0LEAD002' }).catch(() => undefined);
    await waitLatest('↩️ Deploy · carts · prod');
    expect(mutations(mark)).toEqual(['route53:ChangeResourceRecordSets', 'ecs:UpdateServicePrimaryTaskSet', 'ecs:DeleteTaskSet']);
    expect(calls(mark, 'UpdateServicePrimaryTaskSet')[0]!.input).toMatchObject({ primaryTaskSet: blue.taskSetArn });
    expect(weights('carts')).toEqual({ blue: 100, green: 0 });
    const left = await until(async () => {
      const now = await taskSets('carts');
      return now.length === 1 ? now : undefined;
    }, 10_000, 'green to drain away');
    expect(left[0]).toMatchObject({ id: blue.id, status: 'PRIMARY' });
  });

  it("green's tasks failing to start end the run failed, with green deleted and traffic never moved", async () => {
    h.aws.world.ecs.failTasks(CLUSTER, 'orders', true);
    try {
      const mark = h.aws.world.record.mark();
      await h.client.command(`/deploy prod orders ${image('orders', 'v2')}`, { user: 'U0LEAD001' });
      const done = await waitLatest('❌ Deploy · orders · prod');
      expect(textOf(done.blocks)).toContain('green did not come up');
      expect(textOf(done.blocks)).toMatch(/unable to consistently start tasks|failed to start/);
      expect(mutations(mark)).toEqual(['ecs:RegisterTaskDefinition', 'ecs:CreateTaskSet', 'ecs:DeleteTaskSet']);
      expect(weights('orders')).toEqual({ blue: 100, green: 0 });
      const left = await until(async () => {
        const now = await taskSets('orders');
        return now.length === 1 ? now : undefined;
      }, 10_000, 'green to go');
      expect(left[0]).toMatchObject({ status: 'PRIMARY', runningCount: 2, taskDefinition: `arn:aws:ecs:ap-northeast-1:${ACCT}:task-definition/orders:1` });
      expect(thread(done).some((l) => l.includes("Green's tasks did not come up"))).toBe(true);
    } finally {
      h.aws.world.ecs.failTasks(CLUSTER, 'orders', false);
    }
  });

  it('a restart mid-deploy re-attaches to its green by externalId: one CreateTaskSet, one line per step', async () => {
    const mark = h.aws.world.record.mark();
    await h.client.command(`/deploy prod search ${image('search', 'v2')}`, { user: 'U0LEAD001' });
    await h.slack.waitFor(() => (calls(mark, 'CreateTaskSet').length > 0 ? true : undefined), { timeoutMs: 10_000 });
    // The worst moment: ECS created green but the bot's record of it says only "started" (a crash in between).
    const runId = runIdOf(latest());
    await h.bot.deps.store.startStep(runId, 'create-task-set:search', Date.now());
    await h.restart();
    const waiting = await waitLatest('Approve to move 25 %');
    await h.client.press(waiting, 'run.approve', { user: 'U0LEAD002' });
    // Blue's wait (1 min) runs out by itself this time.
    const done = await waitLatest('✅ Deploy · search · prod');
    expect(done.ts).toBe(waiting.ts);
    expect(calls(mark, 'CreateTaskSet')).toHaveLength(1);
    expect(calls(mark, 'RegisterTaskDefinition')).toHaveLength(1);
    expect(weights('search')).toEqual({ blue: 0, green: 100 });
    const lines = thread(done);
    expect(lines.filter((l) => l.includes('Green task set'))).toHaveLength(1);
    expect(lines.some((l) => l.includes("Blue's 1 min wait ended"))).toBe(true);
  });

  it("refuses while someone else's deployment is half done: an extra task set, or weights not all on blue", async () => {
    // Someone created a task set by hand (the first half of seed 004).
    const theirs = await h.aws.clients.ecs.send(
      new CreateTaskSetCommand({ cluster: CLUSTER, service: 'billing', taskDefinition: 'billing:1', externalId: 'by-hand', scale: { value: 100, unit: 'PERCENT' } }),
    );
    let mark = h.aws.world.record.mark();
    await h.client.command(`/deploy prod billing ${image('billing', 'v2')}`, { user: 'U0LEAD001' });
    let refused = await waitLatest('❌ Deploy · billing · prod');
    expect(textOf(refused.blocks)).toContain('billing has 2 task sets');
    expect(textOf(refused.blocks)).toContain('externalId by-hand');
    expect(mutations(mark)).toEqual([]);
    await h.aws.clients.ecs.send(new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'billing', taskSet: theirs.taskSet!.taskSetArn!, force: true }));
    await until(async () => ((await taskSets('billing')).length === 1 ? true : undefined), 10_000, 'their task set to go');

    // Someone moved the weights by hand (the second half).
    const upsert = (blue: number, green: number) =>
      h.aws.clients.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: ZONE,
          ChangeBatch: {
            Changes: (
              [
                ['billing-blue', blue, 'blue'],
                ['billing-green', green, 'green'],
              ] as const
            ).map(([id, weight, colour]) => ({
              Action: 'UPSERT',
              ResourceRecordSet: { Name: record('billing'), Type: 'CNAME', SetIdentifier: id, Weight: weight, TTL: 60, ResourceRecords: [{ Value: `${colour}.billing.internal.example` }] },
            })),
          },
        }),
      );
    await upsert(50, 50);
    mark = h.aws.world.record.mark();
    const before = h.slack.messages(CH).length;
    await h.client.command(`/deploy prod billing ${image('billing', 'v2')}`, { user: 'U0LEAD001' });
    await h.slack.waitFor(() => (h.slack.messages(CH).length > before ? true : undefined), { timeoutMs: 10_000 });
    refused = await waitLatest('❌ Deploy · billing · prod');
    expect(textOf(refused.blocks)).toContain(`Route 53 sends 50 % of ${record('billing')} to green`);
    expect(mutations(mark)).toEqual([]);
    await upsert(100, 0);

    // With both put right, the same deploy goes through.
    await h.client.command(`/deploy prod billing ${image('billing', 'v2')}`, { user: 'U0LEAD001' });
    const waiting = await waitLatest('Approve to move 100 %');
    expect(textOf(waiting.blocks)).toContain('⏸ 100 %');
    await h.client.press(waiting, 'run.rollback', { user: 'U0LEAD001' });
    await waitLatest('↩️ Deploy · billing · prod');
    expect(weights('billing')).toEqual({ blue: 100, green: 0 });
  });
});
