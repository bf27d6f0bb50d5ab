// Lint: typescript-eslint's recommended rules, plus the few that catch real bugs in async Slack handlers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  { files: ['src/cli.ts', 'src/process.ts', 'sandbox/cli.ts', 'playground/cli.ts', 'src/config/schema-cli.ts', 'bench/**', 'test/**', 'soak/**'], rules: { 'no-console': 'off' } },
  // ── Boundaries ──────────────────────────────────────────────────────────────────────────────────────────
  // The full set of allowed imports is `npm run lint:arch` (.dependency-cruiser.cjs, docs/architecture.md). The
  // store's own boundary already holds, so it is also checked here, where `npm test` and editors see it at once:
  // SQL only in src/store, and the store's insides (its schema, migrations, raw builder) never imported by the
  // product or the dev tools.
  {
    files: ['src/**', 'handlers/**', 'blocks/**', 'sandbox/**', 'playground/**'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['kysely', 'better-sqlite3', 'pg'].map((name) => ({
            name,
            message: 'SQL lives in src/store only: add a method named for what you need to the Store (src/store/store.ts) and call it.',
          })),
          patterns: [
            {
              regex: '(^|/)store/(testing|database|schema|migrations)(\\.[jt]s)?$',
              message: 'Outside src/store, import only store.ts (the Store) and outage.ts; databaseOf (testing.ts) is for tests.',
            },
          ],
        },
      ],
    },
  },
);
