// Builds the bot: the only place that turns the environment into clients, stores and receivers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, AwsLambdaReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { registerHandlers } from '../handlers/index.js';
import { runStatus } from '../blocks/run.js';
import { createAwsPorts, type AwsPorts } from './adapters/index.js';
import type { ClientOptions } from './aws/clients.js';
import { envLanguage, type OpsConfig } from './config/schema.js';
import { PeopleLanguages } from './slack/locale.js';
import { bolt } from './slack/bolt.js';
import { slackFetch } from './slack/fetch.js';
import { systemClock, type Clock } from './clock.js';
import type { Deps } from './deps.js';
import { receiverMode, type BotEnv } from './env.js';
import { createLog, forSlack, type Log } from './log.js';
import { BODIES, buildOperations, commandSpecs, COMMANDS } from './registry.js';
import { RunEngine } from './runs/engine.js';
import { ownerIsGone, processOwner } from './runs/identity.js';
import { Access } from './runs/permissions.js';
import { Scheduler } from './runs/scheduler.js';
import { StatusPublisher } from './slack/publisher.js';
import { filePoster } from './slack/files.js';
import { scheduleReminder } from '../blocks/schedule.js';
import { MAX_SLACK_BODY, RequestGuard } from './slack/guard.js';
import { isStoreUnavailable } from './store/outage.js';
import { Store } from './store/store.js';

/** Bolt's LogLevel.INFO (the enum lives in Bolt's entry). */
const INFO = 'info' as LogLevel;

export interface BotOptions {
  env: BotEnv;
  config: OpsConfig;
  log?: Log;
  clock?: Clock;
  /** SDK client options for every environment (the sandbox's endpoint and test credentials). */
  awsClientOptions?: ClientOptions;
  aws?: AwsPorts;
  failpoint?: (name: string) => void;
  /** A name for this replica in run leases. */
  owner?: string;
  /** How often the scheduler looks for due fires (tests use a short one). */
  schedulerEveryMs?: number;
  /** AWS Lambda: Bolt's Lambda receiver instead of the HTTP server or Socket Mode. */
  lambdaReceiver?: AwsLambdaReceiver;
}

export interface Bot {
  app: App;
  deps: Deps;
  /** The gateways and ports the operations were wired with (tests reach AWS through them as the bot does). */
  aws: AwsPorts;
  publisher: StatusPublisher;
  /** Starts receiving: HTTP on env.PORT (0 = any free port) or Socket Mode. */
  start(): Promise<{ url?: string; port?: number }>;
  /** `noticeMs`: how long /healthz says 503 before the port closes (SIGTERM passes DRAIN_NOTICE_MS; tests 0). */
  stop(opts?: { noticeMs?: number }): Promise<void>;
  /** Readiness as /healthz reports it. */
  health(): Promise<Health>;
  /**
   * AWS Lambda's scheduled invocation: fire due schedules, drive runs for `budgetMs`, hand them back, send what the
   * messages must show. Bounded: returns within budgetMs + 15 s.
   */
  work(budgetMs: number): Promise<void>;
}

export interface Health {
  ok: boolean;
  draining: boolean;
  /** 'ok', or why the store cannot be used (no address: this body is readable by anyone who can reach the port). */
  store: string;
  /** Socket Mode only: 'connected', or why not. */
  slack?: string;
}

/** Looks for finished runs whose message is behind: every minute, those quiet for 10 s (their owner had its chance). */
const CATCH_UP = { everyMs: 60_000, quietMs: 10_000 } as const;
/** How long a readiness probe waits for the store: a load balancer's probe times out in a few seconds. */
const HEALTH_STORE_TIMEOUT_MS = 2000;
/** Bounds of the drain after SIGTERM: they add up to ≤ 20 s with DRAIN_NOTICE_MS ≤ 10 s, under a 30 s stop timeout. */
const DRAIN = { handOverMs: 10_000, closeMs: 3000, flushMs: 5000 } as const;

/** Settles when `p` does or after `ms`; true when `p` finished in time. A slow part of the drain is left behind, not waited for. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  clearTimeout(timer);
  return done;
}

/**
 * The Socket Mode receiver and what its connection is doing. The client retries apps.connections.open for ever and
 * only logs why it failed; that line is turned into one plain sentence and kept for /healthz.
 */
