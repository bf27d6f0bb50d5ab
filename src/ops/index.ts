// Every operation the bot can run, built from its ports: one line per operation module.
import type { Clock } from '../clock.js';
import type { AwsPorts } from '../deps.js';
import type { Operation } from '../runs/operation.js';
import type { Store } from '../store/store.js';
import { maintenanceOperation } from './maintenance.js';
import { startupOperations } from './startup.js';

export interface OperationDeps {
  aws: AwsPorts;
  store: Store;
  clock: Clock;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each operation has its own params type
export function buildOperations({ aws, store }: OperationDeps): Record<string, Operation<any>> {
  return {
    maintenance: maintenanceOperation({ alb: (env) => aws.maintenanceAlb(env), store }),
    ...startupOperations({ ecs: (env) => aws.startupEcs(env), store }),
  };
}
