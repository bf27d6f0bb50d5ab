// /scale <env> <service> <count>: one ECS service to a new desired count, watched until its tasks are there.
// The example of docs/architecture.md "How to add an operation": params, port, view, locks, direction, plan, run.
import { z } from 'zod';
import type { Environment } from '../config/schema.js';
import type { ApprovalPoint, FinalState, OpContext, Operation, ReadContext } from '../runs/operation.js';
import { messages, OpError } from '../i18n/index.js';

/** ECS's own service quota is 5,000 tasks a service; anything above is a typo. */
export const MAX_SCALE = 5000;

export const scaleParams = z
  .object({
    /** The service's key in ops.yml (`services:`), not a free ECS name: only services the team listed can be scaled. */
    service: z.string().min(1),
    count: z.number().int().min(0).max(MAX_SCALE),
  })
  .strict();
export type ScaleParams = z.infer<typeof scaleParams>;

// ── ECS as /scale sees it (a port; src/registry.ts wires it to the ECS gateway) ──
export interface ScaleCounts {
  desired: number;
  running: number;
  pending: number;
  /** Tasks of the current deployment that failed to start (ECS's failedTasks). */
  failed: number;
  /** Deployments still in flight: 1 when nothing else is moving. */
  deployments: number;
}

export interface ScaleEcs {
  counts(serviceName: string): Promise<ScaleCounts>;
  setDesiredCount(serviceName: string, count: number): Promise<void>;
}

// ── what the status message shows ──
export const scalePhase = z.enum(['reading', 'waiting', 'scaling', 'done', 'unchanged', 'cancelled']);
export const scaleView = z
  .object({
    service: z.string(),
    serviceName: z.string(),
    from: z.number(),
    to: z.number(),
    running: z.number(),
    pending: z.number(),
    desired: z.number(),
    failed: z.number(),
    phase: scalePhase,
    note: z.string(),
  })
  .partial();
export type ScaleView = z.infer<typeof scaleView>;

const serviceNameOf = (env: Environment, key: string) => env.services[key]?.serviceName ?? key;
const POLL_MS = 5_000;
const MAX_POLL_MS = 15_000;

