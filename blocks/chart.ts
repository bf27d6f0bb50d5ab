// Small PNG line charts rendered on the server with no browser: Apache ECharts' server-side SVG, rasterised by resvg.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type * as Resvg from '@resvg/resvg-js';
import type * as ECharts from 'echarts';
import { formatTime } from '../src/clock.js';
import { COLORS, type ChartSpec } from '../src/ops/chart.js';

export { COLORS, type ChartLine, type ChartPanel, type ChartSpec } from '../src/ops/chart.js';

// Loaded on the first chart, not at start: ECharts alone is ~40 MB of a bot's idle memory (docs/decisions.md, issue 23),
// and most processes never draw one. require() keeps chartSvg synchronous (both packages ship a CommonJS build).
const load = createRequire(import.meta.url);
let echartsModule: typeof ECharts | undefined;
let resvgModule: typeof Resvg | undefined;
const echarts = () => (echartsModule ??= load('echarts') as typeof ECharts);
const resvg = () => (resvgModule ??= load('@resvg/resvg-js') as typeof Resvg);


const PANEL_HEIGHT = 170;

/** The chart as SVG (pure: same spec, same bytes). */
export function chartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const top = 44;
  const gap = 46;
  const height = top + spec.panels.length * (PANEL_HEIGHT + gap) + 8;
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  const all = spec.panels.flatMap((p) => p.lines.flatMap((l) => l.points.map((pt) => pt[0])));
  const min = all.length ? Math.min(...all) : 0;
  const max = all.length ? Math.max(...all) : 60_000;
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'DejaVu Sans, sans-serif' },
    title: [
      { text: spec.title, left: 10, top: 8, textStyle: { fontSize: 14 } },
      ...spec.panels.map((p, i) => ({ text: `${p.title} (${p.unit})`, left: 10, top: top + i * (PANEL_HEIGHT + gap) - 4, textStyle: { fontSize: 11, fontWeight: 'normal' } })),
    ],
    legend: { top: 8, right: 10, textStyle: { fontSize: 11 }, data: [...new Set(spec.panels.flatMap((p) => p.lines.map((l) => l.name)))] },
    grid: spec.panels.map((_, i) => ({ left: 60, right: 20, top: top + 16 + i * (PANEL_HEIGHT + gap), height: PANEL_HEIGHT - 30 })),
    xAxis: spec.panels.map((_, i) => ({
      type: 'value',
      gridIndex: i,
      min,
      max: max > min ? max : min + 60_000,
      // Whole minutes between labels, so they fall on the minute.
      interval: Math.max(1, Math.ceil((max - min) / 6 / 60_000)) * 60_000,
      axisLabel: { fontSize: 10, formatter: (v: number) => formatTime(v, spec.timezone).replace(/ [A-Z]+$/, '') },
      splitLine: { show: false },
    })),
    yAxis: spec.panels.map((_, i) => ({ type: 'value', gridIndex: i, min: 0, axisLabel: { fontSize: 10 }, splitNumber: 3 })),
    series: spec.panels.flatMap((p, i) =>
      p.lines.map((l, j) => ({
        name: l.name,
        type: 'line',
        xAxisIndex: i,
        yAxisIndex: i,
        data: l.points,
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: 2, color: l.color },
        itemStyle: { color: l.color },
        ...(l.area ? { stack: `panel-${i}`, areaStyle: { color: l.color, opacity: 0.35 } } : {}),
        ...(j === 0 && spec.marks?.length
          ? {
              markLine: {
                symbol: 'none',
                silent: true,
                lineStyle: { type: 'dashed', color: COLORS.grey },
                label: { show: i === 0, formatter: '{b}', fontSize: 10, position: 'insideEndTop' },
                data: spec.marks.map((m) => ({ xAxis: m.at, name: m.label })),
              },
            }
          : {}),
      })),
    ),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** The chart as PNG bytes, drawn here, in this thread (what the worker of `chartPng` runs). */
export function drawPng(spec: ChartSpec): Buffer {
  const png = new (resvg().Resvg)(chartSvg(spec), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render().asPng();
  return Buffer.from(png);
}

/** A chart that takes longer than this is given up (the worker is stopped): the caller says there is no chart. */
const CHART_TIMEOUT_MS = 30_000;
// Dynamic imports only: the worker's code is read as CommonJS or as an ES module depending on the process's flags.
const WORKER = `
import('node:worker_threads').then(({ parentPort, workerData }) =>
  import(workerData.module).then((m) => parentPort.postMessage(m.drawPng(workerData.spec))));
`;
let queue: Promise<unknown> = Promise.resolve();

/**
 * The chart as PNG bytes, ready for files.uploadV2. Fonts: the system's (the Docker image installs DejaVu).
 *
 * Compiled (the product), each chart is drawn in a worker thread that ends with it, one chart at a time: resvg's
 * picture (~1 MB of native memory per chart) is freed only when V8 collects its small JS handle, which a bot whose
 * heap barely grows does rarely, so drawn in the bot's own thread every chart stayed in its RSS (+1 MB per maintenance
 * end, docs/decisions.md, issue 23 "Fifth session"); a worker's memory goes with the worker, ECharts included, and
 * the drawing's CPU is off the thread that acks Slack. From TypeScript source (tests run by vitest, which a worker
 * could not load), it is drawn in this thread.
 */
export function chartPng(spec: ChartSpec): Promise<Buffer> {
  if (!import.meta.url.endsWith('.js')) return Promise.resolve().then(() => drawPng(spec));
  const drawn = queue.then(() => inWorker(spec));
  queue = drawn.catch(() => undefined);
  return drawn;
}

function inWorker(spec: ChartSpec): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { module: import.meta.url, spec }, stdout: false, stderr: false });
    const timer = setTimeout(() => {
      reject(new Error(`the chart was not drawn within ${CHART_TIMEOUT_MS / 1000} s`));
      void worker.terminate();
    }, CHART_TIMEOUT_MS);
    worker.once('message', (png: Uint8Array) => {
      clearTimeout(timer);
      resolve(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the chart worker stopped (exit code ${code}) before drawing`));
    });
  });
}
