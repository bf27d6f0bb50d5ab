// /deploy: a new task-definition revision (image replaced, nothing else), then a blue/green deployment by the
// target's strategy, followed on one message with Approve / Finish now / Rollback. Strategies plug in below.
import type { DeployConfig, Environment } from '../config/schema.js';
import type { Operation } from '../runs/operation.js';
import { codedeployStrategy, type CodeDeployPort } from './deploy-codedeploy.js';
import { nativeStrategy, type NativeDeployPort } from './deploy-ecs.js';
import { taskSetStrategy, type TaskSetDeployPort } from './deploy-tasksets.js';

/** A task definition as a deploy reads it: which revision of which family, and its containers' images. */
export interface TaskDefinitionRef {
  arn: string;
  family: string;
  revision: number;
  containerDefinitions: { name: string; image?: string }[];
}

/** ECS as a deploy sees it (a port; src/adapters/deploy.ts provides it). */
export interface DeployEcs {
  currentTaskDefinition(service: string): Promise<TaskDefinitionRef>;
  describeTaskDefinition(ref: string): Promise<TaskDefinitionRef>;
  registerWithImage(arn: string, container: string, image: string): Promise<{ arn: string; revision: number; diff: { container: string; from: string; to: string } }>;
}

export * from './deploy-shape.js';
import { canaryResources } from './canary.js';
import type { DeployParams, DeployStrategy, DeployView, Show } from './deploy-shape.js';
import { DeployParamsSchema, deployView } from './deploy-shape.js';
import { messages } from '../i18n/index.js';

export const serviceOf = (key: string, cfg: DeployConfig) => cfg.service ?? key;

export function deployTarget(env: Environment, envName: string, key: string): DeployConfig {
  const cfg = env.deploy[key];
  if (!cfg) throw new Error(`no deploy target "${key}" in environments.${envName}.deploy`);
  return cfg;
}

/** The AWS resources a deploy changes: its service, and the listeners (CodeDeploy), rules (ECS) or records (task sets) that move its traffic. */
export function deployResources(env: Environment, p: Pick<DeployParams, 'target'>): string[] {
  const d = env.deploy[p.target];
  if (!d) return [];
  const out = [`service:${env.cluster}/${d.service ?? p.target}`];
  if (d.strategy === 'codedeploy') {
    out.push(`listener:${d.prodListenerArn}`);
    if (d.testListenerArn) out.push(`listener:${d.testListenerArn}`);
  } else if (d.strategy === 'ecs') {
    // ECS moves the weights of these rules only: other services' rules on the same listener are not touched.
    out.push(`rule:${d.productionListenerRuleArn}`);
    if (d.testListenerRuleArn) out.push(`rule:${d.testListenerRuleArn}`);
  } else {
    // The canary target's records or rule: a /canary on them takes the very same locks.
    out.push(...canaryResources(env, d.canary));
  }
  return [...new Set(out)];
}

export function deployOperation(deps: {
  ecs: (envName: string) => DeployEcs;
  codedeploy: (envName: string) => CodeDeployPort;
  native: (envName: string) => NativeDeployPort;
  tasksets: (envName: string) => TaskSetDeployPort;
}): Operation<DeployParams, DeployView> {
  const strategyOf = (envName: string, cfg: DeployConfig): DeployStrategy => {
    switch (cfg.strategy) {
      case 'codedeploy':
        return codedeployStrategy(deps.codedeploy(envName)) as DeployStrategy;
      case 'ecs':
        return nativeStrategy(deps.native(envName)) as DeployStrategy;
      case 'tasksets':
        return taskSetStrategy(deps.tasksets(envName)) as DeployStrategy;
    }
  };

  return {
    kind: 'deploy',
    params: DeployParamsSchema,
    view: deployView,
    resources: deployResources,
    lockTarget: (envName, p) => `${envName}:deploy:${p.target}`,
    title: (envName, p, lang = 'en') => messages(lang).run.title.deploy({ env: envName, target: p.target }),
    interrupts: ['rollback'],
    anytime: { rollback: ['running', 'awaiting_approval'] },

    /** The new revision (the image replaced, nothing else), then the strategy's calls. Reads the current task definition only. */
    async plan(q) {
      const cfg = deployTarget(q.env, q.envName, q.params.target);
      const service = serviceOf(q.params.target, cfg);
      const current = await deps.ecs(q.envName).currentTaskDefinition(service);
      const taskdef = q.params.taskDefinition;
      const container = current.containerDefinitions.find((c) => c.name === cfg.container);
      const m = messages(q.lang).plans.deploy;
      const change = taskdef
        ? m.taskDefinition({ from: current.arn.split('/').pop() ?? current.arn, to: taskdef })
        : m.register({ family: current.family, from: current.revision, to: current.revision + 1, container: cfg.container, image: container?.image ?? '?', next: q.params.image! });
      const nextArn = taskdef ? `${current.arn.replace(/task-definition\/.*$/, 'task-definition/')}${taskdef}` : `${current.arn.replace(/:\d+$/, '')}:${current.revision + 1}`;
      return [m.calls, `• ${change}`, ...(await strategyOf(q.envName, cfg).plan(q, cfg, nextArn))];
    },

    async run(ctx) {
      const cfg = deployTarget(ctx.env, ctx.envName, ctx.params.target);
      const strategy = strategyOf(ctx.envName, cfg);
      const service = serviceOf(ctx.params.target, cfg);
      const show: Show = (v) => ctx.view({ strategy: cfg.strategy, service, ...v });
      await show({});
      // Refuse when someone else's deployment holds the service; our own (a resumed run) is followed instead.
      if (!(await ctx.stepDone(`register-taskdef:${service}`))) {
        const busy = await strategy.inProgress(ctx, cfg);
        if (busy) throw new Error(busy);
      }
      const ecs = deps.ecs(ctx.envName);
      const registered = await ctx.step(`register-taskdef:${service}`, async () => {
        const current = await ecs.currentTaskDefinition(service);
        if (ctx.params.taskDefinition) {
          const td = await ecs.describeTaskDefinition(ctx.params.taskDefinition);
          return { from: current.arn, to: td.arn };
        }
        const r = await ecs.registerWithImage(current.arn, cfg.container, ctx.params.image!);
        return { from: current.arn, to: r.arn, image: r.diff };
      });
      await show({ from: registered.from, to: registered.to, ...(registered.image ? { image: registered.image } : {}) });
      if (registered.image) await ctx.note(messages(ctx.lang).deploy.newRevision({ revision: short(registered.to), container: registered.image.container, from: registered.image.from, to: registered.image.to }));
      return strategy.run(ctx, cfg, registered.to, show);
    },
    async onInterrupt(ctx, intent) {
      const cfg = deployTarget(ctx.env, ctx.envName, ctx.params.target);
      const service = serviceOf(ctx.params.target, cfg);
      return strategyOf(ctx.envName, cfg).rollback(ctx, cfg, intent, (v) => ctx.view({ strategy: cfg.strategy, service, ...v }));
    },
  };
}

export const short = (arn: string) => arn.split('/').pop() ?? arn;
