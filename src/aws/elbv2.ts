// The ALB as the operations see it: listener rules, weighted forwards, load balancers and target health, as plain values.
import type { Action as SdkAction, ElasticLoadBalancingV2Client, RuleCondition as SdkCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { sdk } from './sdk.js';
import { AwsErrorCode, AwsGatewayError, awsErrorName, translate } from './errors.js';
import { messages, type Lang } from '../i18n/index.js';

/** The gateway's words for what a call was about, in a language (src/i18n/resources.ts). */
const said = (lang: Lang) => messages(lang).resources;

// ── domain types ────────────────────────────────────────────────────────────────

export const ConditionField = {
  pathPattern: 'path-pattern',
  sourceIp: 'source-ip',
  hostHeader: 'host-header',
  httpHeader: 'http-header',
  httpRequestMethod: 'http-request-method',
  queryString: 'query-string',
} as const;
export type ConditionField = (typeof ConditionField)[keyof typeof ConditionField];

export interface Condition {
  field: ConditionField;
  values: string[];
  /** http-header only: the header compared. */
  headerName?: string;
}

export interface RedirectParts {
  protocol: string;
  host: string;
  port: string;
  path: string;
  query: string;
}

export type Action =
  | { type: 'forward'; targetGroups: Record<string, number> }
  | { type: 'fixed-response'; status: number; contentType: string; body: string }
  /** `url` when every part is fixed (no `#{…}` placeholder but the query); `parts` always on reads. */
  | { type: 'redirect'; status: 301 | 302; url?: string; parts?: RedirectParts };

export interface Rule {
  arn: string;
  priority: number | 'default';
  isDefault: boolean;
  conditions: Condition[];
  /** The terminal action (forward, fixed-response or redirect); undefined if the rule only authenticates. */
  action: Action | undefined;
  /** Every action exactly as AWS returned it, in order (authenticate-* included): what a rewrite must keep. */
  actions: SdkAction[];
}

export interface LoadBalancer {
  arn: string;
  name: string;
  dnsName: string;
  canonicalHostedZoneId: string;
  state: string;
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultAction: Action | undefined;
}

export interface TargetHealth {
  healthy: number;
  unhealthy: number;
  total: number;
  states: Record<string, number>;
}

export interface RuleMove {
  ruleArn: string;
  priority: number;
}

// AWS quotas for Application Load Balancers (docs "Quotas for your Application Load Balancers", November 2026).
const MAX_WEIGHTED_TARGET_GROUPS = 5;
const MAX_WEIGHT = 999;
const MAX_PRIORITY = 50_000;

// ── SDK ↔ domain ─────────────────────────────────────────────────────────────────

function toCondition(c: SdkCondition): Condition {
  const field = (c.Field ?? '') as ConditionField;
  const values =
    c.PathPatternConfig?.Values ?? c.HostHeaderConfig?.Values ?? c.SourceIpConfig?.Values ?? c.HttpHeaderConfig?.Values ?? c.HttpRequestMethodConfig?.Values ?? c.Values ?? [];
  return c.HttpHeaderConfig?.HttpHeaderName ? { field, values, headerName: c.HttpHeaderConfig.HttpHeaderName } : { field, values };
}

function fromCondition(c: Condition): SdkCondition {
  switch (c.field) {
    case 'path-pattern':
      return { Field: c.field, PathPatternConfig: { Values: c.values } };
    case 'host-header':
      return { Field: c.field, HostHeaderConfig: { Values: c.values } };
    case 'source-ip':
      return { Field: c.field, SourceIpConfig: { Values: c.values } };
    case 'http-header':
      return { Field: c.field, HttpHeaderConfig: { HttpHeaderName: c.headerName, Values: c.values } };
    case 'http-request-method':
      return { Field: c.field, HttpRequestMethodConfig: { Values: c.values } };
    default:
      return { Field: c.field, Values: c.values };
  }
}

function redirectUrl(p: RedirectParts): string | undefined {
  if ([p.protocol, p.host, p.port, p.path].some((v) => v.includes('#{'))) return undefined;
  const protocol = p.protocol.toLowerCase();
  const defaultPort = (protocol === 'https' && p.port === '443') || (protocol === 'http' && p.port === '80');
  // '#{query}' keeps the caller's query string; a URL written without one reads back the same.
  const query = p.query && p.query !== '#{query}' ? `?${p.query}` : '';
  return `${protocol}://${p.host}${defaultPort ? '' : `:${p.port}`}${p.path}${query}`;
}

function toAction(actions: SdkAction[] | undefined): Action | undefined {
  const a = actions?.find((x) => x.Type === 'forward' || x.Type === 'fixed-response' || x.Type === 'redirect');
  if (!a) return undefined;
  if (a.Type === 'forward') {
    const tuples = a.ForwardConfig?.TargetGroups?.length ? a.ForwardConfig.TargetGroups : [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }];
    return { type: 'forward', targetGroups: Object.fromEntries(tuples.map((t) => [t.TargetGroupArn ?? '', t.Weight ?? 1])) };
  }
  if (a.Type === 'fixed-response') {
    const f = a.FixedResponseConfig;
    return { type: 'fixed-response', status: Number(f?.StatusCode), contentType: f?.ContentType ?? 'text/plain', body: f?.MessageBody ?? '' };
  }
  const r = a.RedirectConfig;
  const parts: RedirectParts = {
    protocol: r?.Protocol ?? '#{protocol}',
    host: r?.Host ?? '#{host}',
    port: r?.Port ?? '#{port}',
    path: r?.Path ?? '/#{path}',
    query: r?.Query ?? '#{query}',
  };
  const url = redirectUrl(parts);
  return { type: 'redirect', status: r?.StatusCode === 'HTTP_301' ? 301 : 302, parts, ...(url ? { url } : {}) };
}

