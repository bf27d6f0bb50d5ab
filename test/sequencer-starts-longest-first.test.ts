// The suite's file order (test/support/sequencer.ts): files nobody has timed yet first, then the longest known down, so
// that on two workers no long file is left to start last. The order must not depend on vitest's cache, which `npm ci` wipes.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../vitest.config.js';
import LongestFirst, { knownDurations, longestFirst } from './support/sequencer.js';

describe('the order test files start in', () => {
  it('puts unknown files first, then the known ones from the longest down, ties by path', () => {
    const durations = { 'test/short.test.ts': 1, 'test/long.test.ts': 40, 'test/mid-b.test.ts': 10, 'test/mid-a.test.ts': 10 };
    const files = ['test/short.test.ts', 'test/new.test.ts', 'test/mid-b.test.ts', 'test/long.test.ts', 'test/mid-a.test.ts'];
    expect(longestFirst(files, (f) => f, durations)).toEqual(['test/new.test.ts', 'test/long.test.ts', 'test/mid-a.test.ts', 'test/mid-b.test.ts', 'test/short.test.ts']);
  });

  it('is the sequencer vitest runs with, reading committed durations of files that exist', () => {
    expect(config.test?.sequence?.sequencer).toBe(LongestFirst);
    const known = Object.entries(knownDurations());
    expect(known.length).toBeGreaterThan(50);
    for (const [file, seconds] of known) {
      expect(typeof seconds, file).toBe('number');
    }
    // At least most of them are still there (a renamed file only falls back to "unknown": first).
    expect(known.filter(([file]) => existsSync(new URL(`../${file}`, import.meta.url))).length).toBeGreaterThan(known.length * 0.8);
  });
});
