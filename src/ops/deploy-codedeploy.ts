// The CodeDeploy blue/green strategy of /deploy (seed 001): app and group from config, an ECS AppSpec, the
// deployment followed hook by hook, Approve at the reroute wait, Finish now / Rollback during blue's termination wait.
import type { z } from 'zod';
import type { CodeDeploySchema } from '../config/schema.js';
import type { FinalState, Intent } from '../runs/operation.js';
import type { DeployCtx, DeployStrategy, DeployView, Show } from './deploy-shape.js';
import { messages, OpError } from '../i18n/index.js';

type CodeDeployConfig = z.infer<typeof CodeDeploySchema>;
type Ctx = DeployCtx;

/** A CodeDeploy deployment as this strategy reads it. */
export interface CodeDeployment {
  status: string;
  errorMessage?: string;
  /** Set on a deployment CodeDeploy rolled back. */
  rollback?: { deploymentId?: string };
  /** What the deployment holds for: Approve (reroute) or the blue termination wait. */
  waitingFor?: 'reroute' | 'termination';
  /** Percent of production traffic on the replacement task set. */
  trafficToGreen: number;
  lifecycle: { name: string; status: string; diagnostics?: { errorCode?: string; message?: string; logTail?: string } }[];
}

/** The deployment group ops.yml describes, as the strategy asks for it. */
export interface DeploymentGroupWanted {
  app: string;
  group: string;
  serviceRoleArn: string;
  cluster: string;
  service: string;
  blueTargetGroup: string;
  greenTargetGroup: string;
  prodListenerArn: string;
  testListenerArn?: string;
  config?: string;
  waitForReroute: boolean;
  rerouteWaitMinutes: number;
  terminationWaitMinutes: number;
  alarms: string[];
  autoRollbackOnFailure: boolean;
  configPath?: string;
}

/** CodeDeploy as the strategy sees it (src/adapters/deploy.ts provides it). */
export interface CodeDeployPort {
  ensureApplication(name: string, configPath?: string): Promise<unknown>;
  /** Creates the group when missing; `drift` lists where an existing group differs from ops.yml (never changed by the bot). */
  ensureDeploymentGroup(spec: DeploymentGroupWanted): Promise<{ drift: string[] }>;
  createDeployment(r: { app: string; group: string; config?: string; taskDefinitionArn: string; container: string; port: number; description?: string; configPath?: string }): Promise<string>;
  deployment(id: string): Promise<CodeDeployment>;
  inProgressDeployments(app: string, group: string): Promise<string[]>;
  approveReroute(id: string): Promise<void>;
  finishNow(id: string): Promise<void>;
  /** StopDeployment with auto-rollback. */
  rollback(id: string): Promise<{ message?: string }>;
  /** The ECS AppSpec CreateDeployment sends, as text (shown by --dry-run). */
  appSpec(p: { taskDefinitionArn: string; container: string; port: number }): string;
}

const POLL_MS = 2000;
const ACTIVE = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];

