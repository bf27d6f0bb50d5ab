// The registry every handler and operation receives: built once in main.ts, passed in, never imported as a global.
import type { OpsConfig } from './config/schema.js';
import type { Clock } from './clock.js';
import type { Log } from './log.js';
import type { RunEngine } from './runs/engine.js';
import type { Access } from './runs/permissions.js';
import type { Scheduler } from './runs/scheduler.js';
import type { Operation } from './runs/operation.js';
import type { Store } from './store/store.js';
import type { MaintenanceAlb } from './ops/maintenance.js';
import type { StatusReader } from './ops/status.js';
import type { MaintenanceMetrics } from './ops/maintenance-report.js';
import type { StartupEcs } from './ops/startup.js';
import type { EnvironmentGateways } from './adapters/index.js';
import type { CommandSpec } from '../handlers/commands/spec.js';

export interface AwsPorts {
  /** The typed gateways of one environment (src/aws), for operations whose ports they satisfy directly. */
  gateways(envName: string): EnvironmentGateways;
  /** The ALB as maintenance needs it, for one environment. */
  maintenanceAlb(envName: string): MaintenanceAlb;
  /** ECS as ordered startup and shutdown need it. */
  startupEcs(envName: string): StartupEcs;
  /** Live reads for /ops status. */
  status(envName: string): StatusReader;
  /** CloudWatch counts of what maintenance answered (the report at its end and in /maintenance status). */
  maintenanceMetrics?(envName: string): MaintenanceMetrics;
}

export interface Deps {
  config: OpsConfig;
  log: Log;
  clock: Clock;
  store: Store;
  engine: RunEngine;
  scheduler: Scheduler;
  access: Access;
  aws: AwsPorts;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of operations with their own params
  ops: Record<string, Operation<any, any>>;
  /** Every slash command's grammar (src/registry.ts commandSpecs): help, the App Home, the edge's check. */
  commands: readonly CommandSpec[];
}
