// `npm run bench`: runs every benchmark, prints one table, writes bench/results/<time>.json. Goals are checked here, not in tests.
import { mkdirSync, writeFileSync } from 'node:fs';

type Figures = Record<string, unknown>;
const SUITES: Record<string, string> = {
  ack: './ack.js',
  footprint: './footprint.js',
  rollback: './rollback.js',
  startup: './startup.js',
  failover: './failover.js',
};

const only = process.argv.slice(2);
const results: Record<string, Figures | { error: string }> = {};
for (const [name, path] of Object.entries(SUITES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  let mod: { run?: () => Promise<Figures> };
  try {
    mod = (await import(path)) as { run?: () => Promise<Figures> };
  } catch {
    results[name] = { error: 'not built yet' };
    continue;
  }
  if (!mod.run) continue;
  const started = Date.now();
  try {
    results[name] = await mod.run();
  } catch (err) {
    results[name] = { error: err instanceof Error ? err.message : String(err) };
  }
  console.log(`· ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const rows: [string, string, string][] = [];
for (const [suite, figures] of Object.entries(results)) {
  for (const [k, v] of Object.entries(figures)) rows.push([suite, k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
}
const w0 = Math.max(...rows.map((r) => r[0].length), 5);
const w1 = Math.max(...rows.map((r) => r[1].length), 6);
console.log(`\n${'suite'.padEnd(w0)}  ${'figure'.padEnd(w1)}  value`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);

// Each goal of issue 23 with its figure and PASS/FAIL (a suite not run, or failed, reads n/a).
const num = (suite: string, key: string, sub?: string): number | undefined => {
  const f = results[suite] as Record<string, unknown> | undefined;
  const v = sub ? (f?.[key] as Record<string, unknown> | undefined)?.[sub] : f?.[key];
  return typeof v === 'number' ? v : undefined;
};
const rssSamples = Object.values(((results.footprint as Record<string, unknown> | undefined)?.['RSS after N runs (MB)'] ?? {}) as Record<string, number>).slice(1);
const goals: { goal: string; value: number | undefined; pass: (v: number) => boolean }[] = [
  ...['command', 'press'].flatMap((k) => [1, 10, 100].map((n) => ({ goal: `${k} ack p99 @${n} ≤ ×1.3 bare Bolt`, value: num('ack', `${k}@${n} p99 ratio`), pass: (v: number) => v <= 1.3 }))),
  { goal: 'idle RSS ≤ 100 MB', value: num('footprint', 'idle RSS (MB)'), pass: (v) => v <= 100 },
  { goal: 'RSS during the runs ≤ 150 MB', value: rssSamples.length ? Math.max(...rssSamples) : undefined, pass: (v) => v <= 150 },
  { goal: 'RSS after the last run ≤ 150 MB and ≤ the peak during', value: num('footprint', 'RSS 5 s after the last run (MB)'), pass: (v) => v <= 150 && v <= Math.max(...rssSamples) },
  { goal: 'startup seed 003 ≤ critical path + 1 s (s over)', value: num('startup', 'seed003', 'overPathSeconds'), pass: (v) => v <= 1 },
  { goal: 'startup: every dependent within 1 s of readiness (max lag s, 50-service DAG)', value: num('startup', 'dag50', 'maxStartLagSeconds'), pass: (v) => v <= 1 },
  { goal: 'startup: 0 throttled calls on the 50-service DAG', value: num('startup', 'dag50', 'throttled'), pass: (v) => v === 0 },
];
const verdicts = goals.map((g) => ({ goal: g.goal, value: g.value ?? null, verdict: g.value === undefined ? 'n/a' : g.pass(g.value) ? 'PASS' : 'FAIL' }));
const wg = Math.max(...verdicts.map((v) => v.goal.length));
console.log(`\n${'goal'.padEnd(wg)}  ${'value'.padStart(8)}  verdict`);
for (const v of verdicts) console.log(`${v.goal.padEnd(wg)}  ${String(v.value ?? '—').padStart(8)}  ${v.verdict}`);

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results, goals: verdicts }, null, 2)}\n`);
console.log(`\nwritten to ${file.pathname}`);
process.exit(0);
