// Every line of a run's message ends true (issue 21, item 5): a Retry that passes no longer says "Refused", "Approved
// by" is said once and shown on the message, a cancelled maintenance lists no listener as "waiting", a deploy says the
// name it shows is a container's. Signed Slack requests, the sandbox, the simulated clock.
import { ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployBody } from '../blocks/deploy.js';
import type { Run } from '../src/runs/run.js';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { CLUSTER, DEV, devConfig, messagesIn, opsConfig, PROD, prodEnv } from './support/harness.js';
import { onEmitter, until } from './support/wait.js';

const NEW_LB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/fargate-web/5555555555555555';
const PROD_LISTENER = (n: string) => `arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/22222222222222${n}`;
const GONE_RULE = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener-rule/app/prod-web/2222222222222222/2222222222222202/00000000000000ff';
const CONFIG = opsConfig({
  prod: prodEnv({
    cutover: { www: { hostedZoneId: 'Z0PUBLIC00001', recordName: 'www.example.com.', to: { loadBalancerArn: NEW_LB } } },
    maintenance: { listeners: [{ name: 'frontend', listenerArn: PROD_LISTENER('01'), response: { fixed: { status: 503 } } }, { name: 'bff', listenerArn: PROD_LISTENER('02'), ruleArn: GONE_RULE }] },
  }),
});
const GROUPS = { S0SRE0001: ['U0SRE0001', 'U0SRE0002', 'U0LEAD001'], S0LEADS01: ['U0LEAD001'] };

let t: TestBot;
beforeAll(async () => {
  t = await startBot({ config: CONFIG, userGroups: GROUPS, world: { route53SyncSeconds: 0 } });
});
afterAll(() => t.close());

const ch = () => messagesIn(t.slack, PROD);
const runIdOf = (blocks: unknown) => /run `(r-[0-9a-z]+-[0-9a-z]+)`/.exec(JSON.stringify(blocks))![1]!;
const approvedNotes = (ts: string) => t.slack.thread(PROD, ts).filter((m) => m.text.includes('Approved by'));

describe('a run message ends true', () => {
  it('after a refused cutover and a successful Retry, the message no longer says "Refused"; the approver is on the message, said once', async () => {
    const tg = t.aws.world.elbv2.targetGroupArnByName('fargate-web-tg')!;
    t.aws.world.elbv2.setTargetHealth(tg, 'unhealthy');
    await t.client.command('/cutover prod www', { user: 'U0SRE0001' });
    const refused = await ch().waitLatest('Refused');
    await ch().waitLatest('[Retry]');
    t.aws.world.elbv2.setTargetHealth(tg, 'healthy');
    await t.client.press(t.slack.message(PROD, refused.ts)!, 'run.retry', { user: 'U0SRE0001' });
    const waiting = await ch().waitLatest('Waiting for a second person to approve the cutover');
    await t.client.press(waiting, 'run.approve', { user: 'U0LEAD001' });
    const done = await ch().waitLatest('✅ DNS cutover · www · prod');
    const text = textOf(done.blocks);
    expect(text).not.toContain('Refused');
    expect(text).toContain('Approved by <@U0LEAD001>');
    expect(approvedNotes(done.ts)).toHaveLength(1);
    // Leave the records as they were for the next case.
    await t.client.press(done, 'cutover.back', { user: 'U0SRE0001' });
    await ch().waitLatest('✅ Switch back · www · prod');
  });

  it('"Approved by" is said once when a Retry meets the same approval again', async () => {
    // Someone deleted the prepared rule by hand: bff fails after the approval, and fails again on Retry.
    await t.bot.aws.gateways('prod').elbv2.deleteRule(GONE_RULE).catch(() => undefined);
    await t.client.command('/maintenance start prod', { user: 'U0SRE0001' });
    const waiting = await ch().waitLatest('Waiting for a second person to approve');
    const id = runIdOf(waiting.blocks);
    await t.client.press(waiting, 'run.approve', { user: 'U0LEAD001' });
    await ch().waitLatest('[Retry]');
    const first = (await t.bot.deps.engine.getRun(id))!;
    expect(first.state).toBe('failed');
    await t.client.press(t.slack.message(PROD, waiting.ts)!, 'run.retry', { user: 'U0SRE0001' });
    // Barrier: the retried run has failed again (a newer version than the first failure), and its message shows it.
    const again = await until(async () => {
      const r = await t.bot.deps.engine.getRun(id);
      return r && r.state === 'failed' && r.version > first.version ? r : undefined;
    }, { what: 'the retried run to fail again', on: onEmitter(t.bot.deps.engine) });
    await until(async () => ((await t.bot.deps.store.listUnshown(0, Number.MAX_SAFE_INTEGER)).some((r) => r.id === id) ? undefined : true), { what: 'the message to show the second failure', on: onEmitter(t.bot.deps.engine), pollMs: 20 });
    expect(again.state).toBe('failed');
    expect(approvedNotes(waiting.ts)).toHaveLength(1);
    expect(textOf(t.slack.message(PROD, waiting.ts)!.blocks)).toContain('Approved by <@U0LEAD001>');
    // Put frontend back.
    await t.client.press(t.slack.message(PROD, waiting.ts)!, 'maintenance.end', { user: 'U0SRE0001' });
    await ch().waitLatest('✅ Maintenance off · prod');
  });

  it('a cancelled maintenance lists no listener as "waiting"', async () => {
    await t.client.command('/maintenance start prod', { user: 'U0SRE0001' });
    const waiting = await ch().waitLatest('Waiting for a second person to approve');
    expect(textOf(waiting.blocks)).toContain('frontend*: waiting');
    await t.client.press(waiting, 'run.cancel', { user: 'U0SRE0002' });
    const cancelled = await ch().waitLatest('nothing changed');
    await ch().waitLatest('⏹');
    const text = textOf(t.slack.message(PROD, cancelled.ts)!.blocks);
    expect(text).not.toContain('waiting');
    expect(text).toContain('frontend*: not changed');
  });

  it('a deploy says the name it shows is a container\'s', () => {
    const run = { id: 'r-aaaa-bbbb', state: 'running' } as Run;
    const text = textOf(deployBody({ service: 'web', strategy: 'ecs', image: { container: 'web', from: '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/web:v1', to: '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/web:v2' } }, run, { timezone: 'Asia/Tokyo', now: 0, title: 'Deploy', anytime: [] }));
    expect(text).toContain('Change* container *web*: image `web:v1` → `web:v2`');
  });
});

