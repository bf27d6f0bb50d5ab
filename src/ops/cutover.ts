// Move a Route 53 name to a new load balancer after checking it can serve, remember the exact records, and switch back on request.
import { z } from 'zod';
import type { CutoverConfig, Environment } from '../config/schema.js';
import { Interrupted, type Facts, type FinalState, type OpContext, type Operation, type RunsReader } from '../runs/operation.js';
import type { TrafficWatch } from './gates.js';
import { alarmsBeforeSwitch, watchAfterSwitch } from './cutover-gates.js';
import { formatTime } from '../clock.js';
import { messages, OpError, sayError, type Lang } from '../i18n/index.js';

// ── DNS and load balancers as the cutover sees them (a port; src/adapters/traffic.ts provides it) ──

/** A record set with every field needed to put it back exactly. */
export interface DnsRecord {
  name: string;
  type: string;
  setIdentifier?: string;
  weight?: number;
  ttl?: number;
  values: string[];
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  healthCheckId?: string;
  /** Every other field Route 53 returned (Failover, Region, GeoLocation…), opaque here, sent back as it came. */
  extra?: object;
}

export interface CutoverDns {
  /** Throws when the load balancer does not exist. */
  loadBalancer(arn: string): Promise<{ name: string; dnsName: string; canonicalHostedZoneId: string; state: string }>;
  targetGroupsBehind(lbArn: string): Promise<string[]>;
  targetHealth(tgArn: string): Promise<{ healthy: number; unhealthy: number; total: number }>;
  records(zoneId: string, name: string): Promise<DnsRecord[]>;
  /** UPSERTs in one all-or-nothing batch; returns the change id. */
  upsert(zoneId: string, records: DnsRecord[], comment: string): Promise<string>;
  inSync(changeId: string): Promise<boolean>;
}

export const CutoverParamsSchema = z
  .object({
    name: z.string().min(1).max(63),
    /** A switch back: restores the records stored by run `of`. */
    back: z.boolean().optional(),
    of: z.string().regex(/^r-[0-9a-z]+-[0-9a-z]+$/).optional(),
  })
  .strict()
  .refine((p) => !p.back || p.of !== undefined, { message: 'a switch back names the cutover run it undoes' });
export type CutoverParams = z.infer<typeof CutoverParamsSchema>;

export interface CheckLine {
  ok: boolean;
  text: string;
}

/** What the status message shows (blocks/cutover.ts renders it). Never read back by the operation. */
export const cutoverView = z
  .object({
    name: z.string(),
    recordName: z.string(),
    back: z.boolean(),
    of: z.string(),
    checks: z.array(z.object({ ok: z.boolean(), text: z.string() })),
    phase: z.enum(['checking', 'refused', 'lowering-ttl', 'switching', 'syncing', 'done']),
    before: z.array(z.string()),
    after: z.array(z.string()),
    insyncAt: z.number(),
    effectiveAt: z.number(),
    /** Until when the Switch back button works. */
    backUntil: z.number(),
    /** The switch back run that undid this cutover (annotated on the message when it succeeds). */
    switchedBackBy: z.string(),
    note: z.string(),
  })
  .partial();
export type CutoverView = z.infer<typeof cutoverView>;

const ALIAS_TTL_SECONDS = 60; // An alias to a load balancer is cached 60 s by resolvers (Route 53 docs, alias records).
const LOW_TTL = 60;
const POLL = { everyMs: 2000, timeoutMs: 10 * 60_000, maxEveryMs: 10_000 };
export const captureStep = (name: string) => `capture-records:${name}`;
export const backKey = (runId: string) => `cutover-back:${runId}`;

export function describeRecord(r: DnsRecord, lang: Lang = 'en'): string {
  const m = messages(lang).plans.cutover;
  const to = r.aliasTarget ? m.alias({ dnsName: r.aliasTarget.dnsName, zone: r.aliasTarget.hostedZoneId, evaluate: r.aliasTarget.evaluateTargetHealth }) : m.values({ values: r.values.join(' '), ttl: String(r.ttl ?? '?') });
  return `${r.type} ${r.name}${r.setIdentifier ? ` [${r.setIdentifier}]` : ''} ${to}`;
}

