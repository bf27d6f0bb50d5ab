// Simulated Elastic Load Balancing v2 (Query protocol): load balancers, listeners, rules, target groups and their health.
import { createHash } from 'node:crypto';
import type { Environment } from '../src/config/schema.js';
import { AwsError } from './errors.js';
import type { QueryHandlers } from './protocol.js';
import { queryList, xmlEl, xmlEscape } from './protocol.js';
import type { World } from './world.js';

/** The zone id Route 53 aliases use for an ALB, per region (AWS "Elastic Load Balancing endpoints and quotas"). */
const ALB_ZONE_IDS: Record<string, string> = {
  'ap-northeast-1': 'Z14GRHDCWA56QT',
  'ap-northeast-3': 'Z5LXEXXYW11ES',
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-west-2': 'Z1H1FL5HABSF5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
};

// AWS quotas (Elastic Load Balancing "Quotas for your Application Load Balancers"), November 2026.
const RULES_PER_LOAD_BALANCER = 100; // not counting default rules
const MAX_PRIORITY = 50_000;
const MAX_WEIGHTED_TARGET_GROUPS = 5;
const MAX_WEIGHT = 999;
const MAX_FIXED_BODY = 1024;
const MAX_TAGS = 50;
const MAX_CONDITION_VALUES = 5; // "Condition values per rule", not adjustable
const MAX_VALUES_PER_CONDITION = 3; // "up to three match evaluations per condition" (Condition types for listener rules)
const FIXED_CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'] as const;
const CONDITION_FIELDS = ['path-pattern', 'host-header', 'source-ip', 'http-header', 'http-request-method', 'query-string'] as const;

export const TargetHealthState = { healthy: 'healthy', unhealthy: 'unhealthy', empty: 'empty' } as const;
export type TargetHealthState = (typeof TargetHealthState)[keyof typeof TargetHealthState];

