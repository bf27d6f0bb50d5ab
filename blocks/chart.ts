// Small PNG line charts rendered on the server with no browser: Apache ECharts' server-side SVG, rasterised by resvg.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
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

/** The chart as PNG bytes, drawn here, in this thread (what the drawing process of `chartPng` runs). */
export function drawPng(spec: ChartSpec): Buffer {
  const png = new (resvg().Resvg)(chartSvg(spec), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render().asPng();
  return Buffer.from(png);
}

/** A chart that takes longer than this is given up (its process is killed): the caller says there is no chart. */
const CHART_TIMEOUT_MS = 30_000;
// The drawing process: the spec as JSON on stdin, the PNG on stdout. Dynamic import: read as an ES module (`-e` with
// --input-type=module), the chart module's URL as its last argument.
const DRAWER = `
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const m = await import(process.argv.at(-1));
  process.stdout.write(m.drawPng(JSON.parse(Buffer.concat(chunks).toString())));
});
`;
let queue: Promise<unknown> = Promise.resolve();

/**
 * The chart as PNG bytes, ready for files.uploadV2. Fonts: the system's (the Docker image installs DejaVu).
 *
 * Compiled (the product), each chart is drawn in a short-lived process of its own, one chart at a time. In the bot's
 * thread, resvg's picture (~1 MB of native memory per chart) stayed until V8 collected its small JS handle, which a
 * bot whose heap barely grows does rarely (+1 MB per maintenance end, docs/decisions.md, issue 23 "Fifth session");
 * in a worker thread, the worker's heap and ECharts went with it but the process's allocator kept most of what the
 * worker had touched: 200 maintenance runs took the bot from 103 to 188–196 MB with charts and to 122 MB without
 * (seventh session). A process gives everything back when it exits, and the drawing's CPU is off the thread that
 * acks Slack. From TypeScript source (tests run by vitest), it is drawn in this thread.
 */
export function chartPng(spec: ChartSpec): Promise<Buffer> {
  if (!import.meta.url.endsWith('.js')) return Promise.resolve().then(() => drawPng(spec));
  const drawn = queue.then(() => inProcess(spec));
  queue = drawn.catch(() => undefined);
  return drawn;
}

/** What the drawing process may see of the bot's environment: where to find fonts, nothing else (no token). */
function drawerEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'XDG_DATA_DIRS', 'FONTCONFIG_PATH', 'FONTCONFIG_FILE'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]!]])));
}

function inProcess(spec: ChartSpec): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', DRAWER, import.meta.url], { env: drawerEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => {
      reject(new Error(`the chart was not drawn within ${CHART_TIMEOUT_MS / 1000} s`));
      child.kill('SIGKILL');
    }, CHART_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const png = Buffer.concat(out);
      if (code === 0 && png.length > 0) resolve(png);
      else reject(new Error(`the chart process stopped (${signal ?? `exit code ${code}`}) before drawing${err ? `: ${err.trim().split('\n').at(-1)}` : ''}`));
    });
    child.stdin.end(JSON.stringify(spec));
  });
}
