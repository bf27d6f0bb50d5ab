// The contract suite: the same AWS-facing scenarios against the project's sandbox and against moto_server (an AWS
// emulator nobody on this project wrote), asserting the same observable AWS state from both. Where moto differs from
// AWS, the scenario names the moto limit and checks the rest. Without moto_server: one line, and the moto half skips.
import { randomBytes, randomUUID } from 'node:crypto';
import { CreateClusterCommand, CreateServiceCommand, CreateTaskSetCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand, UpdateServicePrimaryTaskSetCommand } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyListenerCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, CreateHealthCheckCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../src/aws/clients.js';
import { EcsGateway } from '../src/aws/ecs.js';
import { Elbv2Gateway } from '../src/aws/elbv2.js';
import { createAwsPorts, type EnvironmentGateways } from '../src/adapters/index.js';
import { Route53Gateway } from '../src/aws/route53.js';
import { canaryTraffic } from '../src/adapters/traffic.js';
import { loadConfig } from '../src/config/load.js';
import type { CanaryConfig, ListenerConfig, OpsConfig } from '../src/config/schema.js';
import { colourOf, halfDone } from '../src/ops/deploy-tasksets.js';
import { describeLookalikes, isMaintenanceRule, listenerInMaintenance, maintenanceConditionSets, maintenanceMark } from '../src/ops/maintenance.js';
import { SANDBOX_CREDENTIALS } from '../sandbox/start.js';
import { textOf } from './support/fake-slack.js';
import { MOTO_MISSING, motoCommand, startBotAt, startMoto, type Moto } from './support/moto.js';
import { EXAMPLE_CONFIG, startSandbox, type TestSandbox } from './support/sandbox.js';

const REGION = 'ap-northeast-1';
const HAS_MOTO = motoCommand() !== undefined;
// On CI the suite must run, not skip (.ci/run checks too); elsewhere one line says how to get moto.
if (!HAS_MOTO && process.env.CI) throw new Error(MOTO_MISSING);
if (!HAS_MOTO) console.warn(MOTO_MISSING);

/** What a scenario needs, wherever it runs: an HTTPS listener forwarding blue 100 / green 0, a weighted CNAME pair, an EXTERNAL service. */
interface Fixture {
  name: 'sandbox' | 'moto';
  endpoint: string;
  clients: AwsClients;
  listener: string;
  blue: string;
  green: string;
  zone: string;
  record: string;
  cluster: string;
  taskSetService: string;
  blueRegistry: string;
  greenRegistry: string;
  healthCheck(): Promise<string>;
}

async function sandboxFixture(s: TestSandbox): Promise<Fixture> {
  const acct = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
  return {
    name: 'sandbox',
    endpoint: s.server.url,
    clients: s.clients,
    listener: `${acct}:listener/app/prod-web/2222222222222222/2222222222222201`,
    blue: `${acct}:targetgroup/web-blue/3333333333333301`,
    green: `${acct}:targetgroup/web-green/3333333333333302`,
    zone: 'Z0PRIVATE0001',
    record: 'api.internal.example.',
    cluster: 'prod-cluster',
    taskSetService: 'api-internal',
    blueRegistry: 'arn:aws:servicediscovery:ap-northeast-1:111111111111:service/srv-api-blue',
    greenRegistry: 'arn:aws:servicediscovery:ap-northeast-1:111111111111:service/srv-api-green',
    // The sandbox has no health checks API: any well-formed id stands for one.
    healthCheck: async () => randomUUID(),
  };
}

