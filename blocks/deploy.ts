// A deploy as people read it: what changes, where traffic is, each lifecycle stage, and what it waits for.
import type { KnownBlock } from '@slack/types';
import { formatDuration, formatTime, formatTimeNear } from '../src/clock.js';
import type { DeployView } from '../src/ops/deploy.js';
import type { Run } from '../src/runs/run.js';
import type { RunViewContext } from './kit.js';
import { context, fields, section } from './kit.js';
import { messages } from '../src/i18n/index.js';

const STAGE_ICON: Record<string, string> = { Succeeded: '🟢', InProgress: '⏳', Pending: '⚪', Failed: '❌', Skipped: '➖', RolledBack: '↩️' };
const short = (arn: string | undefined) => (arn ? (arn.split('/').pop() ?? arn) : '…');
const ACTIVE = ['running', 'awaiting_approval'];

/** What happens when nobody answers in time, in the words of each strategy. */
function waitLine(v: DeployView, ctx: RunViewContext): string | undefined {
  if (!v.waitingFor || !v.deadline) return undefined;
  const lang = ctx.lang ?? 'en';
  const m = messages(lang).deploy;
  const until = formatTimeNear(v.deadline, ctx.timezone, ctx.now, lang);
  const left = formatDuration(Math.max(0, v.deadline - ctx.now), lang);
  if (v.waitingFor === 'termination') return m.blueKept({ until });
  if (v.strategy === 'tasksets') return m.tasksetsWait({ until, left });
  if (v.strategy === 'ecs') {
    const then = v.timeoutAction === 'CONTINUE' ? m.ecsContinues : m.ecsRollsBack;
    return m.ecsWait({ until, left, then, action: v.timeoutAction ?? 'ROLLBACK' });
  }
  return m.codedeployWait({ until });
}

/** Task sets: blue and green, each with its status and running / desired tasks (one line each). */
function taskSetLines(v: DeployView, m: ReturnType<typeof messages>['deploy']): string {
  if (!v.taskSets) return m.notReadYet;
  const line = (role: 'blue' | 'green') => {
    const t = v.taskSets?.find((s) => s.role === role);
    const dot = role === 'blue' ? '🔵' : '🟢';
    if (!t) return m.notCreatedYet({ dot, role });
    const counts =
      t.status === 'DELETED'
        ? m.deleted
        : t.status === 'DRAINING'
          ? m.draining({ running: t.running })
          : `${m.taskSetCounts({ status: t.status, running: t.running, desired: t.desired })}${t.pending ? m.pending({ n: t.pending }) : ''}`;
    return `${dot} ${role} \`${short(t.id)}\` ${counts}`;
  };
  return `\n${line('blue')}\n${line('green')}`;
}

/** The deploy's part of its status message, from its parsed view (registered with typedBody in src/registry.ts). */
export function deployBody(v: DeployView, run: Run, ctx: RunViewContext): KnownBlock[] {
  const lang = ctx.lang ?? 'en';
  const m = messages(lang).deploy;
  const out: KnownBlock[] = [];
  const what = v.image ? m.containerImage({ container: v.image.container, from: v.image.from.split('/').pop() ?? v.image.from, to: v.image.to.split('/').pop() ?? v.image.to }) : v.to ? m.taskDefinition({ name: short(v.to) }) : m.preparing;
  const green = v.trafficToGreen ?? 0;
  const how = v.strategy === 'ecs' ? `ECS ${v.type ?? 'BLUE_GREEN'}` : v.strategy === 'tasksets' ? m.tasksets({ record: v.record ? `\`${v.record}\`` : m.weights }) : (v.strategy ?? '…');
  const status = v.status ? ` · ${v.status}${v.stage && v.status === 'IN_PROGRESS' ? ` · \`${v.stage}\`` : ''}` : '';
  out.push(
    fields([
      m.service({ service: v.service ?? '…', how }),
      m.change({ what }),
      m.traffic({ blue: Math.round((100 - green) * 10) / 10, green }),
      v.strategy === 'tasksets' ? `${m.taskSets}${taskSetLines(v, m)}` : m.deployment({ what: v.deploymentId ? `\`${v.deploymentId}\`${status}` : m.deploymentNotCreated }),
    ]),
  );
  // The phase a pause holds shows ⏸, so the eye finds where the deploy waits.
  const icon = (status: string) => (status === 'InProgress' && run.state === 'awaiting_approval' ? '⏸' : (STAGE_ICON[status] ?? '⚪'));
  if (v.stages?.length) out.push(section(v.stages.map((s) => `${icon(s.status)} ${s.name}`).join('   ')));
  const facts: string[] = [];
  if (v.strategy === 'tasksets' && v.stage && ACTIVE.includes(run.state)) facts.push(`▶️ ${v.stage}`);
  if (v.strategy === 'tasksets' && v.insyncAt) {
    const at = formatTime(v.insyncAt, ctx.timezone, false, lang);
    facts.push(m.insync(v.ttl !== undefined ? { at, effective: formatTime(v.insyncAt + v.ttl * 1000, ctx.timezone, false, lang), ttl: v.ttl } : { at }));
  }
  if (v.bakeEndsAt && ACTIVE.includes(run.state) && v.bakeEndsAt > ctx.now) {
    facts.push(m.bakeEnds({ at: formatTime(v.bakeEndsAt, ctx.timezone, false, lang), left: formatDuration(v.bakeEndsAt - ctx.now, lang) }));
  }
  if (v.alarms && v.alarms.names.length > 0) {
    facts.push(
      v.alarms.triggered.length > 0
        ? m.alarmFired({ names: v.alarms.triggered.join(', ') })
        : m.alarmsWatched({ how: v.alarms.status === 'MONITORING' ? m.watched : messages(lang).stages.alarmStatus({ state: v.alarms.status }), names: v.alarms.names.join(', ') }),
    );
  }
  if (facts.length) out.push(context(facts));
  const wait = waitLine(v, ctx);
  if (wait) out.push(context([wait]));
  if (v.outcome) out.push(section(`*${v.outcome}*`));
  return out;
}
