// CodeDeploy blue/green for ECS as the operations see it: ensure the application and group, start a deployment, follow it, approve, finish or roll it back.
import type { CodeDeployClient, DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import { sdk } from './sdk.js';
import { AwsErrorCode, AwsGatewayError, awsErrorName, translate } from './errors.js';
import { messages, type Lang } from '../i18n/index.js';

/** The gateway's words for what a call was about, in a language (src/i18n/resources.ts). */
const said = (lang: Lang) => messages(lang).resources;

// ── domain types ────────────────────────────────────────────────────────────────

export const DeploymentStatus = {
  created: 'Created',
  queued: 'Queued',
  inProgress: 'InProgress',
  baking: 'Baking',
  ready: 'Ready',
  succeeded: 'Succeeded',
  failed: 'Failed',
  stopped: 'Stopped',
} as const;
export type DeploymentStatus = (typeof DeploymentStatus)[keyof typeof DeploymentStatus];

/** Statuses of a deployment that still holds its group: CodeDeploy refuses a second one meanwhile. */
export const ACTIVE_STATUSES: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];

export const WaitingFor = { reroute: 'reroute', termination: 'termination' } as const;
export type WaitingFor = (typeof WaitingFor)[keyof typeof WaitingFor];

export interface LifecycleStep {
  name: string;
  status: string;
  startedAt?: Date;
  endedAt?: Date;
  diagnostics?: { errorCode?: string; scriptName?: string; message?: string; logTail?: string };
}

export interface TaskSetView {
  id: string;
  label: 'Blue' | 'Green' | undefined;
  status: string;
  desired: number;
  pending: number;
  running: number;
  /** Percent of production traffic. */
  trafficWeight: number;
  targetGroup: string | undefined;
}

export interface DeploymentView {
  id: string;
  app: string;
  group: string;
  status: DeploymentStatus;
  createdAt: Date;
  startedAt?: Date;
  completedAt?: Date;
  errorCode?: string;
  errorMessage?: string;
  /** rollbackDeploymentId on the deployment that was rolled back; triggeredBy on the rollback deployment itself. */
  rollback?: { deploymentId?: string; triggeredBy?: string; message?: string };
  /** What the deployment is holding for: Approve (ContinueDeployment READY_WAIT) or the blue termination wait (Finish now / Rollback). */
  waitingFor?: WaitingFor;
  /** Percent of production traffic on the replacement task set. */
  trafficToGreen: number;
  lifecycle: LifecycleStep[];
  taskSets: TaskSetView[];
  creator?: string;
  description?: string;
}

/** A deployment group as ops.yml describes it (deploy.<name> with strategy codedeploy), in plain values. */
export interface DeploymentGroupSpec {
  app: string;
  group: string;
  serviceRoleArn: string;
  cluster: string;
  service: string;
  blueTargetGroup: string;
  greenTargetGroup: string;
  prodListenerArn: string;
  testListenerArn?: string;
  /** The group's default deployment config (a deployment may name another). */
  config?: string;
  waitForReroute: boolean;
  rerouteWaitMinutes: number;
  terminationWaitMinutes: number;
  alarms: string[];
  autoRollbackOnFailure: boolean;
  /** Where in ops.yml this group is defined, for error messages, e.g. environments.prod.deploy.payment. */
  configPath?: string;
}

export interface DeploymentRequest {
  app: string;
  group: string;
  /** A deployment config name; the group's default when absent. */
  config?: string;
  taskDefinitionArn: string;
  container: string;
  port: number;
  description?: string;
  configPath?: string;
}

export interface RollbackResult {
  /** 'pending' while the rollback deployment runs; 'succeeded' when nothing was left to roll back. */
  status: 'pending' | 'succeeded';
  message?: string;
}

const NOT_FOUND = ['ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException', 'DeploymentDoesNotExistException', 'DeploymentConfigDoesNotExistException'] as const;

// ── pure parts ───────────────────────────────────────────────────────────────────

/**
 * The ECS AppSpec CodeDeploy runs: one service resource with the new task definition and the container/port behind
 * the load balancer. Pure, so `--dry-run` can show exactly what would be sent.
 */
export function buildAppSpec(p: { taskDefinitionArn: string; container: string; port: number }): string {
  const spec = {
    version: '0.0',
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: { TaskDefinition: p.taskDefinitionArn, LoadBalancerInfo: { ContainerName: p.container, ContainerPort: p.port } },
        },
      },
    ],
  };
  // The documented JSON form writes the version as the number 0.0, which JSON.stringify would print as 0.
  return JSON.stringify(spec, null, 2).replace('"version": "0.0"', '"version": 0.0');
}

