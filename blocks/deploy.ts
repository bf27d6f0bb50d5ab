// A deploy as people read it: what changes, where traffic is, each lifecycle stage, and what it waits for.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../src/clock.js';
import type { DeployView } from '../src/ops/deploy.js';
import type { Run } from '../src/runs/run.js';
import type { RunViewContext } from './run.js';
import { context, fields, section } from './kit.js';

const STAGE_ICON: Record<string, string> = { Succeeded: '🟢', InProgress: '⏳', Pending: '⚪', Failed: '❌', Skipped: '➖' };
const short = (arn: string | undefined) => (arn ? (arn.split('/').pop() ?? arn) : '…');

export function deployBody(run: Run, ctx: RunViewContext): KnownBlock[] {
  const v = run.view as Partial<DeployView>;
  const out: KnownBlock[] = [];
  const what = v.image ? `*${v.image.container}*: \`${v.image.from.split('/').pop()}\` → \`${v.image.to.split('/').pop()}\`` : v.to ? `task definition \`${short(v.to)}\`` : 'preparing the new revision…';
  const green = v.trafficToGreen ?? 0;
  out.push(
    fields([
      `*Service* \`${v.service ?? '…'}\` (${v.strategy ?? 'codedeploy'})`,
      `*Change* ${what}`,
      `*Traffic* 🔵 blue ${100 - green} % · 🟢 green ${green} %`,
      `*Deployment* ${v.deploymentId ? `\`${v.deploymentId}\` · ${v.status ?? ''}` : 'not created yet'}`,
    ]),
  );
  if (v.stages?.length) out.push(section(v.stages.map((s) => `${STAGE_ICON[s.status] ?? '⚪'} ${s.name}`).join('   ')));
  if (v.waitingFor && v.deadline) {
    out.push(
      context([
        v.waitingFor === 'approval'
          ? `Waiting for approval until ${formatTime(v.deadline, ctx.timezone)}; then CodeDeploy stops the deployment and production stays on blue.`
          : `Blue is kept until ${formatTime(v.deadline, ctx.timezone)} for a fast rollback; Finish now ends the wait.`,
      ]),
    );
  }
  if (v.outcome) out.push(section(`*${v.outcome}*`));
  return out;
}
