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
import { STATE_EMOJI } from './run.js';
import { messages, type Lang } from '../src/i18n/index.js';
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
  /** The reader's language (their Slack locale); en when not given. */
  lang?: Lang;
}

function runButtons(run: Run, intents: string[], lang: Lang): ButtonSpec[] {
  const m = messages(lang);
  const labels: Readonly<Record<string, string>> = m.run.button;
  return intents.map((intent) => {
    const nonce = run.pause?.intents.includes(intent) ? run.pause.nonce : `anytime:${run.version}`;
    const b: ButtonSpec = { actionId: runActionId(intent), label: Object.hasOwn(labels, intent) ? labels[intent]! : intent, value: runButtonValue(run.id, nonce) };
    if (intent === 'approve' || intent === 'promote') b.style = 'primary';
    if (intent === 'rollback') {
      b.style = 'danger';
      b.confirm = { title: m.run.confirm.rollbackTitle, text: m.home.rollbackText({ env: run.env }), confirm: m.run.confirm.rollbackConfirm, deny: m.run.confirm.deny };
    }
    return b;
  });
}

const isError = (s: HomeEnvironment['status']): s is { error: string } => 'error' in s;

/** One line for an environment that does not fit in full. */
export function environmentLine(e: HomeEnvironment, lang: Lang = 'en'): string {
  const m = messages(lang).home;
  if (isError(e.status)) return m.couldNotReadLine({ env: e.name, error: e.status.error });
  const st = e.status;
  const maint = st.maintenance.some((l) => l.on) ? m.maintenanceOnShort : '';
  const bad = st.services.filter((s) => !healthy(s)).length;
  const runs = e.active.length ? m.runsInProgress({ n: e.active.length }) : '';
  return [`*${e.name}*`, maint, st.services.length ? (bad ? m.notAsDesired({ bad, all: st.services.length }) : m.allAsDesired({ all: st.services.length })) : '', runs].filter(Boolean).join(' · ');
}

export function environmentBlocks(e: HomeEnvironment, input: Pick<HomeInput, 'timezone' | 'now' | 'lang'>): KnownBlock[] {
  const lang = input.lang ?? 'en';
  const all = messages(lang);
  const m = all.home;
  const when = (ms: number) => formatTimeNear(ms, input.timezone, input.now, lang);
  const blocks: KnownBlock[] = [section(`*${e.name}*`)];
  if (isError(e.status)) {
    blocks.push(section(m.couldNotRead({ env: e.name, error: e.status.error })));
  } else {
    const st = e.status;
    const lines: string[] = [];
    const on = st.maintenance.filter((l) => l.on);
    if (st.maintenance.length === 0) lines.push(m.noListeners);
    else if (on.length === 0) lines.push(m.maintenanceOff({ n: st.maintenance.length }));
    else {
      const by = e.maintenanceBy ? m.sinceBy({ since: when(e.maintenanceBy.since), by: e.maintenanceBy.by }) : '';
      const which = on.length === st.maintenance.length ? m.onEvery : m.onSome({ names: on.map((l) => l.name).join(', '), on: on.length, all: st.maintenance.length });
      lines.push(m.maintenanceOn({ which, by }));
    }
    if (st.canaries.length > 0) lines.push(...st.canaries.slice(0, 6).map((c) => m.canary({ name: c.name, blue: c.blue, green: c.green })), ...(st.canaries.length > 6 ? [m.moreCanaries({ n: st.canaries.length - 6 })] : []));
    if (st.errors.length > 0) lines.push(m.couldNotReadSome({ errors: st.errors.slice(0, 3).join('; '), more: Math.max(0, st.errors.length - 3) }));
    blocks.push(section(lines.join('\n')));
    if (st.services.length > 0) {
      const sorted = worstFirst(st.services);
      const shown = sorted.slice(0, MAX_SERVICE_LINES).map((s) => serviceLine(s, lang));
      const { texts, left } = packLines(shown, { budget: 2500, maxSections: 1, title: m.services({ counts: serviceCounts(st.services, lang) }) });
      const more = sorted.length - shown.length + left;
      blocks.push(section(`${texts.join('\n')}${more > 0 ? `\n${m.moreServices({ n: more.toLocaleString('en-US'), env: e.name })}` : ''}`));
    }
  }
  for (const { run, intents } of e.active.slice(0, MAX_ACTIVE_RUNS)) {
    const pause = run.pause ? `\n⏸ ${run.pause.reason}` : '';
    blocks.push(section(`${m.activeRun({ emoji: STATE_EMOJI[run.state], state: all.run.state[run.state], what: whatRunDoes(run.kind, run.params, lang), by: run.requestedBy, since: when(run.createdAt), id: run.id })}${pause}`));
    const buttons = runButtons(run, intents, lang);
    if (buttons.length) blocks.push(actions(`home:${run.id}`, buttons));
  }
  if (e.active.length > MAX_ACTIVE_RUNS) blocks.push(context([m.moreRuns({ n: e.active.length - MAX_ACTIVE_RUNS, env: e.name })]));
  const notes: string[] = [];
  if (e.nextFires.length > 0) notes.push(m.next({ fires: e.nextFires.slice(0, MAX_FIRES).map((f) => m.fireAt({ what: whatRunDoes(f.kind, f.params, lang), at: when(f.at) })).join(' · '), more: Math.max(0, e.nextFires.length - MAX_FIRES) }));
  else notes.push(m.nothingScheduled);
  if (e.lastFailed) notes.push(m.lastFailed({ what: whatRunDoes(e.lastFailed.kind, e.lastFailed.params, lang), at: when(e.lastFailed.endedAt ?? e.lastFailed.updatedAt), by: e.lastFailed.requestedBy, error: e.lastFailed.error ?? m.noReason, id: e.lastFailed.id }));
  blocks.push(context(notes));
  return blocks;
}

/** The whole Home view: environments in full while they fit in 100 blocks, then one line each, then "and N more". */
export function homeView(input: HomeInput): KnownBlock[] {
  const lang = input.lang ?? 'en';
  const m = messages(lang).home;
  const head: KnownBlock[] = [header(m.title), context([m.liveAt({ at: formatTimeNear(input.readAt, input.timezone, input.now, lang) })])];
  const tail: KnownBlock[] = [divider(), section(`${m.commands}\n${input.commands.map((c) => `\`${c}\``).join('\n')}`.slice(0, 2900))];
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
    const { texts, left } = packLines(rest.map((e) => environmentLine(e, lang)), { budget: 2800, maxSections: 1, title: m.moreEnvironments });
    body.push(divider(), section(`${texts.join('\n')}${left ? `\n${m.andMoreEnvironments({ n: left })}` : ''}`));
  }
  return [...head, ...body, ...tail];
}
