import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Test files run in parallel, one forked process each (none shares a port — all listen on port 0 — nor a
// database: SQLite files live in their own temp dirs and PostgreSQL tests make a fresh database each).
// Time inside a test is simulated (test/support/clock.ts), so the timeouts below only turn a hang into a failure.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