const normal = (n: string) => (n.endsWith('.') ? n : `${n}.`).toLowerCase();

/** The records a cutover changes: the simple (not weighted) A / AAAA / CNAME records of the name. */
function switchable(records: DnsRecord[]): DnsRecord[] {
  return records.filter((r) => ['A', 'AAAA', 'CNAME'].includes(r.type) && r.setIdentifier === undefined);
}

/** The records after the switch: aliases to the new load balancer's dualstack name; a plain CNAME points at it. */
export function switched(before: DnsRecord[], lb: { dnsName: string; canonicalHostedZoneId: string }): DnsRecord[] {
  return before.map((r) =>
    r.type === 'CNAME'
      ? { name: r.name, type: 'CNAME', ttl: LOW_TTL, values: [lb.dnsName] }
      : { name: r.name, type: r.type, values: [], aliasTarget: { hostedZoneId: lb.canonicalHostedZoneId, dnsName: `dualstack.${lb.dnsName}.`, evaluateTargetHealth: true } },
  );
}

/** Checks before a cutover: the load balancer is active and every target group behind it has healthy targets, and none unhealthy. */
export async function checkCutover(dns: CutoverDns, cfg: CutoverConfig, lang: Lang = 'en'): Promise<{ lines: CheckLine[]; lb?: { name: string; dnsName: string; canonicalHostedZoneId: string } }> {
  const m = messages(lang).cutover.check;
  const lines: CheckLine[] = [];
  let lb;
  try {
    lb = await dns.loadBalancer(cfg.to.loadBalancerArn);
  } catch (err) {
    lines.push({ ok: false, text: m.lbError({ arn: cfg.to.loadBalancerArn, error: sayError(err, lang) }) });
    return { lines };
  }
  lines.push({ ok: lb.state === 'active', text: m.lbState({ name: lb.name, state: lb.state }) });
  const tgs = await dns.targetGroupsBehind(cfg.to.loadBalancerArn);
  if (tgs.length === 0) lines.push({ ok: false, text: m.noTargetGroup });
  for (const tg of tgs) {
    const h = await dns.targetHealth(tg);
    const short = tg.split(':targetgroup/')[1]?.split('/')[0] ?? tg;
    lines.push({ ok: h.total > 0 && h.healthy > 0 && h.unhealthy === 0, text: m.targetGroup({ name: short, healthy: h.healthy, total: h.total }) });
  }
  return { lines, lb };
}

/** The plan for --dry-run: the checks' reads and the one change batch. */
export async function planCutover(dns: CutoverDns, cfg: CutoverConfig, envName: string, lang: Lang = 'en'): Promise<string[]> {
  const { lines, lb } = await checkCutover(dns, cfg, lang);
  const out = lines.map((l) => `${l.ok ? '✅' : '❌'} ${l.text}`);
  if (!lb) return out;
  const before = switchable(await dns.records(cfg.hostedZoneId, cfg.recordName));
  if (before.length === 0) return [...out, `❌ ${messages(lang).cutover.check.noRecord({ record: cfg.recordName, zone: cfg.hostedZoneId, env: envName })}`];
  const cname = before.find((r) => r.type === 'CNAME' && (r.ttl ?? 0) > LOW_TTL);
  const m = messages(lang).plans.cutover;
  const said = (r: DnsRecord) => describeRecord(r, lang);
  if (cname) out.push(m.lowerTtl({ name: cname.name, ttl: cname.ttl ?? 0, low: LOW_TTL }));
  out.push(m.batch({ changes: switched(before, lb).map((r) => `UPSERT ${said(r)}`).join('; ') }));
  out.push(m.thenRestores({ records: before.map(said).join('; ') }));
  return out;
}

// ── the operation ────────────────────────────────────────────────────────────

export interface CutoverDeps {
  dns: (envName: string) => CutoverDns;
  /** CloudWatch: the cutover's alarms (src/adapters/watch.ts). */
  watch?: (envName: string, name: string, cfg: CutoverConfig) => TrafficWatch;
}

type Ctx = OpContext<CutoverParams, CutoverView>;

