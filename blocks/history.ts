// /ops runs and /ops audit as sentences a tired on-call engineer reads at a glance, never raw JSON.
import { formatTime } from '../src/clock.js';
import type { Run } from '../src/runs/run.js';
import { STATE_EMOJI } from './run.js';
import { messages, type Lang } from '../src/i18n/index.js';

type Params = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
/** Text that came from a person (an image name, a reason): no mention, link or formatting can ride in on it. */
const escape = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (v: string): string => `\`${escape(v).replace(/`/g, "'")}\``;
const who = (actor: string, lang: Lang): string =>
  actor === 'bot' ? messages(lang).history.theBot : actor === 'scheduler' ? messages(lang).history.theScheduler : /^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : actor;

/** What a run does, in words: "maintenance start", "canary `web` to 25 %", "deploy `api` image `…`". */
export function whatRunDoes(kind: string, params: unknown, lang: Lang = 'en'): string {
  const m = messages(lang).history;
  const p: Params = params && typeof params === 'object' ? (params as Params) : {};
  switch (kind) {
    case 'maintenance':
      return m.maintenance({ action: str(p.action) ?? '' });
    case 'canary': {
      const target = str(p.target);
      const t = target ? ` ${code(target)}` : '';
      if (p.action === 'set' && p.pct !== undefined) return m.canarySet({ target: t, pct: str(p.pct) ?? '?' });
      const steps = Array.isArray(p.steps) ? p.steps.map((s) => `${str(s)} %`).join(' → ') : '';
      return m.canaryStart({ target: t, steps });
    }
    case 'deploy': {
      const target = str(p.target);
      const what = str(p.image) ? m.image({ image: code(str(p.image)!) }) : str(p.taskDefinition) ? m.taskDefinition({ name: code(str(p.taskDefinition)!) }) : '';
      return m.deploy({ target: target ? ` ${code(target)}` : '', what });
    }
    case 'cutover':
      return p.back ? m.switchBack({ name: code(str(p.name) ?? '?'), of: str(p.of) ? code(str(p.of)!) : '' }) : m.cutover({ name: code(str(p.name) ?? '?') });
    case 'scale':
      return m.scale({ service: code(str(p.service) ?? '?'), count: str(p.count) ?? '?', one: p.count === 1 });
    case 'startup':
    case 'shutdown':
      return Array.isArray(p.services) && p.services.length > 0 ? m.startupOf({ kind, services: p.services.map((s) => code(String(s))).join(', ') }) : m.startupAll({ kind });
    default:
      return `${escape(kind)}${paramWords(p)}`;
  }
}

/** Any other parameters as "key value" words (an unknown kind written by a newer version, say). */
function paramWords(p: Params): string {
  const words = Object.entries(p)
    .map(([k, v]) => (str(v) !== undefined ? `${escape(k)} ${code(str(v)!)}` : Array.isArray(v) ? `${escape(k)} ${escape(v.map((x) => str(x) ?? '?').join(', '))}` : undefined))
    .filter((w): w is string => w !== undefined);
  return words.length ? ` (${words.join(', ')})` : '';
}

/** A step id such as `wait-insync:web:25` as words: "waited for the load balancers to apply (web, 25)". */
export function stepWords(step: string, lang: Lang = 'en'): string {
  const m = messages(lang).history;
  const [name = step, ...rest] = step.split(':');
  // The step's name comes from the audit (data): a name the catalog does not know is said as it is.
  const known: Readonly<Record<string, string>> = m.steps;
  const words = Object.hasOwn(known, name) ? known[name]! : m.step({ name: escape(name.replace(/-/g, ' ')) });
  return rest.length ? `${words} (${escape(rest.join(', '))})` : words;
}

export function runLine(r: Run, timezone: string, lang: Lang = 'en'): string {
  const m = messages(lang);
  return m.history.runLine({ emoji: STATE_EMOJI[r.state], state: m.run.state[r.state], what: whatRunDoes(r.kind, r.params, lang), env: r.env, by: who(r.requestedBy, lang), at: formatTime(r.createdAt, timezone, true, lang), id: code(r.id) });
}

function parseDetail(detail: string): Params {
  try {
    const v: unknown = JSON.parse(detail);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Params) : {};
  } catch {
    return {};
  }
}

/** One audit entry as a sentence: "14:02 · <@U1> asked for maintenance start on dev (`r-…`)". */
/** An audit entry as the store keeps it (blocks stay pure: the shape, not the store's module). */
export interface AuditEntry {
  at: number | string;
  env: string | null;
  run_id: string | null;
  actor: string;
  action: string;
  /** JSON written by the store. */
  detail: string;
}

export function auditSentence(a: AuditEntry, timezone: string, lang: Lang = 'en'): string {
  const m = messages(lang).history;
  const d = parseDetail(a.detail);
  const on = a.env ? m.on({ env: a.env }) : '';
  const run = a.run_id ? ` (${code(a.run_id)})` : '';
  const actor = who(a.actor, lang);
  const when = (v: unknown) => formatWhen(v, timezone, lang);
  let what: string;
  switch (a.action) {
    case 'command':
      what = m.asked({ actor, what: whatRunDoes(str(d.kind) ?? m.aRun, d.params, lang), where: on, run });
      break;
    case 'press':
      what = m.pressed({ actor, intent: str(d.intent) ?? '?', where: on, run });
      break;
    case 'refused': {
      const asked = str(d.intent) ? `*${str(d.intent)}*` : str(d.kind) ? whatRunDoes(str(d.kind)!, d.params, lang) : m.that;
      const why = str(d.why) === 'own request' ? m.ownRequest : str(d.why) ? escape(str(d.why)!) : m.notAllowed;
      what = m.refusedWhy({ actor, asked, where: on, run, why });
      break;
    }
    case 'decision': {
      const state = str(d.state) ?? '';
      const past: Readonly<Record<string, string>> = m.past;
      what = m.decision({ run, where: on, what: Object.hasOwn(past, state) ? past[state]! : m.movedTo({ state: str(d.state) ?? m.anUnknownState }), error: str(d.error) ? escape(str(d.error)!) : '' });
      break;
    }
    case 'aws':
      what = m.aws({ actor, step: stepWords(str(d.step) ?? '?', lang), where: on, run });
      break;
    case 'aws-failed':
      what = m.awsFailed({ step: stepWords(str(d.step) ?? '?', lang), where: on, run, error: escape(str(d.error) ?? m.noDetail) });
      break;
    case 'schedule':
      what = m.scheduled({ actor, window: code(str(d.window) ?? '?'), where: on, from: d.start !== undefined ? when(d.start) : '', to: d.end !== undefined ? when(d.end) : '' });
      break;
    case 'schedule-cancel':
      what = m.cancelledSchedule({ actor, id: code(str(d.id) ?? '?'), where: on });
      break;
    case 'schedule-skip':
      what = m.skippedSchedule({ actor, id: code(str(d.id) ?? '?'), at: d.at !== undefined ? when(d.at) : '', where: on });
      break;
    case 'fire':
      what = m.fired({ schedule: code(str(d.schedule) ?? '?'), where: on, refused: d.accepted === false });
      break;
    default:
      what = `${actor}: ${escape(a.action)}${on}${run}${paramWords(d)}`;
  }
  return `${formatTime(Number(a.at), timezone, true, lang)} · ${what}`;
}

function formatWhen(v: unknown, timezone: string, lang: Lang): string {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? formatTime(ms, timezone, true, lang) : String(v);
}
