// Ack latency: signed slash commands and button presses at 1, 10 and 100 concurrent, against the bot and against
// a bare Bolt app that only acks (the floor), side by side in one run. Goal: the median over trials of the bot's p99
// ÷ the floor's p99 within ×1.3 (each trial measures both back to back).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { startFakeSlack } from '../playground/fake-slack.js';
import { slackClient } from '../playground/slack-client.js';
import { startSandbox } from '../test/support/sandbox.js';

const ROOT = new URL('..', import.meta.url).pathname;
import { botEnv, deployedMallocEnv, deployedNodeFlags, summary, timed } from './measure.js';

/** Starts a child process and resolves with the port it reports (a line `PORT n`, or the bot's "listening" log). */
function child(args: string[], env: Record<string, string>): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)|"port":(\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1] ?? m[2]}`, proc });
    });
    proc.once('exit', () => reject(new Error(`child exited: ${out.slice(-500)}`)));
  });
}

/** CPU time a process has used so far, in ms (user + system, from /proc; 0 where there is none). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** Resolves once the process used under 1 ms of CPU in 50 ms (its queued work done), or after 5 s. */
async function settled(pid: number | undefined): Promise<void> {
  const until = Date.now() + 5000;
  let last = cpuMs(pid);
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    const now = cpuMs(pid);
    if (now - last < 1) return;
    last = now;
  }
}

/** SIGTERM, then the exit (SIGKILL after 20 s: a bench must end). */
function stopped(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** Requests per trial at a concurrency (see the loop below), or as BENCH_ACK_SAMPLES says for 1, 10 and 100. */
function samplesAt(concurrency: number): number {
  const given = (process.env.BENCH_ACK_SAMPLES ?? '').split(/[ ,]+/).filter(Boolean).map(Number);
  const i = concurrency === 1 ? 0 : concurrency === 10 ? 1 : 2;
  return given[i] ?? (concurrency === 1 ? 500 : 1000);
}

export async function run(): Promise<Record<string, unknown>> {
  // The bot and the floor each run in their own process, as in production; this process only sends load and plays Slack.
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const aws = await startSandbox();
  const botToken = `xoxb-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startFakeSlack({ botToken });
  const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-ack-'));
  // LOG_LEVEL info: the child prints its port on the "listening" line.
  const env = { ...botEnv({ botToken, signingSecret, slackUrl: slack.url, awsUrl: aws.server.url, dir }), LOG_LEVEL: 'info' };
  // The bot with the Docker image's node flags; BENCH_BOT_FLAGS adds some (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
  // to see its ack path, `--import ./bench/loop-delay.mjs` with LOOP_DELAY_FILE for its event loop's delay). The floor runs with Node's defaults, so the flags' cost shows in the ratio.
  const bot = await child([...deployedNodeFlags(), ...(process.env.BENCH_BOT_FLAGS ?? '').split(' ').filter(Boolean), 'dist/src/cli.js'], { ...env, ...deployedMallocEnv(), ...(process.env.LOOP_DELAY_FILE ? { LOOP_DELAY_FILE: process.env.LOOP_DELAY_FILE } : {}) });
  // BENCH_BARE_FLAGS: node flags for the floor too (the bot's GC settings on the floor, say), in experiments.
  const bareFlags = (process.env.BENCH_BARE_FLAGS ?? '').split(' ').filter(Boolean);
  const bare = await child([...bareFlags, '--import', 'tsx', 'bench/bare-bolt.ts'], { ...env, ...(process.env.BENCH_BARE_LISTENERS ? { BENCH_BARE_LISTENERS: process.env.BENCH_BARE_LISTENERS } : {}), ...(process.env.LOOP_DELAY_FILE ? { LOOP_DELAY_FILE: process.env.LOOP_DELAY_FILE } : {}) });
  const botProc = bot.proc;
  const bareProc = bare.proc;
  const t = { slack };
  const botClient = slackClient({ baseUrl: bot.url, signingSecret, fakeSlack: slack });
  const bareClient = slackClient({ baseUrl: bare.url, signingSecret, fakeSlack: slack });
  // A press of a run button as Slack sends it (here on a run that does not exist: the bot looks it up and refuses).
  const press = () =>
    stringify({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: 'U0DEV0001', username: 'dev', team_id: 'T0FAKE0001' },
        api_app_id: 'A0FAKE',
        container: { type: 'message', message_ts: '1.1', channel_id: 'C0DEV0001', is_ephemeral: false },
        trigger_id: '1.2.3',
        team: { id: 'T0FAKE0001', domain: 'fake' },
        channel: { id: 'C0DEV0001', name: 'dev' },
        response_url: t.slack.responseUrl(`bench-${Math.random()}`, { user: 'U0DEV0001', channel: 'C0DEV0001' }),
        actions: [{ action_id: 'run.retry', block_id: 'b', value: '{"r":"r-none-000000","n":"x"}', type: 'button', action_ts: '1.1', text: { type: 'plain_text', text: 'Retry' } }],
      }),
    });
  const out: Record<string, unknown> = {};
  // Trials per level: each trial measures the floor and the bot back to back (the order alternating, ABBA) and gives
  // one p99 ratio; the figure is the median of the trials' ratios. On a shared 2-core machine the other work drifts
  // within seconds, so a ratio of two pooled p99s measured minutes apart said more about the neighbours than the bot.
  const trials = Number(process.env.BENCH_ACK_TRIALS ?? 7);
  out.trials = trials;
  out['requests per trial at 1 / 10 / 100'] = [1, 10, 100].map(samplesAt).join(' / ');
  out['load average at start (1/5/15 min)'] = loadavg().map((l) => l.toFixed(1)).join(' / ');
  const kinds = { command: (c: ReturnType<typeof slackClient>) => c.command('/ops help'), press: (c: ReturnType<typeof slackClient>) => c.raw(press()) };
  try {
    // BENCH_ACK_LEVELS=100 measures one level (a profile of the @100 tail, say).
    const levels = (process.env.BENCH_ACK_LEVELS ?? '1 10 100').split(/[ ,]+/).filter(Boolean).map(Number);
    for (const concurrency of levels) {
      // Requests per trial: 500 at 1 concurrent, 1,000 at 10 and 100. The p99 of a trial is then its 5th (10th)
      // slowest request; with 100 / 300 / 500 (until the eighth session) it was the 2nd / 4th / 5th, and the trials'
      // ratios spread from ×0.6 to ×3.3 for one build. BENCH_ACK_SAMPLES="100 300 500" measures as before.
      const per = samplesAt(concurrency);
      // Warm both (JIT, connections, the store's statements).
      for (const c of [bareClient, botClient]) {
        await timed(50, 5, async () => void (await kinds.command(c)));
        await timed(50, 5, async () => void (await kinds.press(c)));
      }
      // BENCH_ACK_KINDS=press measures one kind.
      const only = (process.env.BENCH_ACK_KINDS ?? 'command press').split(/[ ,]+/);
      for (const [kind, send] of Object.entries(kinds).filter(([k]) => only.includes(k))) {
        const ratios: number[] = [];
        const bot: number[] = [];
        const floor: number[] = [];
        // CPU each process spent per request: steadier than latency on a shared machine, and what latency becomes
        // once the cores are saturated. The bot's includes its follow-ups (a press's lookup and reply).
        const cpu = { bot: 0, floor: 0 };
        for (let i = 0; i < trials; i += 1) {
          const measure = async (c: ReturnType<typeof slackClient>) => {
            const proc = c === botClient ? botProc : bareProc;
            const before = cpuMs(proc.pid);
            const samples = await timed(per, concurrency, async () => void (await send(c)));
            // The bot's follow-ups of this batch finish before the CPU is read (a quiet moment, not a fixed wait).
            if (c === botClient) await settled(botProc.pid);
            cpu[c === botClient ? 'bot' : 'floor'] += cpuMs(proc.pid) - before;
            return samples;
          };
          let f: number[];
          let b: number[];
          if (i % 2 === 0) {
            f = await measure(bareClient);
            b = await measure(botClient);
          } else {
            b = await measure(botClient);
            f = await measure(bareClient);
          }
          ratios.push(summary(b).p99 / summary(f).p99);
          bot.push(...b);
          floor.push(...f);
        }
        const c = summary(bot);
        const f = summary(floor);
        const sorted = [...ratios].sort((x, y) => x - y);
        const median = sorted[Math.floor(sorted.length / 2)]!;
        out[`${kind}@${concurrency} p50/p99 ms (floor), all trials`] = `${c.p50}/${c.p99} (${f.p50}/${f.p99})`;
        out[`${kind}@${concurrency} p99 ratio per trial`] = sorted.map((r) => r.toFixed(2)).join(' ');
        out[`${kind}@${concurrency} p99 ratio`] = Number(median.toFixed(2));
        out[`${kind}@${concurrency} CPU ms per request (floor)`] = `${(cpu.bot / (per * trials)).toFixed(3)} (${(cpu.floor / (per * trials)).toFixed(3)})`;
      }
    }
    out['load average at end (1/5/15 min)'] = loadavg().map((l) => l.toFixed(1)).join(' / ');
  } finally {
    // Wait for both to end: the bot writes its CPU profile (BENCH_BOT_FLAGS=--cpu-prof) on its way out, and its
    // last log lines would meet a closed pipe (EPIPE) if this process went first.
    await Promise.all([stopped(bot.proc), stopped(bare.proc)]);
    await slack.close();
    await aws.close();
  }
  return out;
}
