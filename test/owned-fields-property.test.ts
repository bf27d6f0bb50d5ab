// Issue 16, property: listeners, rules and records carrying random fields the bot does not own (authenticate-*,
// stickiness, other rules with their conditions and tags, HealthCheckId, TTLs, other routing policies) come out of
// maintenance start → end, canary start → rollback and start → promote byte-identical, but for the weights the canary
// owns. Real SDK clients over HTTP against the sandbox; maintenance through the whole bot (signed Slack in).
import { randomBytes, randomUUID } from 'node:crypto';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyListenerCommand,
  type Action,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Elbv2Gateway } from '../src/aws/elbv2.js';
import type { EnvironmentGateways } from '../src/adapters/index.js';
import { Route53Gateway } from '../src/aws/route53.js';
import { canaryTraffic } from '../src/adapters/traffic.js';
import type { CanaryConfig } from '../src/config/schema.js';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';

const ACCOUNT = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
const DEV_API = `${ACCOUNT}:listener/app/dev-web/1111111111111111/1111111111111101`; // HTTPS
const FRONT = `${ACCOUNT}:listener/app/prod-web/2222222222222222/2222222222222201`; // HTTPS, the web canary's default action
const BLUE = `${ACCOUNT}:targetgroup/web-blue/3333333333333301`;
const GREEN = `${ACCOUNT}:targetgroup/web-green/3333333333333302`;
const PRIVATE = 'Z0PRIVATE0001';

// ── generators of what real accounts carry ────────────────────────────────────

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const auth = (order: number): fc.Arbitrary<Action> =>
  fc.oneof(
    fc.record({ scope: fc.constantFrom('openid', 'openid email', 'openid profile email'), cookie: word, timeout: fc.integer({ min: 60, max: 604_800 }), on: fc.constantFrom('deny', 'allow', 'authenticate'), extra: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), word, { maxKeys: 3 }) }).map(
      (o): Action => ({
        Type: 'authenticate-oidc',
        Order: order,
        AuthenticateOidcConfig: {
          Issuer: 'https://idp.example.com',
          AuthorizationEndpoint: 'https://idp.example.com/authorize',
          TokenEndpoint: 'https://idp.example.com/token',
          UserInfoEndpoint: 'https://idp.example.com/userinfo',
          ClientId: `client-${o.cookie}`,
          // Made at run time, never written down; AWS never returns it.
          ClientSecret: randomBytes(8).toString('hex'),
          Scope: o.scope,
          SessionCookieName: `S${o.cookie}`,
          SessionTimeout: o.timeout,
          OnUnauthenticatedRequest: o.on,
          ...(Object.keys(o.extra).length ? { AuthenticationRequestExtraParams: o.extra } : {}),
        },
      }),
    ),
    fc.record({ domain: word, on: fc.constantFrom('deny', 'authenticate') }).map(
      (o): Action => ({
        Type: 'authenticate-cognito',
        Order: order,
        AuthenticateCognitoConfig: { UserPoolArn: 'arn:aws:cognito-idp:ap-northeast-1:111111111111:userpool/ap-northeast-1_Example', UserPoolClientId: `c${o.domain}`, UserPoolDomain: o.domain, OnUnauthenticatedRequest: o.on },
      }),
    ),
  );
const stickiness = fc.oneof(fc.constant(undefined), fc.record({ Enabled: fc.constant(true), DurationSeconds: fc.integer({ min: 1, max: 604_800 }) }), fc.constant({ Enabled: false }));
const terminal = (order: number, tgs: string[]): fc.Arbitrary<Action> =>
  fc.oneof(
    fc.record({ status: fc.constantFrom('200', '403', '404', '503'), body: word, type: fc.constantFrom('text/plain', 'application/json', 'text/html') }).map(
      (o): Action => ({ Type: 'fixed-response', Order: order, FixedResponseConfig: { StatusCode: o.status, ContentType: o.type, MessageBody: o.body } }),
    ),
    fc.record({ host: word, code: fc.constantFrom('HTTP_301', 'HTTP_302') }).map(
      (o): Action => ({ Type: 'redirect', Order: order, RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: `${o.host}.example.com`, Path: '/#{path}', Query: '#{query}', StatusCode: o.code } }),
    ),
    fc.record({ sticky: stickiness, w: fc.integer({ min: 0, max: 999 }) }).map(
      (o): Action => ({ Type: 'forward', Order: order, ForwardConfig: { TargetGroups: tgs.map((arn, i) => ({ TargetGroupArn: arn, Weight: i === 0 ? Math.max(1, o.w) : o.w })), ...(o.sticky ? { TargetGroupStickinessConfig: o.sticky } : {}) } }),
    ),
  );
