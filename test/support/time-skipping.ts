// Time-skipping for the harness: while a test waits for something, and the bot, the sandbox and the fake Slack all
// have nothing left to do but sleep, simulated time jumps to the earliest sleeper — as Temporal's test server does.
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, ServerResponse } from 'node:http';

/** What the skipper moves: any clock that knows its sleepers and can be advanced. */
export interface SkippableClock {
  now(): number;
  nextWake(): number | undefined;
  advance(ms: number): unknown;
  onSleep(listener: () => void): () => void;
}

/**
 * "Nothing left to do" is: no HTTP request in flight in this process (the SDK to the sandbox, the bot to the fake
 * Slack, Slack to the bot — all three are in-process), and that has stayed so across a quiet window. The window
 * is not a guess about speed: Node runs timers in order of expiry, so every product timer shorter than it (the
 * status message's debounce, the SDK's retry delay) fires before the window ends and shows up as a new request.
 */
// 15 ms lost a canary bake under heavy load (stress runs 1–4: a skip before the bot had registered its next step);
// 50 ms has held beside a busy core. The cost is ≤ 50 ms of wall time per skip.
const QUIET_MS = 50;

/** The requests in flight (a set, so a request reported twice is still one). */
const inFlight = new Set<object>();
let activity = 0;
const listeners = new Set<() => void>();
function started(r: { once(event: 'close', l: () => void): unknown }): void {
  inFlight.add(r);
  activity += 1;
  r.once('close', () => {
    inFlight.delete(r);
    activity += 1;
    for (const l of listeners) l();
  });
  for (const l of listeners) l();
}
let subscribed = false;
function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('http.client.request.start', (m) => {
    started((m as { request: ClientRequest }).request);
  });
  diagnostics.subscribe('http.server.request.start', (m) => {
    started((m as { response: ServerResponse }).response);
  });
}

export interface TimeSkipper {
  /** Skips time while `waiting` is pending (and only then); resolves or rejects as it does. */
  during<T>(waiting: Promise<T>): Promise<T>;
  /** How far simulated time has been skipped in all, in ms. */
  skipped(): number;
  /** Stops taking part in `whileWaiting` (the harness closes). */
  dispose(): void;
}

const live = new Set<TimeSkipper>();

/** The harness's waiters (./wait.ts) wrap their wait in this: every live skipper skips time meanwhile. */
export function whileWaiting<T>(waiting: Promise<T>): Promise<T> {
  let p = waiting;
  for (const s of live) p = s.during(p);
  return p;
}

/**
 * With no sleeper at all (the bot idle, the test waiting on the sandbox — a task set draining, a console
 * deployment reaching its hook) time still passes, IDLE_STEP_MS at a time, as it would for real.
 */
const IDLE_STEP_MS = 5000;

/**
 * `busy`: work in this process that is neither a request nor a sleep — a run woken by a press, doing its store
 * reads before its next AWS call. Under load that can outlast the quiet window; while it says busy, time stays.
 */
export function timeSkipper(clock: SkippableClock, opts: { maxSkipMs?: number; busy?: () => boolean } = {}): TimeSkipper {
  subscribe();
  let pending = 0;
  let total = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === 0 || inFlight.size > 0) return;
    const seen = activity;
    timer = setTimeout(() => {
      timer = undefined;
      if (pending === 0 || inFlight.size > 0 || activity !== seen || opts.busy?.()) return arm();
      const next = clock.nextWake();
      const step = next === undefined ? IDLE_STEP_MS : Math.max(0, next - clock.now());
      if (opts.maxSkipMs !== undefined && total + step > opts.maxSkipMs) return;
      total += step;
      clock.advance(step);
      arm();
    }, QUIET_MS);
  };
  const wake = () => arm();
  let unsubscribe: (() => void) | undefined;
  const skipper: TimeSkipper = {
    async during<T>(waiting: Promise<T>): Promise<T> {
      pending += 1;
      if (pending === 1) {
        listeners.add(wake);
        unsubscribe = clock.onSleep(wake);
      }
      arm();
      try {
        return await waiting;
      } finally {
        pending -= 1;
        if (pending === 0) {
          listeners.delete(wake);
          unsubscribe?.();
          if (timer) clearTimeout(timer);
          timer = undefined;
        }
      }
    },
    skipped: () => total,
    dispose: () => void live.delete(skipper),
  };
  live.add(skipper);
  return skipper;
}