/** The same shapes built through moto's own APIs. */
async function motoFixture(m: Moto): Promise<Fixture> {
  await m.reset();
  const { elbv2, route53, ecs } = m.clients;
  const vpc = /<vpcId>([^<]+)</.exec(await m.ec2('CreateVpc', { CidrBlock: '10.0.0.0/16' }))![1]!;
  const subnets: string[] = [];
  for (const [cidr, az] of [['10.0.1.0/24', `${REGION}a`], ['10.0.2.0/24', `${REGION}c`]] as const) {
    subnets.push(/<subnetId>([^<]+)</.exec(await m.ec2('CreateSubnet', { VpcId: vpc, CidrBlock: cidr, AvailabilityZone: az }))![1]!);
  }
  const lb = (await elbv2.send(new CreateLoadBalancerCommand({ Name: 'prod-web', Subnets: subnets }))).LoadBalancers![0]!.LoadBalancerArn!;
  const tg = async (name: string) => (await elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpc, TargetType: 'ip' }))).TargetGroups![0]!.TargetGroupArn!;
  const [blue, green, app] = [await tg('web-blue'), await tg('web-green'), await tg('web-app')];
  const listener = (
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Protocol: 'HTTPS',
        Port: 443,
        Certificates: [{ CertificateArn: await m.certificate('www.example.com') }],
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 100 }, { TargetGroupArn: green, Weight: 0 }] } }],
      }),
    )
  ).Listeners![0]!.ListenerArn!;
  // Two application rules at the top, as the sandbox seeds them.
  for (const [p, path] of [[1, '/api/*'], [2, '/static/*']] as const) {
    await elbv2.send(new CreateRuleCommand({ ListenerArn: listener, Priority: p, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [path] } }], Actions: [{ Type: 'forward', TargetGroupArn: app }] }));
  }
  const zone = (await route53.send(new CreateHostedZoneCommand({ Name: 'internal.example.', CallerReference: randomUUID() }))).HostedZone!.Id!.replace('/hostedzone/', '');
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone,
      ChangeBatch: {
        Changes: (
          [
            ['api-blue', 100, 'blue'],
            ['api-green', 0, 'green'],
          ] as const
        ).map(([id, w, c]) => ({ Action: 'UPSERT', ResourceRecordSet: { Name: 'api.internal.example.', Type: 'CNAME', SetIdentifier: id, Weight: w, TTL: 60, ResourceRecords: [{ Value: `${c}.api.internal.example` }] } })),
      },
    }),
  );
  // An EXTERNAL-controller service whose PRIMARY task set registers in the blue Cloud Map service. (moto limit:
  // CreateTaskSet without launchType answers 500; the gateway always sends one.)
  const blueRegistry = 'arn:aws:servicediscovery:ap-northeast-1:123456789012:service/srv-api-blue';
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod-cluster' }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'api-internal', containerDefinitions: [{ name: 'api', image: 'public.ecr.aws/nginx/nginx:1', memory: 512 }] }));
  await ecs.send(new CreateServiceCommand({ cluster: 'prod-cluster', serviceName: 'api-internal', desiredCount: 2, deploymentController: { type: 'EXTERNAL' } }));
  const ts = await ecs.send(new CreateTaskSetCommand({ cluster: 'prod-cluster', service: 'api-internal', taskDefinition: 'api-internal:1', launchType: 'FARGATE', serviceRegistries: [{ registryArn: blueRegistry }], scale: { value: 100, unit: 'PERCENT' } }));
  await ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: 'prod-cluster', service: 'api-internal', primaryTaskSet: ts.taskSet!.taskSetArn! }));
  // An ECS-controlled service with a count, as the example config's prod `api` is in the sandbox (what /scale changes).
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'api', containerDefinitions: [{ name: 'api', image: 'public.ecr.aws/nginx/nginx:1', memory: 512 }] }));
  await ecs.send(new CreateServiceCommand({ cluster: 'prod-cluster', serviceName: 'api', taskDefinition: 'api:1', desiredCount: 3, launchType: 'FARGATE' }));
  return {
    name: 'moto',
    endpoint: m.url,
    clients: m.clients,
    listener,
    blue,
    green,
    zone,
    record: 'api.internal.example.',
    cluster: 'prod-cluster',
    taskSetService: 'api-internal',
    blueRegistry,
    greenRegistry: 'arn:aws:servicediscovery:ap-northeast-1:123456789012:service/srv-api-green',
    healthCheck: async () =>
      (await route53.send(new CreateHealthCheckCommand({ CallerReference: randomUUID(), HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'api.example.com', ResourcePath: '/health' } }))).HealthCheck!.Id!,
  };
}

/**
 * moto limit: DescribeListeners/DescribeRules return an OIDC action's ClientSecret (AWS never does), and after a
 * write with UseExistingClientSecret moto drops the secret and echoes the flag back. Both are left out of comparisons.
 */
