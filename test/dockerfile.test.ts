// The Dockerfile cannot be built here (no Docker engine), so its two stages are carried out by hand, instruction by
// instruction, in temp dirs: the build stage's COPYs and `npm run build`, then the runtime stage's COPYs, ENV and
// CMD. The bot started that way must answer /healthz, and the image's own HEALTHCHECK command must pass against it.
// The same build is the path `npm run build && node dist/src/cli.js` takes (once test/build.test.ts, which ran a second
// whole tsc emit of the same sources: 20 CPU-seconds): it answers a signed /ops help, and bad config or environment
// stop it with a clear message and no stack trace.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerOf, startFakeSlack, type FakeSlack } from './support/fake-slack.js';
import { slackClient } from './support/slack-client.js';

const ROOT = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);
const docker = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Instruction {
  op: string;
  args: string;
}

/** Instructions per stage, continuation lines joined, comments dropped. */
function stages(text: string): Instruction[][] {
  const out: Instruction[][] = [];
  const logical = text.replace(/\\\n\s*/g, ' ').split('\n');
  for (const line of logical) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m || line.trim().startsWith('#')) continue;
    if (m[1] === 'FROM') out.push([]);
    out.at(-1)?.push({ op: m[1]!, args: m[2]! });
  }
  return out;
}

/** WORKDIR /app maps to `dir`; a relative destination lands under it. */
const into = (dir: string, dest: string) => join(dir, dest.replace(/^\/app\/?/, ''));

/** Copies like COPY: node_modules is linked, not copied (the build stage's `npm ci` gives the same tree as here). */
function copy(from: string, to: string, intoDir: boolean): void {
  const target = intoDir ? join(to, from.split('/').at(-1)!) : to;
  mkdirSync(dirname(target), { recursive: true });
  if (from.endsWith('node_modules')) symlinkSync(from, target, 'dir');
  else cpSync(from, target, { recursive: true });
}

