// The run engine: durable runs with locks, leases, approvals, audit and resume, shared by every operation.
import { EventEmitter } from 'node:events';
import type { OpsConfig } from '../config/schema.js';
import type { Clock } from '../clock.js';
import type { Log } from '../log.js';
import type { RunRow, Store } from '../store/store.js';
import { Interrupted, StepFailed, type FinalState, type Intent, type OpContext, type Operation } from './operation.js';
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

export type RequestAnswer = { accepted: true; run: Run } | { accepted: false; reason: string; holder?: Run };
export type PressAnswer = { accepted: true; run: Run; duplicate: boolean } | { accepted: false; reason: string; run?: Run };

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
  /** Test failpoints: called with `before:<step>` and `after:<step>`; may kill the process. */
  failpoint?: (name: string) => void;
  /**
   * Runs before an operation starts or resumes (the status message is posted here), so no AWS change
   * happens before people can see the run.
   */
  prepare?: (run: Run) => Promise<void>;
}

class Stopping extends Error {}

interface Driver {
  abort: AbortController;
  wake: () => void;
  woken: Promise<void>;
}

/** Events: `changed` (run) after every state or view change; `note` ({ run, text }) for thread replies. */
export class RunEngine extends EventEmitter {
  private readonly drivers = new Map<string, Driver>();
  private stopped = false;

  constructor(private readonly deps: EngineDeps) {
    super();
  }

  get store(): Store {
    return this.deps.store;
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = await this.deps.store.getRun(id);
    return row ? toRun(row) : undefined;
  }

