// /deploy: a new task-definition revision (image replaced, nothing else), then a blue/green deployment by the
// target's strategy, followed on one message with Approve / Finish now / Rollback. Strategies plug in below.
import { z } from 'zod';
import type { DeployConfig, Environment } from '../config/schema.js';
import type { FinalState, Intent, OpContext, Operation } from '../runs/operation.js';
import { codedeployStrategy, type CodeDeployPort } from './deploy-codedeploy.js';
import { nativeStrategy, type NativeDeployPort } from './deploy-ecs.js';
import { taskSetStrategy, type TaskSetDeployPort } from './deploy-tasksets.js';

/** ECS as a deploy sees it (a port; src/aws/ecs.ts provides it). */
export interface DeployEcs {
  currentTaskDefinition(service: string): Promise<{ arn: string; containerDefinitions: { name: string; image?: string }[] }>;
  describeTaskDefinition(ref: string): Promise<{ arn: string; containerDefinitions: { name: string; image?: string }[] }>;
  registerWithImage(arn: string, container: string, image: string): Promise<{ arn: string; revision: number; diff: { container: string; from: string; to: string } }>;
}

export const DeployParamsSchema = z
  .object({
    target: z.string().min(1).max(64),
    image: z.string().min(1).max(512).optional(),
    taskDefinition: z.string().regex(/^[A-Za-z0-9_-]{1,255}:[0-9]+$/).optional(),
    config: z.string().min(1).max(128).optional(),
  })
  .strict()
  .refine((p) => (p.image === undefined) !== (p.taskDefinition === undefined), 'give an image or taskdef=family:revision');
export type DeployParams = z.infer<typeof DeployParamsSchema>;

/** What the status message shows of a deploy, whatever the strategy. */
export interface DeployView {
  strategy: DeployConfig['strategy'];
  service: string;
  from?: string;
  to?: string;
  image?: { container: string; from: string; to: string };
  deploymentId?: string;
  status?: string;
  trafficToGreen?: number;
  /** One line per lifecycle stage, in order. */
  stages?: { name: string; status: string }[];
  waitingFor?: 'approval' | 'termination';
  deadline?: number;
  outcome?: string;
  /** ECS native: BLUE_GREEN, LINEAR or CANARY; the exact lifecycle stage; what ECS does when a pause times out. */
  type?: string;
  stage?: string;
  timeoutAction?: 'ROLLBACK' | 'CONTINUE';
  /** When the current bake (canary, linear step or final) ends, as observed by the bot. */
  bakeEndsAt?: number;
  alarms?: { status: string; names: string[]; triggered: string[] };
  /** Task sets: blue and green with their counts (desired is ECS's computed count; DELETED once ECS no longer lists it). */
  taskSets?: { role: 'blue' | 'green'; id: string; status: string; running: number; desired: number; pending: number }[];
  /** Task sets: the Route 53 record whose weights move traffic, its TTL, the shift steps, and when the last change went INSYNC. */
  record?: string;
  ttl?: number;
  steps?: number[];
  insyncAt?: number;
}

/** One deploy strategy: CodeDeploy, ECS native, or task sets with Route 53 weights. */
export interface DeployStrategy<C extends DeployConfig = DeployConfig> {
  /** Another deployment of this service in progress (started by anyone): a sentence with its id, else undefined. */
  inProgress(ctx: OpContext<DeployParams>, cfg: C): Promise<string | undefined>;
  /** Starts the deployment of `taskDefinitionArn` (durable steps) and follows it to its end. */
  run(ctx: OpContext<DeployParams>, cfg: C, taskDefinitionArn: string, show: (v: Partial<DeployView>) => Promise<void>): Promise<FinalState>;
  /** Rollback pressed at any moment: traffic back on blue, followed until it is. */
  rollback(ctx: OpContext<DeployParams>, cfg: C, intent: Intent, show: (v: Partial<DeployView>) => Promise<void>): Promise<FinalState>;
}

export const serviceOf = (key: string, cfg: DeployConfig) => cfg.service ?? key;

export function deployTarget(env: Environment, envName: string, key: string): DeployConfig {
  const cfg = env.deploy[key];
  if (!cfg) throw new Error(`no deploy target "${key}" in environments.${envName}.deploy`);
  return cfg;
}

export function deployOperation(deps: {
  ecs: (envName: string) => DeployEcs;
  codedeploy: (envName: string) => CodeDeployPort;
  native: (envName: string) => NativeDeployPort;
  tasksets: (envName: string) => TaskSetDeployPort;
}): Operation<DeployParams> {
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
  const view = async (ctx: OpContext<DeployParams>, patch: Partial<DeployView>) => ctx.view(patch as Record<string, unknown>);

  return {
    kind: 'deploy',
    params: DeployParamsSchema,
    lockTarget: (envName, p) => `${envName}:deploy:${p.target}`,
    title: (envName, p) => `Deploy · ${p.target} · ${envName}`,
    interrupts: ['rollback'],
    anytime: { rollback: ['running', 'awaiting_approval'] },
    async run(ctx) {
      const cfg = deployTarget(ctx.env, ctx.envName, ctx.params.target);
      const strategy = strategyOf(ctx.envName, cfg);
      const service = serviceOf(ctx.params.target, cfg);
      const show = (v: Partial<DeployView>) => view(ctx, { strategy: cfg.strategy, service, ...v });
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
      if (registered.image) await ctx.note(`📦 New revision \`${short(registered.to)}\`: container *${registered.image.container}* \`${registered.image.from}\` → \`${registered.image.to}\` (nothing else changed).`);
      return strategy.run(ctx, cfg, registered.to, show);
    },
    async onInterrupt(ctx, intent) {
      const cfg = deployTarget(ctx.env, ctx.envName, ctx.params.target);
      const service = serviceOf(ctx.params.target, cfg);
      return strategyOf(ctx.envName, cfg).rollback(ctx, cfg, intent, (v) => view(ctx, { strategy: cfg.strategy, service, ...v }));
    },
  };
}

export const short = (arn: string) => arn.split('/').pop() ?? arn;
