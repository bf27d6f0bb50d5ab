// Issue 16 items 3 and 4, end to end (signed Slack in, real SDK to the sandbox): maintenance knows its rules by the tag it
// gives them at CreateRule, never by what they answer; the allowlist keeps the application's routing and authentication;
// /maintenance end leaves a full DescribeListeners + DescribeRules + DescribeTags snapshot identical to the one before start.
import { randomBytes } from 'node:crypto';
import {
  CreateRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyListenerCommand,
  SetRulePrioritiesCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { OpsConfig } from '../src/config/schema.js';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { EXAMPLE_CONFIG } from './support/sandbox.js';

const DEV_API = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/dev-web/1111111111111111/1111111111111101';
const PUBLIC = '198.51.100.7';
const OFFICE = '203.0.113.9';
const DEV = 'C0DEV0001';

/** Everything AWS says about the listener, its rules and their tags. */
async function snapshot(t: TestBot): Promise<string> {
  const elbv2 = t.aws.clients.elbv2;
  const listeners = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [DEV_API] }))).Listeners;
  const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: DEV_API }))).Rules ?? [];
  const arns = rules.filter((r) => !r.IsDefault).map((r) => r.RuleArn!);
  const tags = arns.length ? (await elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }))).TagDescriptions : [];
  return JSON.stringify({ listeners, rules, tags }, null, 1);
}

function config(patch: (c: OpsConfig) => void = () => undefined): OpsConfig {
  const c = structuredClone(loadConfig(EXAMPLE_CONFIG));
  patch(c);
  return c;
}

const waitText = (t: TestBot, needle: string, from = 0) =>
  t.slack.waitFor(() => t.slack.messages(DEV).slice(from).some((m) => textOf(m.blocks).includes(needle)), { timeoutMs: 15_000 });
const threadText = (t: TestBot) => t.slack.messages(DEV).flatMap((m) => t.slack.thread(DEV, m.ts).map((r) => r.text)).join('\n');

