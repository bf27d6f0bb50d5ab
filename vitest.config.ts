import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.js';

// Test files run in parallel, one forked process per core (none shares a port — all listen on port 0 — nor a
// database: SQLite files live in their own temp dirs and PostgreSQL tests make a fresh database each).
// Time inside a test is simulated (test/support/clock.ts), so the timeouts below only turn a hang into a failure.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: on a 2-core machine shared with other suites and a busy core (load 19 in a stress run) a long
    // simulated deploy took 51 s; a timeout only ever turns a hang into a failure, never a pass.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Forks (not threads): several suites start child processes and PostgreSQL, and better-sqlite3 is a native addon.
    pool: 'forks',
    fileParallelism: true,
    // Two workers more than there are cores: most files spend most of their time waiting, not computing (bot processes
    // starting and handing leases over, the playground's wall-clock analysis, the time-skipper's quiet windows;
    // per file, CPU time is a fifth to a half of wall time), so extra workers fill the gaps. At load 8–10 from other
    // work, 2 → 3 workers: 551 s → 352 s. On the quiet machine, 3 → 4: 165 s → 152 s wall, the cores busy 66 % → 79 %
    // of the time (docs/decisions.md, issue 19, "Speed (fifth session)" and "(sixth session)").
    maxWorkers: availableParallelism() + 2,
    // A worker keeps its modules from one test file to the next instead of loading the bot (Bolt, the AWS SDK, the
    // sandbox) again for each of the 76 files: half the suite's CPU time (561 → 285 CPU-seconds, with the compiled
    // bot processes of test/support/compiled.ts; docs/decisions.md, issue 19, "Speed"). Safe because no test mocks a
    // module, stubs a global or changes process.env, and every harness is closed by its own file.
    isolate: false,
    // The longest files start first, by the committed durations (test/support/durations.json; `.ci/durations`
    // refreshes them), so no long file starts last on a fresh clone, where vitest's own duration cache is empty.
    sequence: { sequencer: LongestFirst },
  },
});
