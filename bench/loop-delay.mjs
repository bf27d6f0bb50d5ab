// Preloaded into the bot by the ack bench when profiling (`BENCH_BOT_FLAGS="--import ./bench/loop-delay.mjs"`);
// never in the product. Records the event loop's delay (perf_hooks, 1 ms resolution) and, on the way out, appends
// one JSON line of its percentiles in ms to LOOP_DELAY_FILE.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.LOOP_DELAY_FILE;
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const ms = (ns) => Math.round(ns / 1e4) / 100;
process.on('exit', () => {
  h.disable();
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean), count: h.count })}\n`);
});