function socketModeReceiver(env: BotEnv, log: Log): { receiver: SocketModeReceiver; state: () => string; connect: () => void } {
  let state = 'connecting';
  let told = '';
  const slackLog = forSlack(log);
  const watched = {
    ...slackLog,
    error: (...m: unknown[]) => {
      const text = m.map((x) => (x instanceof Error ? x.message : String(x))).join(' ');
      const failed = /Failed to retrieve a new WSS URL \(error: (?:Error: )?(.*)\)/s.exec(text);
      if (failed) {
        const why = failed[1]!.replace(/\s+/g, ' ').slice(0, 200);
        state = `not connected: apps.connections.open failed (${why})`;
        if (why !== told) {
          told = why;
          log.error(
            { why },
            'cannot connect to Slack in Socket Mode: apps.connections.open failed — check that SLACK_APP_TOKEN is an app-level token (xapp-…) with connections:write, that Socket Mode is on in the app settings, and that this host reaches slack.com; retrying',
          );
        }
        return;
      }
      slackLog.error(...m);
    },
  };
  const receiver = new bolt.SocketModeReceiver({
    appToken: env.SLACK_APP_TOKEN!,
    logger: watched,
    logLevel: INFO,
    ...(env.SLACK_API_URL ? { installerOptions: { clientOptions: { slackApiUrl: env.SLACK_API_URL } } } : {}),
  });
  receiver.client.on('connected', () => {
    state = 'connected';
    told = '';
    log.info('connected to Slack in Socket Mode');
  });
  receiver.client.on('reconnecting', () => {
    if (state === 'connected') state = 'not connected: reconnecting';
  });
  receiver.client.on('disconnected', () => {
    if (state === 'connected') state = 'not connected: disconnected';
  });
  return {
    receiver,
    state: () => state,
    connect: () => {
      void receiver.start().catch((err: unknown) => {
        state = `not connected: ${err instanceof Error ? err.message : String(err)}`;
        log.error({ why: state }, 'Socket Mode gave up connecting (Slack refused the app token) — fix SLACK_APP_TOKEN and restart');
      });
    },
  };
}

export function secretsOf(env: BotEnv): string[] {
  return [env.SLACK_BOT_TOKEN, env.SLACK_SIGNING_SECRET, env.SLACK_APP_TOKEN].filter((s): s is string => typeof s === 'string');
}

