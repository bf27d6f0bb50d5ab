// Put an environment's ALB listeners into maintenance, and take them out — seed 000 without the Lambdas.
import { z } from 'zod';
import type { Environment, ListenerConfig } from '../config/schema.js';
import type { FinalState, OpContext, Operation } from '../runs/operation.js';
import type { Store } from '../store/store.js';
import type { MaintenanceView } from '../../blocks/maintenance.js';

// ── the ALB as maintenance sees it (a port; src/aws/elbv2.ts provides it) ────

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
}

export interface MaintenanceAlb {
  rules(listenerArn: string, hint: string): Promise<ListenerRule[]>;
  createRule(listenerArn: string, priority: number, conditions: RuleCondition[], action: RuleAction): Promise<string>;
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

/**
 * Frees `need` priorities above every rule in `others`: when the top is taken, the topmost block of
 * consecutive rules moves down one at a time, bottom-up, so the order traffic sees never changes.
 * AWS does not document a one-call swap as atomic, so each move is its own call, onto a free slot.
 */
export function freeTopSlots(rules: readonly { arn: string; priority: number }[], need: number): { moves: Move[]; slots: number[] } {
  const at = new Map(rules.map((r) => [r.priority, r.arn]));
  const moves: Move[] = [];
  const lowest = () => Math.min(...at.keys(), 50_001);
  while (lowest() - 1 < need) {
    // The block of consecutive priorities starting at the top moves down by one, its bottom rule first.
    const top = at.size === 0 ? need + 1 : lowest();
    let end = top;
    while (at.has(end + 1)) end += 1;
    for (let p = end; p >= top; p -= 1) {
      const arn = at.get(p)!;
      at.delete(p);
      at.set(p + 1, arn);
      moves.push({ ruleArn: arn, from: p, to: p + 1 });
    }
  }
  const top = at.size === 0 ? need + 1 : lowest();
  return { moves, slots: Array.from({ length: need }, (_, i) => top - need + i) };
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

/** Is this listener in maintenance now? Read from AWS: the top rule is the prepared rule or our maintenance action. */
export function listenerInMaintenance(l: ListenerConfig, rules: ListenerRule[]): boolean {
  const top = numbered(rules).sort((a, b) => a.priority - b.priority);
  if (l.ruleArn) return top[0]?.arn === l.ruleArn;
  const action = maintenanceAction(l);
  return top.slice(0, 2).some((r) => sameAction(r.action, action));
}

export const MaintenanceParamsSchema = z.object({ action: z.enum(['start', 'end']) }).strict();
export type MaintenanceParams = z.infer<typeof MaintenanceParamsSchema>;

/** The AWS calls a start or end would make, for --dry-run. */
export async function planMaintenance(env: Environment, envName: string, alb: MaintenanceAlb, action: 'start' | 'end', store: Store): Promise<string[]> {
  const lines: string[] = [];
  for (const [i, l] of (env.maintenance?.listeners ?? []).entries()) {
    const rules = await alb.rules(l.listenerArn, hintFor(envName, i));
    const on = listenerInMaintenance(l, rules);
    if (action === 'start' && on) {
      lines.push(`*${l.name}*: already in maintenance — no call`);
      continue;
    }
    if (action === 'end' && !on) {
      lines.push(`*${l.name}*: not in maintenance — no call`);
      continue;
    }
    if (action === 'start') {
      const others = numbered(rules).filter((r) => r.arn !== l.ruleArn);
      const { moves, slots } = freeTopSlots(others, l.ruleArn ? 1 : l.bypass ? 2 : 1);
      for (const m of moves) lines.push(`*${l.name}*: SetRulePriorities ${short(m.ruleArn)} ${m.from} → ${m.to}`);
      if (l.ruleArn) lines.push(`*${l.name}*: SetRulePriorities ${short(l.ruleArn)} → ${slots[0]}`);
      else {
        if (l.bypass) lines.push(`*${l.name}*: CreateRule priority ${slots[0]} source-ip ${l.bypass.sourceIps.join(', ')} → forward as today`);
        lines.push(`*${l.name}*: CreateRule priority ${slots[slots.length - 1]} path /* → ${describeAction(maintenanceAction(l))}`);
      }
    } else {
      const change = await store.getKv<ListenerChange>(changeKey(envName, l.name));
      for (const arn of change?.created ?? []) lines.push(`*${l.name}*: DeleteRule ${short(arn)}`);
      if (l.ruleArn) lines.push(`*${l.name}*: SetRulePriorities ${short(l.ruleArn)} → ${change?.preparedFrom ?? 'the bottom'}`);
      for (const m of [...(change?.moves ?? [])].reverse()) lines.push(`*${l.name}*: SetRulePriorities ${short(m.ruleArn)} ${m.to} → ${m.from}`);
    }
  }
  return lines;
}

export function describeAction(a: RuleAction): string {
  if (a.type === 'redirect') return `redirect ${a.status} to ${a.url}`;
  if (a.type === 'fixed-response') return `${a.status} ${a.contentType}`;
  return 'forward';
}

const short = (arn: string) => arn.split('/').slice(-1)[0] ?? arn;
const hintFor = (envName: string, i: number) => `check environments.${envName}.maintenance.listeners[${i}]`;
export const changeKey = (envName: string, listener: string) => `maintenance:${envName}:${listener}`;

// ── the operation ────────────────────────────────────────────────────────────

type Listeners = NonNullable<MaintenanceView['listeners']>;

export function maintenanceOperation(deps: { alb: (envName: string) => MaintenanceAlb; store: Store; after?: (ctx: OpContext<MaintenanceParams>) => Promise<void> }): Operation<MaintenanceParams> {
  return {
    kind: 'maintenance',
    params: MaintenanceParamsSchema,
    lockTarget: (envName) => `${envName}:maintenance`,
    title: (envName, p) => (p.action === 'start' ? `Maintenance on · ${envName}` : `Maintenance off · ${envName}`),
    async run(ctx: OpContext<MaintenanceParams>): Promise<FinalState> {
      const { env, envName, params } = ctx;
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
          const on = listenerInMaintenance(l, await alb.rules(l.listenerArn, hintFor(envName, i)));
          if ((params.action === 'start') !== on) out.push(l.name);
        }
        return out;
      });
      const todo = listeners.map((l, i) => ({ l, i })).filter(({ l }) => names.includes(l.name));
      for (const l of listeners) {
        if (!names.includes(l.name)) view[l.name] = { state: 'unchanged', detail: params.action === 'start' ? 'already in maintenance' : 'not in maintenance' };
      }
      if (todo.length === 0) {
        await show(params.action === 'start' ? 'Already in maintenance — nothing changed.' : 'Not in maintenance — nothing changed.');
        return 'succeeded';
      }
      await show();

      if (env.permissions.requireApproval) {
        const answer = await ctx.pause('approval', { reason: 'Waiting for a second person to approve', intents: ['approve', 'cancel'], deadlineMs: 60 * 60_000 });
        if (answer === 'timeout' || answer.name === 'cancel') {
          await show(answer === 'timeout' ? 'Nobody approved within 60 minutes — nothing changed.' : `Cancelled by <@${answer.by}> — nothing changed.`);
          return 'cancelled';
        }
        await ctx.note(`Approved by <@${answer.by}>.`);
      }

      for (const { l, i } of todo) {
        view[l.name] = { state: 'working' };
        await show();
        try {
          if (params.action === 'start') await startListener(ctx, alb, deps.store, l, i);
          else await endListener(ctx, alb, deps.store, l, i);
          await ctx.step(`${params.action}:${l.name}`, async () => true);
        } catch (err) {
          view[l.name] = { state: 'failed', detail: err instanceof Error ? err.message : String(err) };
          await show();
          throw err;
        }
        view[l.name] = params.action === 'start' ? { state: 'on', detail: describeAction(maintenanceAction(l)) } : { state: 'off' };
        await show();
      }
      await deps.after?.(ctx);
      return 'succeeded';
    },
  };
}