describe('a prepared maintenance rule', () => {
  const PREPARED = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener-rule/app/prod-web/2222222222222222/2222222222222203/00000000000000c1';
  let p: TestBot;
  beforeAll(async () => {
    p = await startBot({ config: opsConfig({ prod: prodEnv({ requireApproval: false, maintenance: { listeners: [{ name: 'api', listenerArn: PROD_LISTENER('03'), ruleArn: PREPARED }] } }) }), userGroups: GROUPS });
  });
  afterAll(() => p.close());

  it('is shown with the response it really serves, as AWS has it', async () => {
    // The team prepared a redirect to their status page, not the bot's default 503.
    await p.bot.aws.gateways('prod').clients.elbv2.send(
      new ModifyRuleCommand({ RuleArn: PREPARED, Actions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Host: 'status.example.com', Port: '443', Path: '/maintenance', Query: '', StatusCode: 'HTTP_302' } }] }),
    );
    await p.client.command('/maintenance start prod', { user: 'U0SRE0001' });
    const done = await messagesIn(p.slack, PROD).waitLatest('✅ Maintenance on · prod');
    const text = textOf(done.blocks);
    expect(text).toContain('api*: maintenance ON');
    expect(text).toContain('serves a 302 redirect to https://status.example.com/maintenance');
    expect(text).not.toContain('503');
  });
});

describe('a stopped startup', () => {
  let d: TestBot;
  beforeAll(async () => {
    d = await startBot({ config: devConfig(), world: { startDelays: { 'service-a': 1, 'service-b': 600 } } });
  });
  afterAll(() => d.close());

  it('shows the counts AWS has once the stopped tasks have drained, not those of the moment after the scale-down', async () => {
    const ch = messagesIn(d.slack, DEV);
    await d.client.command('/shutdown dev', { user: 'U0DEV0001' });
    await ch.waitLatest('✅ Shutdown · dev');
    await d.client.command('/startup dev', { user: 'U0DEV0001' });
    const msg = await ch.waitLatest('⏳ Startup · dev');
    // service-a is up (1/1) and service-b is starting when Stop is pressed.
    await d.slack.waitFor(() => d.aws.world.record.since(0).some((e) => e.op === 'UpdateService' && (e.input as { service: string }).service === 'service-b') || undefined, { timeoutMs: 10_000 });
    await d.client.press(d.slack.message(DEV, msg.ts)!, 'run.stop', { user: 'U0DEV0001' });
    await ch.waitLatest('⏹ Startup · dev');
    await d.bot.publisher.flush();
    const text = textOf(d.slack.message(DEV, msg.ts)!.blocks);
    const aws = d.aws.world.ecs.snapshot()[CLUSTER]!;
    for (const name of ['service-a', 'service-b']) {
      expect(aws[name]).toMatchObject({ desired: 0, running: 0 });
      expect(text).toContain(`\`${name}\` 0/0 · _stopped by <@U0DEV0001>_`);
    }
    expect(text).toContain('2 stopped');
  });
});