export function scaleOperation(deps: { ecs: (envName: string) => ScaleEcs }): Operation<ScaleParams, ScaleView> {
  const read = async (envName: string, env: Environment, p: ScaleParams) => {
    if (!env.services[p.service]) throw new Error(`*${p.service}* is not a service of ${envName} in ops.yml — known: ${Object.keys(env.services).join(', ') || 'none'}`);
    return deps.ecs(envName).counts(serviceNameOf(env, p.service));
  };

  return {
    kind: 'scale',
    params: scaleParams,
    view: scaleView,
    lockTarget: (envName, p) => `${envName}:scale:${p.service}`,
    title: (envName, p, lang = 'en') => messages(lang).run.title.scale({ env: envName, service: p.service, count: p.count }),
    resources: (env, p) => [`service:${env.cluster}/${serviceNameOf(env, p.service)}`],
    // Less capacity is toward risk, more is not; only AWS knows which this is, so the operation asks itself after its read.
    approval: (): ApprovalPoint => 'own',
    interrupts: ['cancel'],
    anytime: { cancel: ['running'] },

    async plan(q: ReadContext<ScaleParams>): Promise<string[]> {
      const { envName, env, params: p } = q;
      const now = await read(envName, env, p);
      const name = serviceNameOf(env, p.service);
      const timeout = env.services[p.service]!.timeoutSeconds;
      const m = messages(q.lang).plans.scale;
      if (now.desired === p.count) return [m.already({ service: p.service, count: p.count, running: now.running })];
      const down = p.count < now.desired;
      return [
        m.update({ cluster: env.cluster, name, from: now.desired, to: p.count }),
        m.waits({ seconds: timeout, count: p.count, running: now.running, pending: now.pending }),
        ...(down && env.permissions.requireApproval ? [m.approval({ env: envName })] : []),
        ...(now.deployments > 1 ? [m.busy({ name, n: now.deployments })] : []),
      ];
    },

    async run(ctx: OpContext<ScaleParams, ScaleView>): Promise<FinalState> {
      const { env, envName, params: p } = ctx;
      const name = serviceNameOf(env, p.service);
      const cfg = env.services[p.service];
      if (!cfg) throw new Error(`*${p.service}* is not a service of ${envName} in ops.yml — known: ${Object.keys(env.services).join(', ') || 'none'}`);
      await ctx.view({ service: p.service, serviceName: name, to: p.count, phase: 'reading' });

      // The count before: read once and kept as the step's result, so a resumed run compares with the same number.
      const before = await ctx.step('read-before', () => deps.ecs(envName).counts(name));
      await ctx.view({ from: before.desired, desired: before.desired, running: before.running, pending: before.pending, failed: before.failed });
      if (before.desired === p.count) {
        await ctx.view({ phase: 'unchanged', note: messages(ctx.lang).services.scale.alreadyAt({ count: p.count }) });
        return 'succeeded';
      }
      // A deployment in flight owns the counts (ECS or CodeDeploy is moving tasks): scaling now would fight it.
      if (before.deployments > 1) throw new OpError((l) => messages(l).failures.deploymentsInFlight({ name, n: before.deployments, env: envName }));

      if (p.count < before.desired && env.permissions.requireApproval) {
        await ctx.view({ phase: 'waiting' });
        const answer = await ctx.pause('fewer-tasks', { reason: messages(ctx.lang).services.scale.fewerTasks({ from: before.desired, to: p.count }), intents: ['approve', 'cancel'], deadlineMs: 60 * 60_000 });
        if (answer === 'timeout' || answer.name !== 'approve') {
          const m = messages(ctx.lang).run;
          const why = answer === 'timeout' ? m.nobodyApproved : m.cancelledBeforeApproval({ by: answer.by });
          await ctx.view({ phase: 'cancelled', note: m.nothingChanged({ why }) });
          await ctx.note(m.stoppedNothingChanged({ why }));
          return 'cancelled';
        }
        await ctx.approved(answer.by, messages(ctx.lang).run.approvedNote({ by: answer.by }));
      }

      await ctx.view({ phase: 'scaling' });
      await ctx.step('set-desired', () => deps.ecs(envName).setDesiredCount(name, p.count), {
        // A crash after the call: ECS says whether the count is already there.
        verify: async () => ((await deps.ecs(envName).counts(name)).desired === p.count ? { done: true, result: undefined } : { done: false }),
      });
      await ctx.note(messages(ctx.lang).services.scale.desiredChanged({ name, from: before.desired, to: p.count }));

      await ctx.poll(
        (l) => messages(l).failures.wait.tasksRunning({ name, n: p.count }),
        async () => {
          const c = await deps.ecs(envName).counts(name);
          await ctx.view({ desired: c.desired, running: c.running, pending: c.pending, failed: c.failed });
          if (c.desired !== p.count) throw new OpError((l) => messages(l).failures.desiredChangedBySomeone({ name, desired: c.desired, count: p.count }));
          if (c.failed >= cfg.failedTasksThreshold) throw new OpError((l) => messages(l).failures.tasksFailedToStart({ name, n: c.failed, env: envName }));
          return c.running === p.count && c.pending === 0 ? c : undefined;
        },
        { everyMs: POLL_MS, maxEveryMs: MAX_POLL_MS, timeoutMs: cfg.timeoutSeconds * 1000 },
      );
      await ctx.view({ phase: 'done', note: messages(ctx.lang).services.scale.running({ count: p.count }) });
      return 'succeeded';
    },

    async onInterrupt(ctx, intent): Promise<FinalState> {
      // Cancel stops the watching; the count already asked of ECS stays (a person scales again to undo it).
      const asked = await ctx.stepDone('set-desired');
      const note = asked ? `Cancelled by <@${intent.by}> while tasks were starting or stopping — the desired count stays ${ctx.params.count}; \`/scale\` again to change it.` : `Cancelled by <@${intent.by}> — nothing changed.`;
      await ctx.view({ phase: 'cancelled', note });
      return 'cancelled';
    },
  };
}
