// Slack draws *bold* only where the asterisks meet a space or ASCII punctuation: `*ドライラン: …*（何も…` or
// `は*記録されていません*` reach the reader with their asterisks showing. The playground draws it the same way, which
// is where a ja dry run was seen with raw asterisks. Every catalog line of src/i18n is read as written.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = new URL('../src/i18n', import.meta.url).pathname;
/** Japanese letters and full-width punctuation: Slack does not count them as a bold span's edge. */
const WIDE = /[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e]/u;

/**
 * The bold spans of one catalog line whose edge touches a wide character: asterisks paired in order (first opens,
 * second closes), those inside `${…}` placeholders left out.
 */
export function jammedSpans(line: string): string[] {
  const stars: number[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i += 1) {
    if (line.startsWith('${', i)) depth += 1;
    else if (line[i] === '}' && depth > 0) depth -= 1;
    else if (line[i] === '*' && depth === 0) stars.push(i);
  }
  const found: string[] = [];
  for (let k = 0; k + 1 < stars.length; k += 2) {
    const [open, close] = [stars[k]!, stars[k + 1]!];
    const before = line[open - 1] ?? ' ';
    const after = line[close + 1] ?? ' ';
    if (WIDE.test(before) || WIDE.test(after)) found.push(line.slice(Math.max(0, open - 1), close + 2));
  }
  return found;
}

function jammed(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => readFileSync(join(DIR, f), 'utf8').split('\n').map((line, i) => ({ where: `${f}:${i + 1}`, line })))
    .filter(({ line }) => !line.trim().startsWith('//'))
    .flatMap(({ where, line }) => jammedSpans(line).map((span) => `${where}: ${span}`));
}

describe('bold in Japanese lines', () => {
  it('every *bold* span has a space or ASCII punctuation on both sides', () => {
    expect(jammed()).toEqual([]);
  });

  it('the check finds the lines that showed their asterisks', () => {
    expect(jammedSpans('`*ドライラン: ${p.command}*（何も変更していません）`')).toEqual(['`*ドライラン: ${p.command}*（']);
    expect(jammedSpans('`⚠️ <@${p.by}> の *${p.intent}* は*記録されていません*: ${p.why}`')).toEqual(['は*記録されていません*:']);
    expect(jammedSpans('`*ドライラン: ${p.command}* （何も変更していません）。 *${p.env}* の`')).toEqual([]);
  });
});
