// The App Home: every environment at a glance, the place an on-call person opens first. Per environment:
// maintenance on/off (since when, by whom), each canary's weights, services running/desired with anything unhealthy
// first, active runs with their buttons, the next scheduled fires and the last failed run. Within Slack's 100 blocks
// for a Home view: environments that do not fit in full are shown in one line each, then "and N more".
import type { KnownBlock } from '@slack/types';
import { formatTimeNear } from '../src/clock.js';
import type { EnvironmentStatus } from '../src/ops/status.js';
import type { Run } from '../src/runs/run.js';
import { runActionId, runButtonValue } from './actions.js';
import { whatRunDoes } from './history.js';
import { actions, context, divider, header, section, type ButtonSpec } from './kit.js';
import { STATE_EMOJI, STATE_WORDS } from './run.js';
import { healthy, packLines, serviceCounts, serviceLine, worstFirst } from './status.js';

/** Slack's limit for a Home tab (docs.slack.dev, "Reference: views"): 100 blocks. */
export const HOME_MAX_BLOCKS = 100;
const MAX_SERVICE_LINES = 8;
const MAX_ACTIVE_RUNS = 3;
const MAX_FIRES = 3;

export interface HomeFire {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  at: number;
}

export interface HomeEnvironment {
  name: string;
  /** The live read from AWS (cached a few seconds), or why it failed. */
  status: EnvironmentStatus | { error: string };
  /** The run that last started maintenance, when maintenance is on: since when and by whom. */
  maintenanceBy?: { by: string; since: number; runId: string };
  /** Runs in progress, newest first, with the buttons they take now. */
  active: { run: Run; intents: string[] }[];
  nextFires: HomeFire[];
  lastFailed?: Run;
}

export interface HomeInput {
  environments: HomeEnvironment[];
  timezone: string;
  now: number;
  /** When AWS was read (the oldest of the environments' cached reads). */
  readAt: number;
  commands: string[];
}

const LABEL: Record<string, string> = { approve: 'Approve', promote: 'Promote', finish: 'Finish now', retry: 'Retry', pause: 'Pause', cancel: 'Cancel', rollback: 'Rollback', skip: 'Skip', stop: 'Stop' };

function runButtons(run: Run, intents: string[]): ButtonSpec[] {
  return intents.map((intent) => {
    const nonce = run.pause?.intents.includes(intent) ? run.pause.nonce : `anytime:${run.version}`;
    const b: ButtonSpec = { actionId: runActionId(intent), label: LABEL[intent] ?? intent, value: runButtonValue(run.id, nonce) };
    if (intent === 'approve' || intent === 'promote') b.style = 'primary';
    if (intent === 'rollback') {
      b.style = 'danger';
      b.confirm = { title: 'Roll back?', text: `All traffic of ${run.env} goes back to the previous version at once.`, confirm: 'Roll back' };
    }
    return b;
  });
}

const isError = (s: HomeEnvironment['status']): s is { error: string } => 'error' in s;

/** One line for an environment that does not fit in full. */
export function environmentLine(e: HomeEnvironment): string {
  if (isError(e.status)) return `⚠️ *${e.name}*: could not read AWS (${e.status.error})`;
  const st = e.status;
  const maint = st.maintenance.some((m) => m.on) ? '🚧 maintenance ON' : '';
  const bad = st.services.filter((s) => !healthy(s)).length;
  const runs = e.active.length ? `${e.active.length} run${e.active.length === 1 ? '' : 's'} in progress` : '';
  return [`*${e.name}*`, maint, st.services.length ? (bad ? `${bad} of ${st.services.length} services not as desired` : `all ${st.services.length} services as desired`) : '', runs].filter(Boolean).join(' · ');
}

