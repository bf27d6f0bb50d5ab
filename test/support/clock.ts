// A clock tests move by hand; sleeps wake when time is advanced past them (or at once when aborted).
import type { Clock } from '../../src/clock.js';

export class TestClock implements Clock {
  private t: number;
  private sleepers: { until: number; resolve: () => void }[] = [];
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
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
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