/** The records a cutover moves (its lock), in the same words as a canary's weighted records. */
export function cutoverResources(env: Environment, name: string): string[] {
  const c = env.cutover[name];
  return c ? [`dns:${c.hostedZoneId}:${c.recordName.toLowerCase().replace(/\.?$/, '.')}`] : [];
}

function configOf(env: Environment, envName: string, name: string): CutoverConfig {
  const cfg = env.cutover[name];
  if (!cfg) throw new Error(`no cutover "${name}" in environments.${envName}.cutover — add it to ops.yml`);
  return cfg;
}

export function cutoverOperation(deps: CutoverDeps): Operation<CutoverParams, CutoverView> {
  return {
    kind: 'cutover',
    params: CutoverParamsSchema,
    view: cutoverView,
    resources: (env, p) => cutoverResources(env, p.name),
    async plan(q) {
      const cfg = configOf(q.env, q.envName, q.params.name);
      if (!q.params.back) return planCutover(deps.dns(q.envName), cfg, q.envName, q.lang);
      // A switch back reads only what the cutover stored: refused (thrown, for people) or the records it restores.
      const target = await switchBackTarget(q, q.params.of!, q.now());
      if (!target.ok) throw backRefused(q.params.of!, target, q.timezone);
      const m = messages(q.lang).plans.cutover;
      return [m.batch({ changes: target.before.map((r) => `UPSERT ${describeRecord(r, q.lang)}`).join('; ') }), m.thenInsync];
    },
    lockTarget: (envName, p) => `${envName}:cutover:${p.name}`,
    title: (envName, p, lang = 'en') => (p.back ? messages(lang).run.title.switchBack({ env: envName, name: p.name }) : messages(lang).run.title.cutover({ env: envName, name: p.name })),
    async run(ctx) {
      const cfg = configOf(ctx.env, ctx.envName, ctx.params.name);
      return ctx.params.back ? switchBack(ctx, deps, cfg) : cutover(ctx, deps, cfg);
    },
    // While the alarms are watched after the switch, Rollback switches back at once (the Switch back button comes after).
    interrupts: ['rollback'],
    anytime: { rollback: ['running'] },
    async onInterrupt(ctx, intent) {
      const cfg = configOf(ctx.env, ctx.envName, ctx.params.name);
      if (ctx.params.back || !(await ctx.stepDone(`upsert-alias:${ctx.params.name}`))) {
        await ctx.view({ note: messages(ctx.lang).cutover.run.cancelledBeforeSwitch({ by: intent.by }) });
        return 'cancelled';
      }
      return autoSwitchBack(ctx, deps, cfg, messages(ctx.lang).cutover.run.byPerson({ by: intent.by }));
    },
  };
}

async function approval(ctx: Ctx, what: string): Promise<boolean> {
  if (!ctx.env.permissions.requireApproval) return true;
  const m = messages(ctx.lang).cutover.run;
  const answer = await ctx.pause('approval', { reason: m.approveReason({ what: what === 'cutover' ? m.theCutover : m.theSwitchBack }), intents: ['approve', 'cancel'], deadlineMs: 60 * 60_000 });
  if (answer === 'timeout' || answer.name === 'cancel') {
    await ctx.view({ note: answer === 'timeout' ? m.nobodyApproved : m.cancelledBy({ by: answer.by }) });
    return false;
  }
  await ctx.approved(answer.by, messages(ctx.lang).run.approvedNote({ by: answer.by }));
  return true;
}

async function waitInSync(ctx: Ctx, dns: CutoverDns, id: string, changeId: string): Promise<number> {
  return ctx.step(`wait-insync:${id}`, () => ctx.poll((l) => messages(l).failures.wait.insync({ change: changeId }), async () => ((await dns.inSync(changeId)) ? ctx.now() : undefined), POLL));
}

const same = (a: DnsRecord[], b: DnsRecord[]) => JSON.stringify(a.map(canon)) === JSON.stringify(b.map(canon));
function canon(r: DnsRecord) {
  return {
    name: normal(r.name),
    type: r.type,
    setIdentifier: r.setIdentifier,
    weight: r.weight,
    ttl: r.aliasTarget ? undefined : r.ttl,
    values: r.values,
    alias: r.aliasTarget ? { ...r.aliasTarget, dnsName: normal(r.aliasTarget.dnsName) } : undefined,
  };
}

