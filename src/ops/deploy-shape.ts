// What /deploy and its strategies share: params, the view, the strategy's shape. Its own module so the strategies
// (deploy-codedeploy.ts, deploy-ecs.ts, deploy-tasksets.ts) need not import deploy.ts, which imports them.
import { z } from 'zod';
import type { DeployConfig } from '../config/schema.js';
import type { FinalState, Intent, OpContext, ReadContext } from '../runs/operation.js';

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

const stage = z.object({ name: z.string(), status: z.string() });

/** What the status message shows of a deploy, whatever the strategy (blocks/deploy.ts renders it). */
export const deployView = z
  .object({
    strategy: z.enum(['codedeploy', 'ecs', 'tasksets']),
    service: z.string(),
    from: z.string(),
    to: z.string(),
    image: z.object({ container: z.string(), from: z.string(), to: z.string() }),
    deploymentId: z.string(),
    status: z.string(),
    trafficToGreen: z.number(),
    /** One line per lifecycle stage, in order. */
    stages: z.array(stage),
    waitingFor: z.enum(['approval', 'termination']),
    deadline: z.number(),
    outcome: z.string(),
    /** ECS native: BLUE_GREEN, LINEAR or CANARY; the exact lifecycle stage; what ECS does when a pause times out. */
    type: z.string(),
    stage: z.string(),
    timeoutAction: z.string(),
    /** When the current bake (canary, linear step or final) ends, as observed by the bot. */
    bakeEndsAt: z.number(),
    alarms: z.object({ status: z.string(), names: z.array(z.string()), triggered: z.array(z.string()) }),
    /** Task sets: blue and green with their counts (desired is ECS's computed count; DELETED once ECS no longer lists it). */
    taskSets: z.array(z.object({ role: z.enum(['blue', 'green']), id: z.string(), status: z.string(), running: z.number(), desired: z.number(), pending: z.number() })),
    /** Task sets: the Route 53 record whose weights move traffic, its TTL, the shift steps, and when the last change went INSYNC. */
    record: z.string(),
    ttl: z.number(),
    steps: z.array(z.number()),
    insyncAt: z.number(),
  })
  .partial();
export type DeployView = z.infer<typeof deployView>;
export type DeployCtx = OpContext<DeployParams, DeployView>;
type Ctx = DeployCtx;
/** Shows part of the view; `undefined` clears a field (JSON drops it when the engine stores the merged view). */
export type Show = (v: Partial<DeployView>) => Promise<void>;

/** One deploy strategy: CodeDeploy, ECS native, or task sets with Route 53 weights. */
export interface DeployStrategy<C extends DeployConfig = DeployConfig> {
  /** Another deployment of this service in progress (started by anyone): a sentence with its id, else undefined. */
  inProgress(ctx: Ctx, cfg: C): Promise<string | undefined>;
  /** Starts the deployment of `taskDefinitionArn` (durable steps) and follows it to its end. */
  run(ctx: Ctx, cfg: C, taskDefinitionArn: string, show: Show): Promise<FinalState>;
  /** Rollback pressed at any moment: traffic back on blue, followed until it is. */
  rollback(ctx: Ctx, cfg: C, intent: Intent, show: Show): Promise<FinalState>;
  /** `--dry-run`: the calls this strategy would make to deploy `taskDefinitionArn` (reads only). */
  plan(q: ReadContext<DeployParams>, cfg: C, taskDefinitionArn: string): Promise<string[]>;
}

