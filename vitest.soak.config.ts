import { defineConfig } from 'vitest/config';

// `npm run soak`: the long hostile runs that do not fit `npm test`.
export default defineConfig({
  test: { include: ['soak/**/*.soak.ts'], testTimeout: 600_000, hookTimeout: 60_000, pool: 'forks' },
});
