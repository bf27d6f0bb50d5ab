// `npm start` with no Slack credentials (playground/cli.ts): the bot, the AWS sandbox and a local Slack stand-in, all on loopback.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpsConfig } from '../src/config/schema.js';
import { loadConfig } from '../src/config/load.js';
import { readEnv } from '../src/env.js';
import { createLog, type Log } from '../src/log.js';
import { createBot, type Bot } from '../src/main.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { startPlaygroundServer, type PlaygroundPerson } from './server.js';
import { slackClient } from './slack-client.js';
import { startSandboxFromConfig } from '../sandbox/start.js';
import type { SandboxServer } from '../sandbox/server.js';

/**
 * The people of the playground. The example config lets S0SRE0001 operate prod and S0LEADS01 approve it: two SREs and a
 * lead, so "a second person approves" can be tried; Dana is in no group, so a refusal can be tried too.
 */
export const PEOPLE: readonly PlaygroundPerson[] = [
  { id: 'U0SRE0001', name: 'Aki (SRE)', role: 'operates prod' },
  { id: 'U0SRE0002', name: 'Ben (SRE)', role: 'operates prod' },
  { id: 'U0LEAD001', name: 'Lee (lead)', role: 'operates and approves prod' },
  { id: 'U0DEV0001', name: 'Dana (dev)', role: 'dev only' },
] as const;
const OPERATORS = ['U0SRE0001', 'U0SRE0002', 'U0LEAD001'];
const APPROVERS = ['U0LEAD001'];
const BOT_NAME = 'ecs-chatops';

/** Every user group the config names gets members: operate groups the SREs and the lead, approve groups the lead only. */
export function playgroundGroups(config: OpsConfig): { members: Record<string, string[]>; handles: Record<string, string> } {
  const members: Record<string, Set<string>> = {};
  const handles: Record<string, string> = {};
  for (const env of Object.values(config.environments)) {
    for (const g of env.permissions.operate.filter((x) => x.startsWith('S'))) {
      for (const u of OPERATORS) (members[g] ??= new Set()).add(u);
      handles[g] ??= 'sre';
    }
    for (const g of env.permissions.approve.filter((x) => x.startsWith('S'))) {
      for (const u of APPROVERS) (members[g] ??= new Set()).add(u);
      handles[g] = 'leads';
    }
  }
  return { members: Object.fromEntries(Object.entries(members).map(([g, s]) => [g, [...s]])), handles };
}

export interface Playground {
  /** The page to open. */
  url: string;
  bot: Bot;
  fake: FakeSlack;
  sandbox: SandboxServer;
  config: OpsConfig;
  close(): Promise<void>;
}

export interface PlaygroundOptions {
  config: OpsConfig;
  /** Preferred port of the page (falls back to a free one when taken); 0 = any. */
  port?: number;
  /** The run store; the playground's world is new at each start, so its runs start anew too. */
  databaseUrl?: string;
  log?: Log;
  /** Seconds a task takes to start and a Route 53 change to go INSYNC: a few, so progress can be watched. */
  startDelaySeconds?: number;
  route53SyncSeconds?: number;
  statusUpdateIntervalMs?: number;
}

/** Starts the sandbox, the fake Slack, the bot between them and the page, in this process; every part on 127.0.0.1. */
export async function startPlayground(opts: PlaygroundOptions): Promise<Playground> {
  const { config } = opts;
  const sandbox = await startSandboxFromConfig(config, {
    realTime: true,
    world: { startDelaySeconds: opts.startDelaySeconds ?? 3, route53SyncSeconds: opts.route53SyncSeconds ?? 5 },
  });
  // Fresh per start, never a real credential: the fake issues this token and the bot signs nothing with it elsewhere.
  const botToken = `xoxb-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const groups = playgroundGroups(config);
  const channels = Object.fromEntries(Object.entries(config.environments).map(([name, e]) => [e.channel, name]));
  const fake = await startFakeSlack({
    botToken,
    userGroups: groups.members,
    users: Object.fromEntries(PEOPLE.map((p) => [p.id, { name: p.name.split(' ')[0]!.toLowerCase(), real_name: p.name }])),
    channels,
    defaultTz: config.timezone,
    startTs: Math.floor(Date.now() / 1000),
  });
  const databaseUrl = opts.databaseUrl ?? 'file:./data/playground.db';
  if (databaseUrl.startsWith('file:')) {
    // Runs left by an earlier start point at a world that no longer exists: holding its locks would only confuse.
    const path = databaseUrl.slice('file:'.length);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  }
  const env = readEnv({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fake.url,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    STATUS_UPDATE_INTERVAL_MS: String(opts.statusUpdateIntervalMs ?? 1000),
  });
  const log = opts.log ?? createLog({ level: 'warn', secrets: [botToken, signingSecret] });
  const bot = await createBot({ env, config, log, awsClientOptions: sandbox.clientOptions, owner: 'playground' });
  const { url: botUrl } = await bot.start();
  const client = slackClient({ baseUrl: botUrl!, signingSecret, fakeSlack: fake, defaultChannel: Object.keys(channels)[0] ?? 'C0DEV0001' });
  const page = await startPlaygroundServer({
    fake,
    client,
    sandboxUrl: sandbox.url,
    config,
    people: [...PEOPLE],
    groups: groups.handles,
    botName: BOT_NAME,
    port: opts.port ?? 3030,
    // The language switch: every playground person's Slack locale, and every environment's channel language.
    language: {
      get: () => config.language,
      set: (lang) => {
        for (const p of PEOPLE) fake.setUser(p.id, { locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
        config.language = lang;
        for (const e of Object.values(config.environments)) e.language = lang;
        bot.deps.people.forget();
      },
    },
  });
  // Links to a run's message (auth.test's url + /archives/…) lead to the fake Slack, which sends them on to this page.
  fake.openMessagesAt(page.url);
  return {
    url: page.url,
    bot,
    fake,
    sandbox,
    config,
    close: async () => {
      await page.close();
      await bot.stop();
      await fake.close();
      await sandbox.close();
    },
  };
}

/** OPS_CONFIG when set, else the example config (from the working directory, or beside the source). */
export function playgroundConfigPath(env: NodeJS.ProcessEnv): string {
  if (env.OPS_CONFIG) return env.OPS_CONFIG;
  const here = resolve('ops.example.yml');
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../ops.example.yml', import.meta.url));
}

export async function startLocal(opts: { argv: string[]; env: NodeJS.ProcessEnv }): Promise<void> {
  const path = playgroundConfigPath(opts.env);
  const config = loadConfig(path);
  const wanted = opts.env.PLAYGROUND_PORT ? Number(opts.env.PLAYGROUND_PORT) : 3030;
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) throw new Error(`PLAYGROUND_PORT must be a TCP port number, not ${JSON.stringify(opts.env.PLAYGROUND_PORT)}`);
  const playground = await startPlayground({ config, port: wanted });
  // From the process's start (tsx included), so the number is what a person waits after pressing Enter.
  const seconds = process.uptime().toFixed(1);
  const mb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  process.stdout.write(
    `ecs-chatops playground ready at ${playground.url} — Slack and AWS simulated on this machine (config ${path}; ready in ${seconds} s, ${mb} MB). Ctrl-C stops it.\n`,
  );
  const stop = () => {
    void playground.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
