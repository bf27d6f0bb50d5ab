// A background pass (the intent poll, lease renewal, the status catch-up) that outlasts its period is not started
// again beside itself: on a locked database a plain interval stacked a query a second until the pool was full.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { everyWithoutOverlap } from '../src/clock.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('everyWithoutOverlap', () => {
  it('skips the ticks that come while a pass is still running, and ticks again once it ends', async () => {
    vi.useFakeTimers();
    let started = 0;
    let finish: () => void = () => undefined;
    const timer = everyWithoutOverlap(1000, () => {
      started++;
      return new Promise<void>((r) => (finish = r));
    });
    try {
      await vi.advanceTimersByTimeAsync(10_000);
      expect(started).toBe(1);
      finish();
      await vi.advanceTimersByTimeAsync(1000);
      expect(started).toBe(2);
    } finally {
      clearInterval(timer);
    }
  });

  it('a pass that fails does not stop the next one', async () => {
    vi.useFakeTimers();
    let started = 0;
    const timer = everyWithoutOverlap(1000, () => {
      started++;
      return Promise.reject(new Error('connection terminated'));
    });
    try {
      await vi.advanceTimersByTimeAsync(3000);
      expect(started).toBe(3);
    } finally {
      clearInterval(timer);
    }
  });
});