function fromAction(a: Action): SdkAction {
  if (a.type === 'forward') {
    return { Type: 'forward', Order: 1, ForwardConfig: { TargetGroups: Object.entries(a.targetGroups).map(([arn, w]) => ({ TargetGroupArn: arn, Weight: w })) } };
  }
  if (a.type === 'fixed-response') {
    return { Type: 'fixed-response', Order: 1, FixedResponseConfig: { StatusCode: String(a.status), ContentType: a.contentType, MessageBody: a.body } };
  }
  const status = a.status === 301 ? 'HTTP_301' : 'HTTP_302';
  if (a.url) {
    const u = new URL(a.url);
    const protocol = u.protocol.replace(':', '').toUpperCase();
    return {
      Type: 'redirect',
      Order: 1,
      RedirectConfig: {
        StatusCode: status,
        Protocol: protocol,
        Host: u.hostname,
        // Explicit, or an HTTP listener would redirect to https://host:80.
        Port: u.port || (protocol === 'HTTPS' ? '443' : '80'),
        Path: u.pathname,
        ...(u.search ? { Query: u.search.slice(1) } : {}),
      },
    };
  }
  const p = a.parts;
  return {
    Type: 'redirect',
    Order: 1,
    RedirectConfig: { StatusCode: status, Protocol: p?.protocol, Host: p?.host, Port: p?.port, Path: p?.path, Query: p?.query },
  };
}

/**
 * An action as AWS returned it, made fit to send back unchanged. AWS never returns an OIDC client secret, so a
 * rewrite says UseExistingClientSecret (valid on ModifyRule/ModifyListener only); a weighted forward names its target
 * groups in ForwardConfig alone (AWS refuses TargetGroupArn next to more than one group).
 */
export function actionForWrite(a: SdkAction): SdkAction {
  const out = structuredClone(a);
  if (out.Type === 'authenticate-oidc' && out.AuthenticateOidcConfig) {
    delete out.AuthenticateOidcConfig.ClientSecret;
    out.AuthenticateOidcConfig.UseExistingClientSecret = true;
  }
  if (out.Type === 'forward' && out.ForwardConfig?.TargetGroups?.length) delete out.TargetGroupArn;
  return out;
}

/**
 * The same action list with only the forward's weights changed: other actions, their order, the forward's stickiness
 * and any target group not named keep what AWS holds. Groups named but absent are appended.
 */
