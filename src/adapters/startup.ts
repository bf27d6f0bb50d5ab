// Connects ordered startup and shutdown's ports (src/ops/startup.ts) to the ECS, ELBv2 and Step Functions gateways of one environment.
import type { StartupEcs, StartupSfn } from '../ops/startup.js';
import type { EnvironmentGateways } from './index.js';

/** ECS services as startup reads and scales them, with the target health that makes a service with a load balancer ready. */
export function startupEcs(g: Pick<EnvironmentGateways, 'ecs' | 'elbv2'>): StartupEcs {
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
export function startupSfn(g: Pick<EnvironmentGateways, 'sfn'>): StartupSfn {
  const { sfn } = g;
  return {
    ensureStateMachine: (name, definition, roleArn) => sfn.ensureStateMachine(name, definition, roleArn),
    startExecution: (machine, name, input) => sfn.startExecution(machine, name, input),
    execution: (arn) => sfn.execution(arn),
    history: (arn, sinceEventId) => sfn.history(arn, sinceEventId),
    stop: (arn, cause) => sfn.stop(arn, cause),
  };
}
