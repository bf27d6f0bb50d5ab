// Builds the bot: the only place that turns the environment into clients, stores and receivers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver, LogLevel, type AwsLambdaReceiver } from '@slack/bolt';
import { registerHandlers } from '../handlers/index.js';
import { runStatus } from '../blocks/run.js';
import { createAwsPorts } from './aws/ports.js';
import type { ClientOptions } from './aws/clients.js';
import type { OpsConfig } from './config/schema.js';
import { systemClock, type Clock } from './clock.js';
import type { AwsPorts, Deps } from './deps.js';
import { receiverMode, type BotEnv } from './env.js';
import { createLog, forSlack, type Log } from './log.js';
import { buildOperations } from './ops/index.js';
import { RunEngine } from './runs/engine.js';
import { Access } from './runs/permissions.js';
import { Scheduler } from './runs/scheduler.js';
import { StatusPublisher } from './slack/publisher.js';
import { scheduleReminder } from '../blocks/schedule.js';
import { MAX_SLACK_BODY, RequestGuard } from './slack/guard.js';
import { Store } from './store/store.js';

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
  publisher: StatusPublisher;
  /** Starts receiving: HTTP on env.PORT (0 = any free port) or Socket Mode. */
  start(): Promise<{ url?: string; port?: number }>;
  stop(): Promise<void>;
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
      ? new ExpressReceiver({ signingSecret: env.SLACK_SIGNING_SECRET!, endpoints: '/slack/events', processBeforeResponse: false, logger: forSlack(log), bodyLimit: MAX_SLACK_BODY })
      : undefined;
  const app = new App({
    token: env.SLACK_BOT_TOKEN,
    logger: forSlack(log),
    logLevel: LogLevel.INFO,
    ...(opts.lambdaReceiver ? { receiver: opts.lambdaReceiver } : receiver ? { receiver } : { socketMode: true, appToken: env.SLACK_APP_TOKEN! }),
    ...(env.SLACK_API_URL ? { clientOptions: { slackApiUrl: env.SLACK_API_URL } } : {}),
  });

  const access = new Access(async (group) => (await app.client.usergroups.users.list({ usergroup: group })).users ?? [], () => clock.now());
  const aws = opts.aws ?? createAwsPorts(config, opts.awsClientOptions ?? {}, clock);
  const ops = buildOperations({ aws, store, clock, access });
  // eslint-disable-next-line prefer-const -- bound after the engine it listens to
  let publisher: StatusPublisher;
  const engine = new RunEngine({
    store,
    clock,
    log,
    config,
    access,
    ops,
    owner: opts.owner ?? `bot-${process.pid}`,
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
    reminder: (s, at) => scheduleReminder(s, at, config.timezone),
  });
  const deps: Deps = { config, log, clock, store, engine, scheduler, access, aws, ops };
  publisher = new StatusPublisher({
    client: app.client,
    engine,
    log,
    store,
    clock,
    intervalMs: env.STATUS_UPDATE_INTERVAL_MS,
    render: (run) => {
      const op = ops[run.kind];
      const title = op ? op.title(run.env, op.params.parse(run.params)) : `${run.kind} · ${run.env}`;
      const anytime = Object.entries(op?.anytime ?? {})
        .filter(([, states]) => (states ?? []).includes(run.state))
        .map(([intent]) => intent);
      return runStatus(run, { timezone: config.timezone, now: clock.now(), title, anytime });
    },
  });
  registerHandlers(app, deps);
  app.error(async (err) => {
    log.error({ err: { name: err.name, message: err.message } }, 'unhandled error in a Slack handler');
  });

  let server: Server | undefined;
  let draining = false;
  return {
    app,
    deps,
    publisher,
    async start() {
      // Listen for the other replicas' presses before driving anything (PostgreSQL; a no-op on SQLite).
      await store.signalsReady();
      await engine.resumeAll();
      if (opts.lambdaReceiver) return {};
      engine.startSweeping();
      await scheduler.syncConfig(Object.keys(ops));
      scheduler.start(opts.schedulerEveryMs ?? 15_000);
      if (!receiver) {
        await app.start();
        log.info('connected to Slack in Socket Mode');
        return {};
      }
      const guard = new RequestGuard(() => clock.now());
      server = createServer((req, res) => {
        if (req.method === 'GET' && req.url === '/healthz') {
          res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: !draining, draining }));
          return;
        }
        const refused = guard.check(req);
        if (refused) {
          log.warn({ reason: refused }, 'refused a Slack request');
          res.writeHead(401).end();
          return;
        }
        receiver.app(req, res);
      });
      await new Promise<void>((resolve) => server!.listen(env.PORT, env.HOST, resolve));
      const port = (server.address() as AddressInfo).port;
      log.info({ port }, 'listening for Slack on /slack/events');
      return { url: `http://127.0.0.1:${port}`, port };
    },
    /**
     * Graceful shutdown (SIGTERM): /healthz turns 503 so the load balancer stops sending work, the scheduler
     * stops, every driven run is handed back at its next step boundary (another replica takes it at once),
     * pending status updates and thread replies are sent, and requests in flight finish before the server closes.
     */
    async stop() {
      draining = true;
      scheduler.stop();
      await engine.stop();
      await publisher.flush().catch(() => undefined);
      if (server) {
        const closed = new Promise<void>((r) => server!.close(() => r()));
        server.closeIdleConnections();
        const late = setTimeout(() => server!.closeAllConnections(), 5000);
        await closed;
        clearTimeout(late);
        // A reply a handler started after its ack (respond(), chat.postEphemeral) gets a moment to land.
        await publisher.flush().catch(() => undefined);
      }
      if (!receiver && !opts.lambdaReceiver) await app.stop().catch(() => undefined);
      await store.close();
    },
  };
}
