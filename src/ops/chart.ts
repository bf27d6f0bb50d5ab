// A chart in the operations' own terms: the spec an operation builds, and the drawing function it is given
// (blocks/chart.ts draws it; src/registry.ts passes that in, so src/ops never imports blocks/).

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

/** Draws a chart as a PNG (blocks/chart.ts `chartPng`). */
export type DrawChart = (spec: ChartSpec) => Promise<Buffer>;
