// What an operation module gives the engine, and what the engine gives an operation while it runs.
import type { z } from 'zod';
import type { Environment } from '../config/schema.js';
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

export interface OpContext<P> {
  run: Run;
  params: P;
  envName: string;
  env: Environment;
  timezone: string;
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
  /** Merges into the run's view (what the status message shows) and schedules a message update. */
  view(patch: Record<string, unknown>): Promise<void>;
  /** A reply in the status message's thread. */
  note(text: string): Promise<void>;
  /** Waits, but wakes at once for an interrupting intent (then throws Interrupted). */
  sleep(ms: number): Promise<void>;
  /** Polls `check` until it returns a value; throws on timeout with `what` in the message. */
  poll<T>(what: string, check: () => Promise<T | undefined>, opts: { everyMs: number; timeoutMs: number; maxEveryMs?: number }): Promise<T>;
  /**
   * Pauses the run (awaiting_approval) until one of `intents` is given. Durable: on resume the same
   * pause (same id) is found again, and an intent given while the bot was down is not lost.
   */
  pause(id: string, p: { reason: string; intents: string[]; deadlineMs?: number }): Promise<Intent | 'timeout'>;
  /** Throws Interrupted when an interrupting intent is waiting. */
  checkpoint(): Promise<void>;
}

export type FinalState = Extract<RunState, 'succeeded' | 'failed' | 'rolled_back' | 'cancelled'>;

export interface Operation<P = unknown> {
  kind: string;
  params: z.ZodType<P>;
  /** One active run per lock target: `prod:maintenance`, `prod:canary:web`. */
  lockTarget(envName: string, params: P): string;
  /** "Maintenance on · prod" — the status message's title. */
  title(envName: string, params: P): string;
  /** Intents that interrupt `run` at its next checkpoint, sleep or poll (e.g. rollback). */
  interrupts?: readonly string[];
  /** Intents accepted outside a pause, in these states (e.g. rollback while running). */
  anytime?: Partial<Record<string, readonly RunState[]>>;
  run(ctx: OpContext<P>): Promise<FinalState>;
  /** Handles an interrupting intent; returns the final state (rolled_back, cancelled). */
  onInterrupt?(ctx: OpContext<P>, intent: Intent): Promise<FinalState>;
}
