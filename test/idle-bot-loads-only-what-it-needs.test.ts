// Footprint (issue 23): the production entry, started with Slack variables and idle, has loaded no dev tool (sandbox,
// playground), none of the modules only some runs need (ECharts, zrender and resvg draw charts at the end of a
// canary or a maintenance window), no AWS SDK package (an environment's first AWS call loads them) and no Express
// (Bolt's HTTPReceiver serves the requests), nor Socket Mode's client and undici, nor the OAuth installer. Every module the process loads is recorded, ESM through a loader hook
// and CommonJS from the require cache at exit, so a module loaded either way is seen.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';
import { exampleConfigWithoutSchedules } from './support/sandbox.js';

const ROOT = new URL('..', import.meta.url).pathname;
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** Writes the recorders into `dir`: every module the process loads ends up, one path or URL a line, in `dir`/loaded. */
function recorders(dir: string): { esm: string; cjs: string; loaded: string } {
  const loaded = join(dir, 'loaded');
  writeFileSync(loaded, '');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(loaded)}, url + '\\n'); return next(url, context); }\n`);
  const esm = join(dir, 'register.mjs');
  writeFileSync(esm, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const cjs = join(dir, 'cache.cjs');
  writeFileSync(cjs, `process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(loaded)}, Object.keys(require.cache).join('\\n') + '\\n'));\n`);
  return { esm, cjs, loaded };
}

describe('the idle production bot', () => {
  let slack: FakeSlack;
  const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
  beforeAll(async () => {
    slack = await startFakeSlack({ botToken });
  });
  afterAll(async () => slack?.close());

  it('has loaded no sandbox, playground, ECharts, zrender, resvg, AWS SDK, Express, Socket Mode nor OAuth module', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-modules-'));
    const rec = recorders(dir);
    const env = {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
      SLACK_API_URL: slack.url,
      PORT: '0',
      HOST: '127.0.0.1',
      OPS_CONFIG: exampleConfigWithoutSchedules(), // no reminder or startup due while it idles
      DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      DRAIN_NOTICE_MS: '0',
      AWS_REGION: 'ap-northeast-1',
    };
    const bot = spawn(process.execPath, ['--import', TSX, '--import', rec.esm, '--require', rec.cjs, join(ROOT, 'src/cli.ts')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bot.stdout.on('data', (d: Buffer) => (out += d.toString()));
    bot.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => bot.once('exit', (code) => r(code)));
    // Act: started, and ready by its own health check — then stopped, which writes the CommonJS half of the record.
    const port = await new Promise<number>((resolve, reject) => {
      bot.stdout.on('data', () => {
        const m = /"port":(\d+)[^\n]*listening for Slack/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      bot.once('exit', () => reject(new Error(`the bot exited before listening:\n${out.slice(-3000)}`)));
    });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    bot.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Assess
    const loaded = readFileSync(rec.loaded, 'utf8').split('\n').filter(Boolean).map((l) => (l.startsWith('file:') ? new URL(l).pathname : l));
    const ours = (p: string) => p.startsWith(ROOT) && !p.includes('/node_modules/');
    // Not vacuous: both halves recorded something the bot needs.
    expect(loaded).toContain(join(ROOT, 'src/main.ts'));
    expect(loaded.some((p) => p.includes('/node_modules/better-sqlite3/'))).toBe(true);
    expect(loaded.filter((p) => ours(p) && /^(sandbox|playground)\//.test(p.slice(ROOT.length)))).toEqual([]);
    expect(loaded.filter((p) => /\/node_modules\/(echarts|zrender|@resvg)\//.test(p))).toEqual([]);
    // No AWS SDK at all (issue 23, session 6): the client packages, their smithy runtime and STS load with an
    // environment's first AWS call (src/aws/sdk.ts), ~12 MB an idle bot does not hold.
    expect(loaded.filter((p) => /\/node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//.test(p))).toEqual([]);
    // Bolt's HTTPReceiver serves Slack's requests; Express (which Bolt's own entry loads for ExpressReceiver) is not loaded.
    expect(loaded.filter((p) => /\/node_modules\/(express|body-parser)\//.test(p))).toEqual([]);
    expect(loaded.some((p) => p.includes('/node_modules/@slack/bolt/dist/receivers/HTTPReceiver.js'))).toBe(true);
    // Nor Socket Mode's client and undici, nor the OAuth installer (issue 23, tenth session): Bolt requires them as it
    // loads; in HTTP mode their modules are stand-ins that load the real ones only if read (src/slack/bolt.ts).
    expect(loaded.filter((p) => /\/node_modules\/(@slack\/socket-mode|undici|ws)\//.test(p))).toEqual([]);
    expect(loaded.filter((p) => /\/node_modules\/@slack\/oauth\/dist\/(?!index\.js$)/.test(p))).toEqual([]);
    expect(loaded.some((p) => p.includes('/node_modules/@slack/bolt/dist/App.js'))).toBe(true);
  }, 60_000);
});