export async function createBot(opts: BotOptions): Promise<Bot> {
  const { env, config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLog({ level: env.LOG_LEVEL, secrets: secretsOf(env) });
  const store = await Store.open(env.DATABASE_URL);
  const mode = receiverMode(env);
  const receiver =
    mode === 'http' && !opts.lambdaReceiver
      ? new bolt.HTTPReceiver({ signingSecret: env.SLACK_SIGNING_SECRET!, endpoints: '/slack/events', processBeforeResponse: false, logger: forSlack(log), bodyLimit: MAX_SLACK_BODY })
      : undefined;
  // Socket Mode, built here so its connection can be watched: health says whether it is up, the log says why not.
  const socket = mode === 'socket' && !opts.lambdaReceiver ? socketModeReceiver(env, log) : undefined;
  const app = new bolt.App({
    token: env.SLACK_BOT_TOKEN,
    logger: forSlack(log),
    logLevel: INFO,
    // No conversation store: nothing reads context.conversation, and Bolt's in-memory one builds an Error (a stack
    // trace) on every request that has none — a fifth of a millisecond of each ack under load (docs/decisions.md, issue 23).
    convoStore: false,
    ...(opts.lambdaReceiver ? { receiver: opts.lambdaReceiver } : receiver ? { receiver } : { receiver: socket!.receiver }),
    // Web API calls and respond() through node:http rather than the global fetch: a quarter of the CPU per call.
    clientOptions: { fetch: slackFetch(), ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}) },
  });

  const access = new Access(async (group) => (await app.client.usergroups.users.list({ usergroup: group })).users ?? [], () => clock.now());
  const aws = opts.aws ?? createAwsPorts(config, opts.awsClientOptions ?? {}, clock);
  const ops = buildOperations({ aws, access, files: filePoster(app.client, log) });
  const owner = opts.owner ?? processOwner();
  // eslint-disable-next-line prefer-const -- bound after the engine it listens to
  let publisher: StatusPublisher;
  const engine = new RunEngine({
    store,
    clock,
    log,
    config,
    access,
    ops,
    owner,
    ownerGone: (holder) => ownerIsGone(holder, owner),
    passive: Boolean(opts.lambdaReceiver),
    leaseMs: env.RUN_LEASE_MS,
    ...(opts.failpoint ? { failpoint: opts.failpoint } : {}),
    prepare: (run) => publisher.ensurePosted(run.id),
  });
  const scheduler = new Scheduler({
    store,
    engine,
    clock,
    config,
    log,
    post: async (channel, m) => {
      await app.client.chat.postMessage({ channel, text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) });
    },
    reminder: (s, at) => scheduleReminder(s, at, config.timezone, envLanguage(config, s.env)),
  });
  // The workspace's own URL (auth.test, once per process) makes message links open in the person's workspace; until it
  // is known, slack.com's redirect does the same for a signed-in person.
  let workspaceUrl = 'https://slack.com/';
  const WORKSPACE_URL_WAIT_MS = 2000;
  const learnWorkspaceUrl = () =>
    app.client.auth
      .test()
      .then((r) => {
        if (typeof r.url === 'string' && /^https?:\/\//.test(r.url)) workspaceUrl = r.url.endsWith('/') ? r.url : `${r.url}/`;
      })
      .catch((err: unknown) => log.warn({ err: String(err) }, 'auth.test failed: message links point at slack.com until the next start'));
  const messageLink = (channel: string, ts: string) => `${workspaceUrl}archives/${channel}/p${ts.replace('.', '')}`;
  const people = new PeopleLanguages({ lookup: async (user) => (await app.client.users.info({ user, include_locale: true })).user?.locale, clock, log });
  const deps: Deps = { config, log, clock, store, engine, scheduler, access, status: (envName) => aws.status(envName), ops, commands: commandSpecs(), messageLink, people };
  publisher = new StatusPublisher({
    client: app.client,
    engine,
    log,
    store,
    clock,
    ...(opts.failpoint ? { failpoint: opts.failpoint } : {}),
    intervalMs: env.STATUS_UPDATE_INTERVAL_MS,
    render: (run) => {
      const op = ops[run.kind];
      // The channel's message is in the environment's language (ops.yml `language`, docs/decisions.md issue 21).
      const lang = envLanguage(config, run.env);
      const title = op ? op.title(run.env, op.params.parse(run.params), lang) : `${run.kind} · ${run.env}`;
      const anytime = Object.entries(op?.anytime ?? {})
        .filter(([intent, states]) => (states ?? []).includes(run.state) && (op?.offers?.(run, intent) ?? true))
        .map(([intent]) => intent);
      return runStatus(run, { timezone: config.timezone, lang, now: clock.now(), title, anytime, ...(BODIES[run.kind] ? { body: BODIES[run.kind] } : {}) });
    },
  });
  registerHandlers(app, deps, COMMANDS);
  app.error(async (err) => {
    log.error({ err: { name: err.name, message: err.message } }, 'unhandled error in a Slack handler');
  });

  let server: Server | undefined;
  let draining = false;
  const health = async (): Promise<Health> => {
    if (draining) return { ok: false, draining: true, store: 'not checked while draining' };
    let store_ = 'ok';
    const probe = store.probe(clock.now()).catch((err: unknown) => {
      store_ = isStoreUnavailable(err) ? err.reason : 'the store refused a write';
    });
    if (!(await within(probe, HEALTH_STORE_TIMEOUT_MS))) store_ = `the store did not answer within ${HEALTH_STORE_TIMEOUT_MS / 1000} s`;
    if (socket) {
      const slack = socket.state();
      return { ok: store_ === 'ok' && slack === 'connected', draining: false, store: store_, slack };
    }
    return { ok: store_ === 'ok', draining: false, store: store_ };
  };
  return {
    app,
    deps,
    aws,
    publisher,
    health,
    async start() {
      // Listen for the other replicas' presses before driving anything (PostgreSQL; a no-op on SQLite).
      await store.signalsReady();
      // Links in the first replies name the workspace; a slow Slack delays the start by 2 s at most, never blocks it.
      await within(learnWorkspaceUrl(), WORKSPACE_URL_WAIT_MS);
      // Lambda: nothing runs between invocations; work() does it all, on the schedule's invocations.
      if (opts.lambdaReceiver) {
        await scheduler.syncConfig(Object.keys(ops));
        return {};
      }
      await engine.resumeAll();
      // Messages left showing an old state by a process that died after storing the run's final state.
      publisher.startCatchUp(CATCH_UP.everyMs, CATCH_UP.quietMs);
      engine.startSweeping();
      await scheduler.syncConfig(Object.keys(ops));
      scheduler.start(opts.schedulerEveryMs ?? 15_000);
      const guard = new RequestGuard(() => clock.now());
      server = createServer((req, res) => {
        if (req.method === 'GET' && req.url === '/healthz') {
          // Readiness, not liveness: 503 while draining or while the store cannot be read and written, so a load
          // balancer sends Slack's requests to a replica that can record them.
          void health().then((h) => {
            res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
            res.end(JSON.stringify(h));
          });
          return;
        }
        // Socket Mode: this port serves only the health check.
        if (!receiver) {
          res.writeHead(404).end();
          return;
        }
        const refused = guard.check(req);
        if (refused) {
          log.warn({ reason: refused }, 'refused a Slack request');
          res.writeHead(401).end();
          return;
        }
        try {
          // Bolt's HTTPReceiver (not started: this server listens) answers POST /slack/events; any other path it
          // throws for, synchronously, and it is a 404 as it was under Express.
          receiver.requestListener(req, res);
        } catch {
          if (!res.headersSent) res.writeHead(404).end();
        }
      });
      await new Promise<void>((resolve) => server!.listen(env.PORT, env.HOST, resolve));
      const port = (server.address() as AddressInfo).port;
      if (!receiver) {
        // Never wait here for Slack: the Socket Mode client retries for ever, and health must answer meanwhile.
        socket!.connect();
        log.info({ port }, 'health check on /healthz; connecting to Slack in Socket Mode');
        return { url: `http://127.0.0.1:${port}`, port };
      }
      log.info({ port }, 'listening for Slack on /slack/events');
      return { url: `http://127.0.0.1:${port}`, port };
    },
    async work(budgetMs) {
      const pass = () => scheduler.tick().catch((err: unknown) => log.warn({ err: String(err) }, 'scheduler pass failed'));
      await pass();
      await publisher.catchUp(0).catch((err: unknown) => log.warn({ err: String(err) }, 'status catch-up failed'));
      await engine.work(budgetMs, DRAIN.handOverMs);
      // A window due while the runs were driven fires now rather than a whole schedule period later.
      await pass();
      if (!(await within(publisher.flush(), DRAIN.flushMs))) log.warn('status updates still pending at the end of the invocation; the next one sends them');
    },
    /**
     * Graceful shutdown (SIGTERM): /healthz turns 503 so the load balancer stops sending work, the scheduler
     * stops, every driven run is handed back at its next step boundary (another replica takes it at once),
     * pending status updates and thread replies are sent, and requests in flight finish before the server closes.
     */
    async stop(stopOpts = {}) {
      draining = true;
      scheduler.stop();
      publisher.stopCatchUp();
      // The notice and the hand-over run side by side: the port stays open (503 on /healthz, Slack's requests still
      // recorded and handed to the other replicas) for `noticeMs`, while every driven run is handed back at its next
      // step boundary. A driver still inside an AWS call after DRAIN.handOverMs keeps its lease (see engine.stop).
      const notice = new Promise<void>((r) => setTimeout(r, stopOpts.noticeMs ?? 0));
      await Promise.all([engine.stop({ graceMs: DRAIN.handOverMs }), notice]);
      // Slack unreachable (a 429 storm, a network cut) must not hold the process past its stop timeout: what is not
      // sent by then is left to the next owner of each run and to the next start, which re-render the latest state.
      if (!(await within(publisher.flush(), DRAIN.flushMs))) log.warn('status updates still pending at shutdown; the next replica or start sends them');
      if (server) {
        const closed = new Promise<void>((r) => server!.close(() => r()));
        server.closeIdleConnections();
        const late = setTimeout(() => server!.closeAllConnections(), DRAIN.closeMs);
        await closed;
        clearTimeout(late);
        // A reply a handler started after its ack (respond(), chat.postEphemeral) gets a moment to land.
        await within(publisher.flush(), DRAIN.flushMs);
      }
      if (socket) await within(app.stop(), DRAIN.closeMs);
      await within(store.close(), DRAIN.closeMs);
    },
  };
}
