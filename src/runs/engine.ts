// The run engine: durable runs with locks, leases, approvals, audit and resume, shared by every operation.
import { EventEmitter } from 'node:events';
import { envLanguage, type OpsConfig } from '../config/schema.js';
import { messages, OpError, sayError, type Lang } from '../i18n/index.js';
import { everyWithoutOverlap, formatTime, type Clock } from '../clock.js';
import type { Log } from '../log.js';
import { isStoreUnavailable } from '../store/outage.js';
import type { RunRow, Store } from '../store/store.js';
import { Interrupted, StepFailed, type Facts, type FinalState, type Intent, type OpContext, type Operation, type ReadContext, type RunsReader } from './operation.js';
import { approvalPoint, describeResource } from './guardrails.js';
import { Access } from './permissions.js';
import { newRunId, RunState, toRun, type Pause, type Run } from './run.js';

export interface RunRequest {
  kind: string;
  envName: string;
  params: unknown;
  by: string;
  /** Where the status message goes; the environment's channel by default. */
  channel?: string;
  /** A request of the bot itself (a schedule from ops.yml): no person's rights to check. */
  system?: boolean;
}

/** A refusal: `reason` in English (logs, audit), `say(lang)` the same in the reader's language where the engine has it. */
export type RequestAnswer = { accepted: true; run: Run } | { accepted: false; reason: string; say?: (lang: Lang) => string; holder?: Run };
export type PressAnswer = { accepted: true; run: Run; duplicate: boolean } | { accepted: false; reason: string; say?: (lang: Lang) => string; run?: Run };
/** Why a request would be refused (`check`), in English and in the reader's language. */
export type CheckAnswer = { reason: string; say?: (lang: Lang) => string; holder?: Run };

/** A refusal in every language from one catalog entry: English for `reason`, the reader's for `say`. */
function refused(text: (lang: Lang) => string): { reason: string; say: (lang: Lang) => string } {
  return { reason: text('en'), say: text };
}
const who = (list: readonly string[], lang: Lang) => Access.describe(list, messages(lang).replies.anyoneInChannel);

export interface EngineDeps {
  store: Store;
  clock: Clock;
  log: Log;
  config: OpsConfig;
  access: Access;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each operation has its own params type
  ops: Record<string, Operation<any>>;
  /** This process's name for leases: several replicas may share one database. */
  owner: string;
  leaseMs: number;
  /**
   * Whether a lease holder is provably dead (same host and PID namespace, PID gone): its runs are taken at once
   * instead of after its lease. Absent, every lease runs out.
   */
  ownerGone?: (owner: string) => boolean;
  /**
   * AWS Lambda: a function is frozen between invocations, so nothing is driven in the background. Runs move only
   * inside `work()`, which a scheduled invocation calls with a bounded budget.
   */
  passive?: boolean;
  /** Test failpoints: called with `before:<step>` and `after:<step>`; may kill the process. */
  failpoint?: (name: string) => void;
  /**
   * Runs before an operation starts or resumes (the status message is posted here), so no AWS change
   * happens before people can see the run.
   */
  prepare?: (run: Run) => Promise<void>;
}

class Stopping extends Error {}

/** "Promote", "Promote to 100 %": an intent as its button says it. */
const pressWord = (intent: string, lang: Lang = 'en'): string => {
  const b = messages(lang).run.button;
  if (intent === 'promote-full') return b.promoteFull;
  const said: Readonly<Record<string, string>> = b;
  return lang !== 'en' && Object.hasOwn(said, intent) ? said[intent]! : intent.charAt(0).toUpperCase() + intent.slice(1);
};

interface Driver {
  abort: AbortController;
  wake: () => void;
  woken: Promise<void>;
  /** Woken by an intent (a press, a stop) and not yet back to sleep: working toward its next step. */
  roused?: boolean;
  /** Settles when the driver has let go of the run (graceful shutdown waits for it). */
  done?: Promise<void>;
}

/** What replicas tell each other through the store (PostgreSQL NOTIFY): wake a run's driver, or look for runs to take. */
const Signal = { wake: 'wake:', sweep: 'sweep' } as const;
/** Intents that take a run back toward where it started, or hold it: honoured from an older rendering (see press). */
const TOWARD_SAFETY: ReadonlySet<string> = new Set(['rollback', 'cancel', 'pause']);

/**
 * How often a replica looks for presses recorded by another one when the store cannot push them (SQLite:
 * several processes on one file). With PostgreSQL, NOTIFY wakes at once and this slower poll only covers
 * a notification lost while the listening connection reconnects.
 */
const INTENT_POLL_MS = { push: 1000, poll: 50 } as const;

/** Events: `changed` (run) after every state or view change; `note` ({ run, text }) for thread replies. */
export class RunEngine extends EventEmitter {
  private readonly drivers = new Map<string, Driver>();
  private stopped = false;
  private readonly unlisten: () => void;
  private intentPoll: NodeJS.Timeout | undefined;
  private lastIntentSeen = 0;

  constructor(private readonly deps: EngineDeps) {
    super();
    this.unlisten = deps.store.onSignal((payload) => {
      if (payload.startsWith(Signal.wake)) this.drivers.get(payload.slice(Signal.wake.length))?.wake();
      else if (payload === Signal.sweep && this.sweeper && !this.stopped) void this.sweep();
    });
  }

