// Preloaded into the bot by the ack bench when profiling (`BENCH_BOT_FLAGS="--import ./bench/loop-delay.mjs"`);
// never in the product. Records the event loop's delay (perf_hooks, 1 ms resolution) and, on the way out, appends
// one JSON line of its percentiles in ms to LOOP_DELAY_FILE, with the garbage collections by kind (count, total and
// longest pause in ms) and how many requests the HTTP server took, so pauses can be counted per request.
import { appendFileSync } from 'node:fs';
import { Server } from 'node:http';
import process from 'node:process';
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';

const file = process.env.LOOP_DELAY_FILE;
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const KINDS = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak' };
const gc = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const k = KINDS[e.detail?.kind] ?? String(e.detail?.kind);
    const g = (gc[k] ??= { count: 0, ms: 0, maxMs: 0 });
    g.count += 1;
    g.ms += e.duration;
    g.maxMs = Math.max(g.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });
let requests = 0;
const emit = Server.prototype.emit;
Server.prototype.emit = function (event, ...args) {
  if (event === 'request') requests += 1;
  return emit.call(this, event, ...args);
};
const ms = (ns) => Math.round(ns / 1e4) / 100;
process.on('exit', () => {
  h.disable();
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ process: process.argv.at(-1), p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean), count: h.count, requests, gc: Object.fromEntries(Object.entries(gc).map(([k, g]) => [k, { count: g.count, ms: Math.round(g.ms), maxMs: Math.round(g.maxMs * 100) / 100 }])) })}\n`);
});
// A process with no SIGTERM handler of its own (the floor) would die without 'exit': end it the normal way.
process.on('SIGTERM', () => {
  if (process.listenerCount('SIGTERM') === 1) process.exit(0);
});
