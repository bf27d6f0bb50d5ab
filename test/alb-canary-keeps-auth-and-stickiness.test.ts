// Issue 16 item 1: an ALB canary step and its Rollback change only the forward's weights — authenticate-* actions,
// their order, TargetGroupStickinessConfig, conditions and tags stay exactly as AWS held them (real SDK, sandbox over HTTP).
import { randomBytes } from 'node:crypto';
import {
  CreateRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Elbv2Gateway } from '../src/aws/elbv2.js';
import type { EnvironmentGateways } from '../src/adapters/index.js';
import { canaryTraffic } from '../src/adapters/traffic.js';
import type { CanaryConfig } from '../src/config/schema.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const ACCOUNT = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
const FRONT = `${ACCOUNT}:listener/app/prod-web/2222222222222222/2222222222222201`; // HTTPS 443
const BLUE = `${ACCOUNT}:targetgroup/web-blue/3333333333333301`;
const GREEN = `${ACCOUNT}:targetgroup/web-green/3333333333333302`;

/** An OIDC action as an application would have it; the client secret is made at run time, never written down. */
function oidc(order: number): Action {
  return {
    Type: 'authenticate-oidc',
    Order: order,
    AuthenticateOidcConfig: {
      Issuer: 'https://idp.example.com',
      AuthorizationEndpoint: 'https://idp.example.com/authorize',
      TokenEndpoint: 'https://idp.example.com/token',
      UserInfoEndpoint: 'https://idp.example.com/userinfo',
      ClientId: 'web-frontend',
      ClientSecret: randomBytes(12).toString('hex'),
      OnUnauthenticatedRequest: 'authenticate',
      Scope: 'openid email',
      SessionCookieName: 'WebSession',
      SessionTimeout: 3600,
      AuthenticationRequestExtraParams: { prompt: 'login' },
    },
  };
}
const stickyForward = (order: number): Action => ({
  Type: 'forward',
  Order: order,
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: BLUE, Weight: 100 },
      { TargetGroupArn: GREEN, Weight: 0 },
    ],
    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
  },
});

/** A DescribeRules/DescribeListeners answer with only the forward's weights blanked: what must not move. */
function withoutWeights<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'Weight' || k === '$metadata' ? undefined : v))) as T;
}