/** The differences between an existing group and ops.yml, as readable lines (empty when they agree). */
export function groupDrift(info: DeploymentGroupInfo, spec: DeploymentGroupSpec): string[] {
  const out: string[] = [];
  const svc = info.ecsServices?.[0];
  if (svc && (svc.clusterName !== spec.cluster || svc.serviceName !== spec.service)) out.push(`service is ${svc.clusterName}/${svc.serviceName}, ops.yml says ${spec.cluster}/${spec.service}`);
  const pair = info.loadBalancerInfo?.targetGroupPairInfoList?.[0];
  const tgs = (pair?.targetGroups ?? []).map((t) => t.name ?? '').sort();
  const want = [spec.blueTargetGroup, spec.greenTargetGroup].sort();
  if (tgs.join(',') !== want.join(',')) out.push(`target groups are ${tgs.join(', ') || 'none'}, ops.yml says ${want.join(', ')}`);
  const prod = pair?.prodTrafficRoute?.listenerArns?.[0];
  if (prod !== spec.prodListenerArn) out.push(`production listener is ${prod ?? 'none'}, ops.yml says ${spec.prodListenerArn}`);
  const ready = info.blueGreenDeploymentConfiguration?.deploymentReadyOption?.actionOnTimeout === 'STOP_DEPLOYMENT';
  if (ready !== spec.waitForReroute) out.push(`waitForReroute is ${ready} in AWS, ${spec.waitForReroute} in ops.yml`);
  const term = info.blueGreenDeploymentConfiguration?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0;
  if (term !== spec.terminationWaitMinutes) out.push(`terminationWaitMinutes is ${term} in AWS, ${spec.terminationWaitMinutes} in ops.yml`);
  return out;
}

// ── the gateway ──────────────────────────────────────────────────────────────────

export class CodeDeployGateway {
  constructor(
    private readonly client: CodeDeployClient,
    private readonly ctx: { envName: string; region: string },
  ) {}

  private where(configPath: string | undefined, field?: string): string {
    const base = configPath ?? `environments.${this.ctx.envName}.deploy`;
    return `check ${base}${field ? `.${field}` : ''} in ops.yml (${this.ctx.region})`;
  }

  /** Finds the ECS application, creating it when missing; says whether it was created. */
  async ensureApplication(name: string, configPath?: string): Promise<{ created: boolean }> {
    const what = `CodeDeploy application ${name}`;
    try {
      const out = await this.client.send(new sdk.codedeploy.GetApplicationCommand({ applicationName: name }));
      const platform = out.application?.computePlatform;
      if (platform && platform !== 'ECS') {
        throw new AwsGatewayError(AwsErrorCode.invalid, `${what} exists for ${platform}, not ECS — use another name in ${this.where(configPath, 'application').replace(/^check /, '')}`);
      }
      return { created: false };
    } catch (err) {
      if (err instanceof AwsGatewayError) throw err;
      if (awsErrorName(err) !== 'ApplicationDoesNotExistException') throw translate(err, (l) => said(l).codedeploy.application({ name }), this.where(configPath, 'application'));
    }
    try {
      await this.client.send(new sdk.codedeploy.CreateApplicationCommand({ applicationName: name, computePlatform: 'ECS' }));
      return { created: true };
    } catch (err) {
      // Another replica created it between our read and write: it exists, which is what we wanted.
      if (awsErrorName(err) === 'ApplicationAlreadyExistsException') return { created: false };
      throw translate(err, (l) => said(l).codedeploy.creatingApplication({ name }), this.where(configPath, 'application'));
    }
  }

