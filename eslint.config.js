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
);
