// The Dockerfile cannot be built here (no Docker engine), so its two stages are carried out by hand, instruction by
// instruction, in temp dirs: the build stage's COPYs and `npm run build`, then the runtime stage's COPYs, ENV and
// CMD. The bot started that way must answer /healthz, and the image's own HEALTHCHECK command must pass against it.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';

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

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
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
});
