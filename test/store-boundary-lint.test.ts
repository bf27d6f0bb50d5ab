// Issue 20: `npm run lint` (part of npm test today) already refuses SQL outside src/store and the store's insides
// outside it, with a message that says what to do instead; the rest of the arrows wait for npm run lint:arch.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: ROOT });

/** The no-restricted-imports messages ESLint gives `code` as if it were the file at `path`. */
async function refusals(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the store boundary in npm run lint', () => {
  it('refuses a database driver or the store internals in the product and the dev tools, saying where SQL goes', async () => {
    const code = [
      "import { sql } from 'kysely';",
      "import pg from 'pg';",
      "import SQLite from 'better-sqlite3';",
      "import { databaseOf } from '../../src/store/testing.js';",
      "import type { Database } from '../../src/store/schema.js';",
      'export const x = [sql, pg, SQLite, databaseOf] as unknown as Database;',
    ].join('\n');
    for (const path of ['handlers/commands/x.ts', 'src/runs/x.ts', 'blocks/x.ts', 'sandbox/x.ts', 'playground/x.ts']) {
      const said = await refusals(path, code);
      expect(said, path).toHaveLength(5);
      expect(said.filter((m) => m.includes('SQL lives in src/store only'))).toHaveLength(3);
      expect(said.filter((m) => m.includes('databaseOf (testing.ts) is for tests'))).toHaveLength(2);
    }
  });

  it('lets the store use its drivers, the product use the Store and its outage errors, and tests use databaseOf', async () => {
    expect(await refusals('src/store/x.ts', "import { sql } from 'kysely';\nimport pg from 'pg';\nimport type { Database } from './schema.js';\nexport const x = [sql, pg] as unknown as Database;")).toEqual([]);
    expect(await refusals('src/runs/x.ts', "import { Store } from '../store/store.js';\nimport { isStoreUnavailable } from '../store/outage.js';\nexport const x = [Store, isStoreUnavailable];")).toEqual([]);
    expect(await refusals('test/x.test.ts', "import { sql } from 'kysely';\nimport { databaseOf } from '../src/store/testing.js';\nexport const x = [sql, databaseOf];")).toEqual([]);
  });
});
