// What an operation module gives the engine, and what the engine gives an operation while it runs.
import type { z } from 'zod';
import type { Environment } from '../config/schema.js';
import type { Lang } from '../i18n/index.js';
import type { Log } from '../log.js';
import type { Run, RunState } from './run.js';

export interface Intent {
  id: number;
  name: string;
  by: string;
  at: number;
}

/** Thrown inside an operation when a person's intent (Rollback, Cancel) must stop the current flow. */
export class Interrupted extends Error {
  constructor(readonly intent: Intent) {
    super(`interrupted by ${intent.name} from ${intent.by}`);
    this.name = 'Interrupted';
  }
}

/** A step's failure, carrying the step id so the message can say exactly where the run stopped. */
export class StepFailed extends Error {
  constructor(
    readonly stepId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StepFailed';
  }
}

export type Verify<T> = () => Promise<{ done: true; result: T } | { done: false }>;

/**
 * Durable facts an operation keeps between runs of an environment, under keys it names (e.g. what a maintenance
 * start changed on a listener, for the end that undoes it). Stored in the store's key-value table, keys unchanged.
 */
export interface Facts {
  recall<T>(key: string): Promise<T | undefined>;
  remember(key: string, value: unknown): Promise<void>;
  forget(key: string): Promise<void>;
}

/** Other runs, read-only: a Switch back reads the cutover it undoes. */
export interface RunsReader {
  get(id: string): Promise<Run | undefined>;
  /** One step of a run: `started` (no result yet) or `done` with its stored result. */
  step<T = unknown>(runId: string, stepId: string): Promise<{ status: 'started' | 'done'; result: T | undefined; startedAt: number } | undefined>;
}

/** What `plan()` (a dry run) and `status()` get: reads only — of AWS through the operation's port, of the store through these. */
export interface ReadContext<P> {
  params: P;
  envName: string;
  env: Environment;
  timezone: string;
  /** The language the answer is read in: the asker's, else the environment's (src/i18n). */
  lang: Lang;
  log: Log;
  now(): number;
  facts: Pick<Facts, 'recall'>;
  runs: RunsReader;
}

export interface OpContext<P, V = Record<string, unknown>> {
  run: Run;
  params: P;
  envName: string;
  env: Environment;
  timezone: string;
  /** The environment's language (`language` in ops.yml): what the run writes on its channel message is in it. */
  lang: Lang;
  log: Log;
  now(): number;
  /**
   * A durable step: writes `started` before `fn` and `done` with its result after. On resume a done
   * step returns its stored result; a started one asks `verify` (a read of AWS) whether it took effect.
   */
  step<T>(id: string, fn: () => Promise<T>, opts?: { verify?: Verify<T> }): Promise<T>;
  /** How many times people pressed Retry on this run (0 the first time): steps that must run again carry it. */
  attempt(): Promise<number>;
  /** Whether a step of this run is done already (a resumed run skips what it finished). */
  stepDone(id: string): Promise<boolean>;
  /**
   * Merges into the run's view (what the status message shows) and schedules a message update. The view is for
   * people: an operation never reads a decision back from it — durable facts live in steps or in remember/recall.
   */
  view(patch: Partial<V>): Promise<void>;
  /** This run's own durable memory (survives a restart; gone with the run): a value the run decided and needs again. */
  remember(key: string, value: unknown): Promise<void>;
  recall<T>(key: string): Promise<T | undefined>;
  /** Facts shared between the runs of an environment (see Facts). */
  facts: Facts;
  /** Other runs, read-only. */
  runs: RunsReader;
  /** A reply in the status message's thread. */
  note(text: string): Promise<void>;
  /** Waits, but wakes at once for an interrupting intent (then throws Interrupted). */
  sleep(ms: number): Promise<void>;
  /** Polls `check` until it returns a value; throws on timeout with `what` in the message. */
  // `what` is said in the ❌ line when the wait runs out: a function gives it in the reader's language.
  poll<T>(what: string | ((lang: Lang) => string), check: () => Promise<T | undefined>, opts: { everyMs: number; timeoutMs: number; maxEveryMs?: number }): Promise<T>;
  /**
   * Pauses the run (awaiting_approval) until one of `intents` is given. Durable: on resume the same
   * pause (same id) is found again, and an intent given while the bot was down is not lost.
   */
  pause(id: string, p: { reason: string; intents: string[]; deadlineMs?: number }): Promise<Intent | 'timeout'>;
  /** Throws Interrupted when an interrupting intent is waiting. */
  checkpoint(): Promise<void>;
  /**
   * A second person approved: shown on the run's message (not only in the thread) and said in the thread once — a
   * resumed or retried run that finds the same answer does not say it again. `text` replaces "✅ Approved by <@by>.".
   */
  approved(by: string, text?: string): Promise<void>;
}

