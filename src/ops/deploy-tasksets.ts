// The task-set strategy of /deploy (seed 004), for services reached through ECS Service Discovery, where no load
// balancer can weigh traffic: green is a second task set (EXTERNAL controller) registered in its own Cloud Map
// service, a canary target's Route 53 weighted pair moves the traffic, then green becomes primary and blue goes.
// Rollback puts the weights back first (what people feel), then blue primary again, then deletes green.
import type { z } from 'zod';
import type { CanaryConfig, TaskSetDeploySchema } from '../config/schema.js';
import { formatTime } from '../clock.js';
import type { FinalState } from '../runs/operation.js';
import { greenShare, weightsFor, type CanaryTraffic, type Weights } from './canary.js';
import type { DeployCtx, DeployStrategy, Show } from './deploy-shape.js';
import { THROTTLED_START } from './startup.js';
import type { TrafficWatch } from './gates.js';
import { alarmsBeforeStep, bakeWatched } from './canary-gates.js';
import { messages, OpError, type Lang } from '../i18n/index.js';

type TaskSetConfig = z.infer<typeof TaskSetDeploySchema>;
type Ctx = DeployCtx;
/** What plan and run both know: where, and which target. */
type Where = Pick<Ctx, 'env' | 'envName' | 'params'>;

/**
 * Where a task set's tasks run (network, launch type or capacity providers, platform), as ECS reports it. The strategy
 * never looks inside: it hands blue's placement to green's CreateTaskSet as it came.
 */
export type TaskPlacement = object;

/** A task set as this strategy reads it. */
export interface TaskSetInfo {
  id: string;
  arn: string;
  status: string;
  taskDefinition: string;
  /** ECS's computed desired count. */
  desired: number;
  running: number;
  pending: number;
  scalePercent: number;
  /** STEADY_STATE. */
  stable: boolean;
  externalId?: string;
  placement?: TaskPlacement;
  /** The Cloud Map services it registers in: which colour a task set is, on AWS. */
  registryArns?: string[];
}

/** The task set the strategy asks ECS to create. */
export interface NewTaskSet {
  taskDefinition: string;
  externalId?: string;
  scalePercent?: number;
  placement?: TaskPlacement;
  registryArns?: string[];
}

/** ECS's task-set calls, as this strategy needs them (src/adapters/deploy.ts provides them). */
export interface TaskSetEcs {
  /** The service's deployment controller and its newest events (undefined when ECS does not know the service). */
  service(name: string): Promise<{ deploymentController: string; recentEvents: { at: number; message: string }[] } | undefined>;
  describeTaskSets(service: string, ids?: string[]): Promise<TaskSetInfo[]>;
  createTaskSet(service: string, spec: NewTaskSet): Promise<TaskSetInfo>;
  scaleTaskSet(service: string, taskSet: string, percent: number): Promise<unknown>;
  makePrimary(service: string, taskSet: string): Promise<unknown>;
  deleteTaskSet(service: string, taskSet: string, force?: boolean): Promise<unknown>;
  /** The exact CreateTaskSet request createTaskSet sends for `spec` (shown by --dry-run). */
  createTaskSetRequest(cluster: string, service: string, spec: NewTaskSet): unknown;
}

/** ECS and Route 53 as this strategy sees them: task sets, and a canary target's weighted pair. */
export interface TaskSetDeployPort {
  ecs: TaskSetEcs;
  /** The Route 53 weighted pair of a canary target (src/adapters/traffic.ts canaryTraffic). */
  traffic(canary: string, cfg: CanaryConfig): CanaryTraffic;
  /** CloudWatch gates of the canary target: its alarms and, with metrics named, green against blue (src/adapters/watch.ts). */
  watch?(canary: string, cfg: CanaryConfig): TrafficWatch;
}

const POLL = { everyMs: 2000, maxEveryMs: 5000 };
/** How long green may take to reach STEADY_STATE before it is removed (counted from CreateTaskSet, so a restart does not reset it). */
const READY_TIMEOUT_MS = 15 * 60_000;
/** Route 53 changes are usually INSYNC within 60 s (DESIGN, numbers 9); ten minutes means something is wrong. */
const INSYNC_TIMEOUT_MS = 10 * 60_000;
/** How long the message follows blue draining after DeleteTaskSet; the deploy has succeeded either way. */
const DRAIN_FOLLOW_MS = 5 * 60_000;
/** Green's tasks failing to start this many times (ECS throttles launches after 3 in a row) ends the wait. */
const FAILED_STARTS = 3;
const FAILED_START = /failed to start/i;

interface TaskSetRef {
  id: string;
  arn: string;
  taskDefinition: string;
}
export type Colour = 'blue' | 'green';
/** The task set serving before the deploy, and which colour it is on AWS (absent in runs started before colours: blue). */
interface LiveRef extends TaskSetRef {
  live?: Colour;
}
interface GreenRef extends TaskSetRef {
  /** When the bot created it (bot clock): failures before this are someone else's. */
  createdAt: number;
}

