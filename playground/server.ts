// The local Slack playground's web server: serves the page, and turns each click into the signed request Slack would send.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { commandSpecs } from '../src/registry.js';
import { examplesOf } from '../handlers/commands/spec.js';
import type { OpsConfig } from '../src/config/schema.js';
import type { FakeSlack, SlackMessage } from './fake-slack.js';
import type { SlackClient } from './slack-client.js';

/** Someone the playground lets you act as: a Slack user id, a display name, and what the example config lets them do. */
export interface PlaygroundPerson {
  id: string;
  name: string;
  role: string;
}

export interface PlaygroundServerOptions {
  fake: FakeSlack;
  /** Signs every command, press and submission as Slack does and sends it to the bot's real receiver. */
  client: SlackClient;
  /** The AWS sandbox's root; its `/_sandbox/*` control surface feeds the side panel. */
  sandboxUrl: string;
  config: OpsConfig;
  people: PlaygroundPerson[];
  /** User group id → display handle, for `<!subteam^S…>` mentions. */
  groups: Record<string, string>;
  botName: string;
  /** Preferred port; when taken, any free one. 0 = any free one. */
  port: number;
  /** The language switch: the people's Slack locale and the environments' language (issue 21). */
  language?: { get(): 'en' | 'ja'; set(lang: 'en' | 'ja'): void };
}

export interface PlaygroundServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The page's files, beside this module (the playground runs from source through tsx; it is never compiled into dist/). */
const WEB_DIRS = [fileURLToPath(new URL('./web/', import.meta.url))];
const CONTENT_TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' } as const;
const MAX_BODY = 64 * 1024;

const UserId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack user id such as U0SRE0001');
const ChannelId = z.string().regex(/^[CGD][A-Z0-9]{2,20}$/, 'a Slack channel id such as C0DEV0001');
const CommandBody = z.object({ text: z.string().min(2).max(3000).regex(/^\/\S+/, 'starts with a /command'), user: UserId, channel: ChannelId }).strict();
const PressBody = z
  .object({
    user: UserId,
    actionId: z.string().min(1).max(255),
    /** A channel message (channel + ts) or an ephemeral (its index in the fake's list). */
    channel: ChannelId.optional(),
    ts: z.string().regex(/^\d+\.\d+$/).optional(),
    ephemeral: z.number().int().min(0).optional(),
    value: z.string().max(2000).optional(),
  })
  .strict()
  .refine((b) => (b.channel !== undefined && b.ts !== undefined) !== (b.ephemeral !== undefined), 'either channel and ts, or ephemeral');
const SubmitBody = z
  .object({
    user: UserId,
    viewId: z.string().min(1).max(40),
    values: z.record(z.string().max(255), z.record(z.string().max(255), z.union([z.string().max(3000), z.array(z.string().max(3000)).max(100), z.null()]))),
  })
  .strict();
