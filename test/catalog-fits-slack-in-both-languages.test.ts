// Every catalog entry, in both languages, said with sample parameters (long ones where Slack counts characters):
// within Slack's limits for where it is shown, no `{placeholder}` left over, nothing rendered as "undefined", and
// no Japanese entry left as the English text.
import { describe, expect, it } from 'vitest';
import { SlackLimits } from '../blocks/kit.js';
import { ALL_CATALOGS, LANGS, type Lang } from '../src/i18n/index.js';

/** Sample parameters: the longest value each may realistically carry (env names are ≤ 31 chars, run ids ~16). */
const SAMPLE: Record<string, unknown> = {
  env: 'production-ap-northeast-1-blue',
  runId: 'r-mi3k2a-8f2k1x',
  by: 'U0LEAD0001',
  state: 'awaiting approval',
  reason: 'Waiting for a second person to approve — nothing has changed yet',
  since: '2026/12/02(水) 14:05 JST',
  started: '2026/12/02(水) 14:05 JST',
  deadline: '2026/12/02(水) 15:05 JST',
  took: '1時間5分',
  status: 503,
  url: 'https://example.com/maintenance',
  on: true,
};
/** Any other parameter: a plain 40-character word. */
const params = new Proxy({} as Record<string, unknown>, { get: (_t, key) => (typeof key === 'string' ? (SAMPLE[key] ?? 'x'.repeat(40)) : undefined) });

interface Said {
  path: string;
  text: string;
}
function sayAll(o: object, prefix = ''): Said[] {
  return Object.entries(o).flatMap(([k, v]): Said[] => {
    const path = `${prefix}${k}`;
    if (typeof v === 'string') return [{ path, text: v }];
    if (typeof v === 'function') return [{ path, text: String((v as (p: unknown) => unknown)(params)) }];
    return sayAll(v as object, `${path}.`);
  });
}

/** Where Slack shows an entry, and its limit there (everything else lands in a section or a context: 3,000). */
function limitOf(path: string): number {
  if (path.startsWith('run.button.')) return SlackLimits.buttonLabel;
  if (path === 'cutover.switchBack') return 30; // a button label and its confirm's button
  if (/^replies\.confirm\.(title|submit|close)$/.test(path)) return 24; // a modal's title and buttons
  if (path === 'cutover.switchBackTitle') return 100;
  if (/^run\.confirm\.(stop|rollback)Title$/.test(path)) return 100;
  if (/^run\.confirm\.(deny|stopConfirm|rollbackConfirm)$/.test(path)) return 30;
  if (/^run\.confirm\./.test(path)) return SlackLimits.confirmText;
  return SlackLimits.sectionText;
}

/** Fragments of a line with no words of their own (a name in brackets): Japanese script is not expected in them. */
const NO_WORDS = new Set<string>(['services.scale.ecsName', 'history.on', 'history.decision', 'history.aws', 'history.startupOf', 'home.fireAt', 'services.leftAlone', 'deploy.ecs.trafficLine', 'deploy.ecs.stageLine']);

/** Entries that are the same in both languages on purpose. */
const SAME_IN_BOTH = new Set<string>([]);

describe.each(LANGS.map((l) => [l] as [Lang]))('the %s catalog', (lang) => {
  const said = sayAll(ALL_CATALOGS[lang]);

  it('has entries to check', () => expect(said.length).toBeGreaterThan(50));

  it("fits Slack's limits where each entry is shown", () => {
    const over = said.filter((s) => s.text.length > limitOf(s.path)).map((s) => `${s.path}: ${s.text.length} > ${limitOf(s.path)}`);
    expect(over).toEqual([]);
  });

  it('leaves no placeholder unfilled and never says undefined', () => {
    const bad = said.filter((s) => /\{[a-zA-Z_]+\}|undefined|\[object Object\]|NaN/.test(s.text) || s.text.trim() === '').map((s) => `${s.path}: ${s.text}`);
    expect(bad).toEqual([]);
  });
});

describe('the Japanese catalog', () => {
  it('is translated: no entry is the English text word for word', () => {
    const en = new Map(sayAll(ALL_CATALOGS.en).map((s) => [s.path, s.text]));
    const same = sayAll(ALL_CATALOGS.ja)
      .filter((s) => !SAME_IN_BOTH.has(s.path) && en.get(s.path) === s.text)
      .map((s) => s.path);
    expect(same).toEqual([]);
  });

  it('uses Japanese script in every sentence', () => {
    const latinOnly = sayAll(ALL_CATALOGS.ja)
      .filter((s) => !NO_WORDS.has(s.path) && !/[ぁ-んァ-ヶ一-龯]/.test(s.text))
      .map((s) => `${s.path}: ${s.text}`);
    expect(latinOnly).toEqual([]);
  });
});