export function withWeights(actions: SdkAction[], weights: Record<string, number>, what: string): SdkAction[] {
  const at = actions.findIndex((a) => a.Type === 'forward');
  if (at < 0) {
    const kind = actions.find((a) => a.Type === 'fixed-response' || a.Type === 'redirect')?.Type ?? 'empty';
    throw new AwsGatewayError(AwsErrorCode.invalid, `${what} does not forward to target groups (it is ${kind}) — the bot changes weights only on a forward action and leaves this one alone`);
  }
  const fwd = actions[at]!;
  const tuples = fwd.ForwardConfig?.TargetGroups?.length ? fwd.ForwardConfig.TargetGroups : [{ TargetGroupArn: fwd.TargetGroupArn, Weight: 1 }];
  const named = new Set(Object.keys(weights));
  const groups = [
    ...tuples.map((t) => (t.TargetGroupArn !== undefined && named.has(t.TargetGroupArn) ? { ...t, Weight: weights[t.TargetGroupArn] } : t)),
    ...Object.entries(weights)
      .filter(([arn]) => !tuples.some((t) => t.TargetGroupArn === arn))
      .map(([arn, w]) => ({ TargetGroupArn: arn, Weight: w })),
  ];
  const forward: SdkAction = { ...fwd, ForwardConfig: { ...(fwd.ForwardConfig ?? {}), TargetGroups: groups } };
  return actions.map((a, i) => actionForWrite(i === at ? forward : a));
}

function checkWeights(weights: Record<string, number>, what: string): void {
  const entries = Object.entries(weights);
  if (entries.length === 0 || entries.length > MAX_WEIGHTED_TARGET_GROUPS) {
    throw new AwsGatewayError(AwsErrorCode.invalid, `${what}: a forward takes 1 to ${MAX_WEIGHTED_TARGET_GROUPS} target groups, got ${entries.length}`);
  }
  for (const [arn, w] of entries) {
    if (!Number.isInteger(w) || w < 0 || w > MAX_WEIGHT) {
      throw new AwsGatewayError(AwsErrorCode.invalid, `${what}: weight ${w} for ${arn} is outside 0–${MAX_WEIGHT} (ALB limit)`);
    }
  }
}

export class Elbv2Gateway {
  constructor(
    private readonly client: ElasticLoadBalancingV2Client,
    private readonly ctx: { envName: string; region: string; listenerNames?: Readonly<Record<string, string>> },
  ) {}

  /** A listener as people know it: its ops.yml name (with the ARN's last part), or its ARN when ops.yml has no name for it. */
  private named(arn: string, lang: Lang = 'en'): string {
    const name = this.ctx.listenerNames?.[arn];
    return name ? said(lang).listenerNamed({ name, id: arn.split(':listener/').pop() ?? arn }) : said(lang).listener({ arn });
  }

  /** What a call was about, in a language, in this gateway's region. */
  private about(what: (lang: Lang) => string): (lang: Lang) => string {
    return (l) => said(l).inRegion({ what: what(l), region: this.ctx.region });
  }

  private listenerHint(hint?: string): string {
    return hint ?? `check the listenerArn values under environments.${this.ctx.envName} (maintenance.listeners, canary, deploy)`;
  }

  /** Every rule of a listener, the default one included (priority 'default'), in evaluation order. */
  async rules(listenerArn: string, hint?: string): Promise<Rule[]> {
    const out: Rule[] = [];
    try {
      let marker: string | undefined;
      do {
        const page = await this.client.send(new sdk.elbv2.DescribeRulesCommand({ ListenerArn: listenerArn, ...(marker ? { Marker: marker } : {}) }));
        for (const r of page.Rules ?? []) {
          const isDefault = r.IsDefault === true || r.Priority === 'default';
          out.push({ arn: r.RuleArn ?? '', priority: isDefault ? 'default' : Number(r.Priority), isDefault, conditions: (r.Conditions ?? []).map(toCondition), action: toAction(r.Actions), actions: r.Actions ?? [] });
        }
        marker = page.NextMarker;
      } while (marker);
    } catch (err) {
      throw translate(err, this.about((l) => this.named(listenerArn, l)), this.listenerHint(hint), ['ListenerNotFoundException']);
    }
    const rank = (r: Rule) => (r.priority === 'default' ? Infinity : r.priority);
    return out.sort((a, b) => rank(a) - rank(b));
  }

