// Two entries, two promises. The product entry (src/cli.ts, compiled to what the Docker image runs) with no Slack
// variables exits 1 naming each variable and where the playground is — it never opens the playground on the production
// ops.yml. The dev entry (playground/cli.ts, `npm start`) with no Slack variables opens the playground as before.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * Runs a TypeScript entry with exactly `env` (no inherited Slack variable can leak in) and settles on whichever comes
 * first: the process exits, or it prints that a playground is ready (then it is killed, and the outcome says so).
 */
function runEntry(entry: string, args: string[], env: Record<string, string>, cwd = ROOT) {
  const proc = spawn(process.execPath, ['--import', TSX, join(ROOT, entry), ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const outcome = new Promise<{ exit: number | null; playgroundUrl?: string }>((resolve) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /playground ready at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (ready) resolve({ exit: null, playgroundUrl: ready[1]! });
    });
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.once('exit', (code) => resolve({ exit: code }));
  });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  return { outcome, out: () => out, err: () => err, stop };
}

describe('the product entry (src/cli.ts, the Docker image CMD)', () => {
  it('with no Slack variables exits 1, naming each variable and how to open the playground, and opens nothing', async () => {
    const bot = runEntry('src/cli.ts', [], { OPS_CONFIG: 'ops.example.yml', PLAYGROUND_PORT: '0' });
    try {
      const result = await bot.outcome;
      expect(result.playgroundUrl, 'the product entry must never open the playground').toBeUndefined();
      expect(result.exit).toBe(1);
      const message = bot.err();
      for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) expect(message).toContain(name);
      expect(message).toContain('run `npm start` in a checkout of the repository');
      expect(message).not.toMatch(/\n\s+at /);
    } finally {
      await bot.stop();
    }
  }, 30_000);

  it('refuses --local and --sandbox, which belong to the dev entry, and says where they went', async () => {
    for (const flag of ['--local', '--sandbox']) {
      const secret = randomBytes(16).toString('hex');
      const bot = runEntry('src/cli.ts', [flag], { SLACK_BOT_TOKEN: `xoxb-${randomBytes(8).toString('hex')}`, SLACK_SIGNING_SECRET: secret, OPS_CONFIG: 'ops.example.yml', PORT: '0', HOST: '127.0.0.1', PLAYGROUND_PORT: '0' });
      try {
        const result = await bot.outcome;
        expect(result.playgroundUrl).toBeUndefined();
        expect(result.exit).toBe(1);
        expect(bot.err()).toContain(`${flag} (`);
        expect(bot.err()).toContain(`npm start -- ${flag}`);
        expect(bot.err() + bot.out()).not.toContain(secret);
      } finally {
        await bot.stop();
      }
    }
  }, 30_000);
});

describe('the dev entry (playground/cli.ts, `npm start`)', () => {
  it('with no Slack variables opens the playground on the example config, from any working directory', async () => {
    // A directory of its own: the playground's database goes to ./data there, and the example config is found beside the source.
    const cwd = mkdtempSync(join(tmpdir(), 'ecs-chatops-npm-start-'));
    const dev = runEntry('playground/cli.ts', [], { PLAYGROUND_PORT: '0' }, cwd);
    try {
      const result = await dev.outcome;
      expect(result.exit, `the dev entry exited:\n${dev.err().slice(-2000)}`).toBeNull();
      expect(dev.out()).toContain(`config ${join(ROOT, 'ops.example.yml')}`);
      const page = await fetch(result.playgroundUrl!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      const script = await fetch(new URL('assets/app.js', result.playgroundUrl));
      expect(script.status).toBe(200);
    } finally {
      await dev.stop();
    }
  }, 60_000);
});
