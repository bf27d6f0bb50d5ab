// A memory probe preloaded into the bot by bench/creep.ts (`node --expose-gc --import ./bench/probe.mjs …`); never in
// the product. On SIGUSR2 it collects garbage, appends one JSON line of process.memoryUsage() and the V8 heap spaces
// to PROBE_FILE, and, when PROBE_SNAPSHOTS names a folder, writes a heap snapshot there. The driver reads the line.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const file = process.env.PROBE_FILE;
const snapshots = process.env.PROBE_SNAPSHOTS;
const count = (xs) => xs.reduce((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
const mb = (n) => Math.round((n / 1048576) * 10) / 10;

process.on('SIGUSR2', () => {
  if (!file) return;
  const gc = globalThis.gc;
  if (gc) {
    gc();
    gc();
  }
  const label = `${Date.now()}`;
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_used_size)]));
  let snapshot;
  if (snapshots) snapshot = writeHeapSnapshot(`${snapshots}/${label}.heapsnapshot`);
  appendFileSync(file, `${JSON.stringify({ label, rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces, handles: count(process.getActiveResourcesInfo()), snapshot })}\n`);
});

// PROBE_TIMERS=1: every pending timer's delay and where it was set, written with each line (grouped, top 10).
const live = new Map();
if (process.env.PROBE_TIMERS === '1') {
  const set = globalThis.setTimeout;
  const clear = globalThis.clearTimeout;
  globalThis.setTimeout = function (fn, ms, ...args) {
    const where = `${ms} ms ${new Error().stack.split('\n').slice(2, 7).map((l) => l.trim()).join(' < ')}`;
    const t = set(function (...a) {
      live.delete(t);
      return fn.apply(this, a);
    }, ms, ...args);
    live.set(t, where);
    return t;
  };
  globalThis.clearTimeout = function (t) {
    live.delete(t);
    return clear(t);
  };
  process.on('SIGUSR2', () => {
    const by = count([...live.values()]);
    const top = Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 10);
    appendFileSync(`${file}.timers`, `${JSON.stringify(top)}\n`);
  });
}