  /** Finds the deployment group, creating it from ops.yml when missing; `drift` lists where an existing group differs. */
  async ensureDeploymentGroup(spec: DeploymentGroupSpec): Promise<{ created: boolean; drift: string[] }> {
    const what = `CodeDeploy deployment group ${spec.group} of ${spec.app}`;
    try {
      const out = await this.client.send(new sdk.codedeploy.GetDeploymentGroupCommand({ applicationName: spec.app, deploymentGroupName: spec.group }));
      return { created: false, drift: out.deploymentGroupInfo ? groupDrift(out.deploymentGroupInfo, spec) : [] };
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'ApplicationDoesNotExistException') throw translate(err, (l) => said(l).codedeploy.application({ name: spec.app }), this.where(spec.configPath, 'application'), NOT_FOUND);
      if (name !== 'DeploymentGroupDoesNotExistException') throw translate(err, (l) => said(l).codedeploy.group({ group: spec.group, app: spec.app }), this.where(spec.configPath, 'deploymentGroup'));
    }
    try {
      await this.client.send(
        new sdk.codedeploy.CreateDeploymentGroupCommand({
          applicationName: spec.app,
          deploymentGroupName: spec.group,
          serviceRoleArn: spec.serviceRoleArn,
          ...(spec.config ? { deploymentConfigName: spec.config } : {}),
          ecsServices: [{ clusterName: spec.cluster, serviceName: spec.service }],
          deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
          blueGreenDeploymentConfiguration: {
            deploymentReadyOption: spec.waitForReroute
              ? { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: spec.rerouteWaitMinutes }
              : { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 },
            terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: spec.terminationWaitMinutes },
          },
          loadBalancerInfo: {
            targetGroupPairInfoList: [
              {
                targetGroups: [{ name: spec.blueTargetGroup }, { name: spec.greenTargetGroup }],
                prodTrafficRoute: { listenerArns: [spec.prodListenerArn] },
                ...(spec.testListenerArn ? { testTrafficRoute: { listenerArns: [spec.testListenerArn] } } : {}),
              },
            ],
          },
          alarmConfiguration: { enabled: spec.alarms.length > 0, alarms: spec.alarms.map((name) => ({ name })) },
          // A Rollback press is a stop with rollback, so DEPLOYMENT_STOP_ON_REQUEST goes with DEPLOYMENT_FAILURE.
          autoRollbackConfiguration: spec.autoRollbackOnFailure
            ? { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', ...(spec.alarms.length ? (['DEPLOYMENT_STOP_ON_ALARM'] as const) : [])] }
            : { enabled: false, events: [] },
        }),
      );
      return { created: true, drift: [] };
    } catch (err) {
      if (awsErrorName(err) === 'DeploymentGroupAlreadyExistsException') return { created: false, drift: [] };
      throw this.groupCreateError(err, what, spec);
    }
  }

  private groupCreateError(err: unknown, what: string, spec: DeploymentGroupSpec): AwsGatewayError {
    const name = awsErrorName(err);
    // AWS messages end with a full stop; ours goes on with where to look.
    const detail = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
    const field: Record<string, string> = {
      InvalidTargetGroupPairException: 'targetGroups',
      InvalidLoadBalancerInfoException: 'prodListenerArn',
      InvalidECSServiceException: 'service',
      ECSServiceMappingLimitExceededException: 'service',
      InvalidRoleException: 'serviceRoleArn',
      RoleRequiredException: 'serviceRoleArn',
      InvalidBlueGreenDeploymentConfigurationException: 'rerouteWaitMinutes / terminationWaitMinutes',
      DeploymentConfigDoesNotExistException: 'config',
      InvalidAlarmConfigException: 'alarms',
      AlarmsLimitExceededException: 'alarms',
    };
    const f = name ? field[name] : undefined;
    if (f) return new AwsGatewayError(AwsErrorCode.invalid, `creating ${what}: ${detail} — ${this.where(spec.configPath, f)}`, { cause: err });
    return translate(err, (l) => said(l).codedeploy.creatingGroup({ group: spec.group, app: spec.app }), this.where(spec.configPath, 'deploymentGroup'), NOT_FOUND);
  }

  /** Starts a deployment of a task definition; a deployment already running in the group is a conflict that names it. */
  async createDeployment(r: DeploymentRequest): Promise<string> {
    const what = `a CodeDeploy deployment of ${r.group}`;
    try {
      const out = await this.client.send(
        new sdk.codedeploy.CreateDeploymentCommand({
          applicationName: r.app,
          deploymentGroupName: r.group,
          ...(r.config ? { deploymentConfigName: r.config } : {}),
          ...(r.description ? { description: r.description } : {}),
          revision: { revisionType: 'AppSpecContent', appSpecContent: { content: buildAppSpec(r) } },
        }),
      );
      if (!out.deploymentId) throw new AwsGatewayError(AwsErrorCode.unavailable, `CodeDeploy returned no deployment id for ${what} — look in the CodeDeploy console`);
      return out.deploymentId;
    } catch (err) {
      if (err instanceof AwsGatewayError) throw err;
      const name = awsErrorName(err);
      if (name === 'DeploymentLimitExceededException') {
        const running = /'(d-[A-Z0-9]+)'/.exec(err instanceof Error ? err.message : '')?.[1] ?? (await this.inProgressDeployments(r.app, r.group).catch(() => []))[0];
        throw new AwsGatewayError(AwsErrorCode.conflict, `a deployment ${running ?? '(unknown id)'} is already in progress for ${r.group} — wait for it or roll it back`, { cause: err });
      }
      if (name === 'InvalidRevisionException') {
        throw new AwsGatewayError(AwsErrorCode.invalid, `CodeDeploy refused the AppSpec for ${r.taskDefinitionArn}: ${(err as Error).message} — ${this.where(r.configPath, 'container / port')}`, { cause: err });
      }
      if (name === 'DeploymentConfigDoesNotExistException') {
        throw new AwsGatewayError(AwsErrorCode.notFound, `deployment config ${r.config ?? '(group default)'} not found — ${this.where(r.configPath, 'config')}`, { cause: err });
      }
      const field = name === 'ApplicationDoesNotExistException' ? 'application' : 'deploymentGroup';
      throw translate(err, (l) => said(l).codedeploy.startingDeployment({ group: r.group }), this.where(r.configPath, field), NOT_FOUND);
    }
  }

  /** Everything a status message shows about one deployment: status, waits, traffic, lifecycle events and task sets. */
  async deployment(id: string): Promise<DeploymentView> {
    const what = `CodeDeploy deployment ${id}`;
    const hint = (l: Lang) => said(l).hint.otherRegionOrOld;
    let info;
    try {
      info = (await this.client.send(new sdk.codedeploy.GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    } catch (err) {
      throw translate(err, (l) => said(l).codedeploy.deployment({ id }), hint, NOT_FOUND);
    }
    if (!info) throw new AwsGatewayError(AwsErrorCode.notFound, `${what} not found — ${hint('en')}`, { say: (l) => messages(l).errors.notFound({ what: said(l).codedeploy.deployment({ id }), hint: hint(l) }) });
    const status = (info.status ?? 'Created') as DeploymentStatus;
    const target = await this.target(id);
    const green = target.taskSets.find((t) => t.label === 'Green');
    const rb = info.rollbackInfo;
    const rollback =
      rb && (rb.rollbackDeploymentId || rb.rollbackTriggeringDeploymentId)
        ? {
            ...(rb.rollbackDeploymentId ? { deploymentId: rb.rollbackDeploymentId } : {}),
            ...(rb.rollbackTriggeringDeploymentId ? { triggeredBy: rb.rollbackTriggeringDeploymentId } : {}),
            ...(rb.rollbackMessage ? { message: rb.rollbackMessage } : {}),
          }
        : undefined;
    const waitingFor =
      status === 'Ready' ? WaitingFor.reroute : status === 'InProgress' && info.instanceTerminationWaitTimeStarted ? WaitingFor.termination : undefined;
    return {
      id,
      app: info.applicationName ?? '',
      group: info.deploymentGroupName ?? '',
      status,
      createdAt: info.createTime ?? new Date(0),
      ...(info.startTime ? { startedAt: info.startTime } : {}),
      ...(info.completeTime ? { completedAt: info.completeTime } : {}),
      ...(info.errorInformation?.code ? { errorCode: info.errorInformation.code } : {}),
      ...(info.errorInformation?.message ? { errorMessage: info.errorInformation.message } : {}),
      ...(rollback ? { rollback } : {}),
      ...(waitingFor ? { waitingFor } : {}),
      trafficToGreen: green?.trafficWeight ?? 0,
      lifecycle: target.lifecycle,
      taskSets: target.taskSets,
      ...(info.creator ? { creator: info.creator } : {}),
      ...(info.description ? { description: info.description } : {}),
    };
  }

  /** The ECS target of a deployment (one per deployment); empty until the deployment has started. */
  private async target(id: string): Promise<{ lifecycle: LifecycleStep[]; taskSets: TaskSetView[] }> {
    const hint = (l: Lang) => said(l).hint.deleted;
    try {
      const ids: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(new sdk.codedeploy.ListDeploymentTargetsCommand({ deploymentId: id, ...(nextToken ? { nextToken } : {}) }));
        ids.push(...(page.targetIds ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const targetId = ids[0];
      if (!targetId) return { lifecycle: [], taskSets: [] };
      const out = await this.client.send(new sdk.codedeploy.GetDeploymentTargetCommand({ deploymentId: id, targetId }));
      const t = out.deploymentTarget?.ecsTarget;
      return {
        lifecycle: (t?.lifecycleEvents ?? []).map((e) => ({
          name: e.lifecycleEventName ?? '',
          status: e.status ?? 'Unknown',
          ...(e.startTime ? { startedAt: e.startTime } : {}),
          ...(e.endTime ? { endedAt: e.endTime } : {}),
          ...(e.diagnostics
            ? {
                diagnostics: {
                  ...(e.diagnostics.errorCode ? { errorCode: e.diagnostics.errorCode } : {}),
                  ...(e.diagnostics.scriptName ? { scriptName: e.diagnostics.scriptName } : {}),
                  ...(e.diagnostics.message ? { message: e.diagnostics.message } : {}),
                  ...(e.diagnostics.logTail ? { logTail: e.diagnostics.logTail } : {}),
                },
              }
            : {}),
        })),
        taskSets: (t?.taskSetsInfo ?? []).map((s) => ({
          id: s.identifer ?? '',
          label: s.taskSetLabel,
          status: s.status ?? '',
          desired: s.desiredCount ?? 0,
          pending: s.pendingCount ?? 0,
          running: s.runningCount ?? 0,
          trafficWeight: s.trafficWeight ?? 0,
          targetGroup: s.targetGroup?.name,
        })),
      };
    } catch (err) {
      // Right after CreateDeployment the target does not exist yet: nothing to show, not an error.
      if (awsErrorName(err) === 'DeploymentNotStartedException') return { lifecycle: [], taskSets: [] };
      throw translate(err, (l) => said(l).codedeploy.targets({ id }), hint, NOT_FOUND);
    }
  }

  /** Ids of the group's deployments that still run (at most one, as CodeDeploy allows), newest first. */
  async inProgressDeployments(app: string, group: string): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new sdk.codedeploy.ListDeploymentsCommand({ applicationName: app, deploymentGroupName: group, includeOnlyStatuses: [...ACTIVE_STATUSES], ...(nextToken ? { nextToken } : {}) }),
        );
        ids.push(...(page.deployments ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw translate(err, (l) => said(l).codedeploy.deploymentsOf({ group }), this.where(undefined, 'deploymentGroup'), NOT_FOUND);
    }
    return ids;
  }

  /** Approve: let a deployment held before production traffic (STOP_DEPLOYMENT) reroute. Read back with deployment(id). */
  async approveReroute(id: string): Promise<void> {
    await this.continue(id, 'READY_WAIT', 'is not waiting for approval to reroute traffic — look at its status');
  }

  /** Finish now: end the blue termination wait, so blue is removed and the deployment succeeds. Read back with deployment(id). */
  async finishNow(id: string): Promise<void> {
    await this.continue(id, 'TERMINATION_WAIT', 'is not in its blue termination wait — look at its status');
  }

  private async continue(id: string, deploymentWaitType: 'READY_WAIT' | 'TERMINATION_WAIT', notReady: string): Promise<void> {
    try {
      await this.client.send(new sdk.codedeploy.ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType }));
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'DeploymentIsNotInReadyStateException') throw new AwsGatewayError(AwsErrorCode.conflict, `deployment ${id} ${notReady}`, { cause: err });
      if (name === 'DeploymentAlreadyCompletedException') throw new AwsGatewayError(AwsErrorCode.conflict, `deployment ${id} has already finished — nothing to continue`, { cause: err });
      throw translate(err, (l) => said(l).codedeploy.continuing({ id }), (l) => said(l).hint.otherRegion, NOT_FOUND);
    }
  }

  /**
   * Rollback: stop the deployment with auto-rollback, which puts production traffic back on blue and removes green.
   * Only possible until blue is terminated. Read back with deployment(id).rollback.
   */
  async rollback(id: string): Promise<RollbackResult> {
    try {
      const out = await this.client.send(new sdk.codedeploy.StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
      return { status: out.status === 'Succeeded' ? 'succeeded' : 'pending', ...(out.statusMessage ? { message: out.statusMessage } : {}) };
    } catch (err) {
      if (awsErrorName(err) === 'DeploymentAlreadyCompletedException') {
        throw new AwsGatewayError(
          AwsErrorCode.conflict,
          `deployment ${id} has already finished, so CodeDeploy cannot roll it back — deploy the previous task definition instead`,
          { cause: err },
        );
      }
      throw translate(err, (l) => said(l).codedeploy.stopping({ id }), (l) => said(l).hint.otherRegion, NOT_FOUND);
    }
  }
}