export function codedeployStrategy(cd: CodeDeployPort): DeployStrategy<CodeDeployConfig> {
  const configPath = (ctx: Pick<Ctx, 'envName' | 'params'>) => `environments.${ctx.envName}.deploy.${ctx.params.target}`;
  const createStep = (ctx: Ctx) => `create-deployment:${ctx.params.target}`;

  const describe = (d: CodeDeployment): Partial<DeployView> => ({
    status: d.status,
    trafficToGreen: d.trafficToGreen,
    stages: d.lifecycle.map((l) => ({ name: l.name, status: l.status })),
  });

  return {
    async inProgress(ctx, cfg) {
      const ids = await cd.inProgressDeployments(cfg.application, cfg.deploymentGroup).catch(() => [] as string[]);
      return ids.length > 0 ? `a deployment ${ids.join(', ')} is already in progress for ${cfg.deploymentGroup} — wait for it to end or roll it back` : undefined;
    },

    async run(ctx, cfg, taskDefinitionArn, show) {
      const service = cfg.service ?? ctx.params.target;
      await ctx.step(`ensure-application:${cfg.application}`, () => cd.ensureApplication(cfg.application, configPath(ctx)));
      const group = await ctx.step(`ensure-deployment-group:${cfg.deploymentGroup}`, () =>
        cd.ensureDeploymentGroup({
          app: cfg.application,
          group: cfg.deploymentGroup,
          serviceRoleArn: cfg.serviceRoleArn,
          cluster: ctx.env.cluster,
          service,
          blueTargetGroup: cfg.targetGroups[0],
          greenTargetGroup: cfg.targetGroups[1],
          prodListenerArn: cfg.prodListenerArn,
          ...(cfg.testListenerArn ? { testListenerArn: cfg.testListenerArn } : {}),
          config: cfg.config,
          waitForReroute: cfg.waitForReroute,
          rerouteWaitMinutes: cfg.rerouteWaitMinutes,
          terminationWaitMinutes: cfg.terminationWaitMinutes,
          alarms: cfg.alarms,
          autoRollbackOnFailure: true,
          configPath: configPath(ctx),
        }),
      );
      const m = messages(ctx.lang).deploy.codedeploy;
      if (group.drift.length > 0) await ctx.note(m.drift({ lines: group.drift.map((d) => `• ${d}`).join('\n') }));
      const id = await ctx.step<string>(
        createStep(ctx),
        () =>
          cd.createDeployment({
            app: cfg.application,
            group: cfg.deploymentGroup,
            config: ctx.params.config ?? cfg.config,
            taskDefinitionArn,
            container: cfg.container,
            port: cfg.port,
            description: `ecs-chatops run ${ctx.run.id} by ${ctx.run.requestedBy}`,
            configPath: configPath(ctx),
          }),
        {
          // A crash after CreateDeployment: the group's in-progress deployment is ours (the lock keeps others out).
          verify: async () => {
            const [found] = await cd.inProgressDeployments(cfg.application, cfg.deploymentGroup);
            return found ? { done: true, result: found } : { done: false };
          },
        },
      );
      await show({ deploymentId: id, status: 'Created' });
      await ctx.note(m.created({ id, config: ctx.params.config ?? cfg.config }));

      for (let round = 0; ; round += 1) {
        const d = await cd.deployment(id);
        await show({ ...describe(d), waitingFor: undefined, deadline: undefined });
        if (d.waitingFor === 'reroute') {
          const deadline = ctx.now() + cfg.rerouteWaitMinutes * 60_000;
          await show({ ...describe(d), waitingFor: 'approval', deadline });
          const answer = await ctx.pause(`reroute:${id}`, {
            reason: m.rerouteReason,
            intents: ['approve', 'rollback'],
            deadlineMs: cfg.rerouteWaitMinutes * 60_000,
          });
          if (answer === 'timeout') continue; // CodeDeploy stops the deployment itself when its wait ends
          if (answer.name === 'rollback') return rollbackNow(ctx, id, answer, show);
          await ctx.approved(answer.by, m.approved({ by: answer.by }));
          await ctx.step(`continue-deployment:${id}:reroute`, () => cd.approveReroute(id));
          continue;
        }
        if (d.waitingFor === 'termination') {
          await show({ ...describe(d), waitingFor: 'termination', deadline: ctx.now() + cfg.terminationWaitMinutes * 60_000 });
          const answer = await ctx.pause(`termination:${id}`, {
            reason: m.terminationReason,
            intents: ['finish', 'rollback'],
            deadlineMs: cfg.terminationWaitMinutes * 60_000,
          });
          if (answer !== 'timeout') {
            if (answer.name === 'rollback') return rollbackNow(ctx, id, answer, show);
            await ctx.note(m.finishedNow({ by: answer.by }));
            await ctx.step(`continue-deployment:${id}:termination`, () => cd.finishNow(id));
          }
          continue;
        }
        if (d.status === 'Succeeded') {
          await show({ ...describe(d), outcome: m.succeeded });
          return 'succeeded';
        }
        if (d.status === 'Failed' || d.status === 'Stopped') {
          const failed = d.lifecycle.find((l) => l.status === 'Failed');
          if (failed) await ctx.note(`${m.stageFailed({ name: failed.name, code: failed.diagnostics?.errorCode ?? '', message: failed.diagnostics?.message ?? d.errorMessage ?? m.noDiagnostics })}${failed.diagnostics?.logTail ? `\n\`\`\`${failed.diagnostics.logTail.slice(0, 1500)}\`\`\`` : ''}`);
          if (d.rollback?.deploymentId) {
            await followRollback(ctx, id, show);
            await show({ outcome: m.rolledBackByCodeDeploy({ why: d.errorMessage ?? d.status }) });
            return 'rolled_back';
          }
          throw new OpError((l) => messages(l).failures.codeDeployEnded({ id, status: d.status, message: d.errorMessage ?? '' }));
        }
        if (!ACTIVE.includes(d.status)) throw new OpError((l) => messages(l).failures.codeDeployIs({ id, status: d.status }));
        await ctx.sleep(POLL_MS);
      }
    },

    async rollback(ctx, _cfg, intent, show) {
      // The deployment id is the create step's stored result (read, not re-run).
      const created = await ctx.runs.step<string>(ctx.run.id, createStep(ctx));
      if (created?.status !== 'done' || !created.result) {
        await show({ outcome: messages(ctx.lang).deploy.codedeploy.cancelledBeforeStart({ by: intent.by }) });
        return 'cancelled';
      }
      return rollbackNow(ctx, created.result, intent, show);
    },

    async plan(q, cfg, taskDefinitionArn) {
      const m = messages(q.lang).plans.deploy;
      const wait = cfg.waitForReroute ? m.codedeployWaits({ minutes: cfg.rerouteWaitMinutes }) : m.codedeployNoWait;
      return [
        m.codedeployGroup({ application: cfg.application, group: cfg.deploymentGroup, targetGroups: cfg.targetGroups.join(' → '), wait, keepMinutes: cfg.terminationWaitMinutes }),
        m.codedeployCreate({ config: q.params.config ?? cfg.config }),
        '```',
        cd.appSpec({ taskDefinitionArn, container: cfg.container, port: cfg.port }),
        '```',
      ];
    },
  };

  async function rollbackNow(ctx: Ctx, id: string, intent: Intent, show: Show): Promise<FinalState> {
    const result = await ctx.step(`stop-deployment:${id}`, () => cd.rollback(id));
    const m = messages(ctx.lang).deploy.codedeploy;
    await ctx.note(m.rollbackSent({ by: intent.by, message: result.message ?? '' }));
    await followRollback(ctx, id, show);
    await show({ outcome: m.rolledBackBy({ by: intent.by }) });
    return 'rolled_back';
  }

  async function followRollback(ctx: Ctx, id: string, show: Show): Promise<void> {
    await ctx.poll(
      (l) => messages(l).failures.wait.backOnBlue,
      async () => {
        const d = await cd.deployment(id);
        await show({ status: d.status, trafficToGreen: d.trafficToGreen, stages: d.lifecycle.map((l) => ({ name: l.name, status: l.status })), waitingFor: undefined });
        return d.trafficToGreen === 0 && !ACTIVE.includes(d.status) ? true : undefined;
      },
      { everyMs: POLL_MS, timeoutMs: 30 * 60_000 },
    );
  }
}
