// The ECS-native strategy of /deploy (2025 blue/green, linear, canary): UpdateService with the strategy and PAUSE
// hooks, the service deployment followed stage by stage, Approve / Rollback answering ECS's pause
// (ContinueServiceDeployment), and Rollback at any other moment as StopServiceDeployment.
import type { z } from 'zod';
import type { EcsNativeDeploySchema } from '../config/schema.js';
import { formatTime } from '../clock.js';
import type { FinalState, Intent } from '../runs/operation.js';
import type { DeployCtx, DeployStrategy, Show } from './deploy-shape.js';
import { messages, OpError, type Lang, type Messages } from '../i18n/index.js';

type NativeConfig = z.infer<typeof EcsNativeDeploySchema>;
type Ctx = DeployCtx;

/** What a blue/green, linear or canary deployment through ECS itself needs (UpdateService with a strategy). */
export interface NativeDeploySpec {
  service: string;
  taskDefinitionArn: string;
  strategy: 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  bakeMinutes: number;
  canary?: { percent: number; bakeMinutes: number };
  linear?: { stepPercent: number; bakeMinutes: number };
  container: string;
  port: number;
  targetGroupArn: string;
  alternateTargetGroupArn: string;
  productionListenerRuleArn: string;
  testListenerRuleArn?: string;
  roleArn: string;
  pauseAt: string[];
  pauseTimeoutMinutes: number;
  pauseTimeoutAction: 'ROLLBACK' | 'CONTINUE';
  alarms: string[];
}

/** A service deployment as this strategy reads it. */
export interface NativeDeployment {
  arn: string;
  /** The last part of the ARN, what the console shows. */
  id: string;
  status: string;
  statusReason?: string;
  stage?: string;
  /** PAUSE hooks and their state; the one AWAITING_ACTION is what Approve / Rollback answer. */
  hooks: { id: string; status: string; expiresAt?: number; timeoutAction?: string }[];
  alarms: { status: string; names: string[]; triggered: string[] };
  rollback?: { reason: string };
}

/** ECS as this strategy sees it (src/adapters/deploy.ts provides it), plus the production rule's weights from ELBv2. */
export interface NativeDeployPort {
  /** The UpdateService request that starts the deployment, as --dry-run shows it (the same one startNativeDeployment sends). */
  deployRequest(spec: NativeDeploySpec): unknown;
  startNativeDeployment(spec: NativeDeploySpec, hint: string): Promise<void>;
  /** The service's deployments ECS still acts on (or in `statuses`), newest first. */
  activeDeployments(service: string, statuses?: readonly string[]): Promise<{ arn: string; status: string; createdAt: number }[]>;
  serviceDeployment(arn: string): Promise<NativeDeployment>;
  continueDeployment(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): Promise<void>;
  stopDeployment(arn: string): Promise<void>;
  /** The task definition the service runs now (undefined when ECS does not know the service). */
  serviceTaskDefinition(service: string): Promise<string | undefined>;
  ruleWeights(ruleArn: string, hint: string): Promise<Record<string, number>>;
}

/** What the last reading of the deployment showed (the run's memory, not the view): thread lines say what changed since. */
interface Observed {
  stage?: string;
  traffic?: number;
  bakeEndsAt?: number;
  alarmed?: boolean;
}
const OBSERVED = 'native:observed';

const POLL_MS = 2000;
const ROLLBACK_TIMEOUT_MS = 30 * 60_000;
const ENDED_BADLY = ['ROLLBACK_FAILED', 'STOPPED'];

/** The lifecycle as people read it: ECS's stages grouped into the five things that happen. */
const PHASES: { name: keyof Messages['stages']['phase']; stages: string[] }[] = [
  { name: 'scaleUp', stages: ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'SCALE_UP', 'POST_SCALE_UP'] },
  { name: 'testTraffic', stages: ['TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT'] },
  { name: 'productionTraffic', stages: ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'] },
  { name: 'bake', stages: ['BAKE_TIME'] },
  { name: 'cleanUp', stages: ['CLEAN_UP'] },
];

/** One sentence per stage, for the thread: what is true of blue and green at that moment. */
/** ECS's lifecycle stages in words (English; `messages(lang).deploy.ecs.stage` in the run's language). */
export const STAGE_WORDS: Readonly<Record<string, string>> = messages('en').deploy.ecs.stage;