const configPath = (ctx: Where) => `environments.${ctx.envName}.deploy.${ctx.params.target}`;
const configPath2 = (envName: string, service: string) => `environments.${envName}.deploy.${service}`;
const serviceOf = (ctx: Where, cfg: TaskSetConfig) => cfg.service ?? ctx.params.target;
const ref = (t: TaskSetInfo): TaskSetRef => ({ id: t.id, arn: t.arn, taskDefinition: t.taskDefinition });
const revision = (arn: string) => arn.split('/').pop() ?? arn;

/**
 * The CreateTaskSet of the new task set (the same for the run and for --dry-run). `externalId` is the run id: a resumed
 * run finds its own by it. It registers in the colour that is not live: green after blue, blue after green.
 */
export function greenTaskSet(cfg: TaskSetConfig, taskDefinitionArn: string, externalId: string, blue?: Pick<TaskSetInfo, 'placement'>, live: Colour = 'blue'): NewTaskSet {
  // The new task set runs where the live one runs: same subnets, security groups, launch type or capacity providers, platform.
  const registry = live === 'blue' ? cfg.greenRegistryArn : cfg.blueRegistryArn;
  return { taskDefinition: taskDefinitionArn, externalId, scalePercent: 100, registryArns: [registry], ...(blue?.placement ? { placement: blue.placement } : {}) };
}

/** Which colour a task set is, from the Cloud Map service it registers in; undefined when it is in neither. */
export function colourOf(cfg: TaskSetConfig, t: Pick<TaskSetInfo, 'registryArns'>): Colour | undefined {
  if (t.registryArns?.includes(cfg.blueRegistryArn)) return 'blue';
  if (t.registryArns?.includes(cfg.greenRegistryArn)) return 'green';
  return undefined;
}

export const otherColour = (c: Colour): Colour => (c === 'blue' ? 'green' : 'blue');
const cap = (c: Colour) => (c === 'blue' ? 'Blue' : 'Green');

/** The colours of one deploy, for its messages: `o` the live (old) one, `n` the new one; capitalised `O`, `N`. */
interface Names {
  live: Colour;
  o: Colour;
  n: Colour;
  O: string;
  N: string;
  /** The new colour's share of traffic (what the deploy walks) as AWS's green share (what the message shows). */
  aws: (newShare: number) => number;
}
const namesFor = (live: Colour): Names => ({ live, o: live, n: otherColour(live), O: cap(live), N: cap(otherColour(live)), aws: (x) => (live === 'blue' ? x : 100 - x) });

/**
 * The canary pair seen from the deploy: `blue` is the live colour's record, `green` the new one's. With blue live this
 * is the pair itself; with green live the two are swapped, so every step, read-back and Rollback moves the right record.
 */
export function oriented(traffic: CanaryTraffic, live: Colour): CanaryTraffic {
  if (live === 'blue') return traffic;
  const swap = <T extends Weights>(w: T): T => ({ ...w, blue: w.green, green: w.blue });
  return {
    ...traffic,
    read: async () => swap(await traffic.read()),
    shift: (w) => traffic.shift(swap(w)),
    describeShift: (w) => traffic.describeShift(swap(w)),
  };
}

/** The CloudWatch comparison seen from the deploy, like `oriented`: `green` is always the new task set's side. */
export function orientedWatch(watch: TrafficWatch, live: Colour): TrafficWatch {
  const { compare } = watch;
  if (live === 'blue' || !compare) return watch;
  return { ...watch, compare: async (from, to) => { const c = await compare(from, to); return { ...c, blue: c.green, green: c.blue }; } };
}

/** The shift steps and the bake between them: the target's own, else its canary target's. */
export function shiftPlan(cfg: TaskSetConfig, canary: CanaryConfig): { steps: number[]; bakeSeconds: number } {
  return { steps: cfg.steps ?? canary.steps, bakeSeconds: cfg.bakeSeconds ?? canary.bakeSeconds };
}

/**
 * Why a deploy must not start now (someone's deployment is half done), or undefined. Pure: the run and --dry-run
 * share it. Task sets DRAINING are on their way out (a finished deploy's blue) and do not count.
 */
export function halfDone(p: { service: string; envName: string; cfg: TaskSetConfig; canary: CanaryConfig; sets: TaskSetInfo[]; weights: Weights }): string | undefined {
  // Whichever colour is live, its record must carry all the weight and the other none.
  const { service, cfg, canary, weights: w } = p;
  const current = p.sets.filter((t) => t.status !== 'DRAINING');
  if (current.length > 1) {
    const list = current.map((t) => `\`${t.id}\` ${t.status} (${revision(t.taskDefinition)}${t.externalId ? `, externalId ${t.externalId}` : ''})`).join(', ');
    return `${service} has ${current.length} task sets: ${list} — a deployment is half done; finish it or delete the extra task set (traffic first), then deploy again`;
  }
  const [only] = current;
  if (!only) return `${service} has no task set — create its PRIMARY task set in ${cfg.blueRegistryArn} first`;
  if (only.status !== 'PRIMARY') return `${service}'s only task set \`${only.id}\` is ${only.status}, not PRIMARY — make it primary (UpdateServicePrimaryTaskSet), then deploy again`;
  const live = colourOf(cfg, only);
  if (!live) {
    return `${service}'s PRIMARY task set \`${only.id}\` is registered in ${only.registryArns?.join(', ') || 'no Cloud Map service'}, neither blueRegistryArn nor greenRegistryArn of ${configPath2(p.envName, service)} — the bot cannot tell which colour is live, so it changes nothing`;
  }
  const r = canary.route53!;
  const setTo = `\`/canary ${p.envName} ${cfg.canary} set ${live === 'blue' ? 0 : 100}\``;
  if (w.blue === 0 && w.green === 0) return `Route 53 has weight 0 on both ${r.blue} and ${r.green} of ${r.recordName} (traffic split evenly) — put all on ${live} (where the PRIMARY task set registers) with ${setTo}, then deploy again`;
  const idleWeight = live === 'blue' ? w.green : w.blue;
  const liveWeight = live === 'blue' ? w.blue : w.green;
  if (idleWeight > 0 || liveWeight === 0) {
    const idle = otherColour(live);
    const idleShare = live === 'blue' ? greenShare(w) : 100 - greenShare(w);
    return `Route 53 sends ${idleShare} % of ${r.recordName} to ${idle} (${r.green} weight ${w.green}, ${r.blue} weight ${w.blue}) while the PRIMARY task set is ${live} — a deployment or canary is half done; put it back with ${setTo}, then deploy again`;
  }
  return undefined;
}

