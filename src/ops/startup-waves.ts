// The waves of an ordered startup or shutdown as lines a person can read, whatever their size: each wave names its
// first services then "and N more", and the whole list stops at a budget with "and N more waves".
const n = (x: number): string => x.toLocaleString('en-US');

export function wavesText(waves: readonly (readonly string[])[], opts: { budget?: number; perWave?: number } = {}): string {
  const budget = opts.budget ?? 3000;
  const perWave = opts.perWave ?? 20;
  const lines: string[] = [];
  let used = 0;
  for (const [i, w] of waves.entries()) {
    const shown = w.slice(0, perWave).map((s) => `\`${s}\``).join(', ');
    const line = `${i + 1}. ${shown}${w.length > perWave ? ` and ${n(w.length - perWave)} more (${n(w.length)} in this wave)` : ''}`;
    if (used + line.length + 1 > budget) {
      const rest = waves.slice(i);
      lines.push(`…and ${n(rest.length)} more wave${rest.length === 1 ? '' : 's'} (${n(rest.reduce((k, x) => k + x.length, 0))} services)`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

/** A list of names cut to a budget, then "and N more". */
export function namesText(names: readonly string[], max = 30): string {
  return `${names.slice(0, max).join(', ')}${names.length > max ? ` and ${n(names.length - max)} more` : ''}`;
}