/**
 * Where a run toward risk waits for a second person on an environment that requires approval (docs/decisions.md,
 * issue 17): `before-start` — the engine holds it before the first step; `own` — the operation asks itself, at the
 * moment it knows (after a read); `never` — the safe direction.
 */
export type ApprovalPoint = 'before-start' | 'own' | 'never';

export type FinalState = Extract<RunState, 'succeeded' | 'failed' | 'rolled_back' | 'cancelled'>;

/**
 * One operation, in one shape (docs/architecture.md): its params, its view, its locks, its read-only plan and status,
 * and its run. It reaches AWS only through the port its factory is given (declared in its own module, in its own terms).
 */
export interface Operation<P = unknown, V = Record<string, unknown>> {
  kind: string;
  params: z.ZodType<P>;
  /** What its status message shows, as a schema: blocks render the parsed view, never a cast. */
  view?: z.ZodType<V>;
  /** The AWS resources the run changes (`listener:<arn>`, `service:<cluster>/<name>`…): a second run touching any is refused. */
  resources?(env: Environment, params: P): string[];
  /** Which way the run moves (see ApprovalPoint); operations without it use the table in src/runs/guardrails.ts. */
  approval?(env: Environment, params: P): ApprovalPoint;
  /** `--dry-run`: the checks and the calls it would make, as lines for people. Reads only. */
  plan?(q: ReadContext<P>): Promise<string[]>;
  /** Read-only status (`/canary … status`, `/maintenance status`): one message's text. */
  status?(q: ReadContext<P>): Promise<string>;
  /** One active run per lock target: `prod:maintenance`, `prod:canary:web`. */
  lockTarget(envName: string, params: P): string;
  /** "Maintenance on · prod" — the status message's title. */
  title(envName: string, params: P, lang?: Lang): string;
  /** Intents that interrupt `run` at its next checkpoint, sleep or poll (e.g. rollback). */
  interrupts?: readonly string[];
  /** Intents accepted outside a pause, in these states (e.g. rollback while running). */
  anytime?: Partial<Record<string, readonly RunState[]>>;
  /**
   * Whether an `anytime` intent is offered right now (its button shown, its press taken), beyond the run's state:
   * a canary's Promote only while a step bakes. Absent: offered in every state `anytime` lists.
   */
  offers?(run: Run, intent: string): boolean;
  /**
   * Why this person's press cannot be taken, checked when they press so they are told at once and privately (a
   * canary's Promote needs an approver, and a second person where the environment requires one). Undefined: taken.
   * The why is said in a language (the presser's answer, the channel's thread note; English for the audit).
   */
  pressRefusal?(q: { env: Environment; envName: string; run: Run; intent: string; by: string }): Promise<((lang: Lang) => string) | undefined>;
  run(ctx: OpContext<P, V>): Promise<FinalState>;
  /** Handles an interrupting intent; returns the final state (rolled_back, cancelled). */
  onInterrupt?(ctx: OpContext<P, V>, intent: Intent): Promise<FinalState>;
}