const condition: fc.Arbitrary<RuleCondition> = fc.oneof(
  word.map((w): RuleCondition => ({ Field: 'path-pattern', PathPatternConfig: { Values: [`/${w}/*`] } })),
  word.map((w): RuleCondition => ({ Field: 'host-header', HostHeaderConfig: { Values: [`${w}.example.com`] } })),
  fc.tuple(word, word).map(([h, v]): RuleCondition => ({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: `X-${h}`, Values: [v] } })),
  fc.constantFrom('GET', 'POST', 'PUT').map((m): RuleCondition => ({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: [m] } })),
  fc.integer({ min: 1, max: 254 }).map((n): RuleCondition => ({ Field: 'source-ip', SourceIpConfig: { Values: [`192.0.2.${n}/32`] } })),
);
interface RuleSpec {
  conditions: RuleCondition[];
  auth?: Action | undefined;
  terminal: Action;
  tags: Record<string, string>;
}
const rule = (tgs: string[]): fc.Arbitrary<RuleSpec> =>
  fc.record({
    conditions: fc.uniqueArray(condition, { minLength: 1, maxLength: 3, selector: (c) => c.Field }),
    auth: fc.option(auth(1), { nil: undefined }),
    terminal: terminal(2, tgs),
    tags: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/), word, { maxKeys: 3 }),
  });
const defaultAction = () => fc.record({ auth: fc.option(auth(1), { nil: undefined }), sticky: stickiness });

async function snapshotListener(elbv2: TestBot['aws']['clients']['elbv2'], listener: string): Promise<string> {
  const listeners = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listener] }))).Listeners;
  const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: listener }))).Rules ?? [];
  const arns = rules.filter((r) => !r.IsDefault).map((r) => r.RuleArn!);
  const tags = arns.length ? (await elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }))).TagDescriptions : [];
  return JSON.stringify({ listeners, rules, tags });
}
const withoutWeights = (s: string) => s.replace(/"Weight":\d+/g, '"Weight":"*"');

/** Puts random application rules (priorities 200+) and a random default action on a listener; returns the undo. */
async function furnish(elbv2: TestBot['aws']['clients']['elbv2'], listener: string, rules: RuleSpec[], def: { auth?: Action | undefined; sticky?: { Enabled: boolean; DurationSeconds?: number } | undefined }) {
  const current = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listener] }))).Listeners![0]!.DefaultActions!;
  const forward = current.find((a) => a.Type === 'forward')!;
  const groups = forward.ForwardConfig?.TargetGroups?.length ? forward.ForwardConfig.TargetGroups : [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }];
  const fwd: Action = { Type: 'forward', Order: def.auth ? 2 : 1, ForwardConfig: { TargetGroups: groups, ...(def.sticky ? { TargetGroupStickinessConfig: def.sticky } : {}) } };
  await elbv2.send(new ModifyListenerCommand({ ListenerArn: listener, DefaultActions: [...(def.auth ? [def.auth] : []), fwd] }));
  const created: string[] = [];
  for (const [i, r] of rules.entries()) {
    const actions = r.auth ? [r.auth, r.terminal] : [{ ...r.terminal, Order: 1 }];
    const out = await elbv2.send(
      new CreateRuleCommand({ ListenerArn: listener, Priority: 200 + i, Conditions: r.conditions, Actions: actions, ...(Object.keys(r.tags).length ? { Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) } : {}) }),
    );
    created.push(out.Rules![0]!.RuleArn!);
  }
  return async () => {
    for (const arn of created) await elbv2.send(new DeleteRuleCommand({ RuleArn: arn }));
  };
}