async function readSwitchable(dns: CutoverDns, cfg: CutoverConfig, before: DnsRecord[]): Promise<DnsRecord[]> {
  const now = switchable(await dns.records(cfg.hostedZoneId, cfg.recordName));
  return before.map((b) => now.find((r) => r.type === b.type)).filter((r): r is DnsRecord => r !== undefined);
}

async function cutover(ctx: Ctx, deps: CutoverDeps, cfg: CutoverConfig): Promise<FinalState> {
  const dns = deps.dns(ctx.envName);
  const name = ctx.params.name;
  // A Retry after a refusal starts clean: the refusal's note does not outlive the checks that now pass.
  await ctx.view({ name, recordName: cfg.recordName, phase: 'checking', note: undefined } satisfies CutoverView);

  // A Retry checks again (the attempt is in the id), since a refused cutover is usually fixed outside the bot.
  const checks = await ctx.step(`check-target:${name}:a${await ctx.attempt()}`, () => checkCutover(dns, cfg, ctx.lang));
  await ctx.view({ checks: checks.lines });
  const failed = checks.lines.filter((l) => !l.ok);
  if (failed.length > 0 || !checks.lb) {
    await ctx.view({ phase: 'refused', note: messages(ctx.lang).cutover.run.checksFailed({ n: failed.length }) });
    // The failed lines were written in the run's language (a durable step); the frame follows the reader's.
    const why = failed.map((l) => l.text.replace(/\*/g, '')).join('; ');
    throw new OpError((l) => messages(l).failures.cutoverRefused({ why }));
  }
  const lb = checks.lb;

  // The exact records before any change, stored as a durable step result: Switch back restores these.
  const before = await ctx.step(captureStep(name), async () => switchable(await dns.records(cfg.hostedZoneId, cfg.recordName)));
  if (before.length === 0) throw new Error(`no A, AAAA or CNAME record ${cfg.recordName} in zone ${cfg.hostedZoneId} — check environments.${ctx.envName}.cutover.${name}`);
  const after = switched(before, lb);
  await ctx.view({ before: before.map((r) => describeRecord(r, ctx.lang)), after: after.map((r) => describeRecord(r, ctx.lang)) });

  if (!(await approval(ctx, 'cutover'))) return 'cancelled';

  // A plain CNAME is cached for its TTL: lower it first and wait out the old TTL, so the switch takes hold within a minute.
  const cname = before.find((r) => r.type === 'CNAME' && (r.ttl ?? 0) > LOW_TTL);
  if (cname) {
    await ctx.view({ phase: 'lowering-ttl' });
    const lowered = { ...cname, ttl: LOW_TTL };
    const id = await ctx.step(`lower-ttl:${name}:${LOW_TTL}`, () => dns.upsert(cfg.hostedZoneId, [lowered], `ecs-chatops cutover ${name}: lower TTL`), {
      verify: async () => ((await readSwitchable(dns, cfg, [cname]))[0]?.ttl === LOW_TTL ? { done: true, result: '' } : { done: false }),
    });
    const at = id ? await waitInSync(ctx, dns, `lower-ttl:${name}`, id) : ctx.now();
    await ctx.note(messages(ctx.lang).cutover.run.ttlLowered({ name: cname.name, low: LOW_TTL, ttl: cname.ttl!, until: formatTime(at + cname.ttl! * 1000, ctx.timezone, false, ctx.lang) }));
    const until = at + cname.ttl! * 1000;
    if (until > ctx.now()) await ctx.sleep(until - ctx.now());
  }

  const watch = deps.watch?.(ctx.envName, name, cfg);
  const blocked = await alarmsBeforeSwitch(ctx, watch, cfg);
  if (blocked) {
    await ctx.view({ phase: 'refused', note: messages(ctx.lang).cutover.run.refused({ why: blocked }) });
    throw new OpError((l) => messages(l).failures.cutoverRefused({ why: blocked }));
  }

  await ctx.view({ phase: 'switching' });
  const changeId = await ctx.step(`upsert-alias:${name}`, () => dns.upsert(cfg.hostedZoneId, after, `ecs-chatops cutover ${name} → ${lb.name}`), {
    verify: async () => (same(await readSwitchable(dns, cfg, after), after) ? { done: true, result: '' } : { done: false }),
  });
  const now = await readSwitchable(dns, cfg, after);
  if (!same(now, after)) throw new OpError((l) => messages(l).failures.recordsDifferAfterChange({ records: now.map((r) => describeRecord(r, l)).join('; ') }));
  await ctx.view({ phase: 'syncing' });
  const at = changeId ? await waitInSync(ctx, dns, `upsert-alias:${name}`, changeId) : ctx.now();
  const ttl = Math.max(...before.map((r) => (r.aliasTarget ? ALIAS_TTL_SECONDS : r.ttl ?? ALIAS_TTL_SECONDS)));
  const backUntilStored = await ctx.step(`remember-back-until:${name}`, async () => ctx.now() + cfg.switchBackDays * 86_400_000);
  await ctx.view({ phase: 'done', insyncAt: at, effectiveAt: at + ttl * 1000, backUntil: backUntilStored });
  await ctx.note(
    messages(ctx.lang).cutover.run.switched({
      record: cfg.recordName,
      lb: lb.name,
      at: formatTime(at, ctx.timezone, false, ctx.lang),
      effective: formatTime(at + ttl * 1000, ctx.timezone, false, ctx.lang),
      ttl,
      until: formatTime(backUntilStored, ctx.timezone, true, ctx.lang),
    }),
  );
  const tripped = await watchAfterSwitch(ctx, watch, cfg, at);
  if (tripped) return autoSwitchBack(ctx, deps, cfg, messages(ctx.lang).cutover.run.byItself({ why: tripped }));
  return 'succeeded';
}

