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

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
console.log(`\nwritten to ${file.pathname}`);
process.exit(0);
