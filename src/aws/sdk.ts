// The AWS SDK packages, loaded when an environment's client or gateway first needs one (issue 23, idle footprint:
// the six packages are ~12 MB of code an idle bot never runs). Only types are imported statically.
import { createRequire } from 'node:module';
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import type * as CodeDeploy from '@aws-sdk/client-codedeploy';
import type * as Ecs from '@aws-sdk/client-ecs';
import type * as Elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import type * as Route53 from '@aws-sdk/client-route-53';
import type * as Sfn from '@aws-sdk/client-sfn';
import type * as Retry from '@smithy/core/retry';

const load = createRequire(import.meta.url);

/**
 * A package's exports, loaded on the first read of any of them and then kept (the require cache: one load per
 * process, however many callers read at once). Synchronous on purpose: the packages are CommonJS (their `main`; Node
 * resolves an `import` of them to the same files), so an `import()` would evaluate them in one synchronous step too,
 * and a synchronous load keeps `new sdk.ecs.DescribeServicesCommand(…)` and `clients.ecs` as they read.
 * The first read costs a one-off ~50–400 ms (per package, on this 2-core machine) on the thread that reads it.
 */
function onDemand<M extends object>(name: string): M {
  let mod: M | undefined;
  const get = (): M => (mod ??= load(name) as M);
  return new Proxy({} as M, {
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
  });
}

export const sdk = {
  ecs: onDemand<typeof Ecs>('@aws-sdk/client-ecs'),
  elbv2: onDemand<typeof Elbv2>('@aws-sdk/client-elastic-load-balancing-v2'),
  route53: onDemand<typeof Route53>('@aws-sdk/client-route-53'),
  codedeploy: onDemand<typeof CodeDeploy>('@aws-sdk/client-codedeploy'),
  sfn: onDemand<typeof Sfn>('@aws-sdk/client-sfn'),
  cloudwatch: onDemand<typeof CloudWatch>('@aws-sdk/client-cloudwatch'),
  retry: onDemand<typeof Retry>('@smithy/core/retry'),
};
