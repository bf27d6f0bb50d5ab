// Ordered startup as Amazon States Language: the same dependency graph, each service started the moment its own
// dependencies are ready (one Parallel branch per service), for the `stepfunctions` engine.

export interface StartupPlan {
  cluster: string;
  /** ECS service name → the services it waits for (ECS names) and the count it starts with. */
  services: Record<string, { dependsOn: readonly string[]; desiredCount: number }>;
  pollSeconds: number;
  /** Each service's timeout; the whole execution is bounded by their sum. */
  timeoutSeconds: number;
}

type State = Record<string, unknown>;

const ecs = (action: string) => `arn:aws:states:::aws-sdk:ecs:${action}`;

/** A poll loop on one service: DescribeServices → ready? → else Wait → again; rollout FAILED ends in a Fail state. */
function waitLoop(owner: string, service: string, count: number, plan: StartupPlan, next: string, failed: string): Record<string, State> {
  // State names are unique across the whole machine, branches included: each carries its branch's service.
  const check = `${owner}: check ${service}`;
  const decide = `${owner}: ${service} ready?`;
  const pause = `${owner}: wait for ${service}`;
  return {
    [check]: {
      Type: 'Task',
      Resource: ecs('describeServices'),
      Parameters: { Cluster: plan.cluster, Services: [service] },
      ResultSelector: { 'running.$': '$.Services[0].RunningCount', 'rollout.$': '$.Services[0].Deployments[0].RolloutState' },
      ResultPath: '$.observed',
      // Throttling and passing errors are retried with backoff; SDK-integration errors are named Ecs.<Code>.
      Retry: [{ ErrorEquals: ['Ecs.ThrottlingException', 'Ecs.ServerException', 'States.TaskFailed'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 }],
      Next: decide,
    },
    [decide]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.observed.rollout', StringEquals: 'FAILED', Next: failed },
        { And: [{ Variable: '$.observed.running', NumericGreaterThanEquals: count }, { Variable: '$.observed.rollout', StringEquals: 'COMPLETED' }], Next: next },
      ],
      Default: pause,
    },
    [pause]: { Type: 'Wait', Seconds: plan.pollSeconds, Next: check },
  };
}

/** One branch: wait for each dependency in turn, start the service, wait for it. */
function branch(service: string, plan: StartupPlan): State {
  const def = plan.services[service]!;
  const states: Record<string, State> = {};
  const start = `${service}: start`;
  const deps = [...def.dependsOn];
  const firstWait = deps.length > 0 ? `${service}: check ${deps[0]}` : start;
  const held = `${service}: held back`;
  deps.forEach((d, i) => {
    const next = i + 1 < deps.length ? `${service}: check ${deps[i + 1]}` : start;
    Object.assign(states, waitLoop(service, d, plan.services[d]?.desiredCount ?? 1, plan, next, held));
  });
  if (deps.length > 0) states[held] = { Type: 'Fail', Error: 'DependencyFailed', Cause: `a dependency of ${service} failed: ${service} not started` };
  states[start] = {
    Type: 'Task',
    Resource: ecs('updateService'),
    Parameters: { Cluster: plan.cluster, Service: service, DesiredCount: def.desiredCount },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['Ecs.ThrottlingException', 'Ecs.ServerException'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 }],
    Next: `${service}: check ${service}`,
  };
  Object.assign(states, waitLoop(service, service, def.desiredCount, plan, `${service}: ready`, `${service}: failed`));
  states[`${service}: failed`] = { Type: 'Fail', Error: 'ServiceFailed', Cause: `${service}: rollout FAILED` };
  states[`${service}: ready`] = { Type: 'Succeed' };
  return { StartAt: firstWait, States: states };
}

export function compileStartup(plan: StartupPlan): Record<string, unknown> {
  const names = Object.keys(plan.services);
  return {
    Comment: `ecs-chatops ordered startup of ${names.length} services in ${plan.cluster}; each starts when its dependencies are ready`,
    TimeoutSeconds: Math.max(60, plan.timeoutSeconds * Math.max(1, names.length)),
    StartAt: 'Start services in dependency order',
    States: {
      'Start services in dependency order': { Type: 'Parallel', Branches: names.map((n) => branch(n, plan)), ResultPath: null, End: true },
    },
  };
}
