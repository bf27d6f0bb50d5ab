// The order test files start in: the longest first, so that no long file starts last and keeps one core busy alone
// at the end while the other has nothing left (longest-processing-time-first scheduling on the two workers).
//
// vitest's own sequencer sorts by the durations in its cache (node_modules/.vite), but `npm ci` wipes that, so a
// fresh clone or a CI runner starts in file-size order — and this suite's long files are short to read (a process
// test of 50 lines takes 35 s). The durations below are committed instead (`.ci/durations` refreshes them from a
// run's JSON report); a file they do not know yet (a new one) starts first, as vitest does with unknown files.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const ROOT = new URL('../..', import.meta.url).pathname;
export const DURATIONS_FILE = new URL('./durations.json', import.meta.url).pathname;

/** Seconds per test file (path from the project root), from the last refresh. */
export function knownDurations(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/** Unknown files first, then the known ones from the longest down; ties by path, so the order is the same every run. */
export function longestFirst<T>(files: T[], pathOf: (f: T) => string, durations: Record<string, number>): T[] {
  const rank = (f: T) => durations[pathOf(f)] ?? Number.POSITIVE_INFINITY;
  return [...files].sort((a, b) => rank(b) - rank(a) || (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0));
}

export default class LongestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve(longestFirst(files, (f) => relative(ROOT, f.moduleId), knownDurations()));
  }
}