  /** Creates a rule and returns its ARN; a taken priority is a `conflict`, the 100-rule limit `invalid`. */
  async createRule(listenerArn: string, priority: number, conditions: Condition[], action: Action, hint?: string, tags?: Record<string, string>): Promise<string> {
    if (!Number.isInteger(priority) || priority < 1 || priority > MAX_PRIORITY) {
      throw new AwsGatewayError(AwsErrorCode.invalid, `rule priority ${priority} is outside 1–${MAX_PRIORITY}`);
    }
    if (action.type === 'forward') checkWeights(action.targetGroups, `new rule on ${listenerArn}`);
    try {
      const res = await this.client.send(
        new sdk.elbv2.CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: priority,
          Conditions: conditions.map(fromCondition),
          Actions: [fromAction(action)],
          ...(tags && Object.keys(tags).length ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
        }),
      );
      return res.Rules?.[0]?.RuleArn ?? '';
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'PriorityInUseException') {
        const text = (l: Lang) => said(l).priorityTaken({ priority, listener: this.named(listenerArn, l) });
        throw new AwsGatewayError(AwsErrorCode.conflict, text('en'), { cause: err, say: text });
      }
      if (name === 'TooManyRulesException') {
        const text = (l: Lang) => said(l).tooManyRules({ listener: this.named(listenerArn, l) });
        throw new AwsGatewayError(AwsErrorCode.invalid, text('en'), { cause: err, say: text });
      }
      throw translate(err, this.about((l) => said(l).creatingRuleOn({ listener: this.named(listenerArn, l) })), this.listenerHint(hint), ['ListenerNotFoundException', 'TargetGroupNotFoundException']);
    }
  }

  /** The tags of rules (DescribeTags takes 20 ARNs a call), ARN → key → value; a rule without tags maps to {}. */
  async ruleTags(ruleArns: string[], hint?: string): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    for (let i = 0; i < ruleArns.length; i += 20) {
      const batch = ruleArns.slice(i, i + 20);
      try {
        const res = await this.client.send(new sdk.elbv2.DescribeTagsCommand({ ResourceArns: batch }));
        for (const d of res.TagDescriptions ?? []) out.set(d.ResourceArn ?? '', Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])));
      } catch (err) {
        throw translate(err, this.about((l) => said(l).tagsOfRules({ rules: batch.join(', ') })), hint ?? ((l) => said(l).hint.ruleDeletedMeanwhile), ['RuleNotFoundException']);
      }
    }
    for (const arn of ruleArns) if (!out.has(arn)) out.set(arn, {});
    return out;
  }

  async deleteRule(ruleArn: string, hint?: string): Promise<void> {
    try {
      await this.client.send(new sdk.elbv2.DeleteRuleCommand({ RuleArn: ruleArn }));
    } catch (err) {
      throw translate(err, this.about((l) => said(l).rule({ arn: ruleArn })), hint ?? ((l) => said(l).hint.ruleDeletedByHand({ path: `environments.${this.ctx.envName}.maintenance` })), ['RuleNotFoundException']);
    }
  }

  /** Moves rules in one call; AWS accepts it when no two rules of a listener end on one priority. */
  async setRulePriorities(moves: RuleMove[], hint?: string): Promise<void> {
    if (moves.length === 0) return;
    for (const m of moves) {
      if (!Number.isInteger(m.priority) || m.priority < 1 || m.priority > MAX_PRIORITY) {
        throw new AwsGatewayError(AwsErrorCode.invalid, `rule priority ${m.priority} is outside 1–${MAX_PRIORITY}`);
      }
    }
    try {
      await this.client.send(new sdk.elbv2.SetRulePrioritiesCommand({ RulePriorities: moves.map((m) => ({ RuleArn: m.ruleArn, Priority: m.priority })) }));
    } catch (err) {
      if (awsErrorName(err) === 'PriorityInUseException') {
        const list = moves.map((m) => `${m.ruleArn} → ${m.priority}`).join(', ');
        throw new AwsGatewayError(AwsErrorCode.conflict, `moving rules (${list}) would put two rules on one priority — read the rules again and retry`, { cause: err });
      }
      throw translate(err, this.about((l) => said(l).rules({ arns: moves.map((m) => m.ruleArn).join(', ') })), hint ?? `check environments.${this.ctx.envName}.maintenance.listeners[].ruleArn`, ['RuleNotFoundException']);
    }
  }

  /** One rule's new priority (the single-move form of setRulePriorities). */
  setRulePriority(ruleArn: string, priority: number, hint?: string): Promise<void> {
    return this.setRulePriorities([{ ruleArn, priority }], hint);
  }

  /** The weights of the forward of a listener's default action, or of one of its rules. */
  async forwardWeights(listenerArn: string, ruleArn?: string, hint?: string): Promise<Record<string, number>> {
    let action: Action | undefined;
    if (ruleArn) {
      try {
        const res = await this.client.send(new sdk.elbv2.DescribeRulesCommand({ RuleArns: [ruleArn] }));
        action = toAction(res.Rules?.[0]?.Actions);
      } catch (err) {
        throw translate(err, this.about((l) => said(l).rule({ arn: ruleArn })), hint ?? `check the ruleArn under environments.${this.ctx.envName}.canary`, ['RuleNotFoundException']);
      }
    } else {
      action = (await this.listener(listenerArn, hint)).defaultAction;
    }
    if (action?.type !== 'forward') {
      throw new AwsGatewayError(AwsErrorCode.invalid, `${ruleArn ?? `the default action of ${this.named(listenerArn)}`} does not forward to target groups (it is ${action?.type ?? 'empty'}) — weights cannot be read`);
    }
    return action.targetGroups;
  }

  /**
   * Sets the weights in one write: ModifyRule for a rule, ModifyListener for the default action. A read-modify-write
   * of the whole action list: authenticate-* actions, order, stickiness and other target groups stay as AWS has them.
   */
  async setForwardWeights(listenerArn: string, ruleArn: string | undefined, weights: Record<string, number>, hint?: string): Promise<void> {
    checkWeights(weights, ruleArn ?? listenerArn);
    const current = await this.rawActions(listenerArn, ruleArn, hint);
    const actions = withWeights(current, weights, ruleArn ?? `the default action of ${this.named(listenerArn)}`);
    const forward = actions.find((a) => a.Type === 'forward');
    checkWeights(Object.fromEntries((forward?.ForwardConfig?.TargetGroups ?? []).map((t) => [t.TargetGroupArn ?? '', t.Weight ?? 1])), ruleArn ?? listenerArn);
    try {
      if (ruleArn) await this.client.send(new sdk.elbv2.ModifyRuleCommand({ RuleArn: ruleArn, Actions: actions }));
      else await this.client.send(new sdk.elbv2.ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: actions }));
    } catch (err) {
      throw translate(err, this.about((l) => (ruleArn ? said(l).rule({ arn: ruleArn }) : this.named(listenerArn, l))), this.listenerHint(hint), [
        'ListenerNotFoundException',
        'RuleNotFoundException',
        'TargetGroupNotFoundException',
      ]);
    }
  }

  async loadBalancer(arn: string, hint?: string): Promise<LoadBalancer> {
    try {
      const res = await this.client.send(new sdk.elbv2.DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }));
      const lb = res.LoadBalancers?.[0];
      if (!lb) throw new AwsGatewayError(AwsErrorCode.notFound, `load balancer ${arn} not found in ${this.ctx.region}`);
      return {
        arn: lb.LoadBalancerArn ?? arn,
        name: lb.LoadBalancerName ?? '',
        dnsName: lb.DNSName ?? '',
        canonicalHostedZoneId: lb.CanonicalHostedZoneId ?? '',
        state: lb.State?.Code ?? 'unknown',
      };
    } catch (err) {
      if (err instanceof AwsGatewayError) throw err;
      throw translate(err, this.about((l) => said(l).loadBalancer({ arn })), hint ?? `check environments.${this.ctx.envName}.cutover.<name>.to.loadBalancerArn`, ['LoadBalancerNotFoundException']);
    }
  }

  async listeners(lbArn: string, hint?: string): Promise<Listener[]> {
    const out: Listener[] = [];
    try {
      let marker: string | undefined;
      do {
        const page = await this.client.send(new sdk.elbv2.DescribeListenersCommand({ LoadBalancerArn: lbArn, ...(marker ? { Marker: marker } : {}) }));
        for (const l of page.Listeners ?? []) {
          out.push({ arn: l.ListenerArn ?? '', loadBalancerArn: l.LoadBalancerArn ?? lbArn, port: l.Port ?? 0, protocol: l.Protocol ?? '', defaultAction: toAction(l.DefaultActions) });
        }
        marker = page.NextMarker;
      } while (marker);
    } catch (err) {
      throw translate(err, this.about((l) => said(l).loadBalancer({ arn: lbArn })), hint ?? `check environments.${this.ctx.envName}.cutover.<name>.to.loadBalancerArn`, ['LoadBalancerNotFoundException']);
    }
    return out;
  }

  /** The action list of a rule, or of a listener's default action, exactly as AWS returns it. */
  private async rawActions(listenerArn: string, ruleArn: string | undefined, hint?: string): Promise<SdkAction[]> {
    try {
      if (ruleArn) {
        const res = await this.client.send(new sdk.elbv2.DescribeRulesCommand({ RuleArns: [ruleArn] }));
        return res.Rules?.[0]?.Actions ?? [];
      }
      const res = await this.client.send(new sdk.elbv2.DescribeListenersCommand({ ListenerArns: [listenerArn] }));
      return res.Listeners?.[0]?.DefaultActions ?? [];
    } catch (err) {
      throw translate(err, this.about((l) => (ruleArn ? said(l).rule({ arn: ruleArn }) : this.named(listenerArn, l))), this.listenerHint(hint), ['ListenerNotFoundException', 'RuleNotFoundException']);
    }
  }

  private async listener(listenerArn: string, hint?: string): Promise<Listener> {
    try {
      const res = await this.client.send(new sdk.elbv2.DescribeListenersCommand({ ListenerArns: [listenerArn] }));
      const l = res.Listeners?.[0];
      if (!l) throw new AwsGatewayError(AwsErrorCode.notFound, `${this.named(listenerArn)} not found in ${this.ctx.region} — ${this.listenerHint(hint)}`);
      return { arn: l.ListenerArn ?? listenerArn, loadBalancerArn: l.LoadBalancerArn ?? '', port: l.Port ?? 0, protocol: l.Protocol ?? '', defaultAction: toAction(l.DefaultActions) };
    } catch (err) {
      if (err instanceof AwsGatewayError) throw err;
      throw translate(err, this.about((l) => this.named(listenerArn, l)), this.listenerHint(hint), ['ListenerNotFoundException']);
    }
  }

  /** Targets of a group by state; an empty group has total 0 (and makes an alias with evaluate-target-health unhealthy). */
  async targetHealth(targetGroupArn: string, hint?: string): Promise<TargetHealth> {
    try {
      const res = await this.client.send(new sdk.elbv2.DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      const states: Record<string, number> = {};
      for (const d of res.TargetHealthDescriptions ?? []) {
        const s = d.TargetHealth?.State ?? 'unknown';
        states[s] = (states[s] ?? 0) + 1;
      }
      const total = res.TargetHealthDescriptions?.length ?? 0;
      return { healthy: states.healthy ?? 0, unhealthy: states.unhealthy ?? 0, total, states };
    } catch (err) {
      throw translate(err, this.about((l) => said(l).targetGroup({ arn: targetGroupArn })), hint ?? `check the target group ARNs under environments.${this.ctx.envName}`, ['TargetGroupNotFoundException']);
    }
  }

  /** ARNs of every target group a load balancer's listeners and rules forward to. */
  async targetGroupsBehind(lbArn: string, hint?: string): Promise<string[]> {
    const out: string[] = [];
    try {
      let marker: string | undefined;
      do {
        const page = await this.client.send(new sdk.elbv2.DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn, ...(marker ? { Marker: marker } : {}) }));
        for (const tg of page.TargetGroups ?? []) if (tg.TargetGroupArn) out.push(tg.TargetGroupArn);
        marker = page.NextMarker;
      } while (marker);
    } catch (err) {
      throw translate(err, this.about((l) => said(l).loadBalancer({ arn: lbArn })), hint ?? `check environments.${this.ctx.envName}.cutover.<name>.to.loadBalancerArn`, ['LoadBalancerNotFoundException']);
    }
    return out;
  }
}
