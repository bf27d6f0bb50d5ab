// Connects the operations' ports to the gateways: per environment, each SDK client and gateway built on first use.
import { systemClock, type Clock } from '../clock.js';
import type { OpsConfig } from '../config/schema.js';
import type { MaintenanceMetrics } from '../ops/maintenance-report.js';
import type { ListenerRule, MaintenanceAlb, RuleAction, RuleCondition } from '../ops/maintenance.js';
import type { StartupEcs } from '../ops/startup.js';
import type { StatusReader } from '../ops/status.js';
import { createClients, onFirstUse, type AwsClients, type ClientOptions } from '../aws/clients.js';
import { EcsGateway } from '../aws/ecs.js';
import { Elbv2Gateway, type Action, type Rule } from '../aws/elbv2.js';
import { Route53Gateway } from '../aws/route53.js';
import { SfnGateway } from '../aws/sfn.js';
import { CodeDeployGateway } from '../aws/codedeploy.js';
import { CloudWatchGateway } from '../aws/cloudwatch.js';
import { maintenanceMetrics } from './watch.js';
import { startupEcs as startupEcsOf } from './startup.js';

export interface EnvironmentGateways {
  clients: AwsClients;
  ecs: EcsGateway;
  elbv2: Elbv2Gateway;
  route53: Route53Gateway;
  sfn: SfnGateway;
  codedeploy: CodeDeployGateway;
  cloudwatch: CloudWatchGateway;
}

/** What the registry wires the operations' ports from: built once per bot (src/main.ts). */
export interface AwsPorts {
  /** The typed gateways of one environment (src/aws), for operations whose ports they satisfy directly. */
  gateways(envName: string): EnvironmentGateways;
  /** The ALB as maintenance needs it, for one environment. */
  maintenanceAlb(envName: string): MaintenanceAlb;
  /** ECS as ordered startup and shutdown need it. */
  startupEcs(envName: string): StartupEcs;
  /** Live reads for /ops status. */
  status(envName: string): StatusReader;
  /** CloudWatch counts of what maintenance answered (the report at its end and in /maintenance status). */
  maintenanceMetrics?(envName: string): MaintenanceMetrics;
}

function toRuleAction(a: Action | undefined): RuleAction | undefined {
  if (!a) return undefined;
  if (a.type === 'redirect') {
    const p = a.parts;
    const url = a.url ?? (p ? `${p.protocol.toLowerCase()}://${p.host}${p.port && !['443', '80'].includes(p.port) ? `:${p.port}` : ''}${p.path}${p.query ? `?${p.query}` : ''}` : '');
    return { type: 'redirect', url, status: a.status };
  }
  return a;
}

function toListenerRule(r: Rule): ListenerRule {
  return {
    arn: r.arn,
    priority: r.priority === 'default' ? undefined : r.priority,
    conditions: r.conditions.flatMap((c): RuleCondition[] => (c.field === 'path-pattern' || c.field === 'source-ip' ? [{ field: c.field, values: c.values }] : [])),
    action: toRuleAction(r.action),
  };
}

/** Listener ARN → the name people use for it in ops.yml (maintenance listeners; a canary's listener by its target). */
function listenerNames(env: OpsConfig['environments'][string]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [target, c] of Object.entries(env.canary)) if (c.alb) out[c.alb.listenerArn] = `canary ${target}`;
  for (const l of env.maintenance?.listeners ?? []) out[l.listenerArn] = l.name;
  return out;
}

/** `clock`: the bot's, so a deployment's age is reckoned on the same time as everything else (and tests can move it). */
export function createAwsPorts(config: OpsConfig, opts: ClientOptions, clock: Pick<Clock, 'now'> = systemClock): AwsPorts {
  const cache = new Map<string, EnvironmentGateways>();
  const gateways = (envName: string): EnvironmentGateways => {
    let g = cache.get(envName);
    if (!g) {
      const env = config.environments[envName];
      if (!env) throw new Error(`unknown environment ${envName}`);
      const clients = createClients(env, opts);
      const ctx = { envName, region: env.region };
      // Each gateway (and so its SDK client) is built on first use: most runs need one or two of the six.
      g = onFirstUse<EnvironmentGateways>({ clients: () => clients, ecs: () => new EcsGateway(clients.ecs, { ...ctx, cluster: env.cluster }), elbv2: () => new Elbv2Gateway(clients.elbv2, { ...ctx, listenerNames: listenerNames(env) }), route53: () => new Route53Gateway(clients.route53, { envName }), sfn: () => new SfnGateway(clients.sfn, ctx), codedeploy: () => new CodeDeployGateway(clients.codedeploy, ctx), cloudwatch: () => new CloudWatchGateway(clients.cloudwatch, ctx) });
      cache.set(envName, g);
    }
    return g;
  };

  const maintenanceAlb = (envName: string): MaintenanceAlb => {
    const { elbv2 } = gateways(envName);
    return {
      rules: async (listenerArn, hint, opts) => {
        const rules = await elbv2.rules(listenerArn, hint);
        if (opts?.tags === false) return rules.map(toListenerRule);
        // The bot's mark is a tag: read the tags of every rule but the default one (which cannot carry tags).
        const tags = await elbv2.ruleTags(rules.filter((r) => !r.isDefault).map((r) => r.arn), hint);
        return rules.map((r) => ({ ...toListenerRule(r), ...(r.isDefault ? {} : { tags: tags.get(r.arn) ?? {} }) }));
      },
      createRule: (listenerArn, priority, conditions, action, tags) => elbv2.createRule(listenerArn, priority, conditions, action, undefined, tags),
      deleteRule: (arn) => elbv2.deleteRule(arn),
      setRulePriority: (arn, priority) => elbv2.setRulePriority(arn, priority),
    };
  };

  const startupEcs = (envName: string): StartupEcs => startupEcsOf(gateways(envName));

  const status = (envName: string): StatusReader => {
    const env = config.environments[envName]!;
    const { ecs, elbv2, route53 } = gateways(envName);
    return {
      alb: maintenanceAlb(envName),
      services: async (names) =>
        (await ecs.describeServices(names)).map((s) => ({
          name: s.name,
          desired: s.desired,
          running: s.running,
          pending: s.pending,
          ...(s.rolloutState ? { rolloutState: s.rolloutState } : {}),
          ...(s.primaryCreatedAt ? { deploymentAgeMs: Math.max(0, clock.now() - s.primaryCreatedAt) } : {}),
        })),
      canaryWeights: async (name) => {
        const c = env.canary[name];
        if (!c) return undefined;
        if (c.route53) {
          const pair = await route53.weightedPair(c.route53.hostedZoneId, c.route53.recordName, c.route53.type, c.route53.blue, c.route53.green);
          const b = pair.blue.weight ?? 0;
          const g = pair.green.weight ?? 0;
          return b + g === 0 ? { blue: 50, green: 50 } : { blue: Math.round((100 * b) / (b + g)), green: Math.round((100 * g) / (b + g)) };
        }
        if (c.alb) {
          const w = await elbv2.forwardWeights(c.alb.listenerArn, c.alb.ruleArn);
          const b = w[c.alb.blueTargetGroupArn] ?? 0;
          const g = w[c.alb.greenTargetGroupArn] ?? 0;
          return b + g === 0 ? undefined : { blue: Math.round((100 * b) / (b + g)), green: Math.round((100 * g) / (b + g)) };
        }
        return undefined;
      },
    };
  };

  return { gateways, maintenanceAlb, startupEcs, status, maintenanceMetrics: (envName) => maintenanceMetrics(gateways(envName).cloudwatch, maintenanceAlb(envName), envName) };
}