describe('ALB canary keeps what it does not own', () => {
  let s: TestSandbox;
  let g: EnvironmentGateways;
  beforeAll(async () => {
    s = await startSandbox();
    g = { elbv2: new Elbv2Gateway(s.clients.elbv2, { envName: 'prod', region: 'ap-northeast-1' }) } as EnvironmentGateways;
  });
  afterAll(async () => s.close());

  const cfg = (ruleArn?: string): CanaryConfig =>
    ({ alb: { listenerArn: FRONT, blueTargetGroupArn: BLUE, greenTargetGroupArn: GREEN, ...(ruleArn ? { ruleArn } : {}) }, steps: [10, 100], bakeSeconds: 0, auto: false, alarms: [] }) as unknown as CanaryConfig;

  const listenerNow = async () => (await s.clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [FRONT] }))).Listeners;
  const rulesNow = async () => (await s.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: FRONT }))).Rules;

  it('default action: authenticate-oidc first, sticky forward second — a step and a Rollback keep both, byte for byte', async () => {
    await s.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: FRONT, DefaultActions: [oidc(1), stickyForward(2)] }));
    const before = { listeners: await listenerNow(), rules: await rulesNow() };
    const traffic = canaryTraffic(g, 'prod', 'web', cfg());

    const mark = s.world.record.mark();
    await traffic.shift({ blue: 90, green: 10 });
    expect(s.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
    expect(await traffic.read()).toEqual({ blue: 90, green: 10 });
    const mid = await listenerNow();
    expect(withoutWeights(mid)).toEqual(withoutWeights(before.listeners));
    const actions = mid?.[0]?.DefaultActions ?? [];
    expect(actions.map((a) => [a.Type, a.Order])).toEqual([['authenticate-oidc', 1], ['forward', 2]]);
    expect(actions[1]?.ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 3600 });
    // Traffic still has to log in first.
    expect(s.world.elbv2.evaluate(FRONT, { path: '/', sourceIp: '198.51.100.7', host: 'www.example.com' })).toMatchObject({ kind: 'forward', authenticate: 'authenticate-oidc' });

    await traffic.shift({ blue: 100, green: 0 });
    expect({ listeners: await listenerNow(), rules: await rulesNow() }).toEqual(before);
  });

  it('a rule: conditions, authenticate-cognito, stickiness and tags survive ModifyRule steps and the Rollback', async () => {
    const created = await s.clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: FRONT,
        Priority: 40,
        Conditions: [
          { Field: 'host-header', HostHeaderConfig: { Values: ['shop.example.com'] } },
          { Field: 'path-pattern', PathPatternConfig: { Values: ['/cart/*'] } },
        ],
        Actions: [
          { Type: 'authenticate-cognito', Order: 1, AuthenticateCognitoConfig: { UserPoolArn: 'arn:aws:cognito-idp:ap-northeast-1:111111111111:userpool/ap-northeast-1_Example', UserPoolClientId: 'shopclient', UserPoolDomain: 'shop-auth', OnUnauthenticatedRequest: 'deny' } },
          stickyForward(2),
        ],
        Tags: [{ Key: 'team', Value: 'shop' }],
      }),
    );
    const ruleArn = created.Rules?.[0]?.RuleArn ?? '';
    const one = async () => (await s.clients.elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules;
    const before = await one();
    const traffic = canaryTraffic(g, 'prod', 'web', cfg(ruleArn));

    const mark = s.world.record.mark();
    await traffic.shift({ blue: 50, green: 50 });
    expect(s.world.record.mutations(mark)).toEqual(['elbv2:ModifyRule']);
    expect(await traffic.read()).toEqual({ blue: 50, green: 50 });
    expect(withoutWeights(await one())).toEqual(withoutWeights(before));
    await traffic.shift({ blue: 100, green: 0 });
    expect(await one()).toEqual(before);
    const tags = await s.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [ruleArn] }));
    expect(tags.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'team', Value: 'shop' }]);
  });

  it('the sandbox refuses what AWS refuses: an OIDC action without its secret, authentication on HTTP, more than 5 condition values', async () => {
    const noSecret = oidc(1);
    delete noSecret.AuthenticateOidcConfig!.ClientSecret;
    const create = (actions: Action[], listener = FRONT, values = ['/x']) =>
      s.clients.elbv2.send(new CreateRuleCommand({ ListenerArn: listener, Priority: 41, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: values } }], Actions: actions })).catch((e: unknown) => e);
    expect(await create([noSecret, stickyForward(2)])).toMatchObject({ name: 'ValidationError' });
    // UseExistingClientSecret is for a modify: a new rule has no secret to reuse.
    noSecret.AuthenticateOidcConfig!.UseExistingClientSecret = true;
    expect(await create([noSecret, stickyForward(2)])).toMatchObject({ name: 'ValidationError' });
    const prodHttp = `${ACCOUNT}:listener/app/prod-web/2222222222222222/2222222222222202`; // port 80
    expect(await create([oidc(1), { Type: 'fixed-response', Order: 2, FixedResponseConfig: { StatusCode: '200' } }], prodHttp)).toMatchObject({ name: 'InvalidLoadBalancerActionException' });
    expect(await create([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }], FRONT, ['/a', '/b', '/c', '/d', '/e', '/f'])).toMatchObject({ name: 'ValidationError' });
    // A bare forward over a rule that had authentication is a different rule: ModifyRule without the secret is refused too.
    const rule = (await rulesNow())?.find((r) => r.Priority === '40');
    const bad = await s.clients.elbv2.send(new ModifyRuleCommand({ RuleArn: rule?.RuleArn, Actions: [{ ...oidc(1), AuthenticateOidcConfig: { ...oidc(1).AuthenticateOidcConfig!, ClientSecret: undefined } }, stickyForward(2)] })).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'ValidationError' });
  });
});