describe('maintenance recognises its rule by its tag, not by its action', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: config() });
  });
  afterAll(async () => t.close());

  it('an application rule answering 503 at the top is neither "already in maintenance" nor deleted by the end', async () => {
    const elbv2 = t.aws.clients.elbv2;
    const appRules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: DEV_API }))).Rules!;
    const api = appRules.find((r) => r.Priority === '1')!;
    // The application's own 503 rule sits on top, as on many real listeners (a retired path answering "unavailable").
    await elbv2.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: api.RuleArn, Priority: 10 }] }));
    const lookalike = (
      await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: DEV_API,
          Priority: 1,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/legacy/*'] } }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'application/json', MessageBody: '{"message":"Service Unavailable"}' } }],
          Tags: [{ Key: 'team', Value: 'web' }],
        }),
      )
    ).Rules![0]!.RuleArn!;
    const before = await snapshot(t);
    expect(t.aws.world.elbv2.evaluate(DEV_API, { path: '/api/users', sourceIp: PUBLIC }).kind).toBe('forward');

    // --dry-run end names no DeleteRule: nothing on this listener is maintenance's.
    await t.client.command('/maintenance end dev --dry-run', { user: 'U0DEV0001' });
    const dry = await t.slack.waitFor(() => t.slack.ephemerals().find((e) => e.text.includes('Dry run') && e.text.includes('not in maintenance')), { timeoutMs: 5000 });
    expect(dry.text).not.toContain('DeleteRule');

    const n = t.slack.messages(DEV).length;
    await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    await waitText(t, '✅ Maintenance on · dev', n);
    const text = t.slack.messages(DEV).slice(n).map((m) => textOf(m.blocks)).join('\n');
    expect(text).not.toContain('Already in maintenance');
    const hit = t.aws.world.elbv2.evaluate(DEV_API, { path: '/api/users', sourceIp: PUBLIC });
    expect(hit).toMatchObject({ kind: 'fixed-response', status: 503 });
    expect(hit.ruleArn).not.toBe(lookalike);
    expect(t.aws.world.elbv2.ruleTags(hit.ruleArn)).toMatchObject({ 'ecs-chatops:owner': 'ecs-chatops', 'ecs-chatops:purpose': 'maintenance', 'ecs-chatops:env': 'dev' });
    await t.slack.waitFor(() => threadText(t).includes('not carry the bot') || undefined, { timeoutMs: 5000 });

    const m = t.slack.messages(DEV).length;
    const mark = t.aws.world.record.mark();
    await t.client.command('/maintenance end dev', { user: 'U0DEV0001' });
    await waitText(t, '✅ Maintenance off · dev', m);
    expect(t.aws.world.record.mutations(mark).filter((x) => x === 'elbv2:DeleteRule')).toHaveLength(1);
    expect(t.aws.world.elbv2.hasRule(lookalike)).toBe(true);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('the allowlist keeps the application routing and authentication', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({
      config: config((c) => {
        c.environments.dev!.maintenance!.listeners[0]!.bypass = { sourceIps: ['203.0.113.0/24'] };
      }),
    });
  });
  afterAll(async () => t.close());

  it('an allowed address reaches the rule that routes its path, and the default action still logs it in', async () => {
    const elbv2 = t.aws.clients.elbv2;
    const listener = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [DEV_API] }))).Listeners![0]!;
    const forward = listener.DefaultActions!.find((a) => a.Type === 'forward')!;
    const login: Action = {
      Type: 'authenticate-oidc',
      Order: 1,
      AuthenticateOidcConfig: {
        Issuer: 'https://idp.example.com',
        AuthorizationEndpoint: 'https://idp.example.com/authorize',
        TokenEndpoint: 'https://idp.example.com/token',
        UserInfoEndpoint: 'https://idp.example.com/userinfo',
        ClientId: 'dev-web',
        ClientSecret: randomBytes(12).toString('hex'),
      },
    };
    await elbv2.send(new ModifyListenerCommand({ ListenerArn: DEV_API, DefaultActions: [login, { ...forward, Order: 2 }] }));
    const apiRule = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: DEV_API }))).Rules!.find((r) => r.Priority === '1')!.RuleArn!;
    const before = await snapshot(t);

    await t.client.command('/maintenance start dev --dry-run', { user: 'U0DEV0001' });
    const dry = await t.slack.waitFor(() => t.slack.ephemerals().find((e) => e.text.includes('Dry run') && e.text.includes('source-ip')), { timeoutMs: 5000 });
    expect(dry.text).not.toContain('forward as today');
    expect(dry.text).toContain("reach the listener's own rules");

    const n = t.slack.messages(DEV).length;
    await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    await waitText(t, '✅ Maintenance on · dev', n);
    const evaluate = (path: string, sourceIp: string) => t.aws.world.elbv2.evaluate(DEV_API, { path, sourceIp });
    expect(evaluate('/api/users', PUBLIC)).toMatchObject({ kind: 'fixed-response', status: 503 });
    expect(evaluate('/', PUBLIC)).toMatchObject({ kind: 'fixed-response', status: 503 });
    // The allowed address meets the application's own rules, in their order, with their authentication.
    expect(evaluate('/api/users', OFFICE)).toMatchObject({ kind: 'forward', ruleArn: apiRule });
    expect(evaluate('/', OFFICE)).toMatchObject({ kind: 'forward', authenticate: 'authenticate-oidc' });
    // The allowlist is IPv4 only: an IPv6 client of a dual-stack ALB is in maintenance too.
    expect(evaluate('/', '2001:db8::7')).toMatchObject({ kind: 'fixed-response', status: 503 });

    const m = t.slack.messages(DEV).length;
    await t.client.command('/maintenance end dev', { user: 'U0DEV0001' });
    await waitText(t, '✅ Maintenance off · dev', m);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('a start cut short is not "already in maintenance"', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({
      config: config((c) => {
        c.environments.dev!.maintenance!.listeners[0]!.bypass = { sourceIps: ['203.0.113.0/24'] };
      }),
    });
  });
  afterAll(async () => t.close());

  it('one of its nine marked rules on the listener: start refuses, says how to finish, and changes nothing', async () => {
    // What a start that died after its first CreateRule leaves behind.
    await t.aws.clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: DEV_API,
        Priority: 50,
        Conditions: [{ Field: 'source-ip', SourceIpConfig: { Values: ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/5'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'application/json', MessageBody: '{"message":"Service Unavailable"}' } }],
        Tags: [
          { Key: 'ecs-chatops:owner', Value: 'ecs-chatops' },
          { Key: 'ecs-chatops:purpose', Value: 'maintenance' },
        ],
      }),
    );
    const before = await snapshot(t);
    const mark = t.aws.world.record.mark();
    const n = t.slack.messages(DEV).length;
    await t.client.command('/maintenance start dev', { user: 'U0DEV0001' });
    await t.slack.waitFor(() => t.slack.messages(DEV).slice(n).some((m) => textOf(m.blocks).includes('only partly in maintenance (1 of its 9 rules exist')), { timeoutMs: 15_000 });
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    expect(await snapshot(t)).toEqual(before);

    // The way out it names works: end removes the marked rule.
    const m = t.slack.messages(DEV).length;
    await t.client.command('/maintenance end dev', { user: 'U0DEV0001' });
    await waitText(t, '✅ Maintenance off · dev', m);
    expect((await snapshot(t)).includes('ecs-chatops:owner')).toBe(false);
  });
});
