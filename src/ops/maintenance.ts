// Put an environment's ALB listeners into maintenance, and take them out — seed 000 without the Lambdas.
import { z } from 'zod';
import type { Environment, ListenerConfig } from '../config/schema.js';
import { messages, OpError, type Lang } from '../i18n/index.js';
import type { Facts, FinalState, OpContext, Operation, ReadContext } from '../runs/operation.js';
import { afterMaintenance, maintenanceReport, readReport, reportLines, type ReportDeps } from './maintenance-report.js';

// ── the ALB as maintenance sees it (a port; src/adapters/index.ts provides it from src/aws/elbv2.ts) ────

export type RuleAction =
  | { type: 'forward'; targetGroups: Record<string, number> }
  | { type: 'fixed-response'; status: number; contentType: string; body: string }
  | { type: 'redirect'; url: string; status: 301 | 302 };
export type RuleCondition = { field: 'path-pattern'; values: string[] } | { field: 'source-ip'; values: string[] };

export interface ListenerRule {
  arn: string;
  /** undefined for the listener's default rule. */
  priority: number | undefined;
  conditions: RuleCondition[];
  action: RuleAction | undefined;
  /** The rule's ELBv2 tags (the default rule has none): the bot's mark is read from here. */
  tags?: Record<string, string>;
}

export interface MaintenanceAlb {
  /** `tags: false` skips DescribeTags (a read that only needs priorities): ELBv2's describe calls share one rate limit. */
  rules(listenerArn: string, hint: string, opts?: { tags?: boolean }): Promise<ListenerRule[]>;
  /** Creates a rule carrying these tags (ELBv2 CreateRule Tags: the mark and the rule appear in one call). */
  createRule(listenerArn: string, priority: number, conditions: RuleCondition[], action: RuleAction, tags: Record<string, string>): Promise<string>;
  deleteRule(ruleArn: string): Promise<void>;
  setRulePriority(ruleArn: string, priority: number): Promise<void>;
}

// ── pure planning ────────────────────────────────────────────────────────────

export interface Move {
  ruleArn: string;
  from: number;
  to: number;
}

/** What a listener's start changed, remembered so the end puts every priority back exactly. */
export interface ListenerChange {
  moves: Move[];
  created: string[];
  /** Priority the prepared rule returns to. */
  preparedFrom?: number;
}

const numbered = (rules: ListenerRule[]) => rules.filter((r): r is ListenerRule & { priority: number } => r.priority !== undefined);

// ── the bot's mark (ELBv2 rule tags, given at CreateRule) ──────────────────────

export const MARK_OWNER_KEY = 'ecs-chatops:owner';
export const MARK_OWNER = 'ecs-chatops';
export const MARK_PURPOSE_KEY = 'ecs-chatops:purpose';
export const MARK_PURPOSE = 'maintenance';

export function maintenanceMark(envName: string, l: ListenerConfig): Record<string, string> {
  return { [MARK_OWNER_KEY]: MARK_OWNER, [MARK_PURPOSE_KEY]: MARK_PURPOSE, 'ecs-chatops:env': envName, 'ecs-chatops:listener': l.name };
}

/** A rule the bot created for maintenance: it carries the mark. Nothing else is the bot's, however it answers. */
export const isMaintenanceRule = (r: ListenerRule): boolean => r.tags?.[MARK_OWNER_KEY] === MARK_OWNER && r.tags[MARK_PURPOSE_KEY] === MARK_PURPOSE;

/** Application rules that answer like maintenance but carry no mark: reported, never touched. */
export function lookalikeRules(l: ListenerConfig, rules: ListenerRule[]): (ListenerRule & { priority: number })[] {
  if (l.ruleArn) return [];
  const action = maintenanceAction(l);
  return numbered(rules).filter((r) => !isMaintenanceRule(r) && sameAction(r.action, action));
}

export function describeLookalikes(l: ListenerConfig, rules: ListenerRule[], lang: Lang = 'en'): string | undefined {
  const found = lookalikeRules(l, rules);
  if (found.length === 0) return undefined;
  const m = messages(lang).maintenance;
  const list = found.map((r) => m.priority({ rule: short(r.arn), priority: r.priority })).join(', ');
  return m.lookalikes({ name: l.name, rules: list, n: found.length, tag: MARK_OWNER_KEY });
}

