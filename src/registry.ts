// The one registry of operations: each operation with its adapter (AWS → the operation's port), the body of its status
// message and its slash command. Adding an operation is one entry in each list here (docs/architecture.md).
import { typedBody, type Body } from '../blocks/kit.js';
import { chartPng } from '../blocks/chart.js';
import { canaryBody } from '../blocks/canary.js';
import { cutoverBody } from '../blocks/cutover.js';
import { deployBody } from '../blocks/deploy.js';
import { maintenanceBody } from '../blocks/maintenance.js';
import { startupBody } from '../blocks/startup.js';
import * as canaryCommand from '../handlers/commands/canary.js';
import * as cutoverCommand from '../handlers/commands/cutover.js';
import * as deployCommand from '../handlers/commands/deploy.js';
import * as maintenanceCommand from '../handlers/commands/maintenance.js';
import * as servicesCommand from '../handlers/commands/services.js';
import type { CommandModule } from '../handlers/index.js';
import { COMMANDS as SPECS, type CommandSpec } from '../handlers/commands/spec.js';
import * as scaleCommand from '../handlers/commands/scale.js';
import { scaleBody } from '../blocks/scale.js';
import { scaleOperation, scaleView } from './ops/scale.js';
import type { AwsPorts } from './adapters/index.js';
import type { Operation } from './runs/operation.js';
import { canaryTraffic, cutoverDns } from './adapters/traffic.js';
import { codeDeployPort, deployEcs, nativeDeployPort, taskSetDeployPort } from './adapters/deploy.js';
import { startupSfn } from './adapters/startup.js';
import type { Access } from './runs/permissions.js';
import { canaryOperation, canaryView } from './ops/canary.js';
import { canaryWatch, trafficWatch } from './adapters/watch.js';
import type { FilePoster } from './slack/files.js';
import { cutoverOperation, cutoverView } from './ops/cutover.js';
import { maintenanceOperation, maintenanceView } from './ops/maintenance.js';
import { startupOperations, startupView } from './ops/startup.js';
import { deployOperation, deployView } from './ops/deploy.js';

export interface OperationDeps {
  aws: AwsPorts;
  /** Rights checks an operation makes itself (canary Promote follows the approval rules). */
  access?: Access;
  /** Posts charts in a run's thread (files.uploadV2). */
  files?: FilePoster;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each operation has its own params type
export function buildOperations({ aws, access, files }: OperationDeps): Record<string, Operation<any>> {
  return {
    maintenance: maintenanceOperation({
      alb: (env) => aws.maintenanceAlb(env),
      ...(aws.maintenanceMetrics ? { report: { metrics: (env) => aws.maintenanceMetrics!(env), chart: chartPng, ...(files ? { postFile: files } : {}) } } : {}),
    }),
    deploy: deployOperation({
      ecs: (env) => deployEcs(aws.gateways(env)),
      codedeploy: (env) => codeDeployPort(aws.gateways(env)),
      native: (env) => nativeDeployPort(aws.gateways(env)),
      tasksets: (env) => ({ ...taskSetDeployPort(aws.gateways(env), env), watch: (canary, cfg) => canaryWatch(aws.gateways(env).cloudwatch, env, canary, cfg) }),
    }),
    ...startupOperations({ ecs: (env) => aws.startupEcs(env), sfn: (env) => startupSfn(aws.gateways(env)) }),
    canary: canaryOperation({ traffic: (env, target, cfg) => canaryTraffic(aws.gateways(env), env, target, cfg), watch: (env, target, cfg) => ({ ...canaryWatch(aws.gateways(env).cloudwatch, env, target, cfg), ...(files ? { postFile: files, chart: chartPng } : {}) }), ...(access ? { access } : {}) }),
    cutover: cutoverOperation({ dns: (env) => cutoverDns(aws.gateways(env), env), watch: (env, name, cfg) => trafficWatch(aws.gateways(env).cloudwatch, cfg.alarms, undefined, `check environments.${env}.cutover.${name}.alarms`) }),
    scale: scaleOperation({
      ecs: (env) => ({
        counts: async (name) => {
          const [s] = await aws.gateways(env).ecs.describeServices([name]);
          return { desired: s!.desired, running: s!.running, pending: s!.pending, failed: s!.failedTasks, deployments: s!.deploymentCount };
        },
        setDesiredCount: (name, count) => aws.gateways(env).ecs.setDesiredCount(name, count),
      }),
    }),
  };
}

/** The status message's body of each kind of run. */
export const BODIES: Record<string, Body> = {
  maintenance: typedBody(maintenanceView, maintenanceBody),
  startup: typedBody(startupView, startupBody),
  shutdown: typedBody(startupView, startupBody),
  deploy: typedBody(deployView, deployBody),
  canary: typedBody(canaryView, canaryBody),
  cutover: typedBody(cutoverView, cutoverBody),
  scale: typedBody(scaleView, scaleBody),
};

/** The slash commands that start and steer operations (the other handlers register in handlers/index.ts). */
export const COMMANDS: readonly CommandModule[] = [maintenanceCommand, canaryCommand, servicesCommand, deployCommand, cutoverCommand, scaleCommand];

/** Every command's grammar: the ones listed in handlers/commands/spec.ts, then those their modules carry. */
export function commandSpecs(): CommandSpec[] {
  return [...SPECS, ...COMMANDS.flatMap((m) => m.specs ?? [])];
}
