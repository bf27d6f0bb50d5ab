// A deploy as people read it: what changes, where traffic is, each lifecycle stage, and what it waits for.
import type { KnownBlock } from '@slack/types';
import { formatDuration, formatTime, formatTimeNear } from '../src/clock.js';
import type { DeployView } from '../src/ops/deploy.js';
import type { Run } from '../src/runs/run.js';
import type { RunViewContext } from './kit.js';
import { context, fields, section } from './kit.js';

const STAGE_ICON: Record<string, string> = { Succeeded: '🟢', InProgress: '⏳', Pending: '⚪', Failed: '❌', Skipped: '➖', RolledBack: '↩️' };
const short = (arn: string | undefined) => (arn ? (arn.split('/').pop() ?? arn) : '…');
const ACTIVE = ['running', 'awaiting_approval'];

/** What happens when nobody answers in time, in the words of each strategy. */
function waitLine(v: DeployView, ctx: RunViewContext): string | undefined {
  if (!v.waitingFor || !v.deadline) return undefined;
  const until = formatTimeNear(v.deadline, ctx.timezone, ctx.now);
  if (v.waitingFor === 'termination') return `Blue is kept until ${until} for a fast rollback; Finish now ends the wait.`;
  if (v.strategy === 'tasksets') {
    return `Waiting for approval until ${until} (${formatDuration(Math.max(0, v.deadline - ctx.now))} left); then green is removed and all traffic stays on blue.`;
  }
  if (v.strategy === 'ecs') {
    const then = v.timeoutAction === 'CONTINUE' ? 'ECS continues the deployment by itself' : 'ECS rolls the deployment back and production stays on blue';
    return `ECS waits for an answer until ${until} (${formatDuration(Math.max(0, v.deadline - ctx.now))} left); then ${then} (timeout action ${v.timeoutAction ?? 'ROLLBACK'}).`;
  }
  return `Waiting for approval until ${until}; then CodeDeploy stops the deployment and production stays on blue.`;
}

/** Task sets: blue and green, each with its status and running / desired tasks (one line each). */
function taskSetLines(v: DeployView): string {
  if (!v.taskSets) return ' not read yet';
  const line = (role: 'blue' | 'green') => {
    const t = v.taskSets?.find((s) => s.role === role);
    const dot = role === 'blue' ? '🔵' : '🟢';
    if (!t) return `${dot} ${role} not created yet`;
    const counts =
      t.status === 'DELETED'
        ? 'deleted'
        : t.status === 'DRAINING'
          ? `DRAINING · ${t.running} still running`
          : `${t.status} · ${t.running}/${t.desired} running${t.pending ? ` · ${t.pending} pending` : ''}`;
    return `${dot} ${role} \`${short(t.id)}\` ${counts}`;
  };
  return `\n${line('blue')}\n${line('green')}`;
}

/** The deploy's part of its status message, from its parsed view (registered with typedBody in src/registry.ts). */
export function deployBody(v: DeployView, run: Run, ctx: RunViewContext): KnownBlock[] {
  const out: KnownBlock[] = [];
  const what = v.image ? `container *${v.image.container}*: image \`${v.image.from.split('/').pop()}\` → \`${v.image.to.split('/').pop()}\`` : v.to ? `task definition \`${short(v.to)}\`` : 'preparing the new revision…';
  const green = v.trafficToGreen ?? 0;
  const how = v.strategy === 'ecs' ? `ECS ${v.type ?? 'BLUE_GREEN'}` : v.strategy === 'tasksets' ? `task sets · Route 53 ${v.record ? `\`${v.record}\`` : 'weights'}` : (v.strategy ?? '…');
  const status = v.status ? ` · ${v.status}${v.stage && v.status === 'IN_PROGRESS' ? ` · \`${v.stage}\`` : ''}` : '';
  out.push(
    fields([
      `*Service* \`${v.service ?? '…'}\` (${how})`,
      `*Change* ${what}`,
      `*Traffic* 🔵 blue ${Math.round((100 - green) * 10) / 10} % · 🟢 green ${green} %`,
      v.strategy === 'tasksets' ? `*Task sets*${taskSetLines(v)}` : `*Deployment* ${v.deploymentId ? `\`${v.deploymentId}\`${status}` : 'not created yet'}`,
    ]),
  );
  // The phase a pause holds shows ⏸, so the eye finds where the deploy waits.
  const icon = (status: string) => (status === 'InProgress' && run.state === 'awaiting_approval' ? '⏸' : (STAGE_ICON[status] ?? '⚪'));
  if (v.stages?.length) out.push(section(v.stages.map((s) => `${icon(s.status)} ${s.name}`).join('   ')));
  const facts: string[] = [];
  if (v.strategy === 'tasksets' && v.stage && ACTIVE.includes(run.state)) facts.push(`▶️ ${v.stage}`);
  if (v.strategy === 'tasksets' && v.insyncAt) {
    facts.push(`Route 53 INSYNC ${formatTime(v.insyncAt, ctx.timezone)}${v.ttl !== undefined ? ` · fully effective by ${formatTime(v.insyncAt + v.ttl * 1000, ctx.timezone)} (TTL ${v.ttl} s)` : ''}`);
  }
  if (v.bakeEndsAt && ACTIVE.includes(run.state) && v.bakeEndsAt > ctx.now) {
    facts.push(`⏲ Bake ends about ${formatTime(v.bakeEndsAt, ctx.timezone)} (${formatDuration(v.bakeEndsAt - ctx.now)} left)`);
  }
  if (v.alarms && v.alarms.names.length > 0) {
    facts.push(
      v.alarms.triggered.length > 0
        ? `🚨 Alarm in ALARM: ${v.alarms.triggered.join(', ')}`
        : `🔔 Alarms ${v.alarms.status === 'MONITORING' ? 'watched' : v.alarms.status.toLowerCase().replace(/_/g, ' ')}: ${v.alarms.names.join(', ')}`,
    );
  }
  if (facts.length) out.push(context(facts));
  const wait = waitLine(v, ctx);
  if (wait) out.push(context([wait]));
  if (v.outcome) out.push(section(`*${v.outcome}*`));
  return out;
}