/**
 * Frees `need` priorities above every rule in `others`. When the top is taken, the rules in the way move down
 * just enough, bottom-up, each straight onto its final priority (which is free when it moves), so the order traffic
 * sees never changes. AWS does not document a one-call swap as atomic, so each move is its own call.
 */
export function freeTopSlots(rules: readonly { arn: string; priority: number }[], need: number): { moves: Move[]; slots: number[] } {
  const sorted = [...rules].sort((a, b) => a.priority - b.priority);
  const lowest = sorted[0]?.priority ?? need + 1;
  if (lowest - 1 >= need) return { moves: [], slots: Array.from({ length: need }, (_, i) => lowest - need + i) };
  const moves: Move[] = [];
  let floor = need + 1;
  for (const r of sorted) {
    const to = Math.max(r.priority, floor);
    if (to === r.priority) break;
    moves.push({ ruleArn: r.arn, from: r.priority, to });
    floor = to + 1;
  }
  return { moves: moves.reverse(), slots: Array.from({ length: need }, (_, i) => i + 1) };
}

// ── the allowlist: maintenance rules for everyone but the allowed addresses ──────────

/**
 * ALB conditions have no "not": maintenance answers the complement of the allowlist instead, so an allowed address
 * matches none of the bot's rules and meets the listener's own rules, in their own order, with their own
 * authentication. Per rule: one source-ip condition of at most 3 values (ALB: 3 match evaluations per condition,
 * 5 per rule — "Condition types for listener rules").
 */
export const SOURCE_IPS_PER_RULE = 3;
export const MAX_MAINTENANCE_RULES = 20;

interface IpRange {
  v6: boolean;
  start: bigint;
  end: bigint;
}

function parseIp(ip: string): { v6: boolean; value: bigint } | undefined {
  if (ip.includes(':')) {
    const [head = '', tail, ...more] = ip.split('::');
    if (more.length) return undefined;
    const hs = head ? head.split(':') : [];
    const ts = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const fill = tail === undefined ? 0 : 8 - hs.length - ts.length;
    const groups = [...hs, ...Array<string>(Math.max(0, fill)).fill('0'), ...ts];
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return { v6: true, value: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n) };
  }
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return { v6: false, value: parts.reduce((acc, p) => (acc << 8n) + BigInt(Number(p)), 0n) };
}

function formatIp(v6: boolean, value: bigint): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run of zero groups (two or more) becomes "::" (RFC 5952).
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