/** Every file under `dir`, relative to it; node_modules (linked, and the same tree as here) is not walked. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('node_modules/'));
}

/** The module specifiers a compiled file imports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `node dist/src/cli.js` in `cwd` with exactly `env` (and PATH). */
function startBuilt(cwd: string, env: Record<string, string>) {
  const proc = spawn(process.execPath, ['dist/src/cli.js'], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  /** The port it listens on, from its own log line (PORT=0: the kernel picks a free one, so parallel files never collide). */
  const listening = new Promise<number>((resolve, reject) => {
    proc.stdout.on('data', () => {
      const m = /"port":(\d+)[^\n]*listening for Slack/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', () => reject(new Error(`the built bot exited before listening:\n${out.slice(-2000)}${err.slice(-2000)}`)));
  });
  // The bad-config tests expect an exit and never await it.
  listening.catch(() => undefined);
  return { proc, exited, listening, out: () => out, err: () => err };
}

describe('Dockerfile, carried out by hand', () => {
  const [build, runtime] = stages(docker);
  const work = mkdtempSync(join(tmpdir(), 'ecs-chatops-image-'));
  const buildDir = join(work, 'build');
  const runDir = join(work, 'run');
  const env: Record<string, string> = {};
  let slack: FakeSlack;
  const botToken = `xoxb-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    slack = await startFakeSlack({ botToken });
    mkdirSync(buildDir, { recursive: true });
    for (const i of build!) {
      if (i.op === 'COPY') {
        const parts = i.args.split(/\s+/);
        const dest = parts.pop()!;
        for (const src of parts) copy(join(ROOT, src), into(buildDir, dest), parts.length > 1 || dest.endsWith('/'));
      } else if (i.op === 'RUN' && /\bnpm ci\b/.test(i.args)) {
        copy(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'), false);
      } else if (i.op === 'RUN' && /\bnpm run build\b/.test(i.args)) {
        await run('npm', ['run', 'build'], { cwd: buildDir });
      }
    }
    mkdirSync(runDir, { recursive: true });
    for (const i of runtime!) {
      if (i.op === 'COPY') {
        const fromBuild = /^--from=build\s+/.test(i.args);
        const parts = i.args.replace(/^--from=build\s+/, '').split(/\s+/);
        const dest = parts.pop()!;
        for (const src of parts) copy(fromBuild ? into(buildDir, src) : join(ROOT, src), into(runDir, dest), parts.length > 1 || dest.endsWith('/'));
      } else if (i.op === 'ENV') {
        for (const [, k, v] of i.args.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
      }
    }
  }, 180_000);
  afterAll(async () => slack?.close());

  it('has a build stage and a runtime stage that runs as the unprivileged node user', () => {
    expect([build, runtime].every(Boolean)).toBe(true);
    expect(runtime!.filter((i) => i.op === 'USER').at(-1)?.args).toBe('node');
    expect(runtime!.some((i) => i.op === 'RUN' && /npm (ci|install)/.test(i.args))).toBe(false);
  });

  it('holds no sandbox or playground code: not in dist/ after npm run build, not among the files the runtime stage copies', () => {
    const built = filesUnder(join(buildDir, 'dist'));
    const image = filesUnder(runDir);
    // Not vacuous: the product is there.
    expect(built).toContain('src/cli.js');
    expect(image).toContain('dist/src/cli.js');
    const devTool = (f: string) => /(^|\/)(sandbox|playground)(\/|$)/.test(f) || f === 'src/local.js' || f === 'dist/src/local.js';
    expect(built.filter(devTool)).toEqual([]);
    expect(image.filter(devTool)).toEqual([]);
    // Under any other name: no compiled file imports a dev tool's module.
    const js = image.filter((f) => f.endsWith('.js'));
    const reaching = js.flatMap((f) => importsOf(join(runDir, f)).filter((spec) => /(^|\/)(sandbox|playground)\/|(^|\/)local\.js$/.test(spec)).map((spec) => `${f} → ${spec}`));
    expect(reaching).toEqual([]);
  });

  it("its CMD without the Slack variables exits 1, names each variable and says how to open the playground", async () => {
    const cmd = JSON.parse(runtime!.find((i) => i.op === 'CMD')!.args) as string[];
    // What `docker run` gives it with no -e: the Dockerfile's ENV and nothing else.
    const bot = spawn(process.execPath, cmd.slice(1), { cwd: runDir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bot.stdout.on('data', (d: Buffer) => (out += d.toString()));
    bot.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => bot.once('exit', resolve));
    expect(code).toBe(1);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) expect(out).toContain(name);
    expect(out).toContain('`npm start` in a checkout');
    expect(out).not.toContain('playground ready');
  }, 30_000);

  it("starts from the runtime stage's files alone, answers /healthz, and its HEALTHCHECK passes", async () => {
    const cmd = JSON.parse(runtime!.find((i) => i.op === 'CMD')!.args) as string[];
    const healthcheck = /CMD\s+(.*)$/.exec(runtime!.find((i) => i.op === 'HEALTHCHECK')!.args)![1]!;
    const port = String(await freePort());
    const data = join(work, 'data');
    mkdirSync(data);
    const procEnv = {
      PATH: process.env.PATH ?? '',
      ...env,
      // What `docker run` would add: the config mounted, the data volume, Slack's credentials; loopback only here.
      OPS_CONFIG: join(runDir, 'ops.example.yml'),
      DATABASE_URL: `file:${join(data, 'ecs-chatops.db')}`,
      PORT: port,
      HOST: '127.0.0.1',
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
      SLACK_API_URL: slack.url,
      AWS_REGION: 'ap-northeast-1',
    };
    expect(cmd[0]).toBe('node');
    const bot = spawn(process.execPath, cmd.slice(1), { cwd: runDir, env: procEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bot.stdout.on('data', (d: Buffer) => (out += d.toString()));
    bot.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        bot.stdout.on('data', () => out.includes('listening for Slack') && resolve());
        bot.once('exit', () => reject(new Error(`the bot exited:\n${out.slice(-2000)}`)));
      });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch((e: unknown) => { throw new Error(`${String(e)}\n${out.slice(-3000)}`); });
      expect(health.status).toBe(200);
      // The HEALTHCHECK line itself, as Docker runs it inside the container (sh -c, the container's env).
      await expect(run('sh', ['-c', healthcheck], { cwd: runDir, env: procEnv })).resolves.toBeDefined();
    } finally {
      bot.kill('SIGTERM');
    }
    // And it fails when nothing answers: the check is not vacuous.
    await new Promise((r) => bot.once('exit', r));
    await expect(run('sh', ['-c', healthcheck], { cwd: runDir, env: procEnv })).rejects.toThrow();
  }, 60_000);

  // The path `npm run build && node dist/src/cli.js` takes, from the runtime stage's dist.
  it('answers /healthz and a signed /ops help in HTTP mode', async () => {
    const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
    const signingSecret = randomBytes(16).toString('hex');
    const slack = await startFakeSlack({ botToken });
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-build-'));
    const bot = startBuilt(runDir, { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.url, PORT: '0', HOST: '127.0.0.1', OPS_CONFIG: 'ops.example.yml', DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, AWS_REGION: 'ap-northeast-1' });
    try {
      const port = await bot.listening;
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const before = slack.replies().length;
      const res = await slackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fakeSlack: slack }).command('/ops help');
      expect(res.status).toBe(200);
      expect(await answerOf(res, slack, before)).toContain('/maintenance start <env>');
      expect(bot.out()).not.toContain(botToken);
      expect(bot.out()).not.toContain(signingSecret);
    } finally {
      bot.proc.kill('SIGTERM');
      await bot.exited;
      await slack.close();
    }
  }, 30_000);

  it('stops on a bad config with the path and the fix, and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-badcfg-'));
    const cfg = join(dir, 'ops.yml');
    writeFileSync(cfg, 'environments:\n  dev:\n    region: ap-northeast-1\n    channel: C0DEV0001\n    cluster: c\n    services:\n      a: { dependsOn: [b] }\n      b: { dependsOn: [a] }\n');
    const bot = startBuilt(runDir, { SLACK_BOT_TOKEN: `xoxb-${randomBytes(8).toString('hex')}`, SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'), OPS_CONFIG: cfg });
    expect(await bot.exited).toBe(1);
    expect(bot.err()).toContain('environments.dev.services: dependency cycle: a → b → a');
    expect(bot.err()).not.toMatch(/\n\s+at /);
  }, 20_000);

  it('stops on a bad environment naming each variable and how to set it', async () => {
    const bot = startBuilt(runDir, { SLACK_BOT_TOKEN: 'not-a-token', OPS_CONFIG: 'ops.example.yml' });
    expect(await bot.exited).toBe(1);
    expect(bot.err()).toContain('SLACK_BOT_TOKEN: must be the bot token (starts with xoxb-)');
    expect(bot.err()).toContain('SLACK_SIGNING_SECRET: is required in HTTP mode');
    expect(bot.err()).not.toContain('not-a-token');
    expect(bot.err()).not.toMatch(/\n\s+at /);
  }, 20_000);
});