function comparable(actions: Action[] | undefined): unknown {
  return (actions ?? []).map((a) => {
    if (!a.AuthenticateOidcConfig) return a;
    const { ClientSecret: _s, UseExistingClientSecret: _u, ...rest } = a.AuthenticateOidcConfig;
    return { ...a, AuthenticateOidcConfig: rest };
  });
}
const oidc = (order: number): Action => ({
  Type: 'authenticate-oidc',
  Order: order,
  AuthenticateOidcConfig: {
    Issuer: 'https://idp.example.com',
    AuthorizationEndpoint: 'https://idp.example.com/authorize',
    TokenEndpoint: 'https://idp.example.com/token',
    UserInfoEndpoint: 'https://idp.example.com/userinfo',
    ClientId: 'web',
    ClientSecret: randomBytes(12).toString('hex'),
    Scope: 'openid email',
    SessionTimeout: 3600,
  },
});

function configFor(f: Fixture): OpsConfig {
  const c = structuredClone(loadConfig(EXAMPLE_CONFIG));
  c.environments.dev!.maintenance = { listeners: [{ name: 'api', listenerArn: f.listener, response: { fixed: { status: 503, contentType: 'application/json', body: '{"message":"Service Unavailable"}' } } } as ListenerConfig] };
  return c;
}