/** The ARN of an old EC2-backed load balancer a cutover alias points at when the sandbox starts. */
export function oldLoadBalancerArn(region: string, account: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/ec2-web/6666666666666666`;
}

/** Parts of an ELBv2 ARN: `…:<kind>/app/<lbName>/<lbId>[/<listenerId>[/<ruleId>]]`. */
function parseArn(arn: string): { region: string; account: string; kind: string; lbName: string; lbId: string; rest: string[] } | undefined {
  const m = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, region = '', account = '', kind = '', path = ''] = m;
  const parts = path.split('/');
  if (kind === 'targetgroup') return { region, account, kind, lbName: parts[0] ?? '', lbId: parts[1] ?? '', rest: [] };
  return { region, account, kind, lbName: parts[1] ?? '', lbId: parts[2] ?? '', rest: parts.slice(3) };
}

/** The DNS name and alias zone of the load balancer an ARN names, derived as AWS forms them. */
export function loadBalancerDns(lbArn: string): { dnsName: string; canonicalHostedZoneId: string } {
  const p = parseArn(lbArn);
  const region = p?.region ?? 'ap-northeast-1';
  return {
    dnsName: `${p?.lbName ?? 'lb'}-${p?.lbId ?? '0'}.${region}.elb.amazonaws.com`,
    canonicalHostedZoneId: ALB_ZONE_IDS[region] ?? 'Z14GRHDCWA56QT',
  };
}

const hex16 = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 16);

// ── state ────────────────────────────────────────────────────────────────────

interface SimLoadBalancer {
  arn: string;
  name: string;
  region: string;
  createdAt: number;
  listeners: string[];
}
interface SimListener {
  arn: string;
  lbArn: string;
  port: number;
  protocol: string;
}
export interface SimAuth {
  /** The config's scalar fields as AWS returns them (ClientSecret never among them). */
  config: Record<string, string>;
  extraParams: Record<string, string>;
  /** authenticate-oidc: kept, never returned (AWS does not return it either). */
  secret?: string;
}
export interface SimAction {
  type: 'forward' | 'fixed-response' | 'redirect' | 'authenticate-oidc' | 'authenticate-cognito';
  auth?: SimAuth;
  order?: number;
  /** forward: the weighted target groups (one entry with weight 1 when given as TargetGroupArn). */
  targetGroups?: { arn: string; weight: number }[];
  /** forward given as a plain TargetGroupArn (echoed back as such). */
  plainTargetGroup?: boolean;
  stickiness?: { enabled: boolean; durationSeconds?: number };
  fixed?: { statusCode: string; contentType?: string; messageBody?: string };
  redirect?: { protocol?: string; port?: string; host?: string; path?: string; query?: string; statusCode: string };
}
export interface SimCondition {
  field: string;
  values: string[];
  /** http-header's header name. */
  headerName?: string;
}
export interface SimRule {
  arn: string;
  listenerArn: string;
  priority: number | 'default';
  conditions: SimCondition[];
  actions: SimAction[];
}
interface SimTarget {
  id: string;
  port: number;
  az: string;
  state: string;
  reason?: string;
}
interface SimTargetGroup {
  arn: string;
  name: string;
  port: number;
  protocol: string;
  targets: SimTarget[];
}

export interface Evaluation {
  kind: 'forward' | 'fixed-response' | 'redirect';
  /** The authenticate-* action the request must pass first, if the matching rule has one. */
  authenticate?: string;
  status?: number;
  targetGroups?: Record<string, number>;
  location?: string;
  ruleArn: string;
}

// ── XML rendering (shapes of botocore elbv2 2015-12-01) ─────────────────────

const members = (items: string[]) => items.map((i) => `<member>${i}</member>`).join('');
const scalarMembers = (values: string[]) => values.map((v) => `<member>${xmlEscape(v)}</member>`).join('');

function authXml(a: SimAction): string {
  if (!a.auth) return '';
  const tag = a.type === 'authenticate-oidc' ? 'AuthenticateOidcConfig' : 'AuthenticateCognitoConfig';
  const scalars = Object.entries(a.auth.config).map(([k, v]) => xmlEl(k, v)).join('');
  const extra = Object.entries(a.auth.extraParams);
  const map = extra.length ? `<AuthenticationRequestExtraParams>${extra.map(([k, v]) => `<entry>${xmlEl('key', k)}${xmlEl('value', v)}</entry>`).join('')}</AuthenticationRequestExtraParams>` : '';
  return `<${tag}>${scalars}${map}</${tag}>`;
}

function actionXml(a: SimAction): string {
  let inner = xmlEl('Type', a.type) + xmlEl('Order', a.order) + authXml(a);
  if (a.type === 'forward' && a.targetGroups) {
    const only = a.targetGroups.length === 1 ? a.targetGroups[0] : undefined;
    if (only) inner += xmlEl('TargetGroupArn', only.arn);
    const tgs = members(a.targetGroups.map((t) => xmlEl('TargetGroupArn', t.arn) + xmlEl('Weight', t.weight)));
    const sticky = `<TargetGroupStickinessConfig>${xmlEl('Enabled', a.stickiness?.enabled ?? false)}${xmlEl('DurationSeconds', a.stickiness?.durationSeconds)}</TargetGroupStickinessConfig>`;
    inner += `<ForwardConfig><TargetGroups>${tgs}</TargetGroups>${sticky}</ForwardConfig>`;
  }
  if (a.fixed) {
    inner += `<FixedResponseConfig>${xmlEl('StatusCode', a.fixed.statusCode)}${xmlEl('ContentType', a.fixed.contentType)}${xmlEl('MessageBody', a.fixed.messageBody)}</FixedResponseConfig>`;
  }
  if (a.redirect) {
    const r = a.redirect;
    inner += `<RedirectConfig>${xmlEl('Protocol', r.protocol)}${xmlEl('Port', r.port)}${xmlEl('Host', r.host)}${xmlEl('Path', r.path)}${xmlEl('Query', r.query)}${xmlEl('StatusCode', r.statusCode)}</RedirectConfig>`;
  }
  return inner;
}

function conditionXml(c: SimCondition): string {
  const values = `<Values>${scalarMembers(c.values)}</Values>`;
  const list = values;
  switch (c.field) {
    case 'path-pattern':
      return xmlEl('Field', c.field) + list + `<PathPatternConfig>${values}</PathPatternConfig>`;
    case 'host-header':
      return xmlEl('Field', c.field) + list + `<HostHeaderConfig>${values}</HostHeaderConfig>`;
    case 'source-ip':
      return xmlEl('Field', c.field) + `<SourceIpConfig>${values}</SourceIpConfig>`;
    case 'http-header':
      return xmlEl('Field', c.field) + `<HttpHeaderConfig>${xmlEl('HttpHeaderName', c.headerName)}${values}</HttpHeaderConfig>`;
    case 'http-request-method':
      return xmlEl('Field', c.field) + `<HttpRequestMethodConfig>${values}</HttpRequestMethodConfig>`;
    default:
      return xmlEl('Field', c.field) + list;
  }
}

// ── request parsing ──────────────────────────────────────────────────────────

const validation = (message: string) => new AwsError('ValidationError', message);

function scalarList(params: Record<string, string>, prefix: string): string[] {
  return queryList(params, prefix).map((e) => e[''] ?? '');
}

function int(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw validation(`${what} must be an integer`);
  return Number(v);
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** An IPv6 address as a 128-bit number (`::` expanded), or undefined. */
function ipv6ToBig(ip: string): bigint | undefined {
  if (!ip.includes(':')) return undefined;
  const [head = '', tail, ...more] = ip.split('::');
  if (more.length) return undefined;
  const hs = head ? head.split(':') : [];
  const ts = tail ? tail.split(':') : [];
  const groups = tail === undefined ? hs : [...hs, ...Array<string>(Math.max(0, 8 - hs.length - ts.length)).fill('0'), ...ts];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

function inCidr(ip: string, cidr: string): boolean {
  const [net = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(net);
  if (a === undefined || b === undefined) {
    // IPv6 (an IPv4 client never matches an IPv6 block, nor the other way round).
    const x = ipv6ToBig(ip);
    const y = ipv6ToBig(net);
    if (x === undefined || y === undefined || !(bits >= 0 && bits <= 128)) return false;
    const shift = BigInt(128 - bits);
    return x >> shift === y >> shift;
  }
  if (!(bits >= 0 && bits <= 32)) return false;
  const block = 2 ** (32 - bits);
  return Math.floor(a / block) === Math.floor(b / block);
}

/** ALB path/host patterns: `*` any run of characters, `?` exactly one; case-sensitive for paths. */
function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseInsensitive ? 'i' : '');
  return re.test(value);
}

export class Elbv2Sim {
  private readonly loadBalancers = new Map<string, SimLoadBalancer>();
  private readonly listeners = new Map<string, SimListener>();
  private readonly rules = new Map<string, SimRule>();
  private readonly targetGroups = new Map<string, SimTargetGroup>();
  private readonly tags = new Map<string, [string, string][]>();
  private counter = 0;

  constructor(readonly world: World) {}

  // ── public helpers for other simulators and tests ──────────────────────────

  targetGroupArnByName(name: string): string | undefined {
    for (const tg of this.targetGroups.values()) if (tg.name === name) return tg.arn;
    return undefined;
  }

  /** Sets a listener's default action to a forward with these weights (CodeDeploy rerouting traffic). */
  forwardTo(listenerArn: string, weights: Record<string, number>): void {
    const rule = this.defaultRule(listenerArn);
    if (!rule) throw new Error(`sandbox: no listener ${listenerArn}`);
    const tgs = Object.entries(weights).map(([arn, weight]) => ({ arn, weight }));
    rule.actions = [{ type: 'forward', order: 1, targetGroups: tgs, plainTargetGroup: tgs.length === 1 }];
  }

  /** A listener rule's forward weights (default rules included), target group ARN → weight; {} for a non-forward rule. */
  ruleWeights(ruleArn: string): Record<string, number> {
    const rule = this.rules.get(ruleArn);
    if (!rule) throw new Error(`sandbox: no listener rule ${ruleArn}`);
    const forward = rule.actions.find((a) => a.type === 'forward');
    return Object.fromEntries((forward?.targetGroups ?? []).map((t) => [t.arn, t.weight]));
  }

  /**
   * Makes a rule forward to these weighted target groups, in this order (ECS blue/green moving traffic), keeping
   * its conditions, its non-terminal actions and the forward's stickiness.
   */
  setRuleWeights(ruleArn: string, weights: Record<string, number>): void {
    const rule = this.rules.get(ruleArn);
    if (!rule) throw new Error(`sandbox: no listener rule ${ruleArn}`);
    for (const arn of Object.keys(weights)) if (!this.targetGroups.has(arn)) throw new Error(`sandbox: no target group ${arn}`);
    const terminal = (a: SimAction) => a.type === 'forward' || a.type === 'fixed-response' || a.type === 'redirect';
    const old = rule.actions.find(terminal);
    const forward: SimAction = {
      type: 'forward',
      order: old?.order ?? rule.actions.length + 1,
      targetGroups: Object.entries(weights).map(([arn, weight]) => ({ arn, weight })),
      plainTargetGroup: false,
      ...(old?.stickiness ? { stickiness: old.stickiness } : {}),
    };
    rule.actions = [...rule.actions.filter((a) => !terminal(a)), forward].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  }

  /** Every listener's ARN (the CloudWatch simulator sends traffic through each). */
  listenerArns(): string[] {
    return [...this.listeners.keys()];
  }

  hasRule(ruleArn: string): boolean {
    return this.rules.has(ruleArn);
  }

  hasTargetGroup(targetGroupArn: string): boolean {
    return this.targetGroups.has(targetGroupArn);
  }

  /** Makes every target of a group healthy or unhealthy, or removes them all (`empty`). */
  setTargetHealth(targetGroupArn: string, state: TargetHealthState): void {
    const tg = this.targetGroups.get(targetGroupArn);
    if (!tg) throw new Error(`sandbox: no target group ${targetGroupArn}`);
    if (state === 'empty') {
      tg.targets = [];
      return;
    }
    if (tg.targets.length === 0) tg.targets = this.twoTargets(tg.arn, tg.port);
    for (const t of tg.targets) {
      t.state = state;
      if (state === 'unhealthy') t.reason = 'Target.FailedHealthChecks';
      else delete t.reason;
    }
  }

  /** Name, DNS name and alias zone of a known load balancer. */
  loadBalancer(arn: string): { arn: string; name: string; dnsName: string; canonicalHostedZoneId: string } | undefined {
    const lb = this.loadBalancers.get(arn);
    return lb ? { arn, name: lb.name, ...loadBalancerDns(arn) } : undefined;
  }

  /** DNS name → alias zone id of every load balancer (Route 53 checks alias targets exist). */
  knownDnsNames(): Map<string, string> {
    return new Map([...this.loadBalancers.keys()].map((arn) => {
      const d = loadBalancerDns(arn);
      return [d.dnsName, d.canonicalHostedZoneId];
    }));
  }

  /** What a request to this listener would get: the first matching rule by priority, the default rule last. */
  evaluate(listenerArn: string, req: { path: string; sourceIp: string; host?: string; headers?: Record<string, string>; method?: string }): Evaluation {
    const listener = this.listeners.get(listenerArn);
    if (!listener) throw new Error(`sandbox: no listener ${listenerArn}`);
    const rule = this.listenerRules(listenerArn).find((r) => r.priority === 'default' || r.conditions.every((c) => this.matches(c, req)));
    const action = rule?.actions.find((a) => a.type === 'forward' || a.type === 'fixed-response' || a.type === 'redirect');
    if (!rule || !action) throw new Error(`sandbox: listener ${listenerArn} has no terminal action`);
    const auth = rule.actions.find((a) => a.type.startsWith('authenticate-'));
    if (action.type === 'forward') {
      return { kind: 'forward', ruleArn: rule.arn, targetGroups: Object.fromEntries((action.targetGroups ?? []).map((t) => [t.arn, t.weight])), ...(auth ? { authenticate: auth.type } : {}) };
    }
    if (action.type === 'fixed-response') return { kind: 'fixed-response', ruleArn: rule.arn, status: Number(action.fixed?.statusCode) };
    const r = action.redirect!;
    const protocol = (r.protocol ?? '#{protocol}').replace('#{protocol}', listener.protocol).toLowerCase();
    const host = (r.host ?? '#{host}').replace('#{host}', req.host ?? loadBalancerDns(listener.lbArn).dnsName);
    const port = (r.port ?? '#{port}').replace('#{port}', String(listener.port));
    const path = (r.path ?? '/#{path}').replace('/#{path}', req.path).replace('#{path}', req.path.replace(/^\//, ''));
    const query = (r.query ?? '#{query}').replace('#{query}', '');
    const defaultPort = (protocol === 'https' && port === '443') || (protocol === 'http' && port === '80');
    const location = `${protocol}://${host}${defaultPort ? '' : `:${port}`}${path}${query ? `?${query}` : ''}`;
    return { kind: 'redirect', ruleArn: rule.arn, status: r.statusCode === 'HTTP_301' ? 301 : 302, location };
  }

  // ── seeding from ops.yml ────────────────────────────────────────────────────

  seed(_envName: string, env: Environment): void {
    const region = env.region;
    for (const l of env.maintenance?.listeners ?? []) {
      const listener = this.ensureListener(l.listenerArn);
      const lbName = this.loadBalancers.get(listener.lbArn)!.name;
      const tg = this.ensureTargetGroup(this.tgArn(region, `${lbName}-${l.name}`));
      if (this.listenerRules(listener.arn).length <= 1) {
        this.forwardTo(listener.arn, { [tg.arn]: 1 });
        // Two application rules at the top, so a maintenance rule never finds priority 1 free.
        this.addRule(listener.arn, 1, [{ field: 'path-pattern', values: ['/api/*'] }], [{ type: 'forward', order: 1, targetGroups: [{ arn: tg.arn, weight: 1 }], plainTargetGroup: true }]);
        this.addRule(listener.arn, 2, [{ field: 'path-pattern', values: ['/static/*'] }], [{ type: 'forward', order: 1, targetGroups: [{ arn: tg.arn, weight: 1 }], plainTargetGroup: true }]);
      }
      if (l.ruleArn && !this.rules.has(l.ruleArn)) {
        // Seed 000's prepared maintenance rule: idle at the bottom until raised.
        this.addRule(listener.arn, 100, [{ field: 'path-pattern', values: ['/*'] }], [
          { type: 'fixed-response', order: 1, fixed: { statusCode: '503', contentType: 'application/json', messageBody: '{"message":"Service Unavailable"}' } },
        ], l.ruleArn);
      }
    }
    for (const c of Object.values(env.canary)) {
      if (!c.alb) continue;
      const listener = this.ensureListener(c.alb.listenerArn);
      const blue = this.ensureTargetGroup(c.alb.blueTargetGroupArn);
      const green = this.ensureTargetGroup(c.alb.greenTargetGroupArn);
      const weighted: SimAction = { type: 'forward', order: 1, targetGroups: [{ arn: blue.arn, weight: 1 }, { arn: green.arn, weight: 0 }] };
      if (c.alb.ruleArn) {
        if (!this.rules.has(c.alb.ruleArn)) this.addRule(listener.arn, this.freePriority(listener.arn, 10), [{ field: 'path-pattern', values: ['/*'] }], [weighted], c.alb.ruleArn);
      } else {
        this.defaultRule(listener.arn)!.actions = [weighted];
      }
    }
    for (const d of Object.values(env.deploy)) {
      if (d.strategy === 'codedeploy') {
        const [blueName, greenName] = d.targetGroups;
        const blue = this.ensureTargetGroup(this.targetGroupArnByName(blueName) ?? this.tgArn(region, blueName));
        this.ensureTargetGroup(this.targetGroupArnByName(greenName) ?? this.tgArn(region, greenName));
        this.ensureListener(d.prodListenerArn);
        this.forwardTo(d.prodListenerArn, { [blue.arn]: 1 });
        if (d.testListenerArn) {
          this.ensureListener(d.testListenerArn);
          this.forwardTo(d.testListenerArn, { [blue.arn]: 1 });
        }
      } else if (d.strategy === 'ecs') {
        const blue = this.ensureTargetGroup(d.targetGroupArn);
        const green = this.ensureTargetGroup(d.alternateTargetGroupArn);
        for (const ruleArn of [d.productionListenerRuleArn, d.testListenerRuleArn]) {
          if (!ruleArn || this.rules.has(ruleArn)) continue;
          const listenerArn = this.listenerArnOfRule(ruleArn);
          this.ensureListener(listenerArn);
          this.addRule(listenerArn, this.freePriority(listenerArn, 10), [{ field: 'path-pattern', values: ['/*'] }], [
            { type: 'forward', order: 1, targetGroups: [{ arn: blue.arn, weight: 1 }, { arn: green.arn, weight: 0 }] },
          ], ruleArn);
        }
      }
    }
    for (const c of Object.values(env.cutover)) {
      for (const lbArn of [c.to.loadBalancerArn, oldLoadBalancerArn(region, this.world.account)]) {
        const lb = this.ensureLoadBalancer(lbArn);
        if (lb.listeners.length > 0) continue;
        const listener = this.ensureListener(`${lbArn.replace(':loadbalancer/', ':listener/')}/${hex16(`${lbArn}:443`)}`);
        const tg = this.ensureTargetGroup(this.tgArn(region, `${lb.name}-tg`));
        this.forwardTo(listener.arn, { [tg.arn]: 1 });
      }
    }
  }

  settle(_now: number): void {}

  snapshot(): unknown {
    return {
      loadBalancers: [...this.loadBalancers.values()].map((lb) => ({ arn: lb.arn, name: lb.name, dnsName: loadBalancerDns(lb.arn).dnsName, listeners: lb.listeners })),
      listeners: [...this.listeners.values()].map((l) => ({
        arn: l.arn,
        port: l.port,
        protocol: l.protocol,
        rules: this.listenerRules(l.arn).map((r) => ({
          arn: r.arn,
          priority: r.priority,
          conditions: r.conditions.map((c) => `${c.field}${c.headerName ? `(${c.headerName})` : ''}=${c.values.join(',')}`),
          action: r.actions.map((a) => this.actionSummary(a)).join(' + '),
          ...(this.tags.get(r.arn)?.length ? { tags: Object.fromEntries(this.tags.get(r.arn)!) } : {}),
        })),
      })),
      targetGroups: [...this.targetGroups.values()].map((tg) => ({
        arn: tg.arn,
        name: tg.name,
        health: tg.targets.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t.state]: (acc[t.state] ?? 0) + 1 }), {}),
      })),
    };
  }

  // ── API handlers ─────────────────────────────────────────────────────────────

  handlers(): QueryHandlers {
    return {
      DescribeLoadBalancers: (p) => {
        const arns = scalarList(p, 'LoadBalancerArns');
        const names = scalarList(p, 'Names');
        let lbs = [...this.loadBalancers.values()];
        if (arns.length) lbs = arns.map((a) => this.loadBalancers.get(a) ?? this.notFoundLb(a));
        if (names.length) lbs = names.map((n) => lbs.find((lb) => lb.name === n) ?? this.notFoundLb(n));
        const { page, next } = this.page(lbs, p);
        return `<LoadBalancers>${members(page.map((lb) => this.lbXml(lb)))}</LoadBalancers>${xmlEl('NextMarker', next)}`;
      },
      DescribeListeners: (p) => {
        const arns = scalarList(p, 'ListenerArns');
        let ls: SimListener[];
        if (p.LoadBalancerArn) {
          const lb = this.loadBalancers.get(p.LoadBalancerArn) ?? this.notFoundLb(p.LoadBalancerArn);
          ls = lb.listeners.map((a) => this.listeners.get(a)!);
        } else if (arns.length) {
          ls = arns.map((a) => this.listener(a));
        } else {
          throw validation('You must specify either listener ARNs or a load balancer ARN');
        }
        const { page, next } = this.page(ls, p);
        return `<Listeners>${members(page.map((l) => this.listenerXml(l)))}</Listeners>${xmlEl('NextMarker', next)}`;
      },
      ModifyListener: (p) => {
        const listener = this.listener(p.ListenerArn);
        const actions = queryList(p, 'DefaultActions');
        if (actions.length) this.defaultRule(listener.arn)!.actions = this.parseActions(actions, listener, this.defaultRule(listener.arn)!.actions);
        if (p.Port) listener.port = int(p.Port, 'Port')!;
        if (p.Protocol) listener.protocol = p.Protocol;
        return `<Listeners>${members([this.listenerXml(listener)])}</Listeners>`;
      },
      DescribeRules: (p) => {
        const arns = scalarList(p, 'RuleArns');
        let rules: SimRule[];
        if (p.ListenerArn) rules = this.listenerRules(this.listener(p.ListenerArn).arn);
        else if (arns.length) rules = arns.map((a) => this.rule(a));
        else throw validation('You must specify either listener rule ARNs or a listener ARN');
        const { page, next } = this.page(rules, p);
        return `<Rules>${members(page.map((r) => this.ruleXml(r)))}</Rules>${xmlEl('NextMarker', next)}`;
      },
      CreateRule: (p) => {
        const listener = this.listener(p.ListenerArn);
        const priority = this.priority(p.Priority);
        if (this.listenerRules(listener.arn).some((r) => r.priority === priority)) {
          throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
        }
        const lbRules = [...this.rules.values()].filter((r) => r.priority !== 'default' && this.listeners.get(r.listenerArn)?.lbArn === listener.lbArn);
        if (lbRules.length >= RULES_PER_LOAD_BALANCER) {
          throw new AwsError('TooManyRules', `You've reached the limit on the number of rules per load balancer (${RULES_PER_LOAD_BALANCER})`);
        }
        const conditions = this.parseConditions(queryList(p, 'Conditions'));
        const actions = this.parseActions(queryList(p, 'Actions'), listener);
        const tags = this.parseTags(p);
        const rule = this.addRule(listener.arn, priority, conditions, actions);
        if (tags.length) this.tags.set(rule.arn, tags);
        return `<Rules>${members([this.ruleXml(rule)])}</Rules>`;
      },
      ModifyRule: (p) => {
        const rule = this.rule(p.RuleArn);
        if (rule.priority === 'default') throw new AwsError('OperationNotPermitted', 'Default rule cannot be modified; use ModifyListener to change its actions');
        const conditions = queryList(p, 'Conditions');
        const actions = queryList(p, 'Actions');
        // Validate both before changing either: a failed call leaves the rule as it was.
        const newConditions = conditions.length ? this.parseConditions(conditions) : rule.conditions;
        const newActions = actions.length ? this.parseActions(actions, this.listeners.get(rule.listenerArn)!, rule.actions) : rule.actions;
        rule.conditions = newConditions;
        rule.actions = newActions;
        return `<Rules>${members([this.ruleXml(rule)])}</Rules>`;
      },
      DeleteRule: (p) => {
        const rule = this.rule(p.RuleArn);
        if (rule.priority === 'default') throw new AwsError('OperationNotPermitted', 'Default rule cannot be deleted');
        this.rules.delete(rule.arn);
        this.tags.delete(rule.arn);
        return '';
      },
      DescribeTags: (p) => {
        const arns = scalarList(p, 'ResourceArns');
        if (arns.length === 0 || arns.length > 20) throw validation('ResourceArns must name 1 to 20 resources');
        for (const arn of arns) this.resource(arn);
        const items = arns.map((arn) => `${xmlEl('ResourceArn', arn)}<Tags>${members((this.tags.get(arn) ?? []).map(([k, v]) => xmlEl('Key', k) + xmlEl('Value', v)))}</Tags>`);
        return `<TagDescriptions>${members(items)}</TagDescriptions>`;
      },
      AddTags: (p) => {
        const arns = scalarList(p, 'ResourceArns');
        const add = this.parseTags(p);
        for (const arn of arns) this.resource(arn);
        for (const arn of arns) {
          const now = new Map(this.tags.get(arn) ?? []);
          for (const [k, v] of add) now.set(k, v);
          if (now.size > MAX_TAGS) throw new AwsError('TooManyTags', `The quota for the number of tags that can be assigned to a resource (${MAX_TAGS}) has been reached`);
          this.tags.set(arn, [...now.entries()]);
        }
        return '';
      },
      RemoveTags: (p) => {
        const arns = scalarList(p, 'ResourceArns');
        const keys = new Set(scalarList(p, 'TagKeys'));
        for (const arn of arns) this.resource(arn);
        for (const arn of arns) this.tags.set(arn, (this.tags.get(arn) ?? []).filter(([k]) => !keys.has(k)));
        return '';
      },
      SetRulePriorities: (p) => {
        const pairs = queryList(p, 'RulePriorities').map((e) => ({ rule: this.rule(e.RuleArn ?? ''), priority: this.priority(e.Priority) }));
        if (pairs.length === 0) throw validation('RulePriorities must not be empty');
        for (const { rule } of pairs) {
          if (rule.priority === 'default') throw new AwsError('OperationNotPermitted', 'The priority of a default rule cannot be changed');
        }
        // AWS checks the final state: two rules may swap priorities in one call, two may not end on one priority.
        const final = new Map(pairs.map(({ rule, priority }) => [rule.arn, priority]));
        for (const listenerArn of new Set(pairs.map(({ rule }) => rule.listenerArn))) {
          const seen = new Map<number, string>();
          for (const r of this.listenerRules(listenerArn)) {
            const prio = final.get(r.arn) ?? r.priority;
            if (prio === 'default') continue;
            if (seen.has(prio)) throw new AwsError('PriorityInUse', `Priority '${prio}' is currently in use`);
            seen.set(prio, r.arn);
          }
        }
        for (const { rule, priority } of pairs) rule.priority = priority;
        return `<Rules>${members(pairs.map(({ rule }) => this.ruleXml(rule)))}</Rules>`;
      },
      DescribeTargetGroups: (p) => {
        const arns = scalarList(p, 'TargetGroupArns');
        const names = scalarList(p, 'Names');
        let tgs = [...this.targetGroups.values()];
        if (p.LoadBalancerArn) {
          if (!this.loadBalancers.has(p.LoadBalancerArn)) this.notFoundLb(p.LoadBalancerArn);
          const used = this.targetGroupsOf(p.LoadBalancerArn);
          tgs = tgs.filter((tg) => used.has(tg.arn));
        }
        if (arns.length) tgs = arns.map((a) => this.targetGroups.get(a) ?? this.notFoundTg(a));
        if (names.length) tgs = names.map((n) => tgs.find((tg) => tg.name === n) ?? this.notFoundTg(n));
        const { page, next } = this.page(tgs, p);
        return `<TargetGroups>${members(page.map((tg) => this.tgXml(tg)))}</TargetGroups>${xmlEl('NextMarker', next)}`;
      },
      DescribeTargetHealth: (p) => {
        const tg = this.targetGroups.get(p.TargetGroupArn ?? '') ?? this.notFoundTg(p.TargetGroupArn ?? '');
        const wanted = queryList(p, 'Targets').map((t) => t.Id);
        const targets = wanted.length ? tg.targets.filter((t) => wanted.includes(t.id)) : tg.targets;
        const items = targets.map(
          (t) =>
            `<Target>${xmlEl('Id', t.id)}${xmlEl('Port', t.port)}${xmlEl('AvailabilityZone', t.az)}</Target>${xmlEl('HealthCheckPort', t.port)}` +
            `<TargetHealth>${xmlEl('State', t.state)}${xmlEl('Reason', t.reason)}${xmlEl('Description', t.reason ? 'Health checks failed' : undefined)}</TargetHealth>`,
        );
        return `<TargetHealthDescriptions>${members(items)}</TargetHealthDescriptions>`;
      },
    };
  }

  // ── internals ───────────────────────────────────────────────────────────────

  /** Tags as AWS takes them: Tags.member.N.Key/Value; keys 1–128, values 0–256, no `aws:` prefix, at most 50. */
  private parseTags(p: Record<string, string>): [string, string][] {
    const tags = queryList(p, 'Tags').map((t): [string, string] => [t.Key ?? '', t.Value ?? '']);
    if (tags.length > MAX_TAGS) throw new AwsError('TooManyTags', `A resource can have at most ${MAX_TAGS} tags`);
    for (const [k, v] of tags) {
      if (k.length < 1 || k.length > 128) throw validation(`Tag key '${k}' must be 1 to 128 characters`);
      if (k.toLowerCase().startsWith('aws:')) throw validation(`Tag key '${k}' uses the reserved prefix 'aws:'`);
      if (v.length > 256) throw validation(`The value of tag '${k}' must be at most 256 characters`);
    }
    if (new Set(tags.map(([k]) => k)).size !== tags.length) throw new AwsError('DuplicateTagKeys', 'A tag key appears more than once');
    return tags;
  }

  /** A taggable resource must exist (rules are what the bot tags; the others answer with no tags). */
  private resource(arn: string): void {
    if (arn.includes(':listener-rule/')) this.rule(arn);
    else if (arn.includes(':listener/')) this.listener(arn);
    else if (arn.includes(':loadbalancer/')) {
      if (!this.loadBalancers.has(arn)) this.notFoundLb(arn);
    } else if (arn.includes(':targetgroup/')) {
      if (!this.targetGroups.has(arn)) this.notFoundTg(arn);
    } else throw validation(`'${arn}' is not a valid resource ARN`);
  }

  /** Test helper: a rule's tags, key → value. */
  ruleTags(ruleArn: string): Record<string, string> {
    return Object.fromEntries(this.tags.get(ruleArn) ?? []);
  }

  private notFoundLb(what: string): never {
    throw new AwsError('LoadBalancerNotFound', `One or more load balancers not found: '${what}'`);
  }
  private notFoundTg(what: string): never {
    throw new AwsError('TargetGroupNotFound', `One or more target groups not found: '${what}'`);
  }
  private listener(arn: string | undefined): SimListener {
    const l = this.listeners.get(arn ?? '');
    if (!l) throw new AwsError('ListenerNotFound', `One or more listeners not found: '${arn ?? ''}'`);
    return l;
  }
  private rule(arn: string | undefined): SimRule {
    const r = this.rules.get(arn ?? '');
    if (!r) throw new AwsError('RuleNotFound', `One or more rules not found: '${arn ?? ''}'`);
    return r;
  }

  private priority(v: string | undefined): number {
    const n = int(v, 'Priority');
    if (n === undefined || n < 1 || n > MAX_PRIORITY) {
      throw validation(`1 validation error detected: Value '${v ?? ''}' at 'priority' failed to satisfy constraint: Member must have value between 1 and ${MAX_PRIORITY}`);
    }
    return n;
  }

  private page<T>(items: T[], p: Record<string, string>): { page: T[]; next?: string } {
    const size = int(p.PageSize, 'PageSize') ?? 400;
    if (size < 1 || size > 400) throw validation('PageSize must be between 1 and 400');
    const start = p.Marker ? Number(Buffer.from(p.Marker, 'base64').toString('utf8')) : 0;
    const page = items.slice(start, start + size);
    return start + size < items.length ? { page, next: Buffer.from(String(start + size)).toString('base64') } : { page };
  }

  private listenerArnOfRule(ruleArn: string): string {
    return ruleArn.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '');
  }

  private defaultRule(listenerArn: string): SimRule | undefined {
    for (const r of this.rules.values()) if (r.listenerArn === listenerArn && r.priority === 'default') return r;
    return undefined;
  }

  /** Rules of a listener in the order the ALB evaluates them: priority ascending, the default rule last. */
  private listenerRules(listenerArn: string): SimRule[] {
    const rank = (r: SimRule) => (r.priority === 'default' ? Infinity : r.priority);
    return [...this.rules.values()].filter((r) => r.listenerArn === listenerArn).sort((a, b) => rank(a) - rank(b));
  }

  private freePriority(listenerArn: string, from: number): number {
    const taken = new Set(this.listenerRules(listenerArn).map((r) => r.priority));
    let p = from;
    while (taken.has(p)) p += 1;
    return p;
  }

  private targetGroupsOf(lbArn: string): Set<string> {
    const out = new Set<string>();
    for (const r of this.rules.values()) {
      if (this.listeners.get(r.listenerArn)?.lbArn !== lbArn) continue;
      for (const a of r.actions) for (const t of a.targetGroups ?? []) out.add(t.arn);
    }
    return out;
  }

  private tgArn(region: string, name: string): string {
    return `arn:aws:elasticloadbalancing:${region}:${this.world.account}:targetgroup/${name}/${hex16(`tg:${name}`)}`;
  }

  private ensureLoadBalancer(arn: string): SimLoadBalancer {
    let lb = this.loadBalancers.get(arn);
    if (!lb) {
      const p = parseArn(arn);
      lb = { arn, name: p?.lbName ?? 'lb', region: p?.region ?? 'ap-northeast-1', createdAt: this.world.clock.now() - 90 * 86_400_000, listeners: [] };
      this.loadBalancers.set(arn, lb);
    }
    return lb;
  }

  private ensureListener(arn: string): SimListener {
    let l = this.listeners.get(arn);
    if (l) return l;
    const lbArn = arn.replace(':listener/', ':loadbalancer/').replace(/\/[^/]+$/, '');
    const lb = this.ensureLoadBalancer(lbArn);
    const used = new Set(lb.listeners.map((a) => this.listeners.get(a)?.port));
    const port = [443, 80, 8443, 8080, 9443, 9080].find((p) => !used.has(p)) ?? 10_000 + lb.listeners.length;
    l = { arn, lbArn, port, protocol: port === 80 || port === 8080 || port === 9080 ? 'HTTP' : 'HTTPS' };
    this.listeners.set(arn, l);
    lb.listeners.push(arn);
    const defaultRuleArn = `${arn.replace(':listener/', ':listener-rule/')}/${hex16(`default:${arn}`)}`;
    this.rules.set(defaultRuleArn, {
      arn: defaultRuleArn,
      listenerArn: arn,
      priority: 'default',
      conditions: [],
      actions: [{ type: 'fixed-response', order: 1, fixed: { statusCode: '404', contentType: 'text/plain', messageBody: 'Not Found' } }],
    });
    return l;
  }

  private ensureTargetGroup(arn: string): SimTargetGroup {
    let tg = this.targetGroups.get(arn);
    if (!tg) {
      const name = parseArn(arn)?.lbName ?? 'tg';
      tg = { arn, name, port: 80, protocol: 'HTTP', targets: this.twoTargets(arn, 80) };
      this.targetGroups.set(arn, tg);
    }
    return tg;
  }

  private twoTargets(seed: string, port: number): SimTarget[] {
    const h = createHash('sha256').update(seed).digest();
    const region = parseArn(seed)?.region ?? 'ap-northeast-1';
    return [0, 1].map((i) => ({ id: `10.0.${i + 1}.${((h[i] ?? 0) % 250) + 4}`, port, az: `${region}${i === 0 ? 'a' : 'c'}`, state: 'healthy' }));
  }

  private addRule(listenerArn: string, priority: number, conditions: SimCondition[], actions: SimAction[], arn?: string): SimRule {
    this.counter += 1;
    const ruleArn = arn ?? `${listenerArn.replace(':listener/', ':listener-rule/')}/${hex16(`rule:${listenerArn}:${this.counter}`)}`;
    const rule: SimRule = { arn: ruleArn, listenerArn, priority, conditions, actions };
    this.rules.set(ruleArn, rule);
    return rule;
  }

  private matches(c: SimCondition, req: { path: string; sourceIp: string; host?: string; headers?: Record<string, string>; method?: string }): boolean {
    switch (c.field) {
      case 'path-pattern':
        return c.values.some((v) => globMatch(v, req.path));
      case 'source-ip':
        return c.values.some((v) => inCidr(req.sourceIp, v));
      case 'host-header':
        return req.host !== undefined && c.values.some((v) => globMatch(v, req.host!, true));
      case 'http-header': {
        const entry = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === c.headerName?.toLowerCase());
        return entry !== undefined && c.values.some((v) => globMatch(v, entry[1], true));
      }
      case 'http-request-method':
        return c.values.includes(req.method ?? 'GET');
      default:
        return false;
    }
  }

  private parseConditions(raw: Record<string, string>[]): SimCondition[] {
    if (raw.length === 0) throw validation('A rule must have at least one condition');
    const parsed = this.parseConditionList(raw);
    for (const c of parsed) {
      if (c.values.length > MAX_VALUES_PER_CONDITION) throw validation(`A '${c.field}' condition can have at most ${MAX_VALUES_PER_CONDITION} values; this one has ${c.values.length}`);
    }
    const values = parsed.reduce((n, c) => n + c.values.length, 0);
    if (values > MAX_CONDITION_VALUES) throw validation(`A rule can have at most ${MAX_CONDITION_VALUES} condition values; this one has ${values}`);
    return parsed;
  }

  private parseConditionList(raw: Record<string, string>[]): SimCondition[] {
    return raw.map((c) => {
      const field = c.Field ?? '';
      if (!(CONDITION_FIELDS as readonly string[]).includes(field)) throw validation(`Condition field '${field}' must be one of [${CONDITION_FIELDS.join(', ')}]`);
      const configKey = { 'path-pattern': 'PathPatternConfig', 'host-header': 'HostHeaderConfig', 'source-ip': 'SourceIpConfig', 'http-header': 'HttpHeaderConfig', 'http-request-method': 'HttpRequestMethodConfig', 'query-string': 'QueryStringConfig' }[field]!;
      const values = [...scalarList(c, 'Values'), ...scalarList(c, `${configKey}.Values`)];
      if (values.length === 0) throw validation(`A condition '${field}' must have at least one value`);
      if (field === 'source-ip') {
        for (const v of values) {
          if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(v)) throw validation(`The source IP '${v}' is not a valid CIDR block`);
        }
      }
      if (field === 'http-header') {
        const headerName = c['HttpHeaderConfig.HttpHeaderName'];
        if (!headerName) throw validation('An http-header condition needs HttpHeaderConfig.HttpHeaderName');
        return { field, values, headerName };
      }
      if (field === 'source-ip' && c['Values.member.1'] !== undefined) throw validation("Condition 'source-ip' takes its values in SourceIpConfig");
      return { field, values };
    });
  }

  /** `previous`: the actions being replaced (ModifyRule/ModifyListener), for UseExistingClientSecret. */
  private parseActions(raw: Record<string, string>[], listener: SimListener, previous?: SimAction[]): SimAction[] {
    const lbArn = listener.lbArn;
    if (raw.length === 0) throw validation('At least one action is required');
    const actions = raw.map((a, i) => this.parseAction(a, i + 1, previous));
    const terminal = actions.filter((a) => ['forward', 'fixed-response', 'redirect'].includes(a.type));
    if (terminal.length !== 1) throw new AwsError('InvalidLoadBalancerAction', 'A rule must have exactly one forward, fixed-response or redirect action');
    if (new Set(actions.map((a) => a.order)).size !== actions.length) throw new AwsError('InvalidLoadBalancerAction', 'Action orders must be unique');
    const last = Math.max(...actions.map((a) => a.order ?? 0));
    if (terminal[0]!.order !== last) throw new AwsError('InvalidLoadBalancerAction', `The ${terminal[0]!.type} action must be the last action (it has order ${terminal[0]!.order}, another action has order ${last})`);
    const auths = actions.filter((a) => a.type.startsWith('authenticate-'));
    if (auths.length > 1) throw new AwsError('InvalidLoadBalancerAction', 'A rule can have at most one authenticate action');
    if (auths.length && listener.protocol !== 'HTTPS') throw new AwsError('InvalidLoadBalancerAction', `Authenticate actions are supported only on HTTPS listeners; listener ${listener.arn} is ${listener.protocol}`);
    for (const a of actions) {
      for (const t of a.targetGroups ?? []) {
        if (!this.targetGroups.has(t.arn)) this.notFoundTg(t.arn);
      }
    }
    // A target group may serve one load balancer only (TargetGroupAssociationLimit).
    for (const a of actions) {
      for (const t of a.targetGroups ?? []) {
        const other = [...this.loadBalancers.keys()].find((lb) => lb !== lbArn && this.targetGroupsOf(lb).has(t.arn));
        if (other) throw new AwsError('TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${t.arn}`);
      }
    }
    return actions;
  }

  private parseAuth(a: Record<string, string>, type: 'authenticate-oidc' | 'authenticate-cognito', previous?: SimAction[]): SimAuth {
    const prefix = type === 'authenticate-oidc' ? 'AuthenticateOidcConfig.' : 'AuthenticateCognitoConfig.';
    const config: Record<string, string> = {};
    const extraParams: Record<string, string> = {};
    const entries = new Map<string, { key?: string; value?: string }>();
    let secret: string | undefined;
    let useExisting = false;
    for (const [k, v] of Object.entries(a)) {
      if (!k.startsWith(prefix)) continue;
      const field = k.slice(prefix.length);
      const m = /^AuthenticationRequestExtraParams\.entry\.(\d+)\.(key|value)$/.exec(field);
      if (m) {
        const e = entries.get(m[1]!) ?? {};
        e[m[2] as 'key' | 'value'] = v;
        entries.set(m[1]!, e);
      } else if (field === 'ClientSecret') secret = v;
      else if (field === 'UseExistingClientSecret') useExisting = v === 'true';
      else config[field] = v;
    }
    for (const e of [...entries.entries()].sort((x, y) => Number(x[0]) - Number(y[0])).map(([, e]) => e)) extraParams[e.key ?? ''] = e.value ?? '';
    const required = type === 'authenticate-oidc' ? ['Issuer', 'AuthorizationEndpoint', 'TokenEndpoint', 'UserInfoEndpoint', 'ClientId'] : ['UserPoolArn', 'UserPoolClientId', 'UserPoolDomain'];
    for (const f of required) if (!config[f]) throw validation(`${prefix}${f} is required for a ${type} action`);
    if (config.OnUnauthenticatedRequest !== undefined && !['deny', 'allow', 'authenticate'].includes(config.OnUnauthenticatedRequest)) {
      throw validation(`OnUnauthenticatedRequest '${config.OnUnauthenticatedRequest}' must be one of [deny, allow, authenticate]`);
    }
    if (config.SessionTimeout !== undefined) int(config.SessionTimeout, 'SessionTimeout');
    if (type === 'authenticate-oidc' && secret === undefined) {
      // AWS never returns the secret: a rewrite must say UseExistingClientSecret, and only a modify can.
      const old = previous?.find((x) => x.type === 'authenticate-oidc')?.auth?.secret;
      if (!useExisting || old === undefined) throw validation('You must specify a client secret for an authenticate-oidc action (or UseExistingClientSecret when modifying an existing one)');
      secret = old;
    }
    return { config, extraParams, ...(secret !== undefined ? { secret } : {}) };
  }

  private parseAction(a: Record<string, string>, position: number, previous?: SimAction[]): SimAction {
    const type = a.Type ?? '';
    const order = int(a.Order, 'Order') ?? position;
    if (type === 'authenticate-oidc' || type === 'authenticate-cognito') return { type, order, auth: this.parseAuth(a, type, previous) };
    if (type === 'forward') {
      const tuples = queryList(a, 'ForwardConfig.TargetGroups').map((t) => ({ arn: t.TargetGroupArn ?? '', weight: int(t.Weight, 'Weight') ?? 1 }));
      if (a.TargetGroupArn && tuples.length > 1) throw validation('You cannot specify both a target group ARN and a forward config with more than one target group');
      if (a.TargetGroupArn && tuples.length === 1 && tuples[0]!.arn !== a.TargetGroupArn) {
        throw validation('The target group ARN and the target group in the forward config must match');
      }
      const targetGroups = tuples.length ? tuples : a.TargetGroupArn ? [{ arn: a.TargetGroupArn, weight: 1 }] : [];
      if (targetGroups.length === 0) throw validation('A forward action needs a TargetGroupArn or ForwardConfig.TargetGroups');
      if (targetGroups.length > MAX_WEIGHTED_TARGET_GROUPS) {
        throw new AwsError('TooManyTargetGroups', `A forward action can have at most ${MAX_WEIGHTED_TARGET_GROUPS} target groups`);
      }
      for (const t of targetGroups) {
        if (t.weight < 0 || t.weight > MAX_WEIGHT) throw validation(`Target group weight '${t.weight}' must be between 0 and ${MAX_WEIGHT}`);
      }
      if (new Set(targetGroups.map((t) => t.arn)).size !== targetGroups.length) throw validation('A target group can be listed only once in a forward action');
      const enabled = a['ForwardConfig.TargetGroupStickinessConfig.Enabled'];
      const stickiness = enabled !== undefined ? { enabled: enabled === 'true', durationSeconds: int(a['ForwardConfig.TargetGroupStickinessConfig.DurationSeconds'], 'DurationSeconds') } : undefined;
      if (stickiness?.enabled && (stickiness.durationSeconds === undefined || stickiness.durationSeconds < 1 || stickiness.durationSeconds > 604_800)) {
        throw validation('TargetGroupStickinessConfig.DurationSeconds must be between 1 and 604800 when stickiness is enabled');
      }
      return { type, order, targetGroups, plainTargetGroup: tuples.length === 0, ...(stickiness ? { stickiness } : {}) };
    }
    if (type === 'fixed-response') {
      const statusCode = a['FixedResponseConfig.StatusCode'] ?? '';
      if (!/^(2|4|5)\d\d$/.test(statusCode)) {
        throw validation(`1 validation error detected: Value '${statusCode}' at 'actions.${position}.member.fixedResponseConfig.statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$`);
      }
      const contentType = a['FixedResponseConfig.ContentType'];
      if (contentType !== undefined && !(FIXED_CONTENT_TYPES as readonly string[]).includes(contentType)) {
        throw validation(`Content type '${contentType}' must be one of ${FIXED_CONTENT_TYPES.join(', ')}`);
      }
      const messageBody = a['FixedResponseConfig.MessageBody'];
      if (messageBody !== undefined && messageBody.length > MAX_FIXED_BODY) {
        throw validation(`1 validation error detected: Value at 'actions.${position}.member.fixedResponseConfig.messageBody' failed to satisfy constraint: Member must have length less than or equal to ${MAX_FIXED_BODY}`);
      }
      return { type, order, fixed: { statusCode, ...(contentType !== undefined ? { contentType } : {}), ...(messageBody !== undefined ? { messageBody } : {}) } };
    }
    if (type === 'redirect') {
      const statusCode = a['RedirectConfig.StatusCode'] ?? '';
      if (statusCode !== 'HTTP_301' && statusCode !== 'HTTP_302') throw validation(`Redirect status code '${statusCode}' must be HTTP_301 or HTTP_302`);
      const protocol = a['RedirectConfig.Protocol'];
      if (protocol !== undefined && !['HTTP', 'HTTPS', '#{protocol}'].includes(protocol)) throw validation(`Redirect protocol '${protocol}' must be HTTP, HTTPS or #{protocol}`);
      const pick = (k: string) => a[`RedirectConfig.${k}`];
      const redirect = { statusCode } as NonNullable<SimAction['redirect']>;
      for (const [k, field] of [['Protocol', 'protocol'], ['Port', 'port'], ['Host', 'host'], ['Path', 'path'], ['Query', 'query']] as const) {
        const v = pick(k);
        if (v !== undefined) redirect[field] = v;
      }
      if (redirect.path !== undefined && !redirect.path.startsWith('/')) throw validation("Redirect path must start with '/'");
      return { type, order, redirect };
    }
    throw validation(`Action type '${type}' must be one of [forward, authenticate-oidc, authenticate-cognito, redirect, fixed-response]`);
  }

  private actionSummary(a: SimAction): string {
    if (a.auth) return `${a.type} ${a.auth.config.ClientId ?? a.auth.config.UserPoolClientId ?? ''}`;
    if (a.type === 'forward') return `forward ${(a.targetGroups ?? []).map((t) => `${parseArn(t.arn)?.lbName ?? t.arn}:${t.weight}`).join(',')}${a.stickiness?.enabled ? ` sticky ${a.stickiness.durationSeconds ?? ''}s` : ''}`;
    if (a.type === 'fixed-response') return `fixed-response ${a.fixed?.statusCode ?? ''}`;
    const r = a.redirect;
    return `redirect ${r?.statusCode ?? ''} ${r?.protocol ?? '#{protocol}'}://${r?.host ?? '#{host}'}${r?.path ?? '/#{path}'}`;
  }

  private lbXml(lb: SimLoadBalancer): string {
    const dns = loadBalancerDns(lb.arn);
    return (
      xmlEl('LoadBalancerArn', lb.arn) +
      xmlEl('DNSName', dns.dnsName) +
      xmlEl('CanonicalHostedZoneId', dns.canonicalHostedZoneId) +
      xmlEl('CreatedTime', new Date(lb.createdAt).toISOString()) +
      xmlEl('LoadBalancerName', lb.name) +
      xmlEl('Scheme', 'internet-facing') +
      xmlEl('VpcId', 'vpc-0sandbox0000000') +
      `<State>${xmlEl('Code', 'active')}</State>` +
      xmlEl('Type', 'application') +
      `<AvailabilityZones>${members([`${xmlEl('ZoneName', `${lb.region}a`)}${xmlEl('SubnetId', 'subnet-0sandboxa')}`, `${xmlEl('ZoneName', `${lb.region}c`)}${xmlEl('SubnetId', 'subnet-0sandboxc')}`])}</AvailabilityZones>` +
      xmlEl('IpAddressType', 'dualstack')
    );
  }

  private listenerXml(l: SimListener): string {
    const actions = this.defaultRule(l.arn)?.actions ?? [];
    return (
      xmlEl('ListenerArn', l.arn) +
      xmlEl('LoadBalancerArn', l.lbArn) +
      xmlEl('Port', l.port) +
      xmlEl('Protocol', l.protocol) +
      `<DefaultActions>${members(actions.map((a) => actionXml(a)))}</DefaultActions>`
    );
  }

  private ruleXml(r: SimRule): string {
    return (
      xmlEl('RuleArn', r.arn) +
      xmlEl('Priority', String(r.priority)) +
      `<Conditions>${members(r.conditions.map((c) => conditionXml(c)))}</Conditions>` +
      `<Actions>${members(r.actions.map((a) => actionXml(a)))}</Actions>` +
      xmlEl('IsDefault', r.priority === 'default')
    );
  }

  private tgXml(tg: SimTargetGroup): string {
    const lbs = [...this.loadBalancers.keys()].filter((lb) => this.targetGroupsOf(lb).has(tg.arn));
    return (
      xmlEl('TargetGroupArn', tg.arn) +
      xmlEl('TargetGroupName', tg.name) +
      xmlEl('Protocol', tg.protocol) +
      xmlEl('Port', tg.port) +
      xmlEl('VpcId', 'vpc-0sandbox0000000') +
      xmlEl('HealthCheckProtocol', tg.protocol) +
      xmlEl('HealthCheckPort', 'traffic-port') +
      xmlEl('HealthCheckEnabled', true) +
      xmlEl('HealthCheckPath', '/health') +
      `<LoadBalancerArns>${scalarMembers(lbs)}</LoadBalancerArns>` +
      xmlEl('TargetType', 'ip')
    );
  }
}
