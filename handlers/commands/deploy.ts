// /deploy <env> <service> <image | taskdef=family:rev> [--config NAME] [--dry-run]
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { buildAppSpec } from '../../src/aws/codedeploy.js';
import { canaryTraffic } from '../../src/adapters/traffic.js';
import { serviceOf } from '../../src/ops/deploy.js';
import { nativeSpec } from '../../src/ops/deploy-ecs.js';
import { halfDone, planTaskSets } from '../../src/ops/deploy-tasksets.js';
import { envArg, escapeText, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { replyError } from './reply.js';
import { specOf } from './spec.js';
import { startRun } from './start-run.js';

const spec = specOf('/deploy');
/** An OCI image reference: registry/repository[:tag][@sha256:digest]. */
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const TASKDEF = /^taskdef=([A-Za-z0-9_-]{1,255}:[0-9]+)$/;
const CONFIG = /^[A-Za-z0-9_.-]{1,100}$/;

export function register(app: App, deps: Deps): void {
  app.command('/deploy', async ({ command, ack, respond, client }) => {
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError('here is how to use it', spec);
      const envName = envArg(deps.config, words[0], spec);
      const env = deps.config.environments[envName]!;
      const targets = Object.keys(env.deploy);
      if (targets.length === 0) throw new UsageError(`*${envName}* has no \`deploy\` targets in ops.yml`, spec);
      const target = oneOf(words[1], targets, 'deploy target', spec);
      const what = words[2];
      if (!what) throw new UsageError('which image? e.g. `111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v2` or `taskdef=payment:42`', spec);
      const taskdef = TASKDEF.exec(what)?.[1];
      if (!taskdef && !IMAGE.test(what)) throw new UsageError(`\`${escapeText(what.slice(0, 60))}\` is neither an image reference (registry/repo:tag) nor \`taskdef=family:revision\``, spec);
      noMore(words, 3, spec);
      const config = typeof flags.config === 'string' ? flags.config : undefined;
      if (config !== undefined && !CONFIG.test(config)) throw new UsageError('`--config` takes a deployment config name such as CodeDeployDefault.ECSCanary10Percent5Minutes', spec);
      const cfg = env.deploy[target]!;
      if (config !== undefined && cfg.strategy !== 'codedeploy') {
        const how = cfg.strategy === 'ecs' ? `through ECS (${cfg.type})` : 'with task sets and Route 53 weights';
        throw new UsageError(`\`--config\` picks a CodeDeploy deployment config; *${target}* deploys ${how} — set its steps in ops.yml`, spec);
      }
      const params = { target, ...(taskdef ? { taskDefinition: taskdef } : { image: what }), ...(config ? { config } : {}) };

      if (flags['dry-run']) {
        await ack();
        const service = serviceOf(target, cfg);
        const ecs = deps.aws.gateways(envName).ecs;
        const current = await ecs.currentTaskDefinition(service);
        const container = current.containerDefinitions.find((c) => c.name === cfg.container);
        const change = taskdef
          ? `task definition \`${current.arn.split('/').pop()}\` → \`${taskdef}\``
          : `RegisterTaskDefinition: family \`${current.family}\` revision ${current.revision} → ${current.revision + 1}, container *${cfg.container}* image \`${container?.image ?? '?'}\` → \`${what}\`; nothing else changed`;
        const nextArn = taskdef ? `${current.arn.replace(/task-definition\/.*$/, 'task-definition/')}${taskdef}` : `${current.arn.replace(/:\d+$/, '')}:${current.revision + 1}`;
        const head = [`*Dry run: /deploy ${escapeText(command.text.trim())}* — nothing was changed. The calls it would make:`, `• ${change}`];
        if (cfg.strategy === 'tasksets') {
          const canary = env.canary[cfg.canary]!;
          const traffic = canaryTraffic(deps.aws.gateways(envName), envName, cfg.canary, canary);
          const sets = await ecs.describeTaskSets(service);
          const busy = halfDone({ service, envName, cfg, canary, sets, weights: await traffic.read() });
          const plan = planTaskSets({
            cfg,
            canary,
            cluster: env.cluster,
            service,
            taskDefinitionArn: nextArn,
            blue: sets.find((t) => t.status === 'PRIMARY'),
            approval: env.permissions.requireApproval || cfg.waitForApproval,
            traffic,
          });
          await respond({ response_type: 'ephemeral', text: [...head, ...plan, ...(busy ? [`⚠️ It would be refused now: ${busy}`] : [])].join('\n') });
          return;
        }
        if (cfg.strategy === 'ecs') {
          const request = ecs.nativeDeployRequest(nativeSpec(cfg, service, nextArn));
          const pauses = cfg.pauseAt.length ? `pauses at ${cfg.pauseAt.join(', ')} for Approve (then ${cfg.pauseTimeoutAction} after ${cfg.pauseTimeoutMinutes} min)` : 'no pause';
          await respond({
            response_type: 'ephemeral',
            text: [...head, `• ECS UpdateService (${cfg.type}, ${pauses}), exactly:`, '```', JSON.stringify(request, null, 2), '```'].join('\n'),
          });
          return;
        }
        const appSpec = buildAppSpec({ taskDefinitionArn: nextArn, container: cfg.container, port: cfg.port });
        await respond({
          response_type: 'ephemeral',
          text: [
            ...head,
            `• CodeDeploy: get or create application \`${cfg.application}\` and group \`${cfg.deploymentGroup}\` (target groups ${cfg.targetGroups.join(' → ')}, ${cfg.waitForReroute ? `waits for Approve up to ${cfg.rerouteWaitMinutes} min` : 'no approval wait'}, blue kept ${cfg.terminationWaitMinutes} min)`,
            `• CreateDeployment with config \`${config ?? cfg.config}\` and this AppSpec:`,
            '```',
            appSpec,
            '```',
          ].join('\n'),
        });
        return;
      }
      await startRun(deps, { ack, client, command }, { kind: 'deploy', envName, params, summary: `/deploy ${command.text.trim()}` });
    } catch (err) {
      await replyError(err, ack, deps.log, respond);
    }
  });
}