function scenarios(label: 'sandbox' | 'moto', setup: () => Promise<Fixture>) {
  describe(`${label}: AWS-facing scenarios`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await setup();
    });

    it('item 1: an ALB canary step and its Rollback keep authenticate-oidc, order and stickiness', async () => {
      const { elbv2 } = f.clients;
      const sticky: Action = { Type: 'forward', Order: 2, ForwardConfig: { TargetGroups: [{ TargetGroupArn: f.blue, Weight: 100 }, { TargetGroupArn: f.green, Weight: 0 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 } } };
      await elbv2.send(new ModifyListenerCommand({ ListenerArn: f.listener, DefaultActions: [oidc(1), sticky] }));
      const read = async () => (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [f.listener] }))).Listeners![0]!.DefaultActions;
      const before = comparable(await read());
      const g = { elbv2: new Elbv2Gateway(elbv2, { envName: 'prod', region: REGION }) } as EnvironmentGateways;
      const cfg = { alb: { listenerArn: f.listener, blueTargetGroupArn: f.blue, greenTargetGroupArn: f.green }, steps: [10], bakeSeconds: 0, auto: false, alarms: [] } as unknown as CanaryConfig;
      const traffic = canaryTraffic(g, 'prod', 'web', cfg);
      await traffic.shift({ blue: 90, green: 10 });
      expect(await traffic.read()).toEqual({ blue: 90, green: 10 });
      const mid = (await read()) ?? [];
      expect(mid.map((a) => [a.Type, a.Order])).toEqual([['authenticate-oidc', 1], ['forward', 2]]);
      expect(mid[1]?.ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 3600 });
      await traffic.shift({ blue: 100, green: 0 });
      expect(comparable(await read())).toEqual(before);
    });

    it('item 2: a Route 53 canary step and its Rollback keep HealthCheckId (moto: GetChange is always INSYNC, not checked)', async () => {
      const { route53 } = f.clients;
      const list = async (): Promise<ResourceRecordSet[]> => ((await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: f.zone }))).ResourceRecordSets ?? []).filter((r) => r.Name === f.record);
      const checks = { 'api-blue': await f.healthCheck(), 'api-green': await f.healthCheck() } as Record<string, string>;
      await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: f.zone, ChangeBatch: { Changes: (await list()).map((r) => ({ Action: 'UPSERT', ResourceRecordSet: { ...r, HealthCheckId: checks[r.SetIdentifier!] } })) } }));
      const before = await list();
      expect(before.map((r) => r.HealthCheckId).sort()).toEqual(Object.values(checks).sort());
      const cfg = { route53: { hostedZoneId: f.zone, recordName: f.record, type: 'CNAME', blue: 'api-blue', green: 'api-green' }, steps: [10], bakeSeconds: 0, auto: false, alarms: [] } as unknown as CanaryConfig;
      const traffic = canaryTraffic({ route53: new Route53Gateway(route53, { envName: 'prod' }) } as EnvironmentGateways, 'prod', 'api-internal', cfg);
      await traffic.read();
      await traffic.shift({ blue: 90, green: 10 });
      expect((await list()).map((r) => [r.SetIdentifier, r.Weight, r.HealthCheckId])).toEqual(before.map((r) => [r.SetIdentifier, r.SetIdentifier === 'api-blue' ? 90 : 10, r.HealthCheckId]));
      await traffic.shift({ blue: 100, green: 0 });
      expect(await list()).toEqual(before);
    });

    it('item 3: only a rule carrying the mark is maintenance; a lookalike application rule is reported, not counted', async () => {
      const config = configFor(f);
      const l = config.environments.dev!.maintenance!.listeners[0]!;
      const alb = createAwsPorts(config, { endpoint: f.endpoint, credentials: SANDBOX_CREDENTIALS, retryDelayMs: 5, maxAttempts: 2 }).maintenanceAlb('dev');
      const { elbv2 } = f.clients;
      const lookalike = (
        await elbv2.send(new CreateRuleCommand({ ListenerArn: f.listener, Priority: 30, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/legacy/*'] } }], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'application/json', MessageBody: '{"message":"Service Unavailable"}' } }] }))
      ).Rules![0]!.RuleArn!;
      let rules = await alb.rules(f.listener, 'hint');
      expect(listenerInMaintenance(l, rules)).toBe(false);
      expect(describeLookalikes(l, rules)).toContain('(priority 30)');
      const ours = await alb.createRule(f.listener, 31, [{ field: 'path-pattern', values: ['/*'] }], { type: 'fixed-response', status: 503, contentType: 'application/json', body: '{"message":"Service Unavailable"}' }, maintenanceMark('dev', l));
      rules = await alb.rules(f.listener, 'hint');
      expect(listenerInMaintenance(l, rules)).toBe(true);
      expect(rules.filter(isMaintenanceRule).map((r) => r.arn)).toEqual([ours]);
      const tags = (await elbv2.send(new DescribeTagsCommand({ ResourceArns: [ours, lookalike] }))).TagDescriptions!;
      expect(Object.fromEntries(tags.find((t) => t.ResourceArn === ours)!.Tags!.map((t) => [t.Key, t.Value]))).toEqual(maintenanceMark('dev', l));
      expect(tags.find((t) => t.ResourceArn === lookalike)!.Tags ?? []).toEqual([]);
      await alb.deleteRule(ours);
      await elbv2.send(new DeleteRuleCommand({ RuleArn: lookalike }));
    });

    it('item 4: the allowlist complement is accepted as source-ip rules of 3 values, IPv6 included (moto: does not enforce 3 values per condition)', async () => {
      const l = { name: 'api', listenerArn: f.listener, response: { fixed: { status: 503, contentType: 'text/plain', body: 'down' } }, bypass: { sourceIps: ['203.0.113.0/24'] } } as ListenerConfig;
      const alb = new Elbv2Gateway(f.clients.elbv2, { envName: 'dev', region: REGION });
      const created: string[] = [];
      for (const [k, conditions] of maintenanceConditionSets(l).entries()) {
        created.push(await alb.createRule(f.listener, 40 + k, conditions, { type: 'fixed-response', status: 503, contentType: 'text/plain', body: 'down' }, undefined, { 'ecs-chatops:owner': 'ecs-chatops' }));
      }
      const rules = (await f.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: f.listener }))).Rules!.filter((r) => created.includes(r.RuleArn!));
      const values = rules.flatMap((r) => r.Conditions!.flatMap((c) => c.SourceIpConfig?.Values ?? []));
      expect(rules).toHaveLength(9);
      expect(values).toHaveLength(25);
      expect(values).toContain('::/0');
      expect(values).not.toContain('203.0.113.0/24');
      for (const arn of created) await alb.deleteRule(arn);
    });

    it('items 3 and 4 through the whole bot: /maintenance start → end over a lookalike and an allowlist leaves listener, rules and tags as they were', async () => {
      const config = configFor(f);
      config.environments.dev!.maintenance!.listeners[0]!.bypass = { sourceIps: ['203.0.113.0/24'] };
      const { elbv2 } = f.clients;
      const lookalike = (
        await elbv2.send(
          new CreateRuleCommand({
            ListenerArn: f.listener,
            Priority: 3,
            Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/legacy/*'] } }],
            Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'application/json', MessageBody: '{"message":"Service Unavailable"}' } }],
            Tags: [{ Key: 'team', Value: 'web' }],
          }),
        )
      ).Rules![0]!.RuleArn!;
      const snapshot = async () => {
        const listeners = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [f.listener] }))).Listeners!.map((l) => ({ ...l, DefaultActions: comparable(l.DefaultActions) }));
        const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: f.listener }))).Rules!;
        const arns = rules.filter((r) => !r.IsDefault).map((r) => r.RuleArn!);
        const tags = (await elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }))).TagDescriptions!.map((d) => ({ ...d, Tags: [...(d.Tags ?? [])].sort((a, b) => (a.Key! < b.Key! ? -1 : 1)) }));
        return JSON.stringify({ listeners, rules: rules.map((r) => ({ ...r, Actions: comparable(r.Actions) })), tags });
      };
      const before = await snapshot();
      const bot = await startBotAt(f.endpoint, config);
      try {
        const done = (title: string, from: number) =>
          bot.slack.waitFor(() => bot.slack.messages('C0DEV0001').slice(from).find((m) => textOf(m.blocks).includes(title)), { timeoutMs: 20_000, message: title });
        let n = bot.slack.messages('C0DEV0001').length;
        await bot.client.command('/maintenance start dev', { user: 'U0DEV0001' });
        await done('✅ Maintenance on · dev', n);
        const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: f.listener }))).Rules!;
        const tagged = (await elbv2.send(new DescribeTagsCommand({ ResourceArns: rules.filter((r) => !r.IsDefault).map((r) => r.RuleArn!) }))).TagDescriptions!;
        const ours = tagged.filter((d) => d.Tags?.some((t) => t.Key === 'ecs-chatops:owner' && t.Value === 'ecs-chatops'));
        expect(ours).toHaveLength(9);
        // The bot's rules are on top; the application's rules (the lookalike among them) keep their order below.
        const order = rules.filter((r) => !r.IsDefault).sort((a, b) => Number(a.Priority) - Number(b.Priority)).map((r) => r.RuleArn!);
        expect(order.slice(0, 9).sort()).toEqual(ours.map((d) => d.ResourceArn!).sort());
        expect(order.indexOf(lookalike)).toBe(11);
        n = bot.slack.messages('C0DEV0001').length;
        await bot.client.command('/maintenance end dev', { user: 'U0DEV0001' });
        await done('✅ Maintenance off · dev', n);
        expect(await snapshot()).toEqual(before);
      } finally {
        await bot.close();
        await elbv2.send(new DeleteRuleCommand({ RuleArn: lookalike }));
      }
    }, 60_000);

    it('item 1 through the whole bot: /canary set 30, then set 0, over an OIDC listener with stickiness leaves it as it was', async () => {
      const config = configFor(f);
      config.environments.dev!.canary = {
        web: { alb: { listenerArn: f.listener, blueTargetGroupArn: f.blue, greenTargetGroupArn: f.green }, steps: [30], bakeSeconds: 0, auto: false, alarms: [] },
      } as unknown as OpsConfig['environments'][string]['canary'];
      const { elbv2 } = f.clients;
      const sticky: Action = { Type: 'forward', Order: 2, ForwardConfig: { TargetGroups: [{ TargetGroupArn: f.blue, Weight: 100 }, { TargetGroupArn: f.green, Weight: 0 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 600 } } };
      await elbv2.send(new ModifyListenerCommand({ ListenerArn: f.listener, DefaultActions: [oidc(1), sticky] }));
      const read = async () => (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [f.listener] }))).Listeners![0]!.DefaultActions;
      const before = comparable(await read());
      const bot = await startBotAt(f.endpoint, config);
      try {
        for (const pct of [30, 0]) {
          const n = bot.slack.messages('C0DEV0001').length;
          await bot.client.command(`/canary dev web set ${pct}`, { user: 'U0DEV0001' });
          await bot.slack.waitFor(() => bot.slack.messages('C0DEV0001').slice(n).find((m) => textOf(m.blocks).includes(`✅ Canary set green ${pct} %`)), { timeoutMs: 20_000, message: `set ${pct}` });
          const now = (await read()) ?? [];
          expect(now.map((a) => a.Type)).toEqual(['authenticate-oidc', 'forward']);
          expect(now[1]?.ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 600 });
          expect(now[1]?.ForwardConfig?.TargetGroups?.map((t) => t.Weight)).toEqual([100 - pct, pct]);
        }
        expect(comparable(await read())).toEqual(before);
      } finally {
        await bot.close();
      }
    }, 60_000);

    it('/scale: one UpdateService with the count alone; the service reads back with every other field as it was', async () => {
      const ecs = new EcsGateway(f.clients.ecs, { envName: 'prod', region: REGION, cluster: f.cluster });
      const raw = async () => (await f.clients.ecs.send(new DescribeServicesCommand({ cluster: f.cluster, services: ['api'] }))).services![0]!;
      const kept = (s: Awaited<ReturnType<typeof raw>>) => ({
        taskDefinition: s.taskDefinition,
        launchType: s.launchType,
        deploymentController: s.deploymentController,
        deploymentConfiguration: s.deploymentConfiguration,
        loadBalancers: s.loadBalancers,
        serviceRegistries: s.serviceRegistries,
        networkConfiguration: s.networkConfiguration,
        schedulingStrategy: s.schedulingStrategy,
        tags: s.tags,
      });
      const before = await raw();
      const [read] = await ecs.describeServices(['api']);
      expect(read!.desired).toBe(before.desiredCount);
      await ecs.setDesiredCount('api', read!.desired + 2);
      const after = await raw();
      expect(after.desiredCount).toBe(before.desiredCount! + 2);
      expect(kept(after)).toEqual(kept(before));
      // The second run in a row: back to where it was, still nothing else touched.
      await ecs.setDesiredCount('api', before.desiredCount!);
      const again = await raw();
      expect(again.desiredCount).toBe(before.desiredCount);
      expect(kept(again)).toEqual(kept(before));
    });

    it('item 5: the live colour is read from the PRIMARY task set registry; after the switch the next deploy may start (moto: task sets have no counts)', async () => {
      const ecs = new EcsGateway(f.clients.ecs, { envName: 'prod', region: REGION, cluster: f.cluster });
      const cfg = { strategy: 'tasksets', canary: 'api-internal', blueRegistryArn: f.blueRegistry, greenRegistryArn: f.greenRegistry } as never;
      const canary = { route53: { hostedZoneId: f.zone, recordName: f.record, type: 'CNAME', blue: 'api-blue', green: 'api-green' } } as unknown as CanaryConfig;
      const sets = await ecs.describeTaskSets(f.taskSetService);
      const primary = sets.find((t) => t.status === 'PRIMARY')!;
      expect(colourOf(cfg, primary)).toBe('blue');
      expect(halfDone({ service: f.taskSetService, envName: 'prod', cfg, canary, sets, weights: { blue: 100, green: 0 } })).toBeUndefined();
      // Green becomes primary (what a finished deploy leaves): with all weight on green the next deploy is allowed, and blue-heavy weights are not.
      const green = await ecs.createTaskSet(f.taskSetService, { taskDefinition: primary.taskDefinition, registryArns: [f.greenRegistry], scalePercent: 100, ...(primary.placement ? { placement: primary.placement } : {}) });
      await ecs.makePrimary(f.taskSetService, green.arn);
      await ecs.deleteTaskSet(f.taskSetService, primary.arn, true);
      const after = (await ecs.describeTaskSets(f.taskSetService)).filter((t) => t.status !== 'DRAINING');
      expect(after.map((t) => [t.status, colourOf(cfg, t)])).toEqual([['PRIMARY', 'green']]);
      expect(halfDone({ service: f.taskSetService, envName: 'prod', cfg, canary, sets: after, weights: { blue: 0, green: 100 } })).toBeUndefined();
      expect(halfDone({ service: f.taskSetService, envName: 'prod', cfg, canary, sets: after, weights: { blue: 100, green: 0 } })).toContain('to blue');
    });
  });
}

let sandbox: TestSandbox | undefined;
let moto: Moto | undefined;
afterAll(async () => {
  await sandbox?.close();
  await moto?.close();
});

scenarios('sandbox', async () => {
  sandbox = await startSandbox();
  return sandboxFixture(sandbox);
});

describe.skipIf(!HAS_MOTO)('moto', () => {
  scenarios('moto', async () => {
    moto = await startMoto(REGION);
    if (!moto) throw new Error(MOTO_MISSING);
    return motoFixture(moto);
  });
});