function cidrRange(cidr: string): IpRange | undefined {
  const [addr = '', bitsText = ''] = cidr.split('/');
  const ip = parseIp(addr);
  if (!ip || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const width = ip.v6 ? 128n : 32n;
  const bits = BigInt(bitsText);
  if (bits > width) return undefined;
  const size = 1n << (width - bits);
  const start = (ip.value / size) * size;
  return { v6: ip.v6, start, end: start + size - 1n };
}

function rangeToCidrs(v6: boolean, start: bigint, end: bigint): string[] {
  const width = v6 ? 128n : 32n;
  const out: string[] = [];
  let at = start;
  while (at <= end) {
    let size = 1n;
    let bits = width;
    while (bits > 0n && at % (size * 2n) === 0n && at + size * 2n - 1n <= end) {
      size *= 2n;
      bits -= 1n;
    }
    out.push(`${formatIp(v6, at)}/${bits}`);
    at += size;
  }
  return out;
}

/** Every address, IPv4 and IPv6, that is not in the allowlist, as few CIDR blocks as cover it exactly. */
export function cidrComplement(allow: readonly string[]): string[] {
  const out: string[] = [];
  for (const v6 of [false, true]) {
    const max = (1n << (v6 ? 128n : 32n)) - 1n;
    const ranges = allow
      .map(cidrRange)
      .filter((r): r is IpRange => r !== undefined && r.v6 === v6)
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let next = 0n;
    for (const r of ranges) {
      if (r.start > next) out.push(...rangeToCidrs(v6, next, r.start - 1n));
      if (r.end + 1n > next) next = r.end + 1n;
    }
    if (next <= max) out.push(...rangeToCidrs(v6, next, max));
  }
  return out;
}

/** The conditions of each maintenance rule: `/*` for everyone, or the allowlist's complement in groups of 3. */
export function maintenanceConditionSets(l: ListenerConfig): RuleCondition[][] {
  if (!l.bypass) return [[{ field: 'path-pattern', values: ['/*'] }]];
  const blocks = cidrComplement(l.bypass.sourceIps);
  const sets: RuleCondition[][] = [];
  for (let i = 0; i < blocks.length; i += SOURCE_IPS_PER_RULE) sets.push([{ field: 'source-ip', values: blocks.slice(i, i + SOURCE_IPS_PER_RULE) }]);
  return sets;
}

/** Why this listener's allowlist cannot be turned into maintenance rules, or undefined when it can. */
export function bypassRefusal(l: ListenerConfig, path: string): string | undefined {
  if (!l.bypass) return undefined;
  const bad = l.bypass.sourceIps.filter((c) => cidrRange(c) === undefined);
  if (bad.length) return `${path}.bypass.sourceIps: ${bad.join(', ')} ${bad.length === 1 ? 'is not a CIDR' : 'are not CIDRs'} — write them like 203.0.113.0/24 or 2001:db8::/48`;
  const n = maintenanceConditionSets(l).length;
  if (n === 0) return `${path}.bypass.sourceIps lets every address through — maintenance would answer nobody; remove the bypass or narrow it`;
  if (n > MAX_MAINTENANCE_RULES) {
    return `${path}.bypass.sourceIps needs ${n} maintenance rules (ALB rules take 3 addresses each and have no "not"), more than the ${MAX_MAINTENANCE_RULES} the bot allows itself — use fewer, wider CIDR blocks (e.g. one /24 instead of single /32 addresses)`;
  }
  return undefined;
}

export function maintenanceAction(l: ListenerConfig): RuleAction {
  const r = l.response;
  if (r?.redirect) return { type: 'redirect', url: r.redirect.url, status: r.redirect.status };
  const f = r?.fixed ?? { status: 503, contentType: 'application/json', body: '{"message":"Service Unavailable"}' };
  return { type: 'fixed-response', status: f.status, contentType: f.contentType, body: f.body };
}

/** Field by field, so the order keys come back from AWS in does not matter. */
export function sameAction(a: RuleAction | undefined, b: RuleAction): boolean {
  if (!a || a.type !== b.type) return false;
  if (a.type === 'fixed-response' && b.type === 'fixed-response') return a.status === b.status && a.contentType === b.contentType && a.body === b.body;
  if (a.type === 'redirect' && b.type === 'redirect') return a.status === b.status && a.url === b.url;
  if (a.type === 'forward' && b.type === 'forward') {
    const keys = new Set([...Object.keys(a.targetGroups), ...Object.keys(b.targetGroups)]);
    return [...keys].every((k) => (a.targetGroups[k] ?? 0) === (b.targetGroups[k] ?? 0));
  }
  return false;
}

/**
 * Is this listener in maintenance now? Read from AWS: the prepared rule is the top rule, or a rule carrying the bot's
 * mark is on the listener. An unmarked rule that answers like maintenance is the application's, not maintenance.
 */
/**
 * Why a start must not go on, when the listener is only partly in maintenance (a start cut short: some of the
 * bot's rules exist, not all), so some addresses still reach the site. Retry or end first; nothing is guessed.
 */
export function partlyInMaintenance(l: ListenerConfig, rules: ListenerRule[], lang: Lang = 'en'): string | undefined {
  if (l.ruleArn) return undefined;
  const marked = numbered(rules).filter(isMaintenanceRule).length;
  const expected = maintenanceConditionSets(l).length;
  if (marked === 0 || marked >= expected) return undefined;
  return messages(lang).failures.partlyInMaintenance({ name: l.name, marked, expected });
}

export function listenerInMaintenance(l: ListenerConfig, rules: ListenerRule[]): boolean {
  const top = numbered(rules).sort((a, b) => a.priority - b.priority);
  if (l.ruleArn) return top[0]?.arn === l.ruleArn;
  return top.some(isMaintenanceRule);
}

export const MaintenanceParamsSchema = z.object({ action: z.enum(['start', 'end']) }).strict();
export type MaintenanceParams = z.infer<typeof MaintenanceParamsSchema>;

/** The AWS calls a start or end would make, for --dry-run. */
export async function planMaintenance(env: Environment, envName: string, alb: MaintenanceAlb, action: 'start' | 'end', facts: Pick<Facts, 'recall'>, lang: Lang = 'en'): Promise<string[]> {
  const m = messages(lang).maintenance.plan;
  const lines: string[] = [];
  for (const [i, l] of (env.maintenance?.listeners ?? []).entries()) {
    const rules = await alb.rules(l.listenerArn, hintFor(envName, i));
    const on = listenerInMaintenance(l, rules);
    const lookalikes = describeLookalikes(l, rules, lang);
    if (lookalikes) lines.push(lookalikes);
    const partly = action === 'start' ? partlyInMaintenance(l, rules, lang) : undefined;
    if (partly) {
      lines.push(m.refused({ name: l.name, why: partly }));
      continue;
    }
    if (action === 'start' && on) {
      lines.push(m.alreadyIn({ name: l.name }));
      continue;
    }
    if (action === 'end' && !on) {
      lines.push(m.notIn({ name: l.name }));
      continue;
    }
    if (action === 'start') {
      const refusal = bypassRefusal(l, `environments.${envName}.maintenance.listeners[${i}]`);
      if (refusal) {
        lines.push(m.refused({ name: l.name, why: refusal }));
        continue;
      }
      const others = numbered(rules).filter((r) => r.arn !== l.ruleArn);
      const sets = l.ruleArn ? [] : maintenanceConditionSets(l);
      const { moves, slots } = freeTopSlots(others, l.ruleArn ? 1 : sets.length);
      for (const m of moves) lines.push(`*${l.name}*: SetRulePriorities ${short(m.ruleArn)} ${m.from} → ${m.to}`);
      if (l.ruleArn) lines.push(`*${l.name}*: SetRulePriorities ${short(l.ruleArn)} → ${slots[0]}`);
      else {
        for (const [k, set] of sets.entries()) {
          const c = set[0]!;
          lines.push(messages(lang).plans.maintenance.createRule({ name: l.name, priority: slots[k]!, field: c.field === 'path-pattern' ? 'path' : 'source-ip', values: c.values.join(', '), action: describeAction(maintenanceAction(l), lang), tag: MARK_OWNER_KEY }));
        }
        if (l.bypass) lines.push(m.bypassed({ name: l.name, ips: l.bypass.sourceIps.join(', ') }));
      }
    } else {
      const change = await facts.recall<ListenerChange>(changeKey(envName, l.name));
      const ours = new Set([...(change?.created ?? []), ...numbered(rules).filter(isMaintenanceRule).map((r) => r.arn)]);
      for (const arn of ours) lines.push(`*${l.name}*: DeleteRule ${short(arn)}`);
      if (l.ruleArn) lines.push(`*${l.name}*: SetRulePriorities ${short(l.ruleArn)} → ${change?.preparedFrom ?? m.theBottom}`);
      for (const m of [...(change?.moves ?? [])].reverse()) lines.push(`*${l.name}*: SetRulePriorities ${short(m.ruleArn)} ${m.to} → ${m.from}`);
    }
  }
  return lines;
}

/**
 * What the public is served now, as AWS has it, for the status message: status code, content type and the start of
 * the body; a redirect's target; a forward's target groups by name.
 */
export function describeServed(a: RuleAction | undefined, lang: Lang = 'en'): string {
  const m = messages(lang).maintenance.served;
  if (!a) return m.unknown;
  if (a.type === 'redirect') return m.redirect({ status: a.status, url: a.url });
  if (a.type === 'fixed-response') {
    const body = a.body.length > 60 ? `${a.body.slice(0, 59)}…` : a.body;
    return m.fixed({ status: a.status, contentType: a.contentType, body });
  }
  const groups = Object.keys(a.targetGroups).map((arn) => arn.split(':targetgroup/').pop()?.split('/')[0] ?? arn);
  return m.forward({ groups: groups.join(', ') });
}

export function describeAction(a: RuleAction, lang: Lang = 'en'): string {
  if (a.type === 'redirect') return messages(lang).maintenance.redirect({ status: a.status, url: a.url });
  if (a.type === 'fixed-response') return `${a.status} ${a.contentType}`;
  return 'forward';
}

const short = (arn: string) => arn.split('/').slice(-1)[0] ?? arn;
const hintFor = (envName: string, i: number) => `check environments.${envName}.maintenance.listeners[${i}]`;
export const changeKey = (envName: string, listener: string) => `maintenance:${envName}:${listener}`;

// ── the operation ────────────────────────────────────────────────────────────

const listenerState = z.enum(['pending', 'working', 'on', 'off', 'failed', 'unchanged']);

/** What the status message shows (blocks/maintenance.ts renders it). Never read back by the operation. */
export const maintenanceView = z
  .object({
    action: z.enum(['start', 'end']),
    listeners: z.record(z.string(), z.object({ state: listenerState, detail: z.string().optional() })),
    note: z.string(),
    /** The run that took the environment out of maintenance after this start: its End button is gone. */
    endedBy: z.string(),
    report: maintenanceReport,
  })
  .partial();
export type MaintenanceView = z.infer<typeof maintenanceView>;
export type ListenerState = z.infer<typeof listenerState>;

type Listeners = NonNullable<MaintenanceView['listeners']>;
type Ctx = OpContext<MaintenanceParams, MaintenanceView>;

export interface MaintenanceDeps {
  alb: (envName: string) => MaintenanceAlb;
  /** CloudWatch's counts of what maintenance answered: the report at the end and in `/maintenance status`. */
  report?: ReportDeps;
}

/** `/maintenance status`: each listener read from AWS, and while one is in maintenance, what it has answered so far. */
async function maintenanceStatus(q: ReadContext<MaintenanceParams>, deps: MaintenanceDeps): Promise<string> {
  const alb = deps.alb(q.envName);
  const listeners = q.env.maintenance?.listeners ?? [];
  if (listeners.length === 0) throw new Error(`*${q.envName}* has no \`maintenance.listeners\` in ops.yml`);
  const lines = await Promise.all(
    listeners.map(async (l, i) => {
      try {
        const on = listenerInMaintenance(l, await alb.rules(l.listenerArn, hintFor(q.envName, i)));
        return `${on ? '🚧' : '🟢'} *${l.name}*: ${on ? messages(q.lang).maintenance.listener.on : messages(q.lang).maintenance.listener.off}`;
      } catch (e) {
        return `⚠️ *${l.name}*: ${e instanceof Error ? e.message : String(e)}`;
      }
    }),
  );
  const report: string[] = [];
  if (deps.report && lines.some((l) => l.startsWith('🚧'))) {
    try {
      const { report: r } = await readReport(q.envName, q.env, deps.report.metrics(q.envName), q.facts, q.now());
      report.push('', ...reportLines(r, q.timezone, q.lang));
    } catch (e) {
      report.push('', messages(q.lang).maintenance.report.noCounts({ why: e instanceof Error ? e.message : String(e) }));
    }
  }
  return `${messages(q.lang).maintenance.statusTitle({ env: q.envName })}\n${[...lines, ...report].join('\n')}`;
}

export function maintenanceOperation(deps: MaintenanceDeps): Operation<MaintenanceParams, MaintenanceView> {
  return {
    kind: 'maintenance',
    params: MaintenanceParamsSchema,
    view: maintenanceView,
    resources: (env) => (env.maintenance?.listeners ?? []).map((l) => `listener:${l.listenerArn}`),
    lockTarget: (envName) => `${envName}:maintenance`,
    title: (envName, p, lang = 'en') => messages(lang).maintenance.title({ env: envName, on: p.action === 'start' }),
    plan: (q) => planMaintenance(q.env, q.envName, deps.alb(q.envName), q.params.action, q.facts, q.lang),
    status: (q) => maintenanceStatus(q, deps),
    async run(ctx: Ctx): Promise<FinalState> {
      const { env, envName, params } = ctx;
      const m = messages(ctx.lang);
      const alb = deps.alb(envName);
      const listeners = env.maintenance?.listeners ?? [];
      if (listeners.length === 0) throw new Error(`no maintenance listeners in environments.${envName}.maintenance — add some to ops.yml`);
      const view: Listeners = Object.fromEntries(listeners.map((l) => [l.name, { state: 'pending' as const }]));
      const show = async (note?: string) => ctx.view({ action: params.action, listeners: view, ...(note ? { note } : {}) });

      // Read first: what is already in the wanted state changes nothing. The decision is a durable step, so a
      // resumed run acts on the same listeners even though some of them now read as done.
      const names = await ctx.step('decide', async () => {
        const out: string[] = [];
        for (const [i, l] of listeners.entries()) {
          const rules = await alb.rules(l.listenerArn, hintFor(envName, i));
          if (params.action === 'start' && partlyInMaintenance(l, rules)) {
            throw new OpError((lang) => messages(lang).failures.nothingChanged({ why: partlyInMaintenance(l, rules, lang)! }));
          }
          const on = listenerInMaintenance(l, rules);
          if ((params.action === 'start') !== on) out.push(l.name);
        }
        return out;
      });
      for (const [i, l] of listeners.entries()) {
        if (l.ruleArn || (await ctx.stepDone(`lookalikes:${l.name}`))) continue;
        const text = describeLookalikes(l, await alb.rules(l.listenerArn, hintFor(envName, i)), ctx.lang);
        await ctx.step(`lookalikes:${l.name}`, async () => text ?? '');
        if (text) await ctx.note(text);
      }
      const todo = listeners.map((l, i) => ({ l, i })).filter(({ l }) => names.includes(l.name));
      if (params.action === 'start') {
        for (const { l, i } of todo) {
          const refusal = bypassRefusal(l, `environments.${envName}.maintenance.listeners[${i}]`);
          if (refusal) throw new OpError((lang) => messages(lang).failures.nothingChanged({ why: refusal }));
        }
      }
      for (const l of listeners) {
        if (!names.includes(l.name)) view[l.name] = { state: 'unchanged', detail: params.action === 'start' ? m.maintenance.alreadyIn : m.maintenance.notIn };
      }
      if (todo.length === 0) {
        await show(params.action === 'start' ? m.maintenance.alreadyInNothingChanged : m.maintenance.notInNothingChanged);
        return 'succeeded';
      }
      await show();

      // Only the way into maintenance waits: End maintenance is the way back and never waits (Issue 17).
      if (env.permissions.requireApproval && params.action === 'start') {
        const answer = await ctx.pause('approval', { reason: m.run.waitingForApproval, intents: ['approve', 'cancel'], deadlineMs: 60 * 60_000 });
        if (answer === 'timeout' || answer.name === 'cancel') {
          await show(answer === 'timeout' ? m.maintenance.nobodyApproved : m.maintenance.cancelledBy({ by: answer.by }));
          return 'cancelled';
        }
        await ctx.approved(answer.by, m.run.approvedNote({ by: answer.by }));
      }

      for (const { l, i } of todo) {
        let served: RuleAction | undefined;
        view[l.name] = { state: 'working' };
        await show();
        try {
          if (params.action === 'start') served = await startListener(ctx, alb, l, i);
          else await endListener(ctx, alb, l, i);
          await ctx.step(`${params.action}:${l.name}`, async () => true);
        } catch (err) {
          view[l.name] = { state: 'failed', detail: err instanceof Error ? err.message : String(err) };
          await show();
          throw err;
        }
        view[l.name] = params.action === 'start' ? { state: 'on', detail: describeServed(served, ctx.lang) } : { state: 'off' };
        await show();
      }
      if (deps.report) await afterMaintenance(ctx, deps.report);
      return 'succeeded';
    },
  };
}

async function readRules(alb: MaintenanceAlb, l: ListenerConfig, envName: string, i: number, opts?: { tags?: boolean }) {
  return alb.rules(l.listenerArn, hintFor(envName, i), opts);
}

/** Moves a rule and reads it back; the verify makes a restart after the call not repeat it. */
async function moveRule(ctx: Ctx, alb: MaintenanceAlb, l: ListenerConfig, i: number, m: { ruleArn: string; to: number }, verb: string) {
  const read = async () => (await readRules(alb, l, ctx.envName, i, { tags: false })).find((r) => r.arn === m.ruleArn)?.priority;
  await ctx.step(
    `${verb}:${l.name}:${short(m.ruleArn)}:${m.to}`,
    async () => {
      await alb.setRulePriority(m.ruleArn, m.to);
      const now = await read();
      if (now !== m.to) throw new OpError((l2) => messages(l2).failures.priorityReadBack({ rule: short(m.ruleArn), listener: l.name, now: String(now ?? '—'), to: m.to }));
      return m.to;
    },
    { verify: async () => ((await read()) === m.to ? { done: true, result: m.to } : { done: false }) },
  );
}

/** Puts one listener into maintenance; returns what it serves now (the prepared rule's action, or the bot's response). */
async function startListener(ctx: Ctx, alb: MaintenanceAlb, l: ListenerConfig, i: number): Promise<RuleAction | undefined> {
  const plan = await ctx.step(`plan:${l.name}`, async () => {
    const rules = numbered(await readRules(alb, l, ctx.envName, i));
    const prepared = l.ruleArn ? rules.find((r) => r.arn === l.ruleArn) : undefined;
    if (l.ruleArn && !prepared) throw new Error(`prepared rule ${l.ruleArn} is not on listener ${l.name} — check environments.${ctx.envName}.maintenance.listeners[${i}].ruleArn`);
    const others = rules.filter((r) => r.arn !== l.ruleArn);
    const { moves, slots } = freeTopSlots(others, l.ruleArn ? 1 : maintenanceConditionSets(l).length);
    return { moves, slots, preparedFrom: prepared?.priority, ...(prepared?.action ? { served: prepared.action } : {}) };
  });
  const change: ListenerChange = { moves: plan.moves, created: [], ...(plan.preparedFrom !== undefined ? { preparedFrom: plan.preparedFrom } : {}) };
  // Remember the plan before the first change, so an end (even after a failed start) can put things back.
  await ctx.step(`remember:${l.name}`, async () => ctx.facts.remember(changeKey(ctx.envName, l.name), change));
  for (const m of plan.moves) await moveRule(ctx, alb, l, i, m, 'shift-rule');

  if (l.ruleArn) {
    await moveRule(ctx, alb, l, i, { ruleArn: l.ruleArn, to: plan.slots[0]! }, 'raise-rule');
    // A prepared rule serves its own action, read from AWS before it was raised — not the bot's default response.
    return plan.served;
  }
  const action = maintenanceAction(l);
  const mark = maintenanceMark(ctx.envName, l);
  const createAt = async (what: string, priority: number, conditions: RuleCondition[], act: RuleAction) => {
    // After a restart, the rule found at this priority is ours only if it carries the mark.
    const find = async () => (await readRules(alb, l, ctx.envName, i)).find((r) => r.priority === priority && isMaintenanceRule(r))?.arn;
    const arn = await ctx.step<string>(`create-rule:${l.name}:${what}`, () => alb.createRule(l.listenerArn, priority, conditions, act, mark), {
      verify: async () => {
        const found = await find();
        return found ? { done: true, result: found } : { done: false };
      },
    });
    change.created.push(arn);
    await ctx.facts.remember(changeKey(ctx.envName, l.name), change);
  };
  for (const [k, conditions] of maintenanceConditionSets(l).entries()) {
    await createAt(k === 0 ? 'maintenance' : `maintenance-${k + 1}`, plan.slots[k]!, conditions, action);
  }
  return action;
}

async function endListener(ctx: Ctx, alb: MaintenanceAlb, l: ListenerConfig, i: number) {
  const change = await ctx.facts.recall<ListenerChange>(changeKey(ctx.envName, l.name));
  const rules = await readRules(alb, l, ctx.envName, i);
  // Ours: the rules we remember creating and every rule carrying our mark (state lost, or a start cut short).
  // A remembered rule that lost its mark is not deleted: someone changed it by hand, so it is reported instead.
  const marked = numbered(rules).filter(isMaintenanceRule).map((r) => r.arn);
  const unmarked = (change?.created ?? []).filter((arn) => rules.some((r) => r.arn === arn && !isMaintenanceRule(r)));
  if (unmarked.length) await ctx.note(`⚠️ *${l.name}*: ${unmarked.map(short).join(', ')} no longer carr${unmarked.length === 1 ? 'ies' : 'y'} the bot's tag ${MARK_OWNER_KEY} — left in place; delete by hand if it is really maintenance's.`);
  const created = [...new Set([...(change?.created ?? []).filter((arn) => !unmarked.includes(arn)), ...marked])];
  for (const arn of created) {
    const gone = async () => !(await readRules(alb, l, ctx.envName, i, { tags: false })).some((r) => r.arn === arn);
    await ctx.step(`delete-rule:${l.name}:${short(arn)}`, async () => alb.deleteRule(arn), { verify: async () => ((await gone()) ? { done: true, result: undefined } : { done: false }) });
  }
  if (l.ruleArn) {
    const taken = new Set(numbered(rules).map((r) => r.priority));
    const back = change?.preparedFrom ?? Math.max(0, ...taken) + 1;
    await moveRule(ctx, alb, l, i, { ruleArn: l.ruleArn, to: back }, 'restore-rule');
  }
  for (const m of [...(change?.moves ?? [])].reverse()) await moveRule(ctx, alb, l, i, { ruleArn: m.ruleArn, to: m.from }, 'restore-rule');
  await ctx.step(`forget:${l.name}`, async () => ctx.facts.forget(changeKey(ctx.envName, l.name)));
}