  /** Whether this replica is draining (SIGTERM): it records requests and presses but drives nothing new. */
  get draining(): boolean {
    return this.stopped;
  }

  /**
   * Whether a run driven here was woken by an intent and has not gone back to sleep yet (between a press and the
   * run's next wait). A simulated clock must not jump meanwhile: the press's effect comes first (test harness).
   */
  roused(): boolean {
    for (const d of this.drivers.values()) if (d.roused) return true;
    return false;
  }

  get store(): Store {
    return this.deps.store;
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = await this.deps.store.getRun(id);
    return row ? toRun(row) : undefined;
  }

  /** Environment-level facts shared between runs (an operation's Facts), kept in the store's key-value table. */
  readonly facts: Facts = {
    recall: (key) => this.deps.store.getKv(key),
    remember: (key, value) => this.deps.store.setKv(key, value, this.deps.clock.now()),
    forget: (key) => this.deps.store.deleteKv(key),
  };

  /** Other runs, read-only, as operations see them. */
  readonly runs: RunsReader = {
    get: (id) => this.getRun(id),
    step: async <T>(runId: string, stepId: string) => {
      const row = await this.deps.store.getStep(runId, stepId);
      if (!row) return undefined;
      return { status: row.status === 'done' ? ('done' as const) : ('started' as const), result: row.result === null ? undefined : (JSON.parse(row.result) as T), startedAt: Number(row.started_at) };
    },
  };

  // ── reads: dry runs and status ──────────────────────────────────────────────

  /** `--dry-run`: validates like a request, then asks the operation's plan (reads only). Throws with a reason people can act on. */
  async plan(kind: string, envName: string, params: unknown, lang?: Lang): Promise<string[]> {
    const { op, q } = this.reading(kind, envName, params, 'a dry run', lang);
    return op.plan!(q);
  }