/** What the person pressing Approve agrees to, per paused stage, in the run's language. */
const pauseReason = (lang: Lang, stage: string | undefined): string => {
  const m = messages(lang).deploy.ecs;
  const said: Readonly<Record<string, string>> = m.pause;
  return stage !== undefined && Object.hasOwn(said, stage) ? said[stage]! : m.pausedAt({ stage: stage ?? m.aLifecycleHook });
};

/** The UpdateService input of a target (the same for the run and for --dry-run). */
export function nativeSpec(cfg: NativeConfig, service: string, taskDefinitionArn: string): NativeDeploySpec {
  return {
    service,
    taskDefinitionArn,
    strategy: cfg.type,
    bakeMinutes: cfg.bakeMinutes,
    ...(cfg.type === 'CANARY' ? { canary: { percent: cfg.canaryPercent, bakeMinutes: cfg.canaryBakeMinutes } } : {}),
    ...(cfg.type === 'LINEAR' ? { linear: { stepPercent: cfg.linearStepPercent, bakeMinutes: cfg.linearBakeMinutes } } : {}),
    container: cfg.container,
    port: cfg.port,
    targetGroupArn: cfg.targetGroupArn,
    alternateTargetGroupArn: cfg.alternateTargetGroupArn,
    productionListenerRuleArn: cfg.productionListenerRuleArn,
    ...(cfg.testListenerRuleArn ? { testListenerRuleArn: cfg.testListenerRuleArn } : {}),
    roleArn: cfg.roleArn,
    pauseAt: cfg.pauseAt,
    pauseTimeoutMinutes: cfg.pauseTimeoutMinutes,
    pauseTimeoutAction: cfg.pauseTimeoutAction,
    alarms: cfg.alarms,
  };
}