/** Puts the records back exactly as captured before the switch, in one change batch (what Switch back does), and waits INSYNC. */
async function autoSwitchBack(ctx: Ctx, deps: CutoverDeps, cfg: CutoverConfig, why: string): Promise<FinalState> {
  const dns = deps.dns(ctx.envName);
  const name = ctx.params.name;
  // The records captured before the switch are this run's own step result (the switch happened, so the step is done).
  const captured = await ctx.runs.step<DnsRecord[]>(ctx.run.id, captureStep(name));
  if (captured?.status !== 'done' || !captured.result) throw new OpError((l) => messages(l).failures.nothingCaptured({ name: cfg.recordName }));
  const before = captured.result;
  const changeId = await ctx.step(`switch-back:${name}`, () => dns.upsert(cfg.hostedZoneId, before, `ecs-chatops cutover ${name}: switch back`), {
    verify: async () => (same(await readSwitchable(dns, cfg, before), before) ? { done: true, result: '' } : { done: false }),
  });
  const now = await readSwitchable(dns, cfg, before);
  if (!same(now, before)) throw new OpError((l) => messages(l).failures.recordsDifferAfterSwitchBack({ records: now.map((r) => describeRecord(r, l)).join('; '), name: cfg.recordName }));
  // A second Rollback while the switch back waits for INSYNC is the same wish: keep waiting.
  let at: number | undefined;
  while (at === undefined) {
    try {
      at = changeId ? await waitInSync(ctx, dns, `switch-back:${name}`, changeId) : ctx.now();
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
    }
  }
  await ctx.view({ phase: 'done', insyncAt: at, effectiveAt: at + ALIAS_TTL_SECONDS * 1000, backUntil: undefined, note: messages(ctx.lang).cutover.run.switchedBack({ why }) });
  await ctx.note(messages(ctx.lang).cutover.run.switchedBackNote({ why, record: cfg.recordName, at: formatTime(at, ctx.timezone, false, ctx.lang) }));
  return 'rolled_back';
}

/** Why a switch back is refused, as data: a step stores it, and each reader says it in their language (`backRefused`). */
export type BackRefusal =
  | { kind: 'notCutover' }
  | { kind: 'notDone'; state: string }
  | { kind: 'noRecords' }
  | { kind: 'closed'; at: number }
  | { kind: 'already'; by: string };