async function readRules(alb: MaintenanceAlb, l: ListenerConfig, envName: string, i: number) {
  return alb.rules(l.listenerArn, hintFor(envName, i));
}

/** Moves a rule and reads it back; the verify makes a restart after the call not repeat it. */
async function moveRule(ctx: OpContext<MaintenanceParams>, alb: MaintenanceAlb, l: ListenerConfig, i: number, m: { ruleArn: string; to: number }, verb: string) {
  const read = async () => (await readRules(alb, l, ctx.envName, i)).find((r) => r.arn === m.ruleArn)?.priority;
  await ctx.step(
    `${verb}:${l.name}:${short(m.ruleArn)}:${m.to}`,
    async () => {
      await alb.setRulePriority(m.ruleArn, m.to);
      const now = await read();
      if (now !== m.to) throw new Error(`rule ${short(m.ruleArn)} of ${l.name} reads priority ${now ?? 'none'} after the move to ${m.to}`);
      return m.to;
    },
    { verify: async () => ((await read()) === m.to ? { done: true, result: m.to } : { done: false }) },
  );
}

async function startListener(ctx: OpContext<MaintenanceParams>, alb: MaintenanceAlb, store: Store, l: ListenerConfig, i: number) {
  const plan = await ctx.step(`plan:${l.name}`, async () => {
    const rules = numbered(await readRules(alb, l, ctx.envName, i));
    const prepared = l.ruleArn ? rules.find((r) => r.arn === l.ruleArn) : undefined;
    if (l.ruleArn && !prepared) throw new Error(`prepared rule ${l.ruleArn} is not on listener ${l.name} — check environments.${ctx.envName}.maintenance.listeners[${i}].ruleArn`);
    const others = rules.filter((r) => r.arn !== l.ruleArn);
    const { moves, slots } = freeTopSlots(others, l.ruleArn ? 1 : l.bypass ? 2 : 1);
    return { moves, slots, preparedFrom: prepared?.priority };
  });
  const change: ListenerChange = { moves: plan.moves, created: [], ...(plan.preparedFrom !== undefined ? { preparedFrom: plan.preparedFrom } : {}) };
  // Remember the plan before the first change, so an end (even after a failed start) can put things back.
  await ctx.step(`remember:${l.name}`, async () => store.setKv(changeKey(ctx.envName, l.name), change, ctx.now()));
  for (const m of plan.moves) await moveRule(ctx, alb, l, i, m, 'shift-rule');

  if (l.ruleArn) {
    await moveRule(ctx, alb, l, i, { ruleArn: l.ruleArn, to: plan.slots[0]! }, 'raise-rule');
    return;
  }
  const action = maintenanceAction(l);
  const createAt = async (what: string, priority: number, conditions: RuleCondition[], act: RuleAction) => {
    const find = async () => (await readRules(alb, l, ctx.envName, i)).find((r) => r.priority === priority && sameAction(r.action, act))?.arn;
    const arn = await ctx.step<string>(`create-rule:${l.name}:${what}`, () => alb.createRule(l.listenerArn, priority, conditions, act), {
      verify: async () => {
        const found = await find();
        return found ? { done: true, result: found } : { done: false };
      },
    });
    change.created.push(arn);
    await store.setKv(changeKey(ctx.envName, l.name), change, ctx.now());
  };
  if (l.bypass) {
    const rules = await readRules(alb, l, ctx.envName, i);
    const normal = rules.find((r) => r.priority === undefined)?.action;
    if (!normal) throw new Error(`listener ${l.name} has no default action to let allowlisted addresses through to`);
    await createAt('bypass', plan.slots[0]!, [{ field: 'source-ip', values: l.bypass.sourceIps }], normal);
  }
  await createAt('maintenance', plan.slots[plan.slots.length - 1]!, [{ field: 'path-pattern', values: ['/*'] }], action);
}