/** The stage line: green up, each shift, green primary, blue removed; `at` is the stage in progress. */
export function stageLine(steps: number[], at: number, how: 'InProgress' | 'Failed' | 'RolledBack' | 'Succeeded', live: Colour = 'blue', lang: Lang = 'en'): { name: string; status: string }[] {
  const [n, o] = [cap(otherColour(live)), cap(live)];
  const m = messages(lang).deploy.taskSetRun;
  const names = [m.stageUp({ N: n }), ...steps.map((p) => `${p} %`), m.stagePrimary({ N: n }), m.stageRemoved({ O: o })];
  return names.map((name, i) => ({
    name,
    status: how === 'Succeeded' || i < at ? 'Succeeded' : i === at ? how : how === 'InProgress' ? 'Pending' : 'Skipped',
  }));
}

/** The calls a deploy would make, for --dry-run. */
export function planTaskSets(p: {
  cfg: TaskSetConfig;
  canary: CanaryConfig;
  taskDefinitionArn: string;
  blue: TaskSetInfo | undefined;
  approval: boolean;
  traffic: Pick<CanaryTraffic, 'describeShift'>;
  /** The exact CreateTaskSet request of a new task set (the port's). */
  request: (spec: NewTaskSet) => unknown;
  /** The asker's language: the calls stay as calls, the words around them follow it. */
  lang?: Lang;
}): string[] {
  const { cfg } = p;
  const m = messages(p.lang ?? 'en').plans.deploy;
  const { steps, bakeSeconds } = shiftPlan(cfg, p.canary);
  const k = namesFor((p.blue && colourOf(cfg, p.blue)) ?? 'blue');
  const describeShift = (w: Weights) => p.traffic.describeShift(k.live === 'blue' ? w : { blue: w.green, green: w.blue });
  const blue = p.blue ? `\`${p.blue.id}\`` : m.thePrimary;
  const registry = k.n === 'green' ? cfg.greenRegistryArn : cfg.blueRegistryArn;
  const lines = [
    m.taskSetCreate({ colour: k.n, registry: registry.split('/').pop() ?? registry }),
    '```',
    JSON.stringify(p.request(greenTaskSet(cfg, p.taskDefinitionArn, '<run id>', p.blue, k.live)), null, 2),
    '```',
    m.taskSetSteady({ colour: k.n }),
  ];
  if (p.approval) lines.push(m.taskSetApproval({ colour: k.n, minutes: cfg.approvalWaitMinutes }));
  for (const [i, pct] of steps.entries()) {
    lines.push(m.taskSetStep({ step: i + 1, steps: steps.length, colour: k.n, pct, call: describeShift(weightsFor(pct)), ...(pct < 100 && bakeSeconds > 0 ? { bakeSeconds } : {}) }));
  }
  lines.push(
    `• ecs:UpdateServicePrimaryTaskSet ${k.n}`,
    m.taskSetKeep({ old: k.o, id: blue, minutes: cfg.terminationWaitMinutes }),
    m.taskSetRollback({ call: describeShift(weightsFor(0)), old: k.o, colour: k.n }),
  );
  return lines;
}

/** The run's memory of where its stage line stands (a Rollback marks that stage rolled back). */
const STAGE_AT = 'tasksets:stage-at';

/** The stage line with stage `at` in progress, remembered first so a Rollback (even after a restart) knows where the deploy was. */
async function progress(ctx: Ctx, steps: number[], at: number, live: Colour): Promise<{ name: string; status: string }[]> {
  if ((await ctx.recall<number>(STAGE_AT)) !== at) await ctx.remember(STAGE_AT, at);
  return stageLine(steps, at, 'InProgress', live, ctx.lang);
}

