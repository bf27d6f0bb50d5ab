// Connects ordered startup and shutdown's ports (src/ops/startup.ts) to the ECS, ELBv2 and Step Functions gateways of one environment.
import type { StartupEcs, StartupSfn } from '../ops/startup.js';
import type { EcsGateway } from '../aws/ecs.js';
import type { Elbv2Gateway } from '../aws/elbv2.js';
import type { SfnGateway } from '../aws/sfn.js';

/** ECS services as startup reads and scales them, with the target health that makes a service with a load balancer ready. */
export function startupEcs(g: { ecs: EcsGateway; elbv2: Elbv2Gateway }): StartupEcs {
  const { ecs, elbv2 } = g;
  return {
    describe: (names) => ecs.describeServices(names),
    setDesiredCount: (name, count, force) => ecs.setDesiredCount(name, count, force),
    healthyTargets: async (targetGroupArns) => {
      if (targetGroupArns.length === 0) return undefined;
      const all = await Promise.all(targetGroupArns.map((tg) => elbv2.targetHealth(tg)));
      return { healthy: Math.min(...all.map((h) => h.healthy)), total: Math.min(...all.map((h) => h.total)) };
    },
  };
}

/** The `stepfunctions` engine's state machine and its executions. */
export function startupSfn(g: { sfn: SfnGateway }): StartupSfn {
  const { sfn } = g;
  return {
    ensureStateMachine: (name, definition, roleArn) => sfn.ensureStateMachine(name, definition, roleArn),
    startExecution: (machine, name, input) => sfn.startExecution(machine, name, input),
    execution: (arn) => sfn.execution(arn),
    history: (arn, sinceEventId) => sfn.history(arn, sinceEventId),
    stop: (arn, cause) => sfn.stop(arn, cause),
  };
}