/** The ECS console page of a service's deployments (a person follows it to see what the bot sees). */
export function consoleUrl(region: string, cluster: string, service: string): string {
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/deployments?region=${region}`;
}

/** The phases with their state, given the current stage and deployment status; named in `lang` (the run's). */
export function phases(cfg: NativeConfig, d: Pick<NativeDeployment, 'stage' | 'status'>, lang: Lang = 'en'): { name: string; status: string }[] {
  const said = messages(lang).stages.phase;
  const at = PHASES.findIndex((p) => d.stage !== undefined && p.stages.includes(d.stage));
  const failed = ENDED_BADLY.includes(d.status);
  const rolledBack = d.status.startsWith('ROLLBACK') && !failed;
  return PHASES.filter((p) => p.name !== 'testTraffic' || cfg.testListenerRuleArn !== undefined || p.stages.includes(d.stage ?? '')).map((p) => {
    const i = PHASES.indexOf(p);
    const name = said[p.name];
    if (d.status === 'SUCCESSFUL') return { name, status: 'Succeeded' };
    if (at < 0) return { name, status: 'Pending' };
    if (i < at) return { name, status: 'Succeeded' };
    if (i === at) return { name, status: failed ? 'Failed' : rolledBack ? 'RolledBack' : 'InProgress' };
    return { name, status: failed || rolledBack ? 'Skipped' : 'Pending' };
  });
}

export function nativeStrategy(ecs: NativeDeployPort): DeployStrategy<NativeConfig> {
  const { ruleWeights } = ecs;
  const configPath = (ctx: Pick<Ctx, 'envName' | 'params'>) => `environments.${ctx.envName}.deploy.${ctx.params.target}`;
  const serviceOf = (ctx: Pick<Ctx, 'params'>, cfg: NativeConfig) => cfg.service ?? ctx.params.target;
  const startStep = (ctx: Ctx) => `start-deployment:${ctx.params.target}`;
  /** The last reading, kept in the run's memory (recalled once per process, written when it changes). */
  let observed: Observed | undefined;

  /** Production traffic on green in percent, from the production listener rule's weights. */
  async function greenShare(ctx: Ctx, cfg: NativeConfig, green: string): Promise<number> {
    const w = await ruleWeights(cfg.productionListenerRuleArn, `check ${configPath(ctx)}.productionListenerRuleArn`);
    const total = Object.values(w).reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : Math.round((1000 * (w[green] ?? 0)) / total) / 10;
  }

  /** Shows one reading of the deployment, and writes a thread line when its stage or traffic changed. */
  async function observe(ctx: Ctx, cfg: NativeConfig, d: NativeDeployment, green: string, show: Show): Promise<number> {
    const traffic = await greenShare(ctx, cfg, green);
    const seen: Observed = (observed ??= (await ctx.recall<Observed>(OBSERVED)) ?? {});
    const now = ctx.now();
    let bakeEndsAt = seen.bakeEndsAt;
    const stageChanged = d.stage !== undefined && d.stage !== seen.stage;
    const trafficChanged = seen.traffic !== undefined && traffic !== seen.traffic;
    if (d.stage === 'BAKE_TIME' && stageChanged) bakeEndsAt = now + cfg.bakeMinutes * 60_000;
    else if (d.stage === 'PRODUCTION_TRAFFIC_SHIFT' && trafficChanged && traffic > 0 && traffic < 100) {
      bakeEndsAt = now + (cfg.type === 'CANARY' ? cfg.canaryBakeMinutes : cfg.linearBakeMinutes) * 60_000;
    } else if (stageChanged && d.stage !== 'PRODUCTION_TRAFFIC_SHIFT') bakeEndsAt = undefined;
    await show({
      deploymentId: d.id,
      status: d.status,
      ...(d.stage ? { stage: d.stage } : {}),
      trafficToGreen: traffic,
      stages: phases(cfg, d, ctx.lang),
      alarms: d.alarms,
      bakeEndsAt,
    });
    const alarmed = d.alarms.triggered.length > 0;
    const reading: Observed = { ...(d.stage ?? seen.stage ? { stage: d.stage ?? seen.stage } : {}), traffic, ...(bakeEndsAt !== undefined ? { bakeEndsAt } : {}), alarmed };
    if (JSON.stringify(reading) !== JSON.stringify(seen)) {
      // Remembered before the thread line: a restart in between loses one line rather than writing it twice.
      await ctx.remember(OBSERVED, reading);
      observed = reading;
    }
    if (alarmed && !seen.alarmed) {
      await ctx.note(messages(ctx.lang).deploy.ecs.alarm({ names: d.alarms.triggered.map((a) => `*${a}*`).join(', ') }));
    }
    // One line per stage; a traffic step inside a stage gets its own line. Either says where the next step waits.
    const m = messages(ctx.lang).deploy.ecs;
    const next = bakeEndsAt && trafficChanged && traffic > 0 && traffic < 100 ? m.nextStepAfter({ at: formatTime(bakeEndsAt, ctx.timezone, false, ctx.lang) }) : '';
    const share = m.share({ now: trafficChanged, traffic, next });
    const stages: Readonly<Record<string, string>> = m.stage;
    if (stageChanged) await ctx.note(m.stageLine({ stage: d.stage ?? '', at: formatTime(now, ctx.timezone, false, ctx.lang), words: d.stage !== undefined && Object.hasOwn(stages, d.stage) ? stages[d.stage]! : (d.stage ?? ''), share }));
    else if (trafficChanged) await ctx.note(m.trafficLine({ share }));
    return traffic;
  }

  /** Polls until ECS has put production back on blue, then says how it ended. */
  async function followRollback(ctx: Ctx, cfg: NativeConfig, arn: string, green: string, show: Show): Promise<NativeDeployment> {
    return ctx.poll(
      (l) => messages(l).failures.wait.productionBackOnBlue,
      async () => {
        const d = await ecs.serviceDeployment(arn);
        const traffic = await observe(ctx, cfg, d, green, (v) => show({ ...v, waitingFor: undefined, deadline: undefined }));
        if (d.status === 'ROLLBACK_FAILED') throw new OpError((l) => messages(l).failures.ecsRollbackFailed({ id: d.id, reason: d.statusReason ?? '' }));
        return traffic === 0 && (d.status === 'ROLLBACK_SUCCESSFUL' || d.status === 'STOPPED') ? d : undefined;
      },
      { everyMs: POLL_MS, timeoutMs: ROLLBACK_TIMEOUT_MS },
    );
  }

  async function rollbackNow(
    ctx: Ctx,
    cfg: NativeConfig,
    run: { arn: string; green: string },
    intent: Intent,
    show: Show,
    /** The reading the run just acted on (a Rollback answering a pause): no need to read ECS again first. */
    known?: NativeDeployment,
  ): Promise<FinalState> {
    const d = known ?? (await ecs.serviceDeployment(run.arn));
    const m = messages(ctx.lang).deploy.ecs;
    const paused = d.hooks.find((h) => h.status === 'AWAITING_ACTION');
    if (paused) {
      await ctx.step(`continue-rollback:${paused.id}`, () => ecs.continueDeployment(run.arn, paused.id, 'ROLLBACK'));
      await ctx.note(m.rollbackContinue({ by: intent.by, stage: d.stage ?? '?' }));
    } else if (d.status === 'PENDING' || d.status === 'IN_PROGRESS') {
      await ctx.step(`stop-deployment:${d.id}`, () => ecs.stopDeployment(run.arn), {
        verify: async () => {
          const now = await ecs.serviceDeployment(run.arn);
          return now.status === 'PENDING' || now.status === 'IN_PROGRESS' ? { done: false } : { done: true, result: undefined };
        },
      });
      await ctx.note(m.rollbackStop({ by: intent.by, stage: d.stage ?? '?' }));
    } else if (d.status === 'SUCCESSFUL') {
      await ctx.note(m.rollbackTooLate({ by: intent.by }));
      await show({ outcome: m.tooLateOutcome });
      return 'succeeded';
    } else {
      await ctx.note(m.rollbackAlready({ by: intent.by, status: ctx.lang === 'en' ? d.status.toLowerCase().replace(/_/g, ' ') : d.status }));
    }
    await followRollback(ctx, cfg, run.arn, run.green, show);
    await show({ outcome: m.rolledBackBy({ by: intent.by }) });
    return 'rolled_back';
  }

  /** Blue and green target groups, read once from the production rule before the deployment starts. */
  const colours = (ctx: Ctx, cfg: NativeConfig) =>
    ctx.step(`read-traffic:${ctx.params.target}`, async () => {
      const w = await ruleWeights(cfg.productionListenerRuleArn, `check ${configPath(ctx)}.productionListenerRuleArn`);
      const pair = [cfg.targetGroupArn, cfg.alternateTargetGroupArn];
      const live = pair.filter((tg) => (w[tg] ?? 0) > 0);
      if (live.length !== 1) {
        const path = configPath(ctx);
        throw new OpError((l) => messages(l).failures.productionRuleSplit({ both: live.length > 1, path }));
      }
      return { blue: live[0]!, green: pair.find((tg) => tg !== live[0])! };
    });

  return {
    async inProgress(ctx, cfg) {
      const service = serviceOf(ctx, cfg);
      const [busy] = await ecs.activeDeployments(service);
      if (!busy) return undefined;
      const link = consoleUrl(ctx.env.region, ctx.env.cluster, service);
      return `deployment <${link}|${busy.arn.split('/').pop()}> (${busy.status.toLowerCase().replace(/_/g, ' ')}, started ${formatTime(busy.createdAt, ctx.timezone)}) is already in progress on ${service} — wait for it to end or roll it back, then deploy again`;
    },

    async run(ctx, cfg, taskDefinitionArn, show) {
      const service = serviceOf(ctx, cfg);
      const { blue, green } = await colours(ctx, cfg);
      await show({ type: cfg.type, trafficToGreen: await greenShare(ctx, cfg, green), stages: phases(cfg, { status: 'PENDING' }, ctx.lang) });
      const arn = await ctx.step<string>(
        startStep(ctx),
        async () => {
          await ecs.startNativeDeployment(nativeSpec(cfg, service, taskDefinitionArn), configPath(ctx));
          const [mine] = await ecs.activeDeployments(service);
          if (!mine) throw new OpError((l) => messages(l).failures.noDeploymentListed({ service }));
          return mine.arn;
        },
        {
          // A crash around UpdateService: ours if ECS is deploying (the lock keeps our other runs out and
          // someone else's deployment was refused above), or if the service already runs our revision.
          verify: async () => {
            const [active] = await ecs.activeDeployments(service);
            if (active) return { done: true, result: active.arn };
            if ((await ecs.serviceTaskDefinition(service)) !== taskDefinitionArn) return { done: false };
            const [latest] = await ecs.activeDeployments(service, []);
            return latest ? { done: true, result: latest.arn } : { done: false };
          },
        },
      );
      if (!(await ctx.recall<boolean>('native:start-noted'))) {
        await ctx.remember('native:start-noted', true);
        const m = messages(ctx.lang).deploy.ecs;
        const pauses = cfg.pauseAt.length ? m.pausesAt({ stages: cfg.pauseAt.map((s) => `\`${s}\``).join(', ') }) : m.noPause;
        const watch = cfg.alarms.length ? m.alarmsWatched({ names: cfg.alarms.join(', ') }) : m.noAlarms;
        await ctx.note(
          m.started({ type: cfg.type, link: `<${consoleUrl(ctx.env.region, ctx.env.cluster, service)}|${arn.split('/').pop()}>`, blue: blue.split('/')[1] ?? blue, green: green.split('/')[1] ?? green, pauses, watch }),
        );
      }

      for (;;) {
        const d = await ecs.serviceDeployment(arn);
        await observe(ctx, cfg, d, green, show);
        const hook = d.hooks.find((h) => h.status === 'AWAITING_ACTION');
        if (d.status === 'IN_PROGRESS' && hook) {
          const deadline = hook.expiresAt ?? ctx.now() + cfg.pauseTimeoutMinutes * 60_000;
          const onTimeout = hook.timeoutAction ?? cfg.pauseTimeoutAction;
          await show({ waitingFor: 'approval', deadline, timeoutAction: onTimeout });
          const answer = await ctx.pause(`hook:${hook.id}`, {
            reason: pauseReason(ctx.lang, d.stage),
            intents: ['approve', 'rollback'],
            deadlineMs: Math.max(1000, deadline - ctx.now()),
          });
          await show({ waitingFor: undefined, deadline: undefined, timeoutAction: undefined });
          if (answer === 'timeout') {
            await ctx.note(messages(ctx.lang).deploy.ecs.timedOut({ stage: d.stage ?? '?', at: formatTime(deadline, ctx.timezone, false, ctx.lang), action: onTimeout }));
            continue;
          }
          if (answer.name === 'rollback') return rollbackNow(ctx, cfg, { arn, green }, answer, show, d);
          const late = await ctx.step(`continue:${hook.id}`, async () => {
            try {
              await ecs.continueDeployment(arn, hook.id, 'CONTINUE');
              return false;
            } catch (err) {
              // The pause ended on its own between the press and the call (timeout): say so, do not fail the run.
              const now = await ecs.serviceDeployment(arn);
              if (now.hooks.find((h) => h.id === hook.id)?.status !== 'AWAITING_ACTION') return true;
              throw err;
            }
          });
          await ctx.note(late ? messages(ctx.lang).deploy.ecs.lateApprove({ by: answer.by, stage: d.stage ?? '?' }) : messages(ctx.lang).deploy.ecs.approved({ by: answer.by, stage: d.stage ?? '?' }));
          continue;
        }
        if (d.status === 'SUCCESSFUL') {
          await show({ outcome: messages(ctx.lang).deploy.ecs.succeeded, bakeEndsAt: undefined });
          return 'succeeded';
        }
        if (d.status === 'ROLLBACK_REQUESTED' || d.status === 'ROLLBACK_IN_PROGRESS' || d.status === 'ROLLBACK_SUCCESSFUL') {
          const m = messages(ctx.lang).deploy.ecs;
          const why = d.alarms.triggered.length ? m.alarmIn({ names: d.alarms.triggered.join(', ') }) : (d.rollback?.reason ?? d.statusReason ?? m.noReason);
          await ctx.note(m.rollingBack({ why }));
          await followRollback(ctx, cfg, arn, green, show);
          await show({ outcome: m.rolledBackByEcs({ why }) });
          return 'rolled_back';
        }
        if (ENDED_BADLY.includes(d.status)) throw new OpError((l) => messages(l).failures.ecsDeploymentEnded({ id: d.id, status: d.status, reason: d.statusReason ?? '' }));
        await ctx.sleep(POLL_MS);
      }
    },

    async rollback(ctx, cfg, intent, show) {
      // The deployment's ARN is the start step's stored result (read, not re-run).
      const started = await ctx.runs.step<string>(ctx.run.id, startStep(ctx));
      if (started?.status !== 'done' || !started.result) {
        await show({ outcome: messages(ctx.lang).deploy.codedeploy.cancelledBeforeStart({ by: intent.by }) });
        return 'cancelled';
      }
      const { green } = await colours(ctx, cfg);
      return rollbackNow(ctx, cfg, { arn: started.result, green }, intent, show);
    },

    async plan(q, cfg, taskDefinitionArn) {
      const request = ecs.deployRequest(nativeSpec(cfg, serviceOf(q, cfg), taskDefinitionArn));
      const m = messages(q.lang).plans.deploy;
      const pauses = cfg.pauseAt.length ? m.ecsPauses({ stages: cfg.pauseAt.join(', '), action: cfg.pauseTimeoutAction, minutes: cfg.pauseTimeoutMinutes }) : m.ecsNoPause;
      return [m.ecsUpdate({ type: cfg.type, pauses }), '```', JSON.stringify(request, null, 2), '```'];
    },
  };
}