async function endListener(ctx: OpContext<MaintenanceParams>, alb: MaintenanceAlb, store: Store, l: ListenerConfig, i: number) {
  const change = await store.getKv<ListenerChange>(changeKey(ctx.envName, l.name));
  const rules = await readRules(alb, l, ctx.envName, i);
  // Managed rules: the ones we remember, else (maintenance started by hand or state lost) those carrying our action at the top.
  const created = change?.created ?? numbered(rules).filter((r) => sameAction(r.action, maintenanceAction(l))).map((r) => r.arn);
  for (const arn of created) {
    const gone = async () => !(await readRules(alb, l, ctx.envName, i)).some((r) => r.arn === arn);
    await ctx.step(`delete-rule:${l.name}:${short(arn)}`, async () => alb.deleteRule(arn), { verify: async () => ((await gone()) ? { done: true, result: undefined } : { done: false }) });
  }
  if (l.ruleArn) {
    const taken = new Set(numbered(rules).map((r) => r.priority));
    const back = change?.preparedFrom ?? Math.max(0, ...taken) + 1;
    await moveRule(ctx, alb, l, i, { ruleArn: l.ruleArn, to: back }, 'restore-rule');
  }
  for (const m of [...(change?.moves ?? [])].reverse()) await moveRule(ctx, alb, l, i, { ruleArn: m.ruleArn, to: m.from }, 'restore-rule');
  await ctx.step(`forget:${l.name}`, async () => store.deleteKv(changeKey(ctx.envName, l.name)));
}