const HomeBody = z.object({ user: UserId }).strict();
const LanguageBody = z.object({ lang: z.enum(['en', 'ja']) }).strict();
const CloseBody = z.object({ user: UserId, viewId: z.string().min(1).max(40) }).strict();
const FailServiceBody = z.object({ cluster: z.string().min(1).max(255), service: z.string().min(1).max(255), fail: z.boolean() }).strict();

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch {
        reject(new HttpError(400, 'the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

export async function startPlaygroundServer(opts: PlaygroundServerOptions): Promise<PlaygroundServer> {
  const { fake, client } = opts;
  // Served from a fixed list read once: a request path can never name a file outside web/.
  const found = WEB_DIRS.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`the playground's page is missing: looked in ${WEB_DIRS.join(', ')}`);
  const webDir: string = found;
  const assets = new Set((await readdir(webDir)).filter((f) => Object.keys(CONTENT_TYPES).includes(extname(f))));
  // Slack has no "close" call the bot sees for a modal without notify_on_close; the page only needs to stop showing it.
  const dismissed = new Set<string>();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const channels = Object.entries(opts.config.environments).map(([env, e]) => ({ id: e.channel, name: env, env }));
  const setup = {
    bot: { id: fake.botUserId, name: opts.botName },
    team: fake.teamDomain,
    timezone: opts.config.timezone,
    channels,
    people: opts.people,
    groups: opts.groups,
    commands: commandSpecs(),
  };

  const withThread = (m: SlackMessage) => ({
    channel: m.channel,
    ts: m.ts,
    text: m.text,
    blocks: m.blocks,
    updates: m.updates,
    at: m.history[0]?.at ?? 0,
    reply_count: m.reply_count,
    replies: m.reply_count > 0 ? fake.thread(m.channel, m.ts).map((r) => ({ channel: r.channel, ts: r.ts, text: r.text, blocks: r.blocks, at: r.history[0]?.at ?? 0 })) : [],
  });

  const stateFor = (user: string) => ({
    messages: fake.messages().map(withThread),
    ephemerals: fake
      .ephemerals()
      .map((e, index) => ({ index, user: e.user, channel: e.channel, text: e.text, blocks: e.blocks, at: e.at, source: e.source }))
      .filter((e) => e.user === user),
    views: fake
      .views()
      .filter((v) => v.method !== 'views.publish' && !v.closed && v.user === user && !dismissed.has(v.view.id))
      .map((v) => ({ id: v.view.id, hash: v.view.hash, title: v.view.title, submit: v.view.submit, close: v.view.close, blocks: v.view.blocks, errors: v.errors ?? {} })),
    // The App Home tab as the bot last published it for this person (views.publish), or null before the first open.
    home: ((h) => (h ? { blocks: h.view.blocks, updates: h.updates } : null))(fake.views().find((v) => v.method === 'views.publish' && v.user === user)),
  });

  const sandbox = async (path: string, init?: { method: string; body?: unknown }) => {
    const res = await fetch(`${opts.sandboxUrl}${path}`, {
      method: init?.method ?? 'GET',
      ...(init?.body !== undefined ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const onChange = (e: { kind: string }) => {
    // The page re-reads /api/state on each event; kind only helps it skip work.
    for (const s of streams) s.write(`event: change\ndata: ${JSON.stringify({ kind: e.kind })}\n\n`);
  };
  fake.events.on('change', onChange);
  const keepAlive = setInterval(() => {
    for (const s of streams) s.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A web page elsewhere could aim a form at 127.0.0.1 (or at a rebound name): only our own origin may drive the bot.
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) throw new HttpError(403, 'open the playground at its printed URL');
    if (req.method === 'POST' && req.headers.origin !== undefined && req.headers.origin !== `http://${host}`) throw new HttpError(403, 'cross-origin requests are refused');
    const key = `${req.method ?? 'GET'} ${url.pathname}`;

    // A message's permalink (the fake Slack redirects `…/archives/C…/p…` here) opens the page on that message.
    const permalink = /^\/archives\/[CGD][A-Z0-9]+\/p\d+$/.test(url.pathname);
    if (req.method === 'GET' && (url.pathname === '/' || permalink || url.pathname === '/favicon.ico' || url.pathname.startsWith('/assets/'))) {
      const file = url.pathname === '/' || permalink ? 'index.html' : url.pathname === '/favicon.ico' ? 'favicon.svg' : decodeURIComponent(url.pathname.slice('/assets/'.length));
      if (!assets.has(file)) throw new HttpError(404, 'no such file');
      const type = CONTENT_TYPES[extname(file) as keyof typeof CONTENT_TYPES];
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'" });
      res.end(await readFile(join(webDir, file)));
      return;
    }

    switch (key) {
      case 'GET /api/setup':
        // Example dates are tomorrow's, from the bot's own (wall) clock, like the bot's help.
        return send(res, 200, {
          ...setup,
          language: opts.language?.get() ?? 'en',
          commands: setup.commands.map((c) => ({ ...c, examples: examplesOf(c, { now: Date.now(), timezone: opts.config.timezone }) })),
        });
      case 'POST /api/language': {
        const b = parse(LanguageBody, await readJson(req));
        if (!opts.language) throw new HttpError(404, 'this playground has no language switch');
        opts.language.set(b.lang);
        return send(res, 200, { language: opts.language.get() });
      }
      case 'GET /api/state':
        return send(res, 200, stateFor(parse(UserId, url.searchParams.get('user'))));
      case 'GET /api/events': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write('event: hello\ndata: {}\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      case 'POST /api/command': {
        const b = parse(CommandBody, await readJson(req));
        const answer = await client.command(b.text, { user: b.user, channel: b.channel });
        return send(res, 200, { status: answer.status });
      }
      case 'POST /api/press': {
        const b = parse(PressBody, await readJson(req));
        const message = b.ephemeral !== undefined ? fake.ephemerals()[b.ephemeral] : fake.message(b.channel!, b.ts!);
        if (!message) throw new HttpError(404, 'that message is gone');
        if (b.ephemeral !== undefined && (message as { user?: string }).user !== b.user) throw new HttpError(403, 'that message is visible to someone else');
        const answer = await client.press(message, b.actionId, { user: b.user, ...(b.value !== undefined ? { value: b.value } : {}) });
        return send(res, 200, { status: answer.status });
      }
      case 'POST /api/submit': {
        const b = parse(SubmitBody, await readJson(req));
        const entry = fake.view(b.viewId);
        if (!entry || entry.user !== b.user) throw new HttpError(404, 'no such open view');
        const answer = await client.submitView(entry.view, b.values, { user: b.user });
        return send(res, 200, { status: answer.status });
      }
      case 'POST /api/open-home': {
        // Opening the Home tab is an Events API callback, signed like every other request the bot receives.
        const b = parse(HomeBody, await readJson(req));
        const answer = await client.event({ type: 'app_home_opened', user: b.user, channel: 'D0HOME0001', tab: 'home' });
        return send(res, 200, { status: answer.status });
      }
      case 'POST /api/close-view': {
        const b = parse(CloseBody, await readJson(req));
        dismissed.add(b.viewId);
        fake.events.emit('change', { kind: 'view', payload: { id: b.viewId } });
        return send(res, 200, { ok: true });
      }
      case 'GET /api/sandbox': {
        const r = await sandbox('/_sandbox/state');
        return send(res, r.status, r.body);
      }
      case 'POST /api/sandbox/fail-service': {
        const b = parse(FailServiceBody, await readJson(req));
        const r = await sandbox('/_sandbox/fail-service', { method: 'POST', body: b });
        return send(res, r.status, r.body);
      }
      case 'POST /api/sandbox/faults': {
        // The sandbox validates the fault with its own schema and names what is wrong.
        const r = await sandbox('/_sandbox/faults', { method: 'POST', body: await readJson(req) });
        return send(res, r.status, r.body);
      }
      case 'POST /api/sandbox/alarms': {
        // The sandbox validates the alarm with its own schema and names what is wrong.
        const r = await sandbox('/_sandbox/alarms', { method: 'POST', body: await readJson(req) });
        return send(res, r.status, r.body);
      }
      case 'POST /api/sandbox/traffic': {
        // How a target group answers (green worse than blue): the sandbox validates it and names what is wrong.
        const r = await sandbox('/_sandbox/traffic', { method: 'POST', body: await readJson(req) });
        return send(res, r.status, r.body);
      }
      case 'DELETE /api/sandbox/faults': {
        const r = await sandbox('/_sandbox/faults', { method: 'DELETE' });
        return send(res, r.status, r.body);
      }
      default:
        throw new HttpError(404, `no ${key}`);
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return send(res, err.status, { error: err.message });
      // A slip in the slack client (e.g. a button no longer on the message) is the user's news, not a crash.
      send(res, 409, { error: err instanceof Error ? err.message : String(err) });
    });
  });

  try {
    port = await listen(server, opts.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port === 0) throw err;
    port = await listen(server, 0);
  }

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: async () => {
      clearInterval(keepAlive);
      fake.events.off('change', onChange);
      for (const s of streams) s.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