export function taskSetStrategy({ ecs, traffic: trafficOf, watch: watchOf }: TaskSetDeployPort): DeployStrategy<TaskSetConfig> {
  const canaryOf = (ctx: Where, cfg: TaskSetConfig): CanaryConfig => {
    const c = ctx.env.canary[cfg.canary];
    if (!c?.route53) throw new Error(`${configPath(ctx)}.canary names "${cfg.canary}", which is not a Route 53 canary target of ${ctx.envName} — define environments.${ctx.envName}.canary.${cfg.canary}.route53`);
    return c;
  };
  const readStep = (service: string) => `read-task-sets:${service}`;

  /** Blue: the service's one PRIMARY task set, read once before green exists and remembered (green becomes primary later). */
  const blueOf = (ctx: Ctx, cfg: TaskSetConfig, canary: CanaryConfig, traffic: CanaryTraffic) =>
    ctx.step<LiveRef>(readStep(serviceOf(ctx, cfg)), async () => {
      const service = serviceOf(ctx, cfg);
      const sets = await ecs.describeTaskSets(service);
      const busy = halfDone({ service, envName: ctx.envName, cfg, canary, sets, weights: await traffic.read() });
      if (busy) throw new Error(busy);
      const primary = sets.find((t) => t.status === 'PRIMARY')!;
      return { ...ref(primary), live: colourOf(cfg, primary) ?? 'blue' };
    });

  /** This run's green, found in ECS by its externalId (the run id); task sets on their way out do not count. */
  const ownGreen = async (ctx: Ctx, service: string) => (await ecs.describeTaskSets(service)).find((t) => t.externalId === ctx.run.id && t.status !== 'DRAINING');

  /** Reads both task sets and shows them; a task set ECS no longer lists shows as deleted. */
  async function observe(service: string, blue: TaskSetRef, green: TaskSetRef | undefined, show: Show, k: Names = namesFor('blue')): Promise<{ blue?: TaskSetInfo; green?: TaskSetInfo }> {
    const sets = await ecs.describeTaskSets(service);
    const b = sets.find((t) => t.id === blue.id);
    const g = green ? sets.find((t) => t.id === green.id) : undefined;
    const row = (role: 'blue' | 'green', r: TaskSetRef, t: TaskSetInfo | undefined) =>
      t ? { role, id: t.id, status: t.status, running: t.running, desired: t.desired, pending: t.pending } : { role, id: r.id, status: 'DELETED', running: 0, desired: 0, pending: 0 };
    // Rows carry each task set's colour on AWS (its Cloud Map service), whichever is old and new.
    await show({ taskSets: [row(k.o, blue, b), ...(green ? [row(k.n, green, g)] : [])] });
    return { ...(b ? { blue: b } : {}), ...(g ? { green: g } : {}) };
  }

  /** Why green's tasks count as failing to start, from the service's events since green was created, or undefined. */
  async function failedStarts(service: string, since: number): Promise<string | undefined> {
    const status = await ecs.service(service);
    const events = (status?.recentEvents ?? []).filter((e) => e.at >= since);
    const throttled = events.find((e) => THROTTLED_START.test(e.message));
    const failed = events.filter((e) => FAILED_START.test(e.message));
    if (throttled) return `ECS is unable to consistently start tasks successfully${failed[0] ? `; the last failure: ${failed[0].message}` : ''}`;
    if (failed.length >= FAILED_STARTS) return `${failed.length} tasks failed to start; the last: ${failed[0]!.message}`;
    return undefined;
  }

  const deleteStep = (ctx: Ctx, service: string, t: TaskSetRef, force: boolean) =>
    ctx.step(`delete-task-set:${service}:${t.id}`, async () => void (await ecs.deleteTaskSet(service, t.arn, force)), {
      verify: async () => {
        const [now] = await ecs.describeTaskSets(service, [t.arn]);
        return !now || now.status === 'DRAINING' ? { done: true, result: undefined } : { done: false };
      },
    });

  const primaryStep = (ctx: Ctx, service: string, t: TaskSetRef) =>
    ctx.step(`make-primary:${service}:${t.id}`, async () => void (await ecs.makePrimary(service, t.arn)), {
      verify: async () => ((await ecs.describeTaskSets(service, [t.arn]))[0]?.status === 'PRIMARY' ? { done: true, result: undefined } : { done: false }),
    });

  /** Writes a thread line once, even across restarts: the record step is done only after the first time. */
  async function noteOnce(ctx: Ctx, id: string, text: string): Promise<void> {
    if (await ctx.stepDone(`noted:${id}`)) return;
    await ctx.step(`noted:${id}`, async () => true);
    await ctx.note(text);
  }

  /** Waits until a Route 53 change is INSYNC; returns when. (A second Rollback during a rollback is swallowed by the engine.) */
  const waitInSync = (ctx: Ctx, traffic: CanaryTraffic, changeId: string): Promise<number> =>
    ctx.poll((l) => messages(l).failures.wait.insync({ change: changeId }), async () => ((await traffic.inSync!(changeId)) ? ctx.now() : undefined), { ...POLL, timeoutMs: INSYNC_TIMEOUT_MS });

  const effective = (ctx: Ctx, at: number, ttl: number | undefined) =>
    messages(ctx.lang).deploy.taskSetRun.effective({ at: formatTime(at, ctx.timezone, false, ctx.lang), ...(ttl !== undefined ? { effective: formatTime(at + ttl * 1000, ctx.timezone, false, ctx.lang), ttl } : {}) });

  /** Moves green's share to `pct` in one change batch, reads it back, and waits for INSYNC. */
  async function shiftTo(ctx: Ctx, cfg: TaskSetConfig, traffic: CanaryTraffic, steps: number[], n: number, show: Show, k: Names): Promise<void> {
    const pct = steps[n - 1]!;
    const want = weightsFor(pct);
    const id = `shift-weights:${cfg.canary}:${pct}`;
    // The previous step's INSYNC time no longer describes the records: it goes until this change syncs.
    await show({ stage: messages(ctx.lang).deploy.taskSetRun.moving({ pct, n: k.n }), stages: await progress(ctx, steps, n, k.live), insyncAt: undefined });
    const shifted = await ctx.step<{ changeId?: string }>(id, () => traffic.shift(want), {
      verify: async () => {
        const w = await traffic.read();
        return w.blue === want.blue && w.green === want.green ? { done: true, result: {} } : { done: false };
      },
    });
    const read = await traffic.read();
    if (read.blue !== want.blue || read.green !== want.green) {
      throw new OpError((l) => messages(l).failures.taskSetReadBack({ o: k.o, n: k.n, blue: read.blue, green: read.green, wantBlue: want.blue, wantGreen: want.green, canary: cfg.canary, env: ctx.envName, pct: k.live === 'blue' ? 0 : 100 }));
    }
    await show({ trafficToGreen: k.aws(greenShare(read)), ...(read.ttl !== undefined ? { ttl: read.ttl } : {}) });
    const syncId = `wait-insync:${cfg.canary}:${pct}`;
    if (shifted.changeId && traffic.inSync && !(await ctx.stepDone(syncId))) {
      await show({ stage: messages(ctx.lang).deploy.taskSetRun.waitingInsync({ pct, n: k.n }) });
      const at = await waitInSync(ctx, traffic, shifted.changeId);
      await ctx.step(syncId, async () => at);
      await show({ insyncAt: at });
      await noteOnce(ctx, id, messages(ctx.lang).deploy.taskSetRun.stepSynced({ step: n, steps: steps.length, n: k.n, pct, effective: effective(ctx, at, read.ttl) }));
    } else {
      await noteOnce(ctx, id, messages(ctx.lang).deploy.taskSetRun.stepUpdated({ step: n, steps: steps.length, n: k.n, pct }));
    }
  }

  /** Blue scaled to 0 and deleted, then followed while it drains (the deploy has succeeded either way). */
  async function retireBlue(ctx: Ctx, service: string, blue: TaskSetRef, green: TaskSetRef, steps: number[], show: Show, k: Names): Promise<void> {
    await show({ stage: messages(ctx.lang).deploy.taskSetRun.removing({ name: k.o }), stages: await progress(ctx, steps, steps.length + 2, k.live), waitingFor: undefined, deadline: undefined });
    await ctx.step(`scale-task-set:${service}:${blue.id}:0`, async () => void (await ecs.scaleTaskSet(service, blue.arn, 0)), {
      verify: async () => {
        const [now] = await ecs.describeTaskSets(service, [blue.arn]);
        return !now || now.status === 'DRAINING' || now.scalePercent === 0 ? { done: true, result: undefined } : { done: false };
      },
    });
    await deleteStep(ctx, service, blue, false);
    const until = ctx.now() + DRAIN_FOLLOW_MS;
    await ctx.poll((l) => messages(l).failures.wait.drain({ name: k.o }), async () => {
      const seen = await observe(service, blue, green, show, k);
      return !seen.blue || seen.blue.running === 0 || ctx.now() > until ? true : undefined;
    }, { ...POLL, timeoutMs: DRAIN_FOLLOW_MS + 60_000 });
    await noteOnce(ctx, `retire:${blue.id}`, messages(ctx.lang).deploy.taskSetRun.retired({ O: k.O, id: blue.id }));
  }

  /** Traffic back on blue in ONE Route 53 change (first: it is what people feel), INSYNC, blue primary again, green deleted. */
  async function rollbackNow(ctx: Ctx, cfg: TaskSetConfig, service: string, traffic: CanaryTraffic, blue: TaskSetRef, green: TaskSetRef | undefined, why: string, show: Show, k: Names): Promise<FinalState> {
    const before = await traffic.read();
    let sync = '';
    if (before.green > 0 || before.blue === 0) {
      const want = weightsFor(0);
      const done = await ctx.step<{ changeId?: string }>(`rollback-weights:${cfg.canary}`, () => traffic.shift(want), {
        verify: async () => {
          const w = await traffic.read();
          return w.green === 0 && w.blue > 0 ? { done: true, result: {} } : { done: false };
        },
      });
      const read = await traffic.read();
      if (read.green !== 0) throw new OpError((l) => messages(l).failures.taskSetRollbackStuck({ o: k.o, n: k.n, blue: read.blue, green: read.green, canary: cfg.canary }));
      await show({ trafficToGreen: k.aws(0), stage: messages(ctx.lang).deploy.taskSetRun.trafficBack({ o: k.o }), waitingFor: undefined, deadline: undefined, bakeEndsAt: undefined });
      if (done.changeId && traffic.inSync) {
        const at = await waitInSync(ctx, traffic, done.changeId);
        await show({ insyncAt: at });
        sync = `; ${effective(ctx, at, read.ttl)}`;
      }
    }
    if (green) {
      const [g] = await ecs.describeTaskSets(service, [green.arn]);
      if (g?.status === 'PRIMARY') {
        await show({ stage: messages(ctx.lang).deploy.taskSetRun.primaryAgain({ o: k.o }) });
        await primaryStep(ctx, service, blue);
      }
      await show({ stage: messages(ctx.lang).deploy.taskSetRun.deleting({ n: k.n }) });
      await deleteStep(ctx, service, green, true);
      await observe(service, blue, green, show, k);
    }
    // Where the stage line stood (the run's memory): that stage is the one rolled back, the later ones skipped.
    const at = await ctx.recall<number>(STAGE_AT);
    const stages = at === undefined ? [] : stageLine(shiftPlan(cfg, canaryOf(ctx, cfg)).steps, at, 'RolledBack', k.live, ctx.lang);
    await show({ outcome: messages(ctx.lang).deploy.taskSetRun.rolledBack({ why, o: k.o }), stages, stage: undefined, waitingFor: undefined, deadline: undefined, bakeEndsAt: undefined, trafficToGreen: k.aws(0) });
    await ctx.note(messages(ctx.lang).deploy.taskSetRun.rolledBackNote({ why, o: k.o, sync, sets: green ? messages(ctx.lang).deploy.taskSetRun.setsAfterRollback({ o: k.o, blue: blue.id, n: k.n, green: green.id }) : '' }));
    return 'rolled_back';
  }

  return {
    async inProgress(ctx, cfg) {
      const service = serviceOf(ctx, cfg);
      const canary = canaryOf(ctx, cfg);
      const status = await ecs.service(service);
      if (status && status.deploymentController !== 'EXTERNAL') {
        return `${service} uses the ${status.deploymentController} deployment controller; strategy tasksets needs EXTERNAL (task sets) — check ${configPath(ctx)}.strategy`;
      }
      const weights = await trafficOf(cfg.canary, canary).read();
      // The message shows the weights AWS has, refused or not (green's share of the records as they are).
      await ctx.view({ record: canary.route53!.recordName, trafficToGreen: greenShare(weights) });
      return halfDone({ service, envName: ctx.envName, cfg, canary, sets: await ecs.describeTaskSets(service), weights });
    },

    async run(ctx, cfg, taskDefinitionArn, show) {
      const service = serviceOf(ctx, cfg);
      const canary = canaryOf(ctx, cfg);
      const raw = trafficOf(cfg.canary, canary);
      const { steps, bakeSeconds } = shiftPlan(cfg, canary);
      const blue = await blueOf(ctx, cfg, canary, raw);
      // From here `blue` is the live task set and `green` the new one, whichever colours they are on AWS.
      const k = namesFor(blue.live ?? 'blue');
      const traffic = oriented(raw, k.live);
      const record = canary.route53!.recordName;
      if ((await ctx.recall<number>(STAGE_AT)) === undefined) {
        const w = await traffic.read();
        await show({ record, steps, trafficToGreen: k.aws(greenShare(w)), stages: await progress(ctx, steps, 0, k.live), stage: messages(ctx.lang).deploy.taskSetRun.starting({ n: k.n }) });
      }

      // Green: CreateTaskSet, found again by its externalId after a crash. A Retry (after green was removed) creates a new one.
      const attempt = await ctx.attempt();
      const createId = attempt === 0 ? `create-task-set:${service}` : `create-task-set:${service}:attempt-${attempt}`;
      const green = await ctx.step<GreenRef>(
        createId,
        async () => {
          const mine = attempt > 0 ? await ownGreen(ctx, service) : undefined;
          const live = mine ? undefined : (await ecs.describeTaskSets(service)).find((t) => t.id === blue.id);
          const t = mine ?? (await ecs.createTaskSet(service, greenTaskSet(cfg, taskDefinitionArn, ctx.run.id, live, k.live)));
          return { ...ref(t), createdAt: ctx.now() };
        },
        {
          verify: async () => {
            const t = await ownGreen(ctx, service);
            return t ? { done: true, result: { ...ref(t), createdAt: ctx.now() } } : { done: false };
          },
        },
      );
      const newRegistry = k.n === 'green' ? cfg.greenRegistryArn : cfg.blueRegistryArn;
      await noteOnce(ctx, `create:${green.id}`, messages(ctx.lang).deploy.taskSetRun.created({ N: k.N, id: green.id, revision: revision(taskDefinitionArn), registry: newRegistry.split('/').pop() ?? newRegistry, o: k.o, blue: blue.id }));

      // Green up: STEADY_STATE with every task running; tasks that fail to start remove green and end the run.
      const readyId = `wait-ready:${green.id}`;
      if (!(await ctx.stepDone(readyId))) {
        await show({ stage: messages(ctx.lang).deploy.taskSetRun.starting({ n: k.n }), stages: await progress(ctx, steps, 0, k.live) });
        const deadline = green.createdAt + READY_TIMEOUT_MS;
        const seen = await ctx.poll(
          (l) => messages(l).failures.wait.steadyState({ name: k.n, id: green.id }),
          async () => {
            const s = await observe(service, blue, green, show, k);
            if (!s.green) return { failed: `${k.n} task set ${green.id} is gone (deleted outside the bot?)` };
            if (s.green.stable && s.green.desired > 0 && s.green.running >= s.green.desired) return { running: s.green.running };
            const failed = await failedStarts(service, green.createdAt);
            if (failed) return { failed };
            if (ctx.now() > deadline) return { failed: `not STEADY_STATE after ${READY_TIMEOUT_MS / 60_000} min (${s.green.running}/${s.green.desired} running)` };
            return undefined;
          },
          { ...POLL, timeoutMs: READY_TIMEOUT_MS + 5 * 60_000 },
        );
        if ('failed' in seen) {
          await show({ stage: messages(ctx.lang).deploy.taskSetRun.removing({ name: k.n }), stages: stageLine(steps, 0, 'Failed', k.live, ctx.lang) });
          await ctx.note(messages(ctx.lang).deploy.taskSetRun.didNotComeUp({ N: k.N, why: seen.failed ?? '', n: k.n, o: k.o }));
          await deleteStep(ctx, service, green, true);
          await observe(service, blue, green, show, k);
          await show({ stage: undefined, outcome: messages(ctx.lang).deploy.taskSetRun.removedStayed({ n: k.n, o: k.o }) });
          throw new OpError((l) => messages(l).failures.taskSetDidNotComeUp({ n: k.n, o: k.o, why: seen.failed ?? '', id: green.id }));
        }
        await ctx.step(readyId, async () => seen.running);
        await noteOnce(ctx, `ready:${green.id}`, messages(ctx.lang).deploy.taskSetRun.isUp({ N: k.N, running: seen.running }));
      }

      // Approve before the first production shift: a second person where the environment requires it.
      if (ctx.env.permissions.requireApproval || cfg.waitForApproval) {
        const since = await ctx.step(`approval-since:${green.id}`, async () => ctx.now());
        const waitMs = cfg.approvalWaitMinutes * 60_000;
        await show({ waitingFor: 'approval', deadline: since + waitMs, stage: messages(ctx.lang).deploy.taskSetRun.upNoTraffic({ n: k.n }), stages: await progress(ctx, steps, 1, k.live) });
        const answer = await ctx.pause(`approve-traffic:${green.id}`, {
          reason: messages(ctx.lang).deploy.taskSetRun.approveReason({ N: k.N, pct: steps[0]!, record }),
          intents: ['approve', 'rollback'],
          deadlineMs: waitMs,
        });
        await show({ waitingFor: undefined, deadline: undefined });
        if (answer === 'timeout') return rollbackNow(ctx, cfg, service, traffic, blue, green, messages(ctx.lang).deploy.taskSetRun.byItselfNobody({ at: formatTime(since + waitMs, ctx.timezone, true, ctx.lang) }), show, k);
        if (answer.name === 'rollback') return rollbackNow(ctx, cfg, service, traffic, blue, green, messages(ctx.lang).deploy.taskSetRun.byPerson({ by: answer.by }), show, k);
        await noteOnce(ctx, `approved:${green.id}`, messages(ctx.lang).deploy.taskSetRun.approved({ by: answer.by, n: k.n }));
      }

      // Traffic: each step is one Route 53 change batch, waited INSYNC, then baked (not after 100 %).
      // CloudWatch gates (alarms before each shift and through each bake): a failure rolls back like a person's Rollback.
      const watched = watchOf?.(cfg.canary, canary);
      const watch = watched && orientedWatch(watched, k.live);
      const gated = (n: number, pct: number, why: string) => rollbackNow(ctx, cfg, service, traffic, blue, green, messages(ctx.lang).deploy.taskSetRun.gateFailed({ step: n, steps: steps.length, n: k.n, pct, why }), show, k);
      for (let n = 1; n <= steps.length; n += 1) {
        const pct = steps[n - 1]!;
        const blocked = await alarmsBeforeStep(ctx, watch, canary, n === 1 ? 0 : steps[n - 2]!, pct);
        if (blocked) return gated(n, pct, blocked);
        await shiftTo(ctx, cfg, traffic, steps, n, show, k);
        if (pct === 100 || bakeSeconds === 0) continue;
        const bakeStart = await ctx.step(`bake:${cfg.canary}:${pct}`, async () => ctx.now());
        const until = bakeStart + bakeSeconds * 1000;
        if (until > ctx.now()) await show({ stage: messages(ctx.lang).deploy.taskSetRun.baking({ n: k.n, pct }), bakeEndsAt: until });
        const watched = await bakeWatched(ctx, watch, { ...canary, bakeSeconds }, bakeStart, until);
        if (watched.failure) return gated(n, pct, watched.failure);
        // A deploy has no Promote to ask for: too little traffic to judge green is not a pass, so it goes back.
        if (watched.inconclusive) return gated(n, pct, watched.inconclusive);
        await show({ bakeEndsAt: undefined });
      }

      // Green primary, then blue kept a while for an instant Rollback, then blue goes.
      await show({ stage: messages(ctx.lang).deploy.taskSetRun.makingPrimary({ n: k.n }), stages: await progress(ctx, steps, steps.length + 1, k.live) });
      await primaryStep(ctx, service, green);
      await observe(service, blue, green, show, k);
      await noteOnce(ctx, `primary:${green.id}`, messages(ctx.lang).deploy.taskSetRun.isPrimary({ N: k.N, green: green.id, o: k.o, blue: blue.id }));
      if (cfg.terminationWaitMinutes > 0) {
        const since = await ctx.step(`keep-blue-since:${blue.id}`, async () => ctx.now());
        const waitMs = cfg.terminationWaitMinutes * 60_000;
        await show({ waitingFor: 'termination', deadline: since + waitMs, stage: messages(ctx.lang).deploy.taskSetRun.keptForRollback({ n: k.n, o: k.o }), stages: await progress(ctx, steps, steps.length + 2, k.live) });
        const answer = await ctx.pause(`termination:${blue.id}`, {
          reason: messages(ctx.lang).deploy.taskSetRun.terminationReason({ n: k.n, o: k.o }),
          intents: ['finish', 'rollback'],
          deadlineMs: waitMs,
        });
        await show({ waitingFor: undefined, deadline: undefined });
        if (answer !== 'timeout' && answer.name === 'rollback') return rollbackNow(ctx, cfg, service, traffic, blue, green, messages(ctx.lang).deploy.taskSetRun.byPerson({ by: answer.by }), show, k);
        await noteOnce(
          ctx,
          `finish:${blue.id}`,
          answer === 'timeout'
            ? messages(ctx.lang).deploy.taskSetRun.waitEnded({ O: k.O, minutes: cfg.terminationWaitMinutes, at: formatTime(since + waitMs, ctx.timezone, false, ctx.lang), o: k.o })
            : messages(ctx.lang).deploy.taskSetRun.finishedNow({ by: answer.by, o: k.o }),
        );
      }
      await retireBlue(ctx, service, blue, green, steps, show, k);
      await show({ outcome: messages(ctx.lang).deploy.taskSetRun.succeeded({ n: k.n, o: k.o }), stages: stageLine(steps, 0, 'Succeeded', k.live, ctx.lang), stage: undefined, trafficToGreen: k.aws(100) });
      return 'succeeded';
    },

    async rollback(ctx, cfg, intent, show) {
      const service = serviceOf(ctx, cfg);
      if (!(await ctx.stepDone(readStep(service)))) {
        await show({ outcome: messages(ctx.lang).deploy.taskSetRun.cancelledBeforeGreen({ by: intent.by, n: 'green' }), stage: undefined });
        return 'cancelled';
      }
      const canary = canaryOf(ctx, cfg);
      const raw = trafficOf(cfg.canary, canary);
      const blue = await blueOf(ctx, cfg, canary, raw);
      const k = namesFor(blue.live ?? 'blue');
      const traffic = oriented(raw, k.live);
      // Green is found in ECS, not in the step record: a crash around CreateTaskSet leaves no result behind.
      const mine = await ownGreen(ctx, service);
      const green = mine ? ref(mine) : undefined;
      if (!mine) {
        const w = await traffic.read();
        if (w.green === 0 && w.blue > 0) {
          await show({ outcome: messages(ctx.lang).deploy.taskSetRun.cancelledBeforeGreen({ by: intent.by, n: k.n }), stage: undefined });
          return 'cancelled';
        }
      }
      const [b] = await ecs.describeTaskSets(service, [blue.arn]);
      if (mine?.status === 'PRIMARY' && (!b || b.status === 'DRAINING' || b.scalePercent === 0)) {
        // Blue is already being removed: there is nothing left to go back to. Finish the job and say so.
        await ctx.note(messages(ctx.lang).deploy.taskSetRun.tooLate({ by: intent.by, o: k.o, n: k.n }));
        const { steps } = shiftPlan(cfg, canary);
        await retireBlue(ctx, service, blue, mine, steps, show, k);
        await show({ outcome: messages(ctx.lang).deploy.taskSetRun.tooLateOutcome({ n: k.n }), stages: stageLine(steps, 0, 'Succeeded', k.live, ctx.lang), stage: undefined });
        return 'succeeded';
      }
      return rollbackNow(ctx, cfg, service, traffic, blue, green, messages(ctx.lang).deploy.taskSetRun.byPerson({ by: intent.by }), show, k);
    },

    async plan(q, cfg, taskDefinitionArn) {
      const service = serviceOf(q, cfg);
      const canary = canaryOf(q, cfg);
      const traffic = trafficOf(cfg.canary, canary);
      const sets = await ecs.describeTaskSets(service);
      const busy = halfDone({ service, envName: q.envName, cfg, canary, sets, weights: await traffic.read() });
      const lines = planTaskSets({
        cfg,
        canary,
        taskDefinitionArn,
        blue: sets.find((t) => t.status === 'PRIMARY'),
        approval: q.env.permissions.requireApproval || cfg.waitForApproval,
        traffic,
        request: (spec) => ecs.createTaskSetRequest(q.env.cluster, service, spec),
        lang: q.lang,
      });
      return [...lines, ...(busy ? [messages(q.lang).plans.deploy.refusedNow({ why: busy })] : [])];
    },
  };
}