describe('every field the bot does not own survives (property)', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(async () => t.close());

  it('maintenance start → end leaves the listener byte-identical', async () => {
    const elbv2 = t.aws.clients.elbv2;
    const ownTg = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [DEV_API] }))).Listeners![0]!.DefaultActions!.find((a) => a.Type === 'forward')!.TargetGroupArn!;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rule([ownTg]), { maxLength: 3 }), defaultAction(), async (rules, def) => {
        const undo = await furnish(elbv2, DEV_API, rules, def);
        const before = await snapshotListener(elbv2, DEV_API);
        for (const action of ['start', 'end'] as const) {
          const n = t.slack.messages('C0DEV0001').length;
          await t.client.command(`/maintenance ${action} dev`, { user: 'U0DEV0001' });
          const title = action === 'start' ? '✅ Maintenance on · dev' : '✅ Maintenance off · dev';
          await t.slack.waitFor(() => t.slack.messages('C0DEV0001').slice(n).some((m) => textOf(m.blocks).includes(title)), { timeoutMs: 15_000 });
        }
        expect(await snapshotListener(elbv2, DEV_API)).toEqual(before);
        await undo();
        runs += 1;
      }),
      { numRuns: 6 },
    );
    expect(runs).toBe(6);
  }, 120_000);

  it('ALB canary start → rollback is byte-identical; start → promote differs only in the forward weights', async () => {
    const g = { elbv2: new Elbv2Gateway(t.aws.clients.elbv2, { envName: 'prod', region: 'ap-northeast-1' }) } as EnvironmentGateways;
    const cfg = { alb: { listenerArn: FRONT, blueTargetGroupArn: BLUE, greenTargetGroupArn: GREEN }, steps: [10, 100], bakeSeconds: 0, auto: false, alarms: [] } as unknown as CanaryConfig;
    const elbv2 = t.aws.clients.elbv2;
    await elbv2.send(new ModifyListenerCommand({ ListenerArn: FRONT, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 100 }, { TargetGroupArn: GREEN, Weight: 0 }] } }] }));
    await fc.assert(
      fc.asyncProperty(fc.array(rule([BLUE]), { maxLength: 4 }), defaultAction(), fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 }), fc.boolean(), async (rules, def, steps, promote) => {
        const undo = await furnish(elbv2, FRONT, rules, def);
        const before = await snapshotListener(elbv2, FRONT);
        const traffic = canaryTraffic(g, 'prod', 'web', cfg);
        for (const pct of steps) await traffic.shift({ blue: 100 - pct, green: pct });
        await traffic.shift(promote ? { blue: 0, green: 100 } : { blue: 100, green: 0 });
        const after = await snapshotListener(elbv2, FRONT);
        if (promote) {
          expect(withoutWeights(after)).toEqual(withoutWeights(before));
          expect(await traffic.read()).toEqual({ blue: 0, green: 100 });
          await traffic.shift({ blue: 100, green: 0 });
        } else expect(after).toEqual(before);
        await undo();
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it('Route 53 canary start → rollback is byte-identical; start → promote differs only in Weight', async () => {
    const dns = new Route53Gateway(t.aws.clients.route53, { envName: 'prod' });
    const cfg = { route53: { hostedZoneId: PRIVATE, recordName: 'api.internal.example.', type: 'CNAME', blue: 'api-blue', green: 'api-green' }, steps: [10], bakeSeconds: 0, auto: false, alarms: [] } as unknown as CanaryConfig;
    const zone = async (): Promise<ResourceRecordSet[]> => (await t.aws.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: PRIVATE }))).ResourceRecordSets ?? [];
    const upsert = (records: ResourceRecordSet[]) => t.aws.clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: PRIVATE, ChangeBatch: { Changes: records.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: r })) } }));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ blueCheck: fc.boolean(), greenCheck: fc.boolean(), ttl: fc.integer({ min: 5, max: 86_400 }), failover: fc.boolean(), multi: fc.boolean() }),
        fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (o, steps, promote) => {
          const pair = (await zone()).filter((r) => r.SetIdentifier === 'api-blue' || r.SetIdentifier === 'api-green');
          await upsert(
            pair.map((r) => {
              const { HealthCheckId: _drop, ...rest } = r;
              const check = r.SetIdentifier === 'api-blue' ? o.blueCheck : o.greenCheck;
              return { ...rest, TTL: o.ttl, Weight: r.SetIdentifier === 'api-blue' ? 100 : 0, ...(check ? { HealthCheckId: randomUUID() } : {}) };
            }),
          );
          // Neighbours with other routing policies in the same zone.
          const others: ResourceRecordSet[] = [];
          if (o.failover) others.push({ Name: 'db.internal.example.', Type: 'A', SetIdentifier: 'primary', Failover: 'PRIMARY', TTL: 30, ResourceRecords: [{ Value: '10.0.9.1' }], HealthCheckId: randomUUID() });
          if (o.multi) others.push({ Name: 'cache.internal.example.', Type: 'A', SetIdentifier: 'one', MultiValueAnswer: true, TTL: 30, ResourceRecords: [{ Value: '10.0.9.2' }] });
          if (others.length) await upsert(others);
          const before = await zone();
          const traffic = canaryTraffic({ route53: dns } as EnvironmentGateways, 'prod', 'api-internal', cfg);
          await traffic.read();
          for (const pct of steps) await traffic.shift({ blue: 100 - pct, green: pct });
          await traffic.shift(promote ? { blue: 0, green: 100 } : { blue: 100, green: 0 });
          const after = await zone();
          if (promote) expect(after.map((r) => ({ ...r, Weight: r.Weight === undefined ? undefined : '*' }))).toEqual(before.map((r) => ({ ...r, Weight: r.Weight === undefined ? undefined : '*' })));
          else expect(after).toEqual(before);
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
