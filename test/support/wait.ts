// The harness's waiters: wait until a condition holds, re-checking when an event source says something changed.
// They never stand in for "nothing happened" (that is a barrier: the request was handled, then read the record);
// the timeout only turns a hang into a failure that says what was awaited.
import type { EventEmitter } from 'node:events';
import type { CallRecord } from '../../sandbox/record.js';
import { whileWaiting } from './time-skipping.js';

/** Something that can tell a waiter "look again": returns its unsubscribe. */
export type Source = (wake: () => void) => () => void;

export const onEmitter =
  (emitter: Pick<EventEmitter, 'on' | 'off'>, event = 'changed'): Source =>
  (wake) => {
    emitter.on(event, wake);
    return () => emitter.off(event, wake);
  };
export const onRecord =
  (record: CallRecord): Source =>
  (wake) =>
    record.onAdd(wake);

/**
 * Resolves with the first defined, non-false value of `check`. It is re-run on every event of `on`, and every
 * `pollMs` as well for state that has no event (a store row another replica wrote). While it waits, the harness may
 * skip simulated time to the bot's next wake-up; `holdTime: true` waits without that, for a test that moves the
 * clock itself and must not have it moved.
 */
export function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { what: string; on?: Source | Source[]; timeoutMs?: number; pollMs?: number; holdTime?: boolean },
): Promise<T> {
  const sources = opts.on === undefined ? [] : Array.isArray(opts.on) ? opts.on : [opts.on];
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const waiting = new Promise<T>((resolve, reject) => {
    let done = false;
    let running = false;
    let again = false;
    let lastError: unknown;
    const look = async (): Promise<void> => {
      if (done) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const v = await check();
        if (v !== undefined && v !== false && !done) {
          finish();
          resolve(v);
        }
      } catch (err) {
        lastError = err;
      } finally {
        running = false;
        if (again && !done) {
          again = false;
          void look();
        }
      }
    };
    const wake = () => void look();
    const unsubscribe = sources.map((s) => s(wake));
    const poll = setInterval(wake, opts.pollMs ?? 10);
    const timer = setTimeout(() => {
      finish();
      const why = lastError ? ` (last check threw: ${lastError instanceof Error ? lastError.message : String(lastError)})` : '';
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what}${why}`));
    }, timeoutMs);
    function finish() {
      done = true;
      clearInterval(poll);
      clearTimeout(timer);
      for (const u of unsubscribe) u();
    }
    void look();
  });
  return opts.holdTime ? waiting : whileWaiting(waiting);
}

/** The error a promise rejects with; one that resolves fails the test. */
export async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the call succeeded; it was expected to fail');
}
