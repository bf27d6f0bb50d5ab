// Connects the deploy operation's ports (src/ops/deploy*.ts) to the ECS, CodeDeploy, ELBv2 and Route 53 gateways of one
// environment: each strategy gets only the calls it declared, in its own terms.
import type { DeployEcs } from '../ops/deploy.js';
import type { CodeDeployPort } from '../ops/deploy-codedeploy.js';
import type { NativeDeployPort } from '../ops/deploy-ecs.js';
import type { NewTaskSet, TaskSetDeployPort, TaskSetEcs } from '../ops/deploy-tasksets.js';
import { buildAppSpec } from '../aws/codedeploy.js';
import { createTaskSetInput, type NewTaskSet as GatewayNewTaskSet } from '../aws/ecs.js';
import type { EnvironmentGateways } from './index.js';
import { canaryTraffic } from './traffic.js';

/** The revision step every strategy shares: read the running task definition, register it with the image replaced. */
export function deployEcs(g: EnvironmentGateways): DeployEcs {
  return {
    currentTaskDefinition: (service) => g.ecs.currentTaskDefinition(service),
    describeTaskDefinition: (ref) => g.ecs.describeTaskDefinition(ref),
    registerWithImage: (arn, container, image) => g.ecs.registerWithImage(arn, container, image),
  };
}

/** CodeDeploy blue/green (seed 001). */
export function codeDeployPort(g: EnvironmentGateways): CodeDeployPort {
  const cd = g.codedeploy;
  return {
    ensureApplication: (name, configPath) => cd.ensureApplication(name, configPath),
    ensureDeploymentGroup: (spec) => cd.ensureDeploymentGroup(spec),
    createDeployment: (r) => cd.createDeployment(r),
    deployment: (id) => cd.deployment(id),
    inProgressDeployments: (app, group) => cd.inProgressDeployments(app, group),
    approveReroute: (id) => cd.approveReroute(id),
    finishNow: (id) => cd.finishNow(id),
    rollback: (id) => cd.rollback(id),
    appSpec: (p) => buildAppSpec(p),
  };
}

/** ECS-native blue/green, linear and canary, and the production rule's weights. */
export function nativeDeployPort(g: EnvironmentGateways): NativeDeployPort {
  return {
    deployRequest: (spec) => g.ecs.nativeDeployRequest(spec),
    startNativeDeployment: (spec, hint) => g.ecs.startNativeDeployment(spec, hint),
    activeDeployments: (service, statuses) => g.ecs.activeDeployments(service, statuses),
    serviceDeployment: (arn) => g.ecs.serviceDeployment(arn),
    continueDeployment: (arn, hookId, action) => g.ecs.continueDeployment(arn, hookId, action),
    stopDeployment: (arn) => g.ecs.stopDeployment(arn),
    serviceTaskDefinition: async (service) => (await g.ecs.describeServices([service]))[0]?.taskDefinition,
    ruleWeights: (ruleArn, hint) => g.elbv2.forwardWeights('', ruleArn, hint),
  };
}

/**
 * The operation hands back the placement describeTaskSets gave it, untouched (it never looks inside), so it is the
 * gateway's own type again here.
 */
const toGateway = (spec: NewTaskSet): GatewayNewTaskSet => spec as GatewayNewTaskSet;

/** Task sets with Route 53 weights (seed 004): the task-set calls, and the canary target's weighted pair. */
export function taskSetDeployPort(g: EnvironmentGateways, envName: string): TaskSetDeployPort {
  const ecs: TaskSetEcs = {
    service: async (name) => {
      const [s] = await g.ecs.describeServices([name]);
      return s ? { deploymentController: s.deploymentController, recentEvents: s.recentEvents } : undefined;
    },
    describeTaskSets: (service, ids) => g.ecs.describeTaskSets(service, ids),
    createTaskSet: (service, spec) => g.ecs.createTaskSet(service, toGateway(spec)),
    scaleTaskSet: (service, taskSet, percent) => g.ecs.scaleTaskSet(service, taskSet, percent),
    makePrimary: (service, taskSet) => g.ecs.makePrimary(service, taskSet),
    deleteTaskSet: (service, taskSet, force) => g.ecs.deleteTaskSet(service, taskSet, force),
    createTaskSetRequest: (cluster, service, spec) => createTaskSetInput(cluster, service, toGateway(spec)),
  };
  return { ecs, traffic: (canary, cfg) => canaryTraffic(g, envName, canary, cfg) };
}