function sayBackRefusal(of: string, why: BackRefusal, lang: Lang, timezone: string): string {
  const m = messages(lang).cutover.back;
  switch (why.kind) {
    case 'notCutover':
      return m.notCutover({ of });
    case 'notDone':
      return m.notDone({ of, state: why.state });
    case 'noRecords':
      return m.noRecords({ of });
    case 'closed':
      return m.closed({ of, at: formatTime(why.at, timezone, true, lang) });
    case 'already':
      return m.already({ of, by: why.by });
  }
}

/** The refusal as an error: English `message` for logs, `say(lang)` for people. A result stored before `why` existed says its `reason`. */
export function backRefused(of: string, r: { reason: string; why?: BackRefusal }, timezone: string): OpError {
  const why = r.why;
  return new OpError((l) => (why ? sayBackRefusal(of, why, l, timezone) : r.reason));
}

/** Why a switch back of run `of` is refused now, or the records it restores (read from that run's steps and the facts). */
export async function switchBackTarget(
  q: { runs: RunsReader; facts: Pick<Facts, 'recall'> },
  of: string,
  now: number,
): Promise<{ ok: true; before: DnsRecord[] } | { ok: false; reason: string; why: BackRefusal }> {
  const no = (why: BackRefusal) => ({ ok: false as const, reason: sayBackRefusal(of, why, 'en', 'UTC'), why });
  const run = await q.runs.get(of);
  if (!run || run.kind !== 'cutover') return no({ kind: 'notCutover' });
  if (run.state !== 'succeeded') return no({ kind: 'notDone', state: run.state });
  const params = CutoverParamsSchema.safeParse(run.params);
  if (!params.success) return no({ kind: 'notCutover' });
  const step = await q.runs.step<DnsRecord[]>(of, captureStep(params.data.name));
  if (step?.status !== 'done' || !step.result) return no({ kind: 'noRecords' });
  const until = await q.runs.step<number>(of, `remember-back-until:${params.data.name}`);
  const deadline = until?.result !== undefined ? Number(until.result) : 0;
  if (now > deadline) return no({ kind: 'closed', at: deadline });
  const done = await q.facts.recall<string>(backKey(of));
  if (done) return no({ kind: 'already', by: done });
  return { ok: true, before: step.result };
}

async function switchBack(ctx: Ctx, deps: CutoverDeps, cfg: CutoverConfig): Promise<FinalState> {
  const dns = deps.dns(ctx.envName);
  const name = ctx.params.name;
  const of = ctx.params.of!;
  const target = await ctx.step(`check-back:${of}`, () => switchBackTarget(ctx, of, ctx.now()));
  if (!target.ok) throw backRefused(of, target, ctx.timezone);
  const before = target.before;
  const current = await readSwitchable(dns, cfg, before);
  await ctx.view({ name, recordName: cfg.recordName, back: true, of, phase: 'switching', before: current.map((r) => describeRecord(r, ctx.lang)), after: before.map((r) => describeRecord(r, ctx.lang)) } satisfies CutoverView);
  // Switch back is the way back to safety: it never waits for approval (docs/decisions.md, Issue 17).
  const changeId = await ctx.step(`restore-records:${name}:${of}`, () => dns.upsert(cfg.hostedZoneId, before, `ecs-chatops switch back ${name} (undo ${of})`), {
    verify: async () => (same(await readSwitchable(dns, cfg, before), before) ? { done: true, result: '' } : { done: false }),
  });
  const now = await readSwitchable(dns, cfg, before);
  if (!same(now, before)) throw new OpError((l) => messages(l).failures.recordsDifferAfterSwitchBack({ records: now.map((r) => describeRecord(r, l)).join('; '), name: cfg.recordName }));
  await ctx.view({ phase: 'syncing' });
  const at = changeId ? await waitInSync(ctx, dns, `restore-records:${name}`, changeId) : ctx.now();
  await ctx.step(`remember-back:${of}`, () => ctx.facts.remember(backKey(of), ctx.run.id));
  await ctx.view({ phase: 'done', insyncAt: at, effectiveAt: at + ALIAS_TTL_SECONDS * 1000 });
  await ctx.note(messages(ctx.lang).cutover.run.restored({ record: cfg.recordName, of, at: formatTime(at, ctx.timezone, false, ctx.lang) }));
  return 'succeeded';
}
