// Small PNG line charts rendered on the server with no browser: Apache ECharts' server-side SVG, rasterised by resvg.
import { Resvg } from '@resvg/resvg-js';
import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';
import { formatTime } from '../src/clock.js';

/**
 * ECharts is loaded on the first chart, not at start: it is most of the bot's start-up (0.5 s of module loading on a
 * quiet host, 1.5 s on a busy one), only reports and analyses draw charts, and a cold Lambda invocation must answer
 * Slack within 3 s (docs/decisions.md, issue 19). Its CommonJS build is the same library, loaded synchronously.
 */
const load = createRequire(import.meta.url);
let lib: typeof Echarts | undefined;
const echarts = (): typeof Echarts => (lib ??= load('echarts') as typeof Echarts);

export interface ChartLine {
  name: string;
  /** [ms, value]; a null value is a gap (a minute without data is not drawn as zero). */
  points: [number, number | null][];
  color: string;
  /** Stacked areas (requests per minute by outcome) instead of lines. */
  area?: boolean;
}

export interface ChartPanel {
  title: string;
  unit: string;
  lines: ChartLine[];
}

export interface ChartSpec {
  title: string;
  timezone: string;
  panels: ChartPanel[];
  /** Vertical marks (canary step boundaries): at ms, with a short label. */
  marks?: { at: number; label: string }[];
  width?: number;
}

export const COLORS = { blue: '#2b6cb0', green: '#2f855a', red: '#c53030', amber: '#b7791f', grey: '#718096' } as const;

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

/** The chart as PNG bytes, ready for files.uploadV2. Fonts: the system's (the Docker image installs DejaVu). */
export function chartPng(spec: ChartSpec): Buffer {
  const png = new Resvg(chartSvg(spec), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render().asPng();
  return Buffer.from(png);
}
