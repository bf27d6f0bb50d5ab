// Every operation the bot can run, built from its ports: one line per operation module.
import type { Clock } from '../clock.js';
import type { AwsPorts } from '../deps.js';
import type { Operation } from '../runs/operation.js';
import type { Store } from '../store/store.js';
import { canaryTraffic, cutoverDns, nativeDeployPort, taskSetDeployPort } from '../aws/traffic.js';
import type { Access } from '../runs/permissions.js';
import { canaryOperation } from './canary.js';
import { canaryWatch, trafficWatch } from '../aws/watch.js';
import type { FilePoster } from '../slack/files.js';
import { cutoverOperation } from './cutover.js';
import { maintenanceOperation } from './maintenance.js';
import { afterMaintenance } from './maintenance-report.js';
import { startupOperations } from './startup.js';
import { deployOperation } from './deploy.js';

export interface OperationDeps {
  aws: AwsPorts;
  store: Store;
  clock: Clock;
  /** Rights checks an operation makes itself (canary Promote follows the approval rules). */
  access?: Access;
  /** Posts charts in a run's thread (files.uploadV2). */
  files?: FilePoster;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each operation has its own params type
export function buildOperations({ aws, store, access, files }: OperationDeps): Record<string, Operation<any>> {
  return {
    maintenance: maintenanceOperation({
      alb: (env) => aws.maintenanceAlb(env),
      store,
      ...(aws.maintenanceMetrics ? { after: (ctx) => afterMaintenance(ctx, { metrics: (env) => aws.maintenanceMetrics!(env), store, ...(files ? { postFile: files } : {}) }) } : {}),
    }),
    deploy: deployOperation({
      ecs: (env) => aws.gateways(env).ecs,
      codedeploy: (env) => aws.gateways(env).codedeploy,
      native: (env) => nativeDeployPort(aws.gateways(env)),
      tasksets: (env) => ({ ...taskSetDeployPort(aws.gateways(env), env), watch: (canary, cfg) => canaryWatch(aws.gateways(env).cloudwatch, env, canary, cfg) }),
    }),
    ...startupOperations({ ecs: (env) => aws.startupEcs(env), sfn: (env) => aws.gateways(env).sfn, store }),
    canary: canaryOperation({ traffic: (env, target, cfg) => canaryTraffic(aws.gateways(env), env, target, cfg), watch: (env, target, cfg) => ({ ...canaryWatch(aws.gateways(env).cloudwatch, env, target, cfg), ...(files ? { postFile: files } : {}) }), ...(access ? { access } : {}) }),
    cutover: cutoverOperation({ dns: (env) => cutoverDns(aws.gateways(env), env), store, watch: (env, name, cfg) => trafficWatch(aws.gateways(env).cloudwatch, cfg.alarms, undefined, `check environments.${env}.cutover.${name}.alarms`) }),
  };
}
