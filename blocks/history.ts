// /ops runs and /ops audit as sentences a tired on-call engineer reads at a glance, never raw JSON.
import { formatTime } from '../src/clock.js';
import type { Run } from '../src/runs/run.js';
import { STATE_EMOJI, STATE_WORDS } from './run.js';

type Params = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
/** Text that came from a person (an image name, a reason): no mention, link or formatting can ride in on it. */
const escape = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (v: string): string => `\`${escape(v).replace(/`/g, "'")}\``;
const who = (actor: string): string => (actor === 'bot' ? 'the bot' : actor === 'scheduler' ? 'the scheduler' : /^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : actor);

/** What a run does, in words: "maintenance start", "canary `web` to 25 %", "deploy `api` image `…`". */
export function whatRunDoes(kind: string, params: unknown): string {
  const p: Params = params && typeof params === 'object' ? (params as Params) : {};
  switch (kind) {
    case 'maintenance':
      return `maintenance ${str(p.action) ?? ''}`.trim();
    case 'canary': {
      const target = str(p.target);
      const t = target ? ` ${code(target)}` : '';
      if (p.action === 'set' && p.pct !== undefined) return `canary${t}: set green to ${str(p.pct)} %`;
      const steps = Array.isArray(p.steps) ? ` in steps ${p.steps.map((s) => `${str(s)} %`).join(' → ')}` : '';
      return `canary${t}: start${steps}`;
    }
    case 'deploy': {
      const target = str(p.target);
      const what = str(p.image) ? `image ${code(str(p.image)!)}` : str(p.taskDefinition) ? `task definition ${code(str(p.taskDefinition)!)}` : '';
      return `deploy${target ? ` ${code(target)}` : ''}${what ? ` with ${what}` : ''}`;
    }
    case 'cutover':
      return p.back ? `cutover ${code(str(p.name) ?? '?')}: switch back${str(p.of) ? ` (undoing ${code(str(p.of)!)})` : ''}` : `cutover ${code(str(p.name) ?? '?')}`;
    case 'scale':
      return `scale ${code(str(p.service) ?? '?')} to ${str(p.count) ?? '?'} task${p.count === 1 ? '' : 's'}`;
    case 'startup':
    case 'shutdown':
      return Array.isArray(p.services) && p.services.length > 0 ? `${kind} of ${p.services.map((s) => code(String(s))).join(', ')}` : `${kind} of every service`;
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

const STEP_WORDS: Record<string, string> = {
  'wait-insync': 'waited for the load balancers to apply',
  bake: 'baked',
  'check-target': 'checked the new target',
  'check-back': 'checked the records to restore',
  'lower-ttl': 'lowered the DNS TTL',
  'upsert-alias': 'pointed the DNS record',
  'switch-back': 'switched DNS back',
  'restore-records': 'restored the DNS records',
  'create-deployment': 'started a deployment',
  'continue-deployment': 'moved the deployment on',
  'continue-rollback': 'continued the rollback',
  'stop-deployment': 'stopped the deployment',
  'ensure-application': 'made sure the CodeDeploy application exists',
  'ensure-deployment-group': 'made sure the deployment group exists',
  'ensure-state-machine': 'made sure the state machine exists',
  'stop-execution': 'stopped the execution',
  'stop-service': 'stopped the service',
  'delete-rule': 'deleted the rule',
  'delete-task-set': 'deleted the task set',
  'make-primary': 'made the task set primary',
  'scale-task-set': 'scaled the task set',
  'register-taskdef': 'registered the task definition',
  'read-traffic': 'read the traffic weights',
  'remember-desired': 'remembered the desired counts',
  continue: 'continued the lifecycle hook',
  decide: 'decided which listeners to change',
  lookalikes: 'looked for rules that look like its own',
  plan: 'planned the rule changes',
  remember: 'wrote down what it changed',
  forget: 'cleared its notes of the change',
  'remember-window': 'wrote down the maintenance window',
  'forget-window': 'cleared the maintenance window',
  'create-rule': 'created the maintenance rule',
  'shift-rule': 'moved a rule to make room',
  start: 'finished starting on listener',
  end: 'finished ending on listener',
  report: 'wrote the report',
  'read-before': 'read the state before changing it',
  'set-desired': 'set the desired count',
  'left-alone': 'left a service alone',
  noted: 'noted',
  'approval-since': 'started waiting for approval',
  'keep-blue-since': 'started keeping blue',
  'remember-back': 'wrote down how to switch back',
  'remember-back-until': 'wrote down until when a switch back is possible',
  refused: 'was refused',
};

/** A step id such as `wait-insync:web:25` as words: "waited for the load balancers to apply (web, 25)". */
export function stepWords(step: string): string {
  const [name = step, ...rest] = step.split(':');
  const words = STEP_WORDS[name] ?? `step ${escape(name.replace(/-/g, ' '))}`;
  return rest.length ? `${words} (${escape(rest.join(', '))})` : words;
}

export function runLine(r: Run, timezone: string): string {
  return `${STATE_EMOJI[r.state]} *${STATE_WORDS[r.state]}* · ${whatRunDoes(r.kind, r.params)} on *${r.env}* · asked by ${who(r.requestedBy)} at ${formatTime(r.createdAt, timezone, true)} · ${code(r.id)}`;
}

const STATE_PAST: Record<string, string> = {
  succeeded: 'finished: it succeeded',
  failed: 'finished: it failed',
  rolled_back: 'finished: it was rolled back',
  cancelled: 'finished: it was cancelled',
  running: 'is running',
  awaiting_approval: 'is waiting for a person',
  awaiting_confirmation: 'is waiting for confirmation',
  planned: 'is planned',
};

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

export function auditSentence(a: AuditEntry, timezone: string): string {
  const d = parseDetail(a.detail);
  const on = a.env ? ` on *${a.env}*` : '';
  const run = a.run_id ? ` (${code(a.run_id)})` : '';
  const actor = who(a.actor);
  let what: string;
  switch (a.action) {
    case 'command':
      what = `${actor} asked for ${whatRunDoes(str(d.kind) ?? 'a run', d.params)}${on}${run}`;
      break;
    case 'press':
      what = `${actor} pressed *${str(d.intent) ?? '?'}*${on}${run}`;
      break;
    case 'refused': {
      const asked = str(d.intent) ? `*${str(d.intent)}*` : str(d.kind) ? whatRunDoes(str(d.kind)!, d.params) : 'that';
      const why = str(d.why) === 'own request' ? 'a second person must approve their own request' : str(d.why) ? escape(str(d.why)!) : 'not allowed';
      what = `⛔ ${actor} was refused ${asked}${on}${run}: ${why}`;
      break;
    }
    case 'decision':
      what = `the run${run}${on} ${STATE_PAST[str(d.state) ?? ''] ?? `moved to ${str(d.state) ?? 'an unknown state'}`}${str(d.error) ? ` — ${escape(str(d.error)!)}` : ''}`;
      break;
    case 'aws':
      what = `${actor} ${stepWords(str(d.step) ?? '?')}${on}${run}`;
      break;
    case 'aws-failed':
      what = `⚠️ AWS failed while the bot ${stepWords(str(d.step) ?? '?')}${on}${run}: ${escape(str(d.error) ?? 'no detail')}`;
      break;
    case 'schedule':
      what = `${actor} scheduled window ${code(str(d.window) ?? '?')}${on}${d.start !== undefined ? ` from ${formatWhen(d.start, timezone)}` : ''}${d.end !== undefined ? ` to ${formatWhen(d.end, timezone)}` : ''}`;
      break;
    case 'schedule-cancel':
      what = `${actor} cancelled schedule ${code(str(d.id) ?? '?')}${on}`;
      break;
    case 'schedule-skip':
      what = `${actor} skipped schedule ${code(str(d.id) ?? '?')}${d.at !== undefined ? ` at ${formatWhen(d.at, timezone)}` : ''}${on}`;
      break;
    case 'fire':
      what = `the scheduler fired ${code(str(d.schedule) ?? '?')}${on}${d.accepted === false ? ' but it was not accepted' : ''}`;
      break;
    default:
      what = `${actor}: ${escape(a.action)}${on}${run}${paramWords(d)}`;
  }
  return `${formatTime(Number(a.at), timezone, true)} · ${what}`;
}

function formatWhen(v: unknown, timezone: string): string {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? formatTime(ms, timezone, true) : String(v);
}
