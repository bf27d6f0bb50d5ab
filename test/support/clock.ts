// A clock tests move by hand; sleeps wake when time is advanced past them (or at once when aborted).
import type { Clock } from '../../src/clock.js';
import { parseDuration, type SimClock } from '../../sandbox/clock.js';

export class TestClock implements Clock {
  private t: number;
  private sleepers: { until: number; resolve: () => void }[] = [];
  private readonly listeners = new Set<() => void>();
  constructor(start = Date.parse('2026-12-01T00:00:00Z')) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const entry = { until: this.t + ms, resolve };
      this.sleepers.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== entry);
          resolve();
        },
        { once: true },
      );
      for (const l of this.listeners) l();
    });
  }
  /** How many sleeps are waiting for time to move: a test advances once the code it drives is asleep. */
  sleeping(): number {
    return this.sleepers.length;
  }
  /** The earliest time a sleeper waits for, if any. */
  nextWake(): number | undefined {
    return this.sleepers.length ? Math.min(...this.sleepers.map((s) => s.until)) : undefined;
  }
  /** Calls `listener` whenever someone starts sleeping (the waiters in ./wait.ts listen); returns the unsubscribe. */
  onSleep(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.resolve();
  }
  set(ms: number): void {
    this.advance(Math.max(0, ms - this.t));
  }
}

/**
 * One simulated time for the bot and the AWS sandbox (the way Temporal's time-skipping test server serves a
 * workflow and its activities): the sandbox's SimClock is the source, and the bot's sleeps wake when it is advanced
 * — by the test (`clock.advance('5m')` or `aws.world.clock.advance(ms)`, the same thing). Nothing moves by itself.
 */
export class SharedClock implements Clock {
  private sleepers: { until: number; resolve: () => void }[] = [];
  private readonly listeners = new Set<() => void>();
  constructor(readonly sim: SimClock) {
    sim.onAdvance((now) => {
      const due = this.sleepers.filter((s) => s.until <= now);
      this.sleepers = this.sleepers.filter((s) => s.until > now);
      for (const s of due) s.resolve();
    });
  }
  now(): number {
    return this.sim.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const entry = { until: this.now() + ms, resolve };
      this.sleepers.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== entry);
          resolve();
        },
        { once: true },
      );
      for (const l of this.listeners) l();
    });
  }
  sleeping(): number {
    return this.sleepers.length;
  }
  nextWake(): number | undefined {
    return this.sleepers.length ? Math.min(...this.sleepers.map((s) => s.until)) : undefined;
  }
  onSleep(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Moves the one time forward: the sandbox's world settles and the bot's due sleeps wake. */
  advance(d: string | number): number {
    return this.sim.advance(parseDuration(d));
  }
}

/**
 * Where a harness's simulated time starts: the wall clock's now. Slack's request timestamps come from the simulated
 * clock, and Bolt refuses one more than 5 minutes behind the wall clock, so the simulated time must not start
 * behind it (skips only move it further ahead, which Bolt accepts). The bot's own replay guard reads the same
 * simulated time. ops.example.yml's schedules are as near as they would be on the wall clock.
 */
export function simulatedStart(wallNow = Date.now()): number {
  return wallNow;
}
