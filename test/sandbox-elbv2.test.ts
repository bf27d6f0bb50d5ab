// The ELBv2 gateway against the sandbox over HTTP: real SDK client, Query protocol, AWS error codes, the ALB's rule semantics.
import { CreateRuleCommand, PriorityInUseException, SetRulePrioritiesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsGatewayError } from '../src/aws/errors.js';
import { Elbv2Gateway } from '../src/aws/elbv2.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const ACCOUNT = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
const DEV_API = `${ACCOUNT}:listener/app/dev-web/1111111111111111/1111111111111101`;
const PROD = (n: string) => `${ACCOUNT}:listener/app/prod-web/2222222222222222/22222222222222${n}`;
const PREPARED_RULE = `${ACCOUNT}:listener-rule/app/prod-web/2222222222222222/2222222222222202/00000000000000b1`;
const BLUE = `${ACCOUNT}:targetgroup/web-blue/3333333333333301`;
const GREEN = `${ACCOUNT}:targetgroup/web-green/3333333333333302`;
const NEW_LB = `${ACCOUNT}:loadbalancer/app/fargate-web/5555555555555555`;
const PUBLIC = '198.51.100.7';
const OFFICE = '203.0.113.9';

describe('ELBv2 sandbox through the gateway', () => {
  let s: TestSandbox;
  let alb: Elbv2Gateway;
  beforeAll(async () => {
    s = await startSandbox();
    alb = new Elbv2Gateway(s.clients.elbv2, { envName: 'prod', region: 'ap-northeast-1' });
  });
  afterAll(async () => s.close());

  it('lists a listener rules in evaluation order, the default rule last', async () => {
    const rules = await alb.rules(DEV_API);
    expect(rules.map((r) => r.priority)).toEqual([1, 2, 'default']);
    expect(rules[0]).toMatchObject({ isDefault: false, conditions: [{ field: 'path-pattern', values: ['/api/*'] }], action: { type: 'forward' } });
    expect(rules[2]?.isDefault).toBe(true);

    const bff = await alb.rules(PROD('02'));
    expect(bff.find((r) => r.arn === PREPARED_RULE)).toMatchObject({
      priority: 100,
      conditions: [{ field: 'path-pattern', values: ['/*'] }],
      action: { type: 'fixed-response', status: 503, contentType: 'application/json' },
    });
  });

  it('an unknown listener is a readable not_found that says where to look', async () => {
    const missing = `${ACCOUNT}:listener/app/dev-web/1111111111111111/9999999999999999`;
    const err = await alb.rules(missing, 'check environments.dev.maintenance.listeners[0]').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsGatewayError);
    expect(err).toMatchObject({ code: 'not_found' });
    expect((err as Error).message).toBe(`listener ${missing} in ap-northeast-1 not found — check environments.dev.maintenance.listeners[0]`);
  });

  it('CreateRule at a taken priority raises PriorityInUseException, and the gateway a conflict', async () => {
    const raw = await s.clients.elbv2
      .send(new CreateRuleCommand({ ListenerArn: DEV_API, Priority: 1, Conditions: [{ Field: 'path-pattern', Values: ['/*'] }], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }] }))
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(PriorityInUseException);

    const err = await alb
      .createRule(DEV_API, 2, [{ field: 'path-pattern', values: ['/*'] }], { type: 'fixed-response', status: 503, contentType: 'text/plain', body: 'down' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'conflict' });
    expect((err as Error).message).toContain('priority 2 on listener');
    expect((await alb.rules(DEV_API)).map((r) => r.priority)).toEqual([1, 2, 'default']);
  });

  it('SetRulePriorities accepts a swap in one call and refuses two rules on one priority', async () => {
    const [first, second] = await alb.rules(DEV_API);
    await alb.setRulePriorities([
      { ruleArn: first!.arn, priority: 2 },
      { ruleArn: second!.arn, priority: 1 },
    ]);
    let rules = await alb.rules(DEV_API);
    expect(rules.map((r) => [r.arn, r.priority])).toEqual([
      [second!.arn, 1],
      [first!.arn, 2],
      [rules[2]!.arn, 'default'],
    ]);

    const raw = await s.clients.elbv2.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: first!.arn, Priority: 1 }] })).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(PriorityInUseException);
    await expect(alb.setRulePriority(rules[2]!.arn, 7)).rejects.toThrow(/OperationNotPermitted/);

    // Put them back and read back.
    await alb.setRulePriorities([
      { ruleArn: first!.arn, priority: 1 },
      { ruleArn: second!.arn, priority: 2 },
    ]);
    rules = await alb.rules(DEV_API);
    expect(rules.map((r) => r.arn)).toEqual([first!.arn, second!.arn, rules[2]!.arn]);
  });

  it('evaluate: a 302 maintenance rule at the top sends the public away; a source-ip bypass above it lets the office through', async () => {
    const listener = PROD('01');
    expect(s.world.elbv2.evaluate(listener, { path: '/', sourceIp: PUBLIC }).kind).toBe('forward');

    // Free the top: the two application rules move down, bottom first.
    const before = await alb.rules(listener);
    const [r1, r2] = before;
    await alb.setRulePriority(r2!.arn, 4);
    await alb.setRulePriority(r1!.arn, 3);
    const bypassTo = (await alb.forwardWeights(listener)) as Record<string, number>;
    const bypass = await alb.createRule(listener, 1, [{ field: 'source-ip', values: ['203.0.113.0/24'] }], { type: 'forward', targetGroups: bypassTo });
    const maint = await alb.createRule(listener, 2, [{ field: 'path-pattern', values: ['/*'] }], { type: 'redirect', url: 'https://example.com/maintenance', status: 302 });

    expect(s.world.elbv2.evaluate(listener, { path: '/cart', sourceIp: PUBLIC })).toEqual({ kind: 'redirect', status: 302, location: 'https://example.com/maintenance', ruleArn: maint });
    expect(s.world.elbv2.evaluate(listener, { path: '/cart', sourceIp: OFFICE })).toMatchObject({ kind: 'forward', ruleArn: bypass, targetGroups: { [BLUE]: 1, [GREEN]: 0 } });
    const read = (await alb.rules(listener)).find((r) => r.arn === maint);
    expect(read?.action).toMatchObject({ type: 'redirect', status: 302, url: 'https://example.com/maintenance' });

    // A fixed 503 in its place, then everything undone.
    await alb.deleteRule(maint);
    const fixed = await alb.createRule(listener, 2, [{ field: 'path-pattern', values: ['/*'] }], { type: 'fixed-response', status: 503, contentType: 'application/json', body: '{"message":"Service Unavailable"}' });
    expect(s.world.elbv2.evaluate(listener, { path: '/api/x', sourceIp: PUBLIC })).toMatchObject({ kind: 'fixed-response', status: 503, ruleArn: fixed });
    await alb.deleteRule(fixed);
    await alb.deleteRule(bypass);
    await alb.setRulePriorities([
      { ruleArn: r1!.arn, priority: 1 },
      { ruleArn: r2!.arn, priority: 2 },
    ]);
    expect((await alb.rules(listener)).map((r) => [r.arn, r.priority])).toEqual(before.map((r) => [r.arn, r.priority]));
    expect(s.world.elbv2.evaluate(listener, { path: '/api/x', sourceIp: PUBLIC }).kind).toBe('forward');
    await expect(alb.deleteRule(before[2]!.arn)).rejects.toThrow(/OperationNotPermitted/);
  });

  it('validates actions as AWS does: fixed-response body ≤ 1024, weights 0–999, at most 5 target groups', async () => {
    const listener = PROD('03');
    await expect(
      s.clients.elbv2.send(
        new CreateRuleCommand({ ListenerArn: listener, Priority: 500, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', MessageBody: 'x'.repeat(1025) } }] }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      s.clients.elbv2.send(
        new CreateRuleCommand({ ListenerArn: listener, Priority: 500, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '600' } }] }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(alb.setForwardWeights(PROD('01'), undefined, { [BLUE]: 1000, [GREEN]: 0 })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('weights on the canary listener: set in one ModifyListener, read back', async () => {
    const listener = PROD('01');
    expect(await alb.forwardWeights(listener)).toEqual({ [BLUE]: 1, [GREEN]: 0 });
    const mark = s.world.record.mark();
    await alb.setForwardWeights(listener, undefined, { [BLUE]: 75, [GREEN]: 25 });
    expect(s.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
    expect(await alb.forwardWeights(listener)).toEqual({ [BLUE]: 75, [GREEN]: 25 });
    expect(s.world.elbv2.evaluate(listener, { path: '/', sourceIp: PUBLIC }).targetGroups).toEqual({ [BLUE]: 75, [GREEN]: 25 });
    await alb.setForwardWeights(listener, undefined, { [BLUE]: 1, [GREEN]: 0 });
  });

  it('target health, and the target groups behind a load balancer', async () => {
    expect(await alb.targetHealth(GREEN)).toEqual({ healthy: 2, unhealthy: 0, total: 2, states: { healthy: 2 } });
    s.world.elbv2.setTargetHealth(GREEN, 'unhealthy');
    expect(await alb.targetHealth(GREEN)).toMatchObject({ healthy: 0, unhealthy: 2, total: 2 });
    s.world.elbv2.setTargetHealth(GREEN, 'empty');
    expect(await alb.targetHealth(GREEN)).toEqual({ healthy: 0, unhealthy: 0, total: 0, states: {} });
    s.world.elbv2.setTargetHealth(GREEN, 'healthy');
    expect((await alb.targetHealth(GREEN)).healthy).toBe(2);

    const lb = await alb.loadBalancer(NEW_LB);
    expect(lb).toEqual({ arn: NEW_LB, name: 'fargate-web', dnsName: 'fargate-web-5555555555555555.ap-northeast-1.elb.amazonaws.com', canonicalHostedZoneId: 'Z14GRHDCWA56QT', state: 'active' });
    const behind = await alb.targetGroupsBehind(NEW_LB);
    expect(behind).toHaveLength(1);
    expect(await alb.targetHealth(behind[0]!)).toMatchObject({ healthy: 2 });
    expect((await alb.listeners(NEW_LB))[0]).toMatchObject({ port: 443, protocol: 'HTTPS', defaultAction: { type: 'forward' } });
    await expect(alb.loadBalancer(`${ACCOUNT}:loadbalancer/app/nope/0000000000000000`)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('retries injected throttling (2 calls) and succeeds', async () => {
    s.world.faults.add({ service: 'elbv2', op: 'DescribeRules', kind: 'throttle', count: 2 });
    const mark = s.world.record.mark();
    const rules = await alb.rules(DEV_API);
    expect(rules).toHaveLength(3);
    expect(s.world.record.since(mark).map((c) => c.error ?? 'ok')).toEqual(['Throttling', 'Throttling', 'ok']);
  });

  it('refuses the 101st rule of a load balancer with TooManyRules, counted across its listeners', async () => {
    // prod-web already has rules on three listeners; fill it to 100 on the api listener.
    const listener = PROD('03');
    const created: string[] = [];
    const count = () => Promise.all([PROD('01'), PROD('02'), PROD('03')].map((l) => alb.rules(l))).then((all) => all.flat().filter((r) => !r.isDefault).length);
    for (let n = await count(), p = 1000; n < 100; n += 1, p += 1) {
      created.push(await alb.createRule(listener, p, [{ field: 'path-pattern', values: [`/r${p}`] }], { type: 'fixed-response', status: 200, contentType: 'text/plain', body: 'ok' }));
    }
    const err = await alb
      .createRule(PROD('01'), 9999, [{ field: 'path-pattern', values: ['/one-too-many'] }], { type: 'fixed-response', status: 200, contentType: 'text/plain', body: 'ok' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid' });
    expect((err as Error).message).toContain('100 rules');
    expect(((err as Error).cause as Error).name).toBe('TooManyRulesException');
    // Another load balancer is not affected.
    const dev = await alb.createRule(DEV_API, 10, [{ field: 'path-pattern', values: ['/ok'] }], { type: 'fixed-response', status: 200, contentType: 'text/plain', body: 'ok' });
    await alb.deleteRule(dev);
    for (const arn of created) await alb.deleteRule(arn);
    expect(await count()).toBeLessThan(100);
  });
});
