// The shape of ops.yml, defined once in zod: validation at start, types for the code, and the JSON Schema for editors.
import { z } from 'zod';
import { findCycle } from './dag.js';
import { AnalysisSchema, insufficientDataSeconds } from './cloudwatch.js';

const slackId = z
  .string()
  .regex(/^[UWS][A-Z0-9]{2,}$/, 'must be a Slack user id (U…/W…) or user-group id (S…), e.g. U012ABCDEF');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD (not a #name)');
/**
 * ARNs by resource type, the whole grammar: `arn:<partition>:<service>:<region>:<12-digit account>:<resource>`.
 * A failure names the part that is wrong and shows the expected form, so a truncated id, a target group given
 * where a listener is wanted, or a `user/` in place of a `role/` stops the start, not the first AWS call.
 */
interface ArnType {
  what: string;
  service: string;
  /** IAM ARNs have no region. */
  regional: boolean;
  resource: RegExp;
  form: string;
  example: string;
}
const HEX16 = '[0-9a-f]{16}';
const LB_NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?';
const ARN_TYPES = {
  listener: { what: 'an ALB/NLB listener ARN', service: 'elasticloadbalancing', regional: true, resource: new RegExp(`^listener/(app|net|gwy)/${LB_NAME}/${HEX16}/${HEX16}$`), form: 'listener/app/<load balancer name>/<16 hex>/<16 hex>', example: 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/web/0123456789abcdef/0123456789abcdef' },
  rule: { what: 'a listener rule ARN', service: 'elasticloadbalancing', regional: true, resource: new RegExp(`^listener-rule/(app|net)/${LB_NAME}/${HEX16}/${HEX16}/${HEX16}$`), form: 'listener-rule/app/<load balancer name>/<16 hex>/<16 hex>/<16 hex>', example: 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener-rule/app/web/0123456789abcdef/0123456789abcdef/0123456789abcdef' },
  targetGroup: { what: 'a target group ARN', service: 'elasticloadbalancing', regional: true, resource: new RegExp(`^targetgroup/${LB_NAME}/${HEX16}$`), form: 'targetgroup/<name>/<16 hex>', example: 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/0123456789abcdef' },
  loadBalancer: { what: 'a load balancer ARN', service: 'elasticloadbalancing', regional: true, resource: new RegExp(`^loadbalancer/(app|net|gwy)/${LB_NAME}/${HEX16}$`), form: 'loadbalancer/app/<name>/<16 hex>', example: 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/web/0123456789abcdef' },
  role: { what: 'an IAM role ARN', service: 'iam', regional: false, resource: /^role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, form: 'role/<path/><role name>', example: 'arn:aws:iam::111111111111:role/ecs-chatops' },
  cloudMapService: { what: 'a Cloud Map service ARN', service: 'servicediscovery', regional: true, resource: /^service\/srv-[A-Za-z0-9-]{1,64}$/, form: 'service/srv-<id>', example: 'arn:aws:servicediscovery:ap-northeast-1:111111111111:service/srv-blue' },
} satisfies Record<string, ArnType>;

/** Why `value` is not an ARN of type `t`, or undefined when it is. */
export function arnProblem(value: string, t: ArnType): string | undefined {
  const parts = value.split(':');
  const expected = `expected ${t.what}: arn:aws:${t.service}:${t.regional ? '<region>' : ''}:<12-digit account>:${t.form}, e.g. ${t.example}`;
  if (parts[0] !== 'arn' || parts.length < 6) return `not a complete ARN (it needs 6 parts separated by ":") — ${expected}`;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!/^aws(-[a-z]+)*$/.test(partition)) return `unknown partition "${partition}" — ${expected}`;
  if (service !== t.service) return `this is a ${service || 'service-less'} ARN — ${expected}`;
  if (t.regional && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) return `the region "${region}" is not an AWS region such as ap-northeast-1 — ${expected}`;
  if (!t.regional && region !== '') return `${t.service} ARNs have no region (found "${region}") — ${expected}`;
  if (!/^\d{12}$/.test(account)) return `the account "${account}" is not 12 digits — ${expected}`;
  if (!t.resource.test(resource)) {
    const other = Object.values(ARN_TYPES).find((o) => o !== t && o.service === t.service && o.resource.test(resource));
    return other ? `this is ${other.what}, not ${t.what} — ${expected}` : `the resource "${resource.slice(0, 80)}" is not ${t.form} — ${expected}`;
  }
  return undefined;
}
const arnOf = (t: ArnType) =>
  z.string().superRefine((v, ctx) => {
    const problem = arnProblem(v, t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const arn = (type: keyof typeof ARN_TYPES) => arnOf(ARN_TYPES[type]);
const listenerArn = arn('listener');
const ruleArn = arn('rule');
const targetGroupArn = arn('targetGroup');
const loadBalancerArn = arn('loadBalancer');
const roleArn = arn('role');
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'use letters, digits, "-", "_" or "." (at most 63)');
const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABC');
const dnsName = z
  .string()
  .regex(/^([A-Za-z0-9_*]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)+$/, 'must be a fully qualified name ending in ".", e.g. www.example.com.');

/** A standard five-field cron expression, read in the configured time zone. */
export const cronExpr = z
  .string()
  .regex(/^\s*(\S+\s+){4}\S+\s*$/, 'must be a 5-field cron expression such as "0 8 * * 1-5" (minute hour day month weekday)');

export const PermissionsSchema = z
  .object({
    operate: z.array(slackId).default([]).describe('Slack users or user groups who may start operations; empty = everyone in the channel'),
    approve: z.array(slackId).default([]).describe('Slack users or user groups who may approve; empty = anyone who may operate'),
    requireApproval: z.boolean().default(false).describe('a second person (not the requester) must press Approve before traffic moves'),
    confirm: z.boolean().default(false).describe('ask for a confirmation modal before a mutating command runs (prod)'),
  })
  .strict();

export const ServiceSchema = z
  .object({
    serviceName: z.string().min(1).optional().describe('the ECS service name when it differs from the key'),
    desiredCount: z.number().int().min(0).max(5000).optional().describe('tasks to start; when absent, the count found at the last shutdown'),
    dependsOn: z.array(name).default([]).describe('services that must be ready before this one starts'),
    timeoutSeconds: z.number().int().min(10).max(7200).default(600),
    failedTasksThreshold: z.number().int().min(1).max(1000).default(3),
  })
  .strict();

export const StartupSchema = z
  .object({
    engine: z.enum(['inline', 'stepfunctions']).default('inline'),
    stateMachineRoleArn: roleArn.optional().describe('role Step Functions assumes; required with engine stepfunctions'),
    pollSeconds: z.number().min(1).max(60).default(3),
    schedule: z
      .object({ start: cronExpr.optional(), stop: cronExpr.optional(), remindMinutesBefore: z.number().int().min(0).max(1440).default(15) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => s.engine !== 'stepfunctions' || s.stateMachineRoleArn !== undefined, {
    message: 'engine "stepfunctions" needs stateMachineRoleArn (the role the state machine runs as)',
    path: ['stateMachineRoleArn'],
  });

const FixedResponseSchema = z
  .object({
    status: z.number().int().min(200).max(599).default(503),
    contentType: z.enum(['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json']).default('application/json'),
    // ALB limit: a fixed-response body is at most 1,024 characters.
    body: z.string().max(1024, 'ALB fixed-response bodies are at most 1024 characters').default('{"message":"Service Unavailable"}'),
  })
  .strict();
const RedirectSchema = z
  .object({
    url: z.string().url('must be an absolute URL such as https://example.com/maintenance'),
    status: z.union([z.literal(301), z.literal(302)], { error: 'ALB redirects are 301 or 302 only' }).default(302),
  })
  .strict();

export const ListenerSchema = z
  .object({
    name,
    listenerArn,
    ruleArn: ruleArn.optional().describe('a prepared maintenance rule: raised to the top at start and put back at the end'),
    response: z
      .object({ fixed: FixedResponseSchema.optional(), redirect: RedirectSchema.optional() })
      .strict()
      .refine((r) => (r.fixed === undefined) !== (r.redirect === undefined), 'give exactly one of fixed or redirect')
      .optional()
      .describe('a managed rule created at the top with this action and deleted at the end'),
    bypass: z
      .object({ sourceIps: z.array(z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'must be a CIDR such as 203.0.113.0/24')).min(1).max(4) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((l) => (l.ruleArn === undefined) !== (l.response === undefined), {
    message: 'give exactly one of ruleArn (a prepared rule) or response (fixed or redirect)',
  });

export const MaintenanceSchema = z.object({ listeners: z.array(ListenerSchema).min(1) }).strict();

const steps = z
  .array(z.number().int().min(1).max(100))
  .min(1)
  .refine((s) => s.every((v, i) => i === 0 || v > (s[i - 1] ?? 0)), 'steps must rise, e.g. [10, 50, 100]')
  .refine((s) => s[s.length - 1] === 100, 'the last step must be 100 (all traffic on green)');

export const CanarySchema = z
  .object({
    route53: z
      .object({
        hostedZoneId,
        recordName: dnsName,
        type: z.enum(['CNAME', 'A', 'AAAA']).default('CNAME'),
        blue: z.string().min(1).describe('SetIdentifier of the blue record'),
        green: z.string().min(1).describe('SetIdentifier of the green record'),
      })
      .strict()
      .optional(),
    alb: z
      .object({ listenerArn, ruleArn: ruleArn.optional(), blueTargetGroupArn: targetGroupArn, greenTargetGroupArn: targetGroupArn })
      .strict()
      .optional(),
    steps: steps.default([10, 50, 100]),
    bakeSeconds: z.number().int().min(0).max(86400).default(0),
    auto: z.boolean().default(false).describe('advance after each bake without waiting for Promote'),
    alarms: z.array(z.string().min(1)).default([]).describe('CloudWatch alarm names; one in ALARM rolls back'),
    insufficientDataSeconds,
    analysis: AnalysisSchema.prefault({}).describe('green against blue over each bake (needs bakeSeconds > 0)'),
  })
  .strict()
  .refine((c) => (c.route53 === undefined) !== (c.alb === undefined), { message: 'give exactly one of route53 or alb' });

const DeployCommon = {
  service: z.string().min(1).optional().describe('the ECS service, when it differs from the key'),
  container: z.string().min(1).describe('the container whose image is replaced'),
  port: z.number().int().min(1).max(65535),
};
export const CodeDeploySchema = z
  .object({
    strategy: z.literal('codedeploy'),
    ...DeployCommon,
    application: z.string().min(1),
    deploymentGroup: z.string().min(1),
    config: z.string().min(1).default('CodeDeployDefault.ECSAllAtOnce'),
    serviceRoleArn: roleArn,
    targetGroups: z.tuple([z.string().min(1), z.string().min(1)]).describe('blue and green target group names'),
    prodListenerArn: listenerArn,
    testListenerArn: listenerArn.optional(),
    waitForReroute: z.boolean().default(false).describe('hold before traffic moves until someone presses Approve'),
    rerouteWaitMinutes: z.number().int().min(1).max(2880).default(60),
    terminationWaitMinutes: z.number().int().min(0).max(2880).default(5),
    alarms: z.array(z.string().min(1)).default([]),
  })
  .strict();
/** Lifecycle stages where ECS accepts a PAUSE hook (not TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT: Lambda only). */
export const PAUSE_STAGES = ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'] as const;
/** ECS takes percentages in steps of 0.1 ("multiples of 0.1 from 0.1 to 100.0"). */
const tenths = (min: number, what: string) =>
  z
    .number()
    .min(min, `${what} must be at least ${min} (ECS range ${min}–100)`)
    .max(100, `${what} must be at most 100`)
    .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, `${what} must be a multiple of 0.1, e.g. 12.5`);
const bake = (what: string) => z.number().int(`${what} is whole minutes`).min(0).max(1440, `${what} must be 0–1440 minutes (24 h), ECS's range`);
export const EcsNativeDeploySchema = z
  .object({
    strategy: z.literal('ecs'),
    ...DeployCommon,
    type: z.enum(['BLUE_GREEN', 'LINEAR', 'CANARY']).default('BLUE_GREEN').describe('how ECS moves production traffic to the new revision'),
    bakeMinutes: bake('bakeMinutes').default(0).describe('both revisions kept after all traffic moved; Rollback is instant until it ends'),
    canaryPercent: tenths(0.1, 'canaryPercent').default(5).describe('CANARY: share of production traffic on green during the canary bake'),
    canaryBakeMinutes: bake('canaryBakeMinutes').default(10),
    linearStepPercent: tenths(3, 'linearStepPercent').default(10).describe('LINEAR: share of production traffic moved at each step'),
    linearBakeMinutes: bake('linearBakeMinutes').default(6).describe('LINEAR: wait between steps (not after the last)'),
    targetGroupArn: targetGroupArn.describe("the service's target group (blue on the first deploy; ECS alternates them)"),
    alternateTargetGroupArn: targetGroupArn,
    productionListenerRuleArn: ruleArn,
    testListenerRuleArn: ruleArn.optional(),
    roleArn: roleArn.describe('lets ECS modify the listener rules (advancedConfiguration.roleArn)'),
    pauseAt: z
      .array(
        z.enum(PAUSE_STAGES, {
          error: `a pause can be at ${PAUSE_STAGES.join(', ')} (ECS allows no PAUSE hook at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT)`,
        }),
      )
      .default([])
      .describe('stages where the deployment waits for Approve (ContinueServiceDeployment)'),
    pauseTimeoutMinutes: z.number().int().min(1, 'pauseTimeoutMinutes must be 1–20160 (14 days)').max(20160, 'pauseTimeoutMinutes must be 1–20160 (14 days)').default(1440),
    pauseTimeoutAction: z.enum(['ROLLBACK', 'CONTINUE']).default('ROLLBACK').describe('what ECS does when nobody answers a pause in time'),
    alarms: z.array(z.string().min(1).max(255)).max(10).default([]).describe('CloudWatch alarms ECS watches; one in ALARM rolls the deployment back'),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.targetGroupArn === d.alternateTargetGroupArn) ctx.addIssue({ code: 'custom', path: ['alternateTargetGroupArn'], message: 'must differ from targetGroupArn (ECS moves traffic between the two)' });
    if (d.testListenerRuleArn !== undefined && d.testListenerRuleArn === d.productionListenerRuleArn) {
      ctx.addIssue({ code: 'custom', path: ['testListenerRuleArn'], message: 'must differ from productionListenerRuleArn' });
    }
    if (new Set(d.pauseAt).size !== d.pauseAt.length) ctx.addIssue({ code: 'custom', path: ['pauseAt'], message: 'name each stage once' });
  });
export const TaskSetDeploySchema = z
  .object({
    strategy: z.literal('tasksets'),
    ...DeployCommon,
    canary: name.describe('the Route 53 canary target whose weights move traffic'),
    blueRegistryArn: arn('cloudMapService'),
    greenRegistryArn: arn('cloudMapService'),
    steps: steps.optional().describe("green's share of traffic at each shift, in percent; default: the canary target's steps"),
    bakeSeconds: z.number().int().min(0).max(86400).optional().describe("wait after each shift below 100 % before the next; default: the canary target's bakeSeconds"),
    waitForApproval: z.boolean().default(false).describe('hold before the first traffic shift until someone presses Approve (always so where permissions.requireApproval)'),
    approvalWaitMinutes: z.number().int().min(1).max(10080).default(1440).describe('how long green waits for Approve with no traffic; then green is removed and traffic stays on blue'),
    terminationWaitMinutes: z.number().int().min(0).max(2880).default(5).describe('blue is kept this long after all traffic is on green, for an instant Rollback; Finish now ends the wait'),
  })
  .strict()
  .refine((d) => d.blueRegistryArn !== d.greenRegistryArn, { message: 'must differ from blueRegistryArn (green registers in its own Cloud Map service)', path: ['greenRegistryArn'] });
export const DeploySchema = z.discriminatedUnion('strategy', [CodeDeploySchema, EcsNativeDeploySchema, TaskSetDeploySchema]);

export const CutoverSchema = z
  .object({
    hostedZoneId,
    recordName: dnsName,
    to: z.object({ loadBalancerArn }).strict(),
    switchBackDays: z.number().int().min(1).max(365).default(30),
    alarms: z.array(z.string().min(1).max(255)).max(100).default([]).describe('CloudWatch alarms: checked before the switch, then watched; ALARM switches back'),
    insufficientDataSeconds,
    watchMinutes: z.number().int().min(0).max(1440).default(10).describe('how long the alarms are watched after the switch (0: not at all)'),
  })
  .strict();

export const EnvironmentSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as ap-northeast-1'),
    roleArn: roleArn.optional().describe('assumed through STS for every AWS call of this environment'),
    channel: channelId,
    language: z.enum(['en', 'ja']).optional().describe("the language of this environment's channel messages (default: the top-level language)"),
    permissions: PermissionsSchema.default({ operate: [], approve: [], requireApproval: false, confirm: false }),
    cluster: z.string().min(1),
    services: z.record(name, ServiceSchema).default({}),
    startup: StartupSchema.optional(),
    maintenance: MaintenanceSchema.optional(),
    canary: z.record(name, CanarySchema).default({}),
    deploy: z.record(name, DeploySchema).default({}),
    cutover: z.record(name, CutoverSchema).default({}),
  })
  .strict()
  .superRefine((env, ctx) => {
    const known = Object.keys(env.services);
    for (const [svc, def] of Object.entries(env.services)) {
      def.dependsOn.forEach((dep, i) => {
        if (!known.includes(dep)) {
          ctx.addIssue({ code: 'custom', path: ['services', svc, 'dependsOn', i], message: `unknown service "${dep}" — known services: ${known.join(', ')}` });
        }
      });
    }
    const cycle = findCycle(Object.fromEntries(Object.entries(env.services).map(([k, v]) => [k, v.dependsOn.filter((d) => known.includes(d))])));
    if (cycle) ctx.addIssue({ code: 'custom', path: ['services'], message: `dependency cycle: ${cycle.join(' → ')} — remove one of these dependsOn entries` });
    for (const [key, d] of Object.entries(env.deploy)) {
      if (d.strategy === 'tasksets' && !(d.canary in env.canary)) {
        ctx.addIssue({ code: 'custom', path: ['deploy', key, 'canary'], message: `unknown canary target "${d.canary}" — define it under canary` });
      }
    }
  });

export const OpsConfigSchema = z
  .object({
    $schema: z.string().optional(),
    timezone: z
      .string()
      .default('UTC')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Asia/Tokyo or UTC'),
    language: z
      .enum(['en', 'ja'])
      .default('en')
      .describe("the language of channel messages where an environment sets none, and of replies to people whose Slack locale is neither: en or ja"),
    environments: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'environment names are lower-case letters, digits and "-"'), EnvironmentSchema),
  })
  .strict()
  .refine((c) => Object.keys(c.environments).length > 0, { message: 'define at least one environment', path: ['environments'] });

export type OpsConfig = z.infer<typeof OpsConfigSchema>;

/** The language of an environment's channel messages: its own `language`, else the top-level one (default en). */
export function envLanguage(config: Pick<OpsConfig, 'language' | 'environments'>, envName: string): 'en' | 'ja' {
  return config.environments[envName]?.language ?? config.language ?? 'en';
}
export type Environment = z.infer<typeof EnvironmentSchema>;
export type ServiceConfig = z.infer<typeof ServiceSchema>;
export type ListenerConfig = z.infer<typeof ListenerSchema>;
export type CanaryConfig = z.infer<typeof CanarySchema>;
export type DeployConfig = z.infer<typeof DeploySchema>;
export type CutoverConfig = z.infer<typeof CutoverSchema>;
export type Permissions = z.infer<typeof PermissionsSchema>;