  /** Read-only status of an operation's target (`/canary prod web status`). */
  async status(kind: string, envName: string, params: unknown, lang?: Lang): Promise<string> {
    const { op, q } = this.reading(kind, envName, params, 'a status', lang);
    return op.status!(q);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each operation has its own params
  private reading(kind: string, envName: string, params: unknown, what: string, lang?: Lang): { op: Operation<any, any>; q: ReadContext<any> } {
    const { config, clock, log } = this.deps;
    const env = config.environments[envName];
    if (!env) throw new Error(`unknown environment "${envName}" — known: ${Object.keys(config.environments).join(', ')}`);
    const op = this.deps.ops[kind];
    if (!op) throw new Error(`unknown operation "${kind}"`);
    if ((what === 'a dry run' && !op.plan) || (what === 'a status' && !op.status)) throw new Error(`${kind} has no ${what.slice(2)}`);
    const parsed = op.params.safeParse(params);
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
    return { op, q: { params: parsed.data, envName, env, timezone: config.timezone, lang: lang ?? envLanguage(config, envName), log: log.child({ kind, env: envName, read: what }), now: () => clock.now(), facts: { recall: this.facts.recall }, runs: this.runs } };
  }

  // ── requests ────────────────────────────────────────────────────────────────

  /**
   * The checks a request can fail, without taking anything: unknown environment or operation, bad params, not an
   * operator, busy (an active run holds the run's name or one of its resources). A confirmation dialog asks this
   * before it opens, so nobody types the confirmation word for nothing; `request` checks it all again on submit.
   */
  async check(req: Omit<RunRequest, 'channel'>): Promise<CheckAnswer | undefined> {
    const { store, config, access } = this.deps;
    const env = config.environments[req.envName];
    if (!env) return { reason: `unknown environment "${req.envName}" — known: ${Object.keys(config.environments).join(', ')}` };
    const op = this.deps.ops[req.kind];
    if (!op) return { reason: `unknown operation "${req.kind}"` };
    const parsed = op.params.safeParse(req.params);
    if (!parsed.success) return { reason: parsed.error.issues.map((i) => i.message).join('; ') };
    if (!req.system && !(await access.canOperate(req.by, env.permissions))) return refused((l) => messages(l).replies.refused.notOperator({ env: req.envName, operators: who(env.permissions.operate, l) }));
    const target = op.lockTarget(req.envName, parsed.data);
    const wanted = new Set([target, ...(op.resources?.(env, parsed.data) ?? [])]);
    for (const row of await store.listRuns({ active: true, limit: 1000 })) {
      const holder = toRun(row);
      const other = this.deps.ops[holder.kind];
      const otherEnv = config.environments[holder.env];
      let held: string[] = [holder.target];
      try {
        if (other && otherEnv) held = [holder.target, ...(other.resources?.(otherEnv, other.params.parse(holder.params)) ?? [])];
      } catch {
        // A run of an older configuration: its name is still its lock.
      }
      const taken = held.find((h) => wanted.has(h));
      if (taken) return { ...this.busy(taken === target ? `*${target}*` : `${describeResource(taken)} (${req.envName})`, holder), holder };
    }
    return undefined;
  }

  private busy(what: string, holder: Run): { reason: string; say: (lang: Lang) => string } {
    return refused((l) =>
      messages(l).replies.refused.busy({
        what,
        runId: holder.id,
        kind: holder.kind,
        state: l === 'en' ? holder.state.replace('_', ' ') : messages(l).run.state[holder.state],
        by: holder.requestedBy,
        since: formatTime(holder.createdAt, this.deps.config.timezone, true, l),
      }),
    );
  }

  /** Validates, checks rights, takes the lock and persists the run; the AWS work starts after. */
  async request(req: RunRequest): Promise<RequestAnswer> {
    const { store, clock, config, access } = this.deps;
    const env = config.environments[req.envName];
    if (!env) return { accepted: false, reason: `unknown environment "${req.envName}" — known: ${Object.keys(config.environments).join(', ')}` };
    const op = this.deps.ops[req.kind];
    if (!op) return { accepted: false, reason: `unknown operation "${req.kind}"` };
    const parsed = op.params.safeParse(req.params);
    if (!parsed.success) return { accepted: false, reason: parsed.error.issues.map((i) => i.message).join('; ') };
    if (!req.system && !(await access.canOperate(req.by, env.permissions))) {
      await store.audit({ at: clock.now(), env: req.envName, actor: req.by, action: 'refused', detail: { kind: req.kind, why: 'not an operator' } });
      return { accepted: false, ...refused((l) => messages(l).replies.refused.notOperator({ env: req.envName, operators: who(env.permissions.operate, l) })) };
    }
    const now = clock.now();
    const target = op.lockTarget(req.envName, parsed.data);
    const row: RunRow = {
      id: newRunId(now),
      kind: req.kind,
      env: req.envName,
      target,
      params: JSON.stringify(parsed.data),
      requested_by: req.by,
      state: RunState.running,
      channel: req.channel ?? env.channel,
      ts: null,
      thread_note: null,
      version: 1,
      view: '{}',
      pause: null,
      error: null,
      owner: null,
      // No owner yet, but a lease: the replica that took the request drives it (start() right after the ack);
      // other replicas' sweepers leave it alone unless that replica dies first. A draining replica hands it over.
      lease_until: this.stopped || this.deps.passive ? null : now + this.deps.leaseMs,
      created_at: now,
      updated_at: now,
      ended_at: null,
    };
    // The run's name, and every AWS resource it will change: a second run touching any of them is refused.
    const taken = await store.createRunWithLock(row, [target, ...(op.resources?.(env, parsed.data) ?? [])]);
    if (!taken.ok) {
      const holder = toRun(taken.holder);
      const what = taken.target === target ? `*${target}*` : `${describeResource(taken.target)} (${req.envName})`;
      return { accepted: false, ...this.busy(what, holder), holder };
    }
    await store.audit({ at: now, env: req.envName, run_id: row.id, actor: req.by, action: 'command', detail: { kind: req.kind, params: parsed.data } });
    const run = toRun(row);
    this.emit('changed', run);
    if (this.stopped) await this.tellReplicas(Signal.sweep);
    return { accepted: true, run };
  }

  /** Starts driving a run in the background (after the Slack ack). */
  start(runId: string): void {
    void this.drive(runId);
  }

  private working = false;

  /**
   * Lambda's scheduled invocation: drive every run that can be driven for `ms`, then hand each back at its next step
   * boundary (waiting at most `graceMs`), so the function returns — and freezes — holding nothing it is not doing.
   * A driver still inside an AWS call at the end keeps its lease, which then runs out (as in `stop`).
   */
  async work(ms: number, graceMs: number): Promise<void> {
    if (this.stopped) return;
    this.working = true;
    const { clock } = this.deps;
    const until = clock.now() + ms;
    try {
      await this.resumeAll();
      while (clock.now() < until) {
        await clock.sleep(Math.min(1000, Math.max(0, until - clock.now())));
        await this.sweep();
      }
    } finally {
      this.working = false;
      const driving = [...this.drivers.values()];
      for (const d of driving) {
        d.abort.abort();
        d.wake();
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(driving.map((d) => d.done)), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
  }

  /**
   * Records a person's intent on a run (a button press): re-checks the run's state, the pause it was
   * meant for, and the presser's rights. Two presses of one button are one intent.
   */
  async press(p: { runId: string; intent: string; nonce: string; by: string }): Promise<PressAnswer> {
    const { store, clock, config, access } = this.deps;
    const run = await this.getRun(p.runId);
    if (!run) return { accepted: false, ...refused((l) => messages(l).replies.refused.runNotFound({ runId: p.runId })) };
    const env = config.environments[run.env];
    const op = this.deps.ops[run.kind];
    if (!env || !op) return { accepted: false, reason: `run ${run.id} belongs to a configuration that no longer exists`, run };

    const forPause = run.pause !== null && run.pause.intents.includes(p.intent) && run.pause.nonce === p.nonce;
    // Anytime buttons carry `anytime:<version>`: two presses of one rendered button are one intent, and a later
    // render (a new version) can give the same intent again — a second Pause after a Promote, say.
    // A press toward safety (Rollback, Cancel, Pause) from a rendering the run has since moved past — the Rollback
    // shown beside Approve, pressed a moment after someone else approved — is still meant: carried out if the run's
    // state offers it now, deduplicated by that rendering's nonce. A press toward risk from an old rendering is not.
    const anytimeNonce = p.nonce === 'anytime' || p.nonce.startsWith('anytime:') || TOWARD_SAFETY.has(p.intent);
    const anytime = anytimeNonce && (op.anytime?.[p.intent] ?? []).includes(run.state) && (op.offers?.(run, p.intent) ?? true);
    const retry = p.intent === 'retry' && run.state === RunState.failed && p.nonce === `failed-${run.version}`;
    if (!forPause && !anytime && !retry) {
      const dup = await store.pendingIntents(run.id);
      if (dup.some((i) => i.name === p.intent)) return { accepted: true, run, duplicate: true };
      // The same button pressed twice, the first already acted on (on another replica, or just now): still one intent.
      if (await store.hasIntent(run.id, p.intent, p.nonce)) return { accepted: true, run, duplicate: true };
      // A Rollback pressed on one screen just after another person's Rollback was carried out: the same intent, done.
      if (TOWARD_SAFETY.has(p.intent) && (await store.hasIntent(run.id, p.intent))) return { accepted: true, run, duplicate: true };
      return { accepted: false, ...refused((l) => messages(l).replies.refused.outOfDate({ state: l === 'en' ? run.state.replace('_', ' ') : messages(l).run.state[run.state], ...(run.pause ? { reason: run.pause.reason } : {}) })), run };
    }
    const needsApprover = p.intent === 'approve';
    // Promote moves traffic toward new code: an approver (user groups included) may press it without being an
    // operator; the operation then applies the approval rules (canary `promoteRefusal`).
    const allowed = needsApprover
      ? await access.canApprove(p.by, env.permissions)
      : (await access.canOperate(p.by, env.permissions)) || (p.intent === 'promote' && (await access.canApprove(p.by, env.permissions)));
    if (!allowed) {
      await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: p.by, action: 'refused', detail: { intent: p.intent, why: 'no rights' } });
      const allowedList = needsApprover ? env.permissions.approve : env.permissions.operate;
      return { accepted: false, ...refused((l) => messages(l).replies.refused.mayNotPress({ intent: p.intent, env: run.env, allowed: who(allowedList, l) })), run };
    }
    if (needsApprover && env.permissions.requireApproval && p.by === run.requestedBy) {
      await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: p.by, action: 'refused', detail: { intent: p.intent, why: 'own request' } });
      return { accepted: false, ...refused((l) => messages(l).replies.refused.secondPerson({ env: run.env })), run };
    }
    // The operation's own rule for this press (a canary's Promote: approvers only, a second person where required),
    // told to the presser now; the thread keeps it for the record.
    const refusal = await op.pressRefusal?.({ env, envName: run.env, run, intent: p.intent, by: p.by });
    if (refusal) {
      await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: p.by, action: 'refused', detail: { intent: p.intent, why: refusal('en') } });
      const channel = envLanguage(config, run.env);
      this.emit('note', { run, text: messages(channel).replies.notTakenStillWaiting({ press: pressWord(p.intent, channel), by: p.by, why: refusal(channel) }) });
      return { accepted: false, ...refused((l) => messages(l).replies.notTaken({ press: pressWord(p.intent, l), why: refusal(l) })), run };
    }
    const revive = run.state === RunState.failed && (retry || anytime);
    if (revive) {
      const holder = await store.takeLock([run.target, ...(op.resources?.(env, op.params.parse(run.params)) ?? [])], run.id, p.by, clock.now());
      if (holder) return { accepted: false, ...refused((l) => messages(l).replies.refused.heldBy({ target: run.target, runId: holder.id, by: holder.requested_by })), run };
    }
    const inserted = await store.addIntent({ run_id: run.id, name: p.intent, by: p.by, at: clock.now(), dedupe: p.nonce });
    if (!inserted) return { accepted: true, run, duplicate: true };
    await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: p.by, action: 'press', detail: { intent: p.intent } });
    if (revive) {
      // A failed run comes back to life for a Retry (or an anytime intent such as Stop, handled at its first checkpoint).
      await this.update(run.id, { state: RunState.running, error: null, ended_at: null });
      this.start(run.id);
    } else {
      const local = this.drivers.get(run.id);
      // The run may be driven by another replica: tell it at once (NOTIFY); SQLite replicas poll instead.
      if (local) local.wake();
      else await this.tellReplicas(`${Signal.wake}${run.id}`);
    }
    return { accepted: true, run, duplicate: false };
  }

  private async tellReplicas(payload: string): Promise<void> {
    await this.deps.store.signal(payload).catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'could not notify the other replicas; they will poll'));
  }

  // ── driving ─────────────────────────────────────────────────────────────────

  /** Picks up every unfinished run this process can own: after a crash, a restart or a lost replica. */
  async resumeAll(): Promise<number> {
    const rows = await this.deps.store.listRuns({ active: true, limit: 1000 });
    let n = 0;
    for (const row of rows) {
      if (this.drivers.has(row.id)) continue;
      n += 1;
      this.start(row.id);
    }
    return n;
  }

  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  /**
   * Looks for orphaned runs (a dead replica's expired lease, or one handed back) every fifth of a lease, for as
   * long as the engine runs: a dead owner's run is taken over between one lease and 1.2 leases after its last renewal.
   */
  startSweeping(): void {
    this.sweeper ??= setInterval(() => void this.sweep(), Math.max(100, Math.floor(this.deps.leaseMs / 5)));
    this.sweeper.unref();
  }

  private sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        for (const id of await this.deps.store.listClaimable(this.deps.clock.now())) {
          if (!this.drivers.has(id)) this.start(id);
        }
        const gone = this.deps.ownerGone;
        if (gone) {
          for (const row of await this.deps.store.listRuns({ active: true, limit: 1000 })) {
            if (row.owner && row.owner !== this.deps.owner && !this.drivers.has(row.id) && gone(row.owner)) this.start(row.id);
          }
        }
      } catch (err) {
        this.deps.log.warn({ err: String(err) }, 'resume sweep failed');
      }
    })().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /** Wakes local drivers for presses another process recorded (the fallback when the store cannot push). */
  private pollIntents(): void {
    if (this.intentPoll || this.stopped) return;
    this.intentPoll = everyWithoutOverlap(this.deps.store.pushes ? INTENT_POLL_MS.push : INTENT_POLL_MS.poll, async () => {
      if (this.drivers.size === 0) return;
      for (const r of await this.deps.store.intentsAfter(this.lastIntentSeen)) {
        this.lastIntentSeen = Math.max(this.lastIntentSeen, r.id);
        this.drivers.get(r.run_id)?.wake();
      }
    });
  }

  /**
   * Graceful shutdown: drive nothing new, let each driver stop at its next step boundary (an AWS call in
   * flight is recorded first), hand its lease back and tell the other replicas to take over at once. A
   * driver still inside an AWS call after `graceMs` keeps its lease, which then simply runs out: releasing
   * it early could let the next owner repeat a call whose outcome we have not recorded.
   */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.intentPoll) clearInterval(this.intentPoll);
    this.unlisten();
    const driving = [...this.drivers.values()];
    for (const d of driving) {
      d.abort.abort();
      d.wake();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(driving.map((d) => d.done)),
      new Promise<void>((r) => {
        timer = setTimeout(r, opts.graceMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    if (driving.length > 0) await this.tellReplicas(Signal.sweep);
  }

  private async update(id: string, patch: Partial<Omit<RunRow, 'id' | 'version'>>): Promise<Run> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const row = await this.deps.store.getRun(id);
      if (!row) throw new Error(`run ${id} vanished`);
      const next = await this.deps.store.updateRun(id, row.version, { ...patch, updated_at: this.deps.clock.now() });
      if (next) {
        const run = toRun(next);
        this.emit('changed', run);
        return run;
      }
    }
    throw new Error(`run ${id}: too many concurrent updates`);
  }

  /**
   * Adds to a run's view after the fact (any state, finished included), so its message is drawn again: a button
   * whose moment has passed (End maintenance after the end, Switch back after the switch back) goes away.
   */
  async annotate(id: string, patch: Record<string, unknown>): Promise<Run> {
    const row = await this.deps.store.getRun(id);
    const view = row ? (JSON.parse(row.view) as Record<string, unknown>) : {};
    return this.update(id, { view: JSON.stringify({ ...view, ...patch }) });
  }

  /** Records where a run's status message lives (set once, by the publisher). */
  async setMessage(id: string, channel: string, ts: string): Promise<Run> {
    return this.update(id, { channel, ts });
  }

  private drive(runId: string): Promise<void> {
    if (this.stopped || (this.deps.passive && !this.working) || this.drivers.has(runId)) return Promise.resolve();
    const driver: Driver = { abort: new AbortController(), wake: () => undefined, woken: Promise.resolve() };
    // Reserve the slot before the first await, so two sweeps cannot both start driving the same run here.
    this.drivers.set(runId, driver);
    driver.done = this.driveClaimed(runId, driver).catch((err: unknown) => {
      this.deps.log.error({ run: runId, err: String(err) }, 'driver crashed');
    });
    return driver.done;
  }

  private async driveClaimed(runId: string, driver: Driver): Promise<void> {
    const { store, clock, log: rootLog, leaseMs, owner } = this.deps;
    let claimed = false;
    try {
      claimed = await store.claimRun(runId, owner, clock.now(), leaseMs);
      if (!claimed && this.deps.ownerGone) {
        // A process that can prove the holder is dead (its own earlier life after a restart, or a replica killed on
        // this host) resumes at once rather than waiting out a lease nobody will renew.
        const held = await store.getRun(runId);
        if (held?.owner && this.deps.ownerGone(held.owner)) {
          claimed = await store.takeOverRun(runId, held.owner, owner, clock.now(), leaseMs);
          if (claimed) rootLog.info({ run: runId, from: held.owner }, 'took the run over at once: its holder is provably dead');
        }
      }
    } finally {
      if (!claimed) this.drivers.delete(runId);
    }
    if (!claimed) return;
    this.pollIntents();
    const rearm = () => {
      driver.woken = new Promise<void>((r) => {
        driver.wake = () => {
          driver.roused = true;
          r();
        };
      });
    };
    rearm();
    // Renew three times a lease. Lost to another replica → stop at the next step boundary. Unable to reach
    // the database past our own lease → stop too: someone else may own the run by now.
    let leasedUntil = clock.now() + leaseMs;
    const renew = everyWithoutOverlap(Math.max(300, Math.floor(leaseMs / 3)), async () => {
      const at = clock.now();
      try {
        if (await store.claimRun(runId, owner, at, leaseMs)) leasedUntil = at + leaseMs;
        else driver.abort.abort();
      } catch {
        if (clock.now() >= leasedUntil) driver.abort.abort();
      }
    });

    const run = await this.getRun(runId);
    if (!run) {
      clearInterval(renew);
      this.drivers.delete(runId);
      return;
    }
    const log = rootLog.child({ run: run.id, op: run.kind, env: run.env });
    const op = this.deps.ops[run.kind];
    const env = this.deps.config.environments[run.env];
    let storeDown = false;
    try {
      if (!op || !env) throw new Error(`run ${run.id}: operation ${run.kind} or environment ${run.env} is no longer configured`);
      const params: unknown = op.params.parse(run.params);
      await this.deps.prepare?.(run);
      const ctx = this.context(run, params, driver, rearm, log, op);
      let final: FinalState;
      try {
        final = (await this.approvalGate(ctx, op, env)) ?? (await op.run(ctx));
      } catch (err) {
        if (!(err instanceof Interrupted) || !op.onInterrupt) throw err;
        log.info({ intent: err.intent.name, by: err.intent.by }, 'interrupted');
        ctx.run = (await this.getRun(runId)) ?? ctx.run;
        final = await op.onInterrupt(ctx, err.intent);
      }
      // Fenced like an AWS call: a replica that lost the run (frozen past its lease) does not declare its end.
      if (!(await this.stillOwned(runId))) throw new Stopping('lease lost');
      await this.finish(runId, final, null);
    } catch (err) {
      if (err instanceof Stopping || driver.abort.signal.aborted) {
        log.info('stopped driving; the run stays where it is for the next owner');
      } else if (isStoreUnavailable(err)) {
        // Only AWS's answer fails a step. A store outage pauses the run where it is; it resumes when the store is back.
        storeDown = true;
        log.warn({ err: err.message }, 'the database is unavailable: the run pauses and resumes when it is back');
        // Said in the thread when the store can still be read (a full disk): a frozen message with no word is worse.
        const reason = (err as { reason?: string }).reason ?? 'unavailable';
        this.emit('note', { run, text: messages(envLanguage(this.deps.config, run.env)).errors.storePaused({ reason }) });
      } else {
        // The ❌ line on the channel's message: in the environment's language where the error can say it (AWS's).
        const lang = envLanguage(this.deps.config, run.env);
        const where = err instanceof StepFailed ? messages(lang).errors.stoppedAtStep({ step: err.stepId }) : '';
        const message = `${where}${sayError(err, lang)}`;
        log.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'run failed');
        const owned = await this.stillOwned(runId).catch(() => true);
        if (owned) await this.finish(runId, RunState.failed, message).catch((e: unknown) => {
          if (!isStoreUnavailable(e)) throw e;
          // The failure cannot be recorded now: drive again once the store is back, and it is met again there.
          storeDown = true;
        });
      }
    } finally {
      clearInterval(renew);
      this.drivers.delete(runId);
      // Keep the lease through an outage: this replica carries on as soon as the store answers (another replica
      // takes over instead only if this one dies meanwhile and the lease runs out).
      if (!storeDown) await store.releaseRun(runId, owner).catch(() => undefined);
    }
    if (storeDown) void this.resumeWhenStoreIsBack(runId, log);
  }

  /** The lease fence for writes people see: this replica still owns the run (renewing the lease), or nobody else does. */
  private stillOwned(runId: string): Promise<boolean> {
    return this.deps.store.claimRun(runId, this.deps.owner, this.deps.clock.now(), this.deps.leaseMs);
  }

  /** Store outages seen by a driver: waits from 250 ms up to 5 s between two looks. */
  private static readonly STORE_RETRY_MS = { first: 250, max: 5000 } as const;

  /** Retries a store write while the store is down (the AWS result it records exists only in memory). */
  private async patiently<T>(work: () => Promise<T>): Promise<T> {
    let wait: number = RunEngine.STORE_RETRY_MS.first;
    for (;;) {
      try {
        return await work();
      } catch (err) {
        // A draining replica gives up: the step stays "started" and its next owner asks AWS (verify) first.
        if (!isStoreUnavailable(err) || this.stopped) throw err;
        this.deps.log.warn({ err: err.message }, 'the database is unavailable: holding a step result until it is back');
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(RunEngine.STORE_RETRY_MS.max, wait * 2);
        if (this.stopped) throw err;
      }
    }
  }

  /** After an outage paused a run: look at the store with backoff, and drive the run again as soon as it answers. */
  private async resumeWhenStoreIsBack(runId: string, log: Log): Promise<void> {
    let wait: number = RunEngine.STORE_RETRY_MS.first;
    while (!this.stopped && !this.drivers.has(runId)) {
      await new Promise((r) => setTimeout(r, wait).unref());
      wait = Math.min(RunEngine.STORE_RETRY_MS.max, wait * 2);
      try {
        await this.deps.store.getRun(runId);
      } catch {
        continue;
      }
      log.info('the database is back: resuming the run');
      const run = await this.getRun(runId).catch(() => undefined);
      if (run) this.emit('note', { run, text: '▶️ The database is back: carrying on from where the run paused.' });
      this.start(runId);
      return;
    }
  }

  /**
   * Toward risk where `requireApproval` (guardrails.ts `approvalPoint`): the run waits at Approve / Cancel before
   * the operation's first step. Durable: a resumed run finds the same pause, or its answer. Undefined = go on.
   */
  private async approvalGate<P>(ctx: OpContext<P>, op: Operation<P>, env: { permissions: { requireApproval: boolean } }): Promise<FinalState | undefined> {
    if (!env.permissions.requireApproval || (op.approval ? op.approval(ctx.env, ctx.params) : approvalPoint(op.kind, ctx.env, ctx.params)) !== 'before-start') return undefined;
    // Rollback on the message while it waits ends the run as a Cancel would: nothing has changed yet.
    const back = (op.interrupts ?? []).filter((i) => i === 'rollback');
    // A resumed or retried run finds the answer it already had; it is not announced twice.
    const answer = await ctx.pause('approval-before-start', { reason: messages(ctx.lang).run.waitingForApprovalBeforeStart, intents: ['approve', 'cancel', ...back], deadlineMs: 60 * 60_000 });
    if (answer !== 'timeout' && answer.name === 'approve') {
      await ctx.approved(answer.by, messages(ctx.lang).run.approvedNote({ by: answer.by }));
      return undefined;
    }
    const m = messages(ctx.lang).run;
    const why = answer === 'timeout' ? m.nobodyApproved : m.cancelledBeforeApproval({ by: answer.by });
    await ctx.view({ note: m.nothingChanged({ why }) });
    await ctx.note(m.stoppedNothingChanged({ why }));
    return 'cancelled';
  }

  private async finish(runId: string, state: FinalState, error: string | null): Promise<Run> {
    const { store, clock } = this.deps;
    // The decision is on record before anyone (another replica, a reader of the audit) can see the final state.
    const before = await store.getRun(runId);
    await store.audit({ at: clock.now(), env: before?.env ?? null, run_id: runId, actor: 'bot', action: 'decision', detail: { state, error } });
    const run = await this.update(runId, { state, error, pause: null, ended_at: clock.now() });
    this.deps.failpoint?.('after:finish');
    await store.releaseLocks(runId);
    return run;
  }

  private context<P>(run: Run, params: P, driver: Driver, rearm: () => void, log: Log, op: Operation<P>): OpContext<P> {
    const { store, clock, config } = this.deps;
    const env = config.environments[run.env]!;
    // Lexical helpers instead of `this`, so the context's methods can be passed around freely.
    const engine = {
      deps: this.deps,
      facts: this.facts,
      runs: this.runs,
      getRun: (id: string) => this.getRun(id),
      update: (id: string, patch: Partial<Omit<RunRow, 'id' | 'version'>>) => this.update(id, patch),
      emit: (e: string, v: unknown) => this.emit(e, v),
      patiently: <T>(work: () => Promise<T>) => this.patiently(work),
    };
    const interrupts = op.interrupts ?? [];
    const aborted = () => {
      if (driver.abort.signal.aborted) throw new Stopping('stopping');
    };
    /**
     * Slack writes are fenced by the lease the way AWS calls are: a replica that froze (SIGSTOP, a long GC, a VM
     * pause) past its lease and woke up after another took the run must not post a stale thread note or push an
     * older render over the new owner's.
     */
    const fence = async () => {
      aborted();
      if (!(await store.claimRun(run.id, engine.deps.owner, clock.now(), engine.deps.leaseMs))) {
        driver.abort.abort();
        throw new Stopping('lease lost');
      }
    };
    const handled = new Set<string>();
    // Promote moves a run on by one step each time: a second press (on a later rendering) is a new wish, not a repeat.
    const once = (name: string) => !name.startsWith('promote');
    const checkpoint = async (accept: readonly string[] = []): Promise<Intent | undefined> => {
      aborted();
      for (const i of await store.pendingIntents(run.id)) {
        if (accept.includes(i.name)) {
          await store.consumeIntent(i.id, clock.now());
          // A Rollback that answered a pause is being carried out by the run itself: a second press is the same wish.
          if (interrupts.includes(i.name) && once(i.name)) handled.add(i.name);
          return { id: i.id, name: i.name, by: i.by, at: Number(i.at) };
        }
        if (interrupts.includes(i.name)) {
          await store.consumeIntent(i.id, clock.now());
          // A second Rollback pressed while the first is being carried out is the same wish, not a new interruption.
          if (handled.has(i.name)) continue;
          if (once(i.name)) handled.add(i.name);
          throw new Interrupted({ id: i.id, name: i.name, by: i.by, at: Number(i.at) });
        }
      }
      return undefined;
    };
    /** Sleeps until `ms` passed or an intent arrives, whichever is first. */
    const nap = async (ms: number) => {
      driver.roused = false;
      const ac = new AbortController();
      const onAbort = () => ac.abort();
      driver.abort.signal.addEventListener('abort', onAbort, { once: true });
      await Promise.race([clock.sleep(ms, ac.signal), driver.woken]);
      ac.abort();
      driver.abort.signal.removeEventListener('abort', onAbort);
      rearm();
    };

    const ctx: OpContext<P> = {
      run,
      params,
      envName: run.env,
      env,
      timezone: config.timezone,
      lang: envLanguage(config, run.env),
      log,
      now: () => clock.now(),
      async step<T>(id: string, fn: () => Promise<T>, opts: { verify?: () => Promise<{ done: true; result: T } | { done: false }> } = {}): Promise<T> {
        await checkpoint();
        const existing = await store.getStep(run.id, id);
        if (existing?.status === 'done') return (existing.result === null ? undefined : JSON.parse(existing.result)) as T;
        if (existing?.status === 'started' && opts.verify) {
          // A crash between the AWS call and our record of it: ask AWS whether the change is there.
          const seen = await opts.verify();
          if (seen.done) {
            log.info({ step: id }, 'step had taken effect before the restart; not repeating it');
            await store.endStep(run.id, id, clock.now(), { result: seen.result });
            return seen.result;
          }
        }
        await store.startStep(run.id, id, clock.now());
        // The fence: the AWS call happens only while this replica still holds the run's lease (and renews it).
        if (!(await store.claimRun(run.id, engine.deps.owner, clock.now(), engine.deps.leaseMs))) {
          driver.abort.abort();
          throw new Stopping('lease lost');
        }
        aborted();
        engine.deps.failpoint?.(`before:${id}`);
        let result: T;
        try {
          result = await fn();
        } catch (err) {
          // A person's Rollback (or a shutdown) during a step that waits — an INSYNC poll, say — is not the
          // step failing: it goes up as itself, so onInterrupt rolls back. The step stays "started"; a later
          // run of it asks its verify again.
          if (err instanceof Interrupted || err instanceof Stopping) throw err;
          // The step met the store (an operation reading or writing it), not AWS: the run pauses, it does not fail.
          if (isStoreUnavailable(err)) throw err;
          const message = err instanceof Error ? err.message : String(err);
          // AWS's answer is known only here: wait for the store rather than lose it.
          await engine.patiently(() => store.endStep(run.id, id, clock.now(), { error: message }));
          await engine.patiently(() => store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: 'bot', action: 'aws-failed', detail: { step: id, error: message } }));
          throw new StepFailed(id, message, { cause: err });
        }
        engine.deps.failpoint?.(`after:${id}`);
        // The change is made on AWS and its result is in memory only: record it once the store answers again,
        // so that resuming never has to guess (or repeat the call).
        await engine.patiently(() => store.endStep(run.id, id, clock.now(), { result: result === undefined ? null : result }));
        await engine.patiently(() => store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: 'bot', action: 'aws', detail: { step: id } }));
        return result;
      },
      async attempt() {
        return store.countIntents(run.id, 'retry');
      },
      async stepDone(id) {
        return (await store.getStep(run.id, id))?.status === 'done';
      },
      async view(patch) {
        await fence();
        const current = (await engine.getRun(run.id))?.view ?? {};
        ctx.run = await engine.update(run.id, { view: JSON.stringify({ ...current, ...patch }) });
      },
      async remember(key, value) {
        await fence();
        await store.setKv(`run:${run.id}:${key}`, value, clock.now());
      },
      recall: (key) => store.getKv(`run:${run.id}:${key}`),
      facts: {
        recall: engine.facts.recall,
        async remember(key, value) {
          await fence();
          await engine.facts.remember(key, value);
        },
        async forget(key) {
          await fence();
          await engine.facts.forget(key);
        },
      },
      runs: engine.runs,
      async note(text) {
        await fence();
        engine.emit('note', { run: ctx.run, text });
      },
      async sleep(ms) {
        const until = clock.now() + ms;
        while (clock.now() < until) {
          await checkpoint();
          await nap(until - clock.now());
        }
        await checkpoint();
      },
      async poll(what, check, { everyMs, timeoutMs, maxEveryMs }) {
        const deadline = clock.now() + timeoutMs;
        let every = everyMs;
        for (;;) {
          await checkpoint();
          const value = await check();
          if (value !== undefined) return value;
          if (clock.now() >= deadline) {
            const seconds = Math.round(timeoutMs / 1000);
            throw new OpError((l) => messages(l).failures.timedOut({ seconds, what: typeof what === 'function' ? what(l) : what }));
          }
          await nap(Math.min(every, deadline - clock.now()));
          // Back off gently while nothing changes, to stay far from AWS rate limits on long waits.
          every = Math.min(maxEveryMs ?? everyMs, Math.ceil(every * 1.5));
        }
      },
      async pause(id, p) {
        await fence();
        const stepId = `pause:${id}`;
        const existing = await store.getStep(run.id, stepId);
        if (existing?.status === 'done') return JSON.parse(existing.result ?? '"timeout"') as Intent | 'timeout';
        if (!existing) await store.startStep(run.id, stepId, clock.now());
        const since = existing ? Number(existing.started_at) : clock.now();
        const pause: Pause = { reason: p.reason, since, intents: p.intents, nonce: id, ...(p.deadlineMs !== undefined ? { deadline: since + p.deadlineMs } : {}) };
        ctx.run = await engine.update(run.id, { state: RunState.awaitingApproval, pause: JSON.stringify(pause) });
        for (;;) {
          const intent = await checkpoint(p.intents);
          if (intent) {
            await store.endStep(run.id, stepId, clock.now(), { result: intent });
            ctx.run = await engine.update(run.id, { state: RunState.running, pause: null });
            return intent;
          }
          if (pause.deadline !== undefined && clock.now() >= pause.deadline) {
            await store.endStep(run.id, stepId, clock.now(), { result: 'timeout' });
            ctx.run = await engine.update(run.id, { state: RunState.running, pause: null });
            return 'timeout';
          }
          await nap(pause.deadline !== undefined ? Math.min(60_000, pause.deadline - clock.now()) : 60_000);
        }
      },
      async checkpoint() {
        await checkpoint();
      },
      async approved(by, text) {
        await fence();
        const current = (await engine.getRun(run.id))?.view ?? {};
        if (current.approvedBy !== by) ctx.run = await engine.update(run.id, { view: JSON.stringify({ ...current, approvedBy: by }) });
        const id = `note:approved:${by}`;
        if ((await store.getStep(run.id, id))?.status === 'done') return;
        await store.startStep(run.id, id, clock.now());
        engine.emit('note', { run: ctx.run, text: text ?? `✅ Approved by <@${by}>.` });
        await store.endStep(run.id, id, clock.now(), { result: true });
      },
    };
    return ctx;
  }
}
