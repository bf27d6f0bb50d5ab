// A cold start (a Lambda invocation, a new replica) does not load the chart library: ECharts was most of the bot's
// start-up time, paid by every process although only reports and analyses draw charts. It loads on the first chart.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compiledPath } from './support/compiled.js';

const run = promisify(execFile);

/** In a fresh Node.js process: imports `module`, says whether ECharts is loaded, then draws one chart and says again. */
async function chartLibraryLoaded(module: string): Promise<{ atStart: boolean; afterChart: boolean; png: boolean }> {
  const chart = await compiledPath('blocks/chart.ts');
  const script = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/echarts/'));
    await import(${JSON.stringify(module)});
    const atStart = loaded();
    const { chartPng } = await import(${JSON.stringify(chart)});
    const png = await chartPng({ title: 't', timezone: 'UTC', panels: [{ title: 'p', unit: '%', lines: [{ name: 'green', color: '#2f855a', points: [[0, 1], [60000, 2]] }] }] });
    console.log(JSON.stringify({ atStart, afterChart: loaded(), png: png.subarray(1, 4).toString() === 'PNG' }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { atStart: boolean; afterChart: boolean; png: boolean };
}

describe('a cold start', () => {
  it('the Lambda handler loads without ECharts; the first chart draws a PNG in a process of its own, so ECharts never loads in the bot', async () => {
    expect(await chartLibraryLoaded(await compiledPath('src/lambda.ts'))).toEqual({ atStart: false, afterChart: false, png: true });
  }, 60_000);

  it('the long-running bot (src/main.ts) loads without ECharts as well', async () => {
    expect((await chartLibraryLoaded(await compiledPath('src/main.ts'))).atStart).toBe(false);
  }, 60_000);
});
