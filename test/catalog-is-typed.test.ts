// The catalog's guarantee is a compile-time one: Japanese must have every key English has, no other, and each
// message function the same parameters. `npm test` runs tsc over test/, so each `@ts-expect-error` below must
// stay an error: if the Shape type stopped catching a missing key, tsc would report the unused directive.
import { describe, expect, it } from 'vitest';
import { ALL_CATALOGS, type Shape } from '../src/i18n/index.js';
import type { en as runEn} from '../src/i18n/run.js';
import { ja as runJa } from '../src/i18n/run.js';
import type { en as maintenanceEn} from '../src/i18n/maintenance.js';
import { ja as maintenanceJa } from '../src/i18n/maintenance.js';

// A real catalog with one key taken out: not a Japanese catalog any more.
const { failed: _dropped, ...runJaMissingAKey } = runJa;
// @ts-expect-error -- `failed` is missing
const missingKey: Shape<typeof runEn> = runJaMissingAKey;

// @ts-expect-error -- `ghost` is not in English
const extraKey: Shape<typeof runEn> = { ...runJa, ghost: 'おばけ' };

const nestedMissing: Shape<typeof maintenanceEn> = {
  ...maintenanceJa,
  // @ts-expect-error -- a nested key (`listener.unchanged`) is missing
  listener: { pending: '待機中', working: '変更中', on: 'メンテナンス中', off: '通常稼働', failed: '失敗' },
};

const wrongParameter: Shape<typeof maintenanceEn> = {
  ...maintenanceJa,
  // @ts-expect-error -- English's `redirect` takes a number status; a function wanting a string status is refused
  redirect: (p: { status: string; url: string }) => `${p.url} ${p.status.toUpperCase()}`,
};

const notAFunction: Shape<typeof runEn> = {
  ...runJa,
  // @ts-expect-error -- English's footer is a function of its parameters; a plain string is refused
  footer: 'フッター',
};

/** Every key path of a catalog, functions and strings alike. */
function paths(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? paths(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('the typed catalog', () => {
  it('the broken catalogs above are what tsc refuses (they exist only to be refused)', () => {
    expect(paths(missingKey)).not.toContain('failed');
    expect(paths(extraKey)).toContain('ghost');
    expect(paths(nestedMissing)).not.toContain('listener.unchanged');
    expect(typeof wrongParameter.redirect).toBe('function');
    expect(typeof notAFunction.footer).toBe('string');
  });

  it('English and Japanese have the same keys, each a string or a function in both', () => {
    expect(paths(ALL_CATALOGS.ja)).toEqual(paths(ALL_CATALOGS.en));
    const kinds = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? kinds(v as object).map((x) => `${k}.${x}`) : [`${k}:${typeof v}`]));
    expect(kinds(ALL_CATALOGS.ja)).toEqual(kinds(ALL_CATALOGS.en));
  });
});