  // ── requests ────────────────────────────────────────────────────────────────

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
      return { accepted: false, reason: `you may not operate *${req.envName}* — operators: ${Access.describe(env.permissions.operate)}` };
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
      lease_until: null,
      created_at: now,
      updated_at: now,
      ended_at: null,
    };
    const taken = await store.createRunWithLock(row, target);
    if (!taken.ok) {
      const holder = toRun(taken.holder);
      return { accepted: false, reason: `*${target}* is busy: run ${holder.id} by <@${holder.requestedBy}> since ${new Date(holder.createdAt).toISOString()}`, holder };
    }
    await store.audit({ at: now, env: req.envName, run_id: row.id, actor: req.by, action: 'command', detail: { kind: req.kind, params: parsed.data } });
    const run = toRun(row);
    this.emit('changed', run);
    return { accepted: true, run };
  }

  /** Starts driving a run in the background (after the Slack ack). */
  start(runId: string): void {
    void this.drive(runId);
  }

  /**
   * Records a person's intent on a run (a button press): re-checks the run's state, the pause it was
   * meant for, and the presser's rights. Two presses of one button are one intent.
   */
  async press(p: { runId: string; intent: string; nonce: string; by: string }): Promise<PressAnswer> {
    const { store, clock, config, access } = this.deps;
    const run = await this.getRun(p.runId);
    if (!run) return { accepted: false, reason: `run ${p.runId} not found — it may have been cleaned up` };
    const env = config.environments[run.env];
    const op = this.deps.ops[run.kind];
    if (!env || !op) return { accepted: false, reason: `run ${run.id} belongs to a configuration that no longer exists`, run };

    const forPause = run.pause !== null && run.pause.intents.includes(p.intent) && run.pause.nonce === p.nonce;
    const anytime = p.nonce === 'anytime' && (op.anytime?.[p.intent] ?? []).includes(run.state);
    const retry = p.intent === 'retry' && run.state === RunState.failed && p.nonce === `failed-${run.version}`;
    if (!forPause && !anytime && !retry) {
      const dup = await store.pendingIntents(run.id);
      if (dup.some((i) => i.name === p.intent)) return { accepted: true, run, duplicate: true };
      return { accepted: false, reason: `that button is out of date: the run is now *${run.state.replace('_', ' ')}*${run.pause ? ` (${run.pause.reason})` : ''}`, run };
    }
    const needsApprover = p.intent === 'approve';
    const allowed = needsApprover ? await access.canApprove(p.by, env.permissions) : await access.canOperate(p.by, env.permissions);
    if (!allowed) {
      await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: p.by, action: 'refused', detail: { intent: p.intent, why: 'no rights' } });
      const who = needsApprover ? env.permissions.approve : env.permissions.operate;
      return { accepted: false, reason: `you may not ${p.intent} in *${run.env}* — allowed: ${Access.describe(who)}`, run };
    }
    if (needsApprover && env.permissions.requireApproval && p.by === run.requestedBy) {
      await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: p.by, action: 'refused', detail: { intent: p.intent, why: 'own request' } });
      return { accepted: false, reason: `*${run.env}* needs a second person: someone other than the requester must approve`, run };
    }
    const revive = run.state === RunState.failed && (retry || anytime);
    if (revive) {
      const holder = await store.takeLock(run.target, run.id, p.by, clock.now());
      if (holder) return { accepted: false, reason: `*${run.target}* is now held by run ${holder.id} of <@${holder.requested_by}> — retry after it ends`, run };
    }
    const inserted = await store.addIntent({ run_id: run.id, name: p.intent, by: p.by, at: clock.now(), dedupe: p.nonce });
    if (!inserted) return { accepted: true, run, duplicate: true };
    await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: p.by, action: 'press', detail: { intent: p.intent } });
    if (revive) {
      // A failed run comes back to life for a Retry (or an anytime intent such as Stop, handled at its first checkpoint).
      await this.update(run.id, { state: RunState.running, error: null, ended_at: null });
      this.start(run.id);
    } else {
      this.drivers.get(run.id)?.wake();
    }
    return { accepted: true, run, duplicate: false };
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

  /** Looks for orphaned runs (a dead replica's expired lease) every half lease, for as long as the engine runs. */
  startSweeping(): void {
    this.sweeper ??= setInterval(() => {
      void this.resumeAll().catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'resume sweep failed'));
    }, Math.max(250, Math.floor(this.deps.leaseMs / 2)));
    this.sweeper.unref();
  }

  /** Stops driving (graceful shutdown): runs stay where they are and are resumed by the next owner. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    const waits = [...this.drivers.entries()].map(async ([id, d]) => {
      d.abort.abort();
      d.wake();
      await this.deps.store.releaseRun(id, this.deps.owner);
    });
    await Promise.all(waits);
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

  /** Records where a run's status message lives (set once, by the publisher). */
  async setMessage(id: string, channel: string, ts: string): Promise<Run> {
    return this.update(id, { channel, ts });
  }

  private async drive(runId: string): Promise<void> {
    const { store, clock, log: rootLog, leaseMs, owner } = this.deps;
    if (this.stopped || this.drivers.has(runId)) return;
    if (!(await store.claimRun(runId, owner, clock.now(), leaseMs))) return;
    let wake!: () => void;
    const driver: Driver = { abort: new AbortController(), wake: () => wake(), woken: Promise.resolve() };
    const rearm = () => {
      driver.woken = new Promise<void>((r) => {
        wake = () => {
          r();
        };
      });
    };
    rearm();
    this.drivers.set(runId, driver);
    const renew = setInterval(() => {
      void store.claimRun(runId, owner, clock.now(), leaseMs).then((ok) => {
        if (!ok) driver.abort.abort();
      });
    }, Math.max(500, Math.floor(leaseMs / 3)));
    renew.unref();

    const run = (await this.getRun(runId))!;
    const log = rootLog.child({ run: run.id, op: run.kind, env: run.env });
    const op = this.deps.ops[run.kind];
    const env = this.deps.config.environments[run.env];
    try {
      if (!op || !env) throw new Error(`run ${run.id}: operation ${run.kind} or environment ${run.env} is no longer configured`);
      const params: unknown = op.params.parse(run.params);
      await this.deps.prepare?.(run);
      const ctx = this.context(run, params, driver, rearm, log, op);
      let final: FinalState;
      try {
        final = await op.run(ctx);
      } catch (err) {
        if (!(err instanceof Interrupted) || !op.onInterrupt) throw err;
        log.info({ intent: err.intent.name, by: err.intent.by }, 'interrupted');
        ctx.run = (await this.getRun(runId)) ?? ctx.run;
        final = await op.onInterrupt(ctx, err.intent);
      }
      await this.finish(runId, final, null);
    } catch (err) {
      if (err instanceof Stopping || driver.abort.signal.aborted) {
        log.info('stopped driving; the run stays where it is for the next owner');
      } else {
        const where = err instanceof StepFailed ? `stopped at step \`${err.stepId}\`: ` : '';
        const message = `${where}${err instanceof Error ? err.message : String(err)}`;
        log.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'run failed');
        await this.finish(runId, RunState.failed, message);
      }
    } finally {
      clearInterval(renew);
      this.drivers.delete(runId);
      await store.releaseRun(runId, owner).catch(() => undefined);
    }
  }

  private async finish(runId: string, state: FinalState, error: string | null): Promise<Run> {
    const { store, clock } = this.deps;
    const run = await this.update(runId, { state, error, pause: null, ended_at: clock.now() });
    await store.releaseLocks(runId);
    await store.audit({ at: clock.now(), env: run.env, run_id: runId, actor: 'bot', action: 'decision', detail: { state, error } });
    return run;
  }

  private context<P>(run: Run, params: P, driver: Driver, rearm: () => void, log: Log, op: Operation<P>): OpContext<P> {
    const { store, clock, config } = this.deps;
    const env = config.environments[run.env]!;
    // Lexical helpers instead of `this`, so the context's methods can be passed around freely.
    const engine = { deps: this.deps, getRun: (id: string) => this.getRun(id), update: (id: string, patch: Partial<Omit<RunRow, 'id' | 'version'>>) => this.update(id, patch), emit: (e: string, v: unknown) => this.emit(e, v) };
    const interrupts = op.interrupts ?? [];
    const aborted = () => {
      if (driver.abort.signal.aborted) throw new Stopping('stopping');
    };
    const checkpoint = async (accept: readonly string[] = []): Promise<Intent | undefined> => {
      aborted();
      for (const i of await store.pendingIntents(run.id)) {
        if (accept.includes(i.name)) {
          await store.consumeIntent(i.id, clock.now());
          return { id: i.id, name: i.name, by: i.by, at: Number(i.at) };
        }
        if (interrupts.includes(i.name)) {
          await store.consumeIntent(i.id, clock.now());
          throw new Interrupted({ id: i.id, name: i.name, by: i.by, at: Number(i.at) });
        }
      }
      return undefined;
    };
    /** Sleeps until `ms` passed or an intent arrives, whichever is first. */
    const nap = async (ms: number) => {
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
        engine.deps.failpoint?.(`before:${id}`);
        let result: T;
        try {
          result = await fn();
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          await store.endStep(run.id, id, clock.now(), { error: message });
          await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: 'bot', action: 'aws-failed', detail: { step: id, error: message } });
          throw new StepFailed(id, message, { cause: err });
        }
        engine.deps.failpoint?.(`after:${id}`);
        await store.endStep(run.id, id, clock.now(), { result: result === undefined ? null : result });
        await store.audit({ at: clock.now(), env: run.env, run_id: run.id, actor: 'bot', action: 'aws', detail: { step: id } });
        return result;
      },
      async attempt() {
        const all = await store.db.selectFrom('intents').select('id').where('run_id', '=', run.id).where('name', '=', 'retry').execute();
        return all.length;
      },
      async stepDone(id) {
        return (await store.getStep(run.id, id))?.status === 'done';
      },
      async view(patch) {
        const current = (await engine.getRun(run.id))?.view ?? {};
        ctx.run = await engine.update(run.id, { view: JSON.stringify({ ...current, ...patch }) });
      },
      async note(text) {
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
          if (clock.now() >= deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
          await nap(Math.min(every, deadline - clock.now()));
          // Back off gently while nothing changes, to stay far from AWS rate limits on long waits.
          every = Math.min(maxEveryMs ?? everyMs, Math.ceil(every * 1.5));
        }
      },
      async pause(id, p) {
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
    };
    return ctx;
  }
}
