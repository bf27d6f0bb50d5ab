import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Test files run in parallel, one forked process each (none shares a port — all listen on port 0 — nor a
// database: SQLite files live in their own temp dirs and PostgreSQL tests make a fresh database each).
// Time inside a test is simulated (test/support/clock.ts), so the timeouts below only turn a hang into a failure.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: on a 2-core machine shared with other suites (load 15 measured) a long simulated deploy needs
    // many request round trips; a timeout only ever turns a hang into a failure, never a pass.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