export function environmentBlocks(e: HomeEnvironment, input: Pick<HomeInput, 'timezone' | 'now'>): KnownBlock[] {
  const when = (ms: number) => formatTimeNear(ms, input.timezone, input.now);
  const blocks: KnownBlock[] = [section(`*${e.name}*`)];
  if (isError(e.status)) {
    blocks.push(section(`⚠️ Could not read AWS for ${e.name}: ${e.status.error}`));
  } else {
    const st = e.status;
    const lines: string[] = [];
    const on = st.maintenance.filter((m) => m.on);
    if (st.maintenance.length === 0) lines.push('⚪ No maintenance listeners configured');
    else if (on.length === 0) lines.push(`🟢 Maintenance *off* — ${st.maintenance.length === 1 ? 'the listener serves' : `all ${st.maintenance.length} listeners serve`} normally`);
    else {
      const by = e.maintenanceBy ? ` since ${when(e.maintenanceBy.since)} by <@${e.maintenanceBy.by}>` : '';
      const which = on.length === st.maintenance.length ? 'on every listener' : `on ${on.map((m) => m.name).join(', ')} (${on.length} of ${st.maintenance.length})`;
      lines.push(`🚧 Maintenance *ON* ${which}${by}`);
    }
    if (st.canaries.length > 0) lines.push(...st.canaries.slice(0, 6).map((c) => `🐤 Canary *${c.name}*: blue ${c.blue}% · green ${c.green}%`), ...(st.canaries.length > 6 ? [`…and ${st.canaries.length - 6} more canaries`] : []));
    if (st.errors.length > 0) lines.push(`⚠️ Could not read: ${st.errors.slice(0, 3).join('; ')}${st.errors.length > 3 ? ` and ${st.errors.length - 3} more` : ''}`);
    blocks.push(section(lines.join('\n')));
    if (st.services.length > 0) {
      const sorted = worstFirst(st.services);
      const shown = sorted.slice(0, MAX_SERVICE_LINES).map(serviceLine);
      const { texts, left } = packLines(shown, { budget: 2500, maxSections: 1, title: `*Services* — ${serviceCounts(st.services)}` });
      const more = sorted.length - shown.length + left;
      blocks.push(section(`${texts.join('\n')}${more > 0 ? `\n…and ${more.toLocaleString('en-US')} more — \`/ops status ${e.name}\` lists them all` : ''}`));
    }
  }
  for (const { run, intents } of e.active.slice(0, MAX_ACTIVE_RUNS)) {
    const pause = run.pause ? `\n⏸ ${run.pause.reason}` : '';
    blocks.push(section(`${STATE_EMOJI[run.state]} *${STATE_WORDS[run.state]}* · ${whatRunDoes(run.kind, run.params)} · by <@${run.requestedBy}> since ${when(run.createdAt)} · \`${run.id}\`${pause}`));
    const buttons = runButtons(run, intents);
    if (buttons.length) blocks.push(actions(`home:${run.id}`, buttons));
  }
  if (e.active.length > MAX_ACTIVE_RUNS) blocks.push(context([`…and ${e.active.length - MAX_ACTIVE_RUNS} more runs in progress — \`/ops runs ${e.name}\``]));
  const notes: string[] = [];
  if (e.nextFires.length > 0) notes.push(`🗓 Next: ${e.nextFires.slice(0, MAX_FIRES).map((f) => `${whatRunDoes(f.kind, f.params)} at ${when(f.at)}`).join(' · ')}${e.nextFires.length > MAX_FIRES ? ` · and ${e.nextFires.length - MAX_FIRES} more` : ''}`);
  else notes.push('🗓 Nothing scheduled');
  if (e.lastFailed) notes.push(`❌ Last failed: ${whatRunDoes(e.lastFailed.kind, e.lastFailed.params)} at ${when(e.lastFailed.endedAt ?? e.lastFailed.updatedAt)} by <@${e.lastFailed.requestedBy}> — ${e.lastFailed.error ?? 'no reason recorded'} (\`${e.lastFailed.id}\`)`);
  blocks.push(context(notes));
  return blocks;
}

/** The whole Home view: environments in full while they fit in 100 blocks, then one line each, then "and N more". */
export function homeView(input: HomeInput): KnownBlock[] {
  const head: KnownBlock[] = [header('ecs-chatops — every environment'), context([`Live from AWS at ${formatTimeNear(input.readAt, input.timezone, input.now)} · refreshed when you open this tab and when a run changes`])];
  const tail: KnownBlock[] = [divider(), section(`*Commands*\n${input.commands.map((c) => `\`${c}\``).join('\n')}`.slice(0, 2900))];
  const room = HOME_MAX_BLOCKS - head.length - tail.length;
  const body: KnownBlock[] = [];
  let i = 0;
  // Leave room for the one-line summary of the rest (2 blocks) unless this is the last environment.
  for (; i < input.environments.length; i++) {
    const blocks = [divider(), ...environmentBlocks(input.environments[i]!, input)];
    const reserve = i === input.environments.length - 1 ? 0 : 2;
    if (body.length + blocks.length + reserve > room) break;
    body.push(...blocks);
  }
  const rest = input.environments.slice(i);
  if (rest.length > 0) {
    const { texts, left } = packLines(rest.map(environmentLine), { budget: 2800, maxSections: 1, title: '*More environments*' });
    body.push(divider(), section(`${texts.join('\n')}${left ? `\n…and ${left} more environments — \`/ops status <env>\`` : ''}`));
  }
  return [...head, ...body, ...tail];
}
