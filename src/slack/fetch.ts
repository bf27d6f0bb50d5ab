// The `fetch` the bot gives Bolt (respond() to a response_url) and the Web API client (chat.update, postMessage …).
// Node's global fetch spends ~0.5 ms of CPU a request building WHATWG streams around a few hundred bytes of JSON:
// 4× what a plain `node:http` request spends for the same POST. Under 100 presses at once each press's reply paid it
// beside the next presses' acks (issue 23). Requests whose body is a string — every Web API method and every
// respond() — go out through `node:http`/`node:https` on a keep-alive agent and come back as a `ReadResponse`
// (below); anything else (a FormData upload, a stream) goes to the global fetch unchanged.
// Why node:http and not undici's `request` (which it used until the tenth session): both cost about the same CPU,
// but undici parses HTTP with llhttp compiled to WebAssembly, and on Node 20 V8 tiers that parser up to TurboFan
// within a second of the first calls — a 30 MB burst of compiler memory that left ~8 MB of the bot's idle RSS behind
// (issue 23, docs/decisions.md). node:http's parser is the same llhttp, native.
// The answer is read whole (Slack's answers are a few hundred bytes) and handed back as a `ReadResponse`: what
// respond() and the Web API client read of a Response (status, ok, headers, text, json, arrayBuffer) without the
// WHATWG stream a `new Response` builds around the bytes — that stream was as costly as the request itself
// (issue 23, eighth session's profile). Anything that asks for the stream itself gets a real Response, built then.
import { Agent as HttpAgent, request as httpRequest, STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

type Fetch = typeof globalThis.fetch;

/** Header pairs as `Headers` accepts them, from fetch's init (object, pairs or `Headers`). */
function headerRecord(h: RequestInit['headers']): Record<string, string> {
  if (!h) return {};
  if (h instanceof Headers) return Object.fromEntries(h.entries());
  if (Array.isArray(h)) return Object.fromEntries(h.map(([k, v]) => [k, v] as [string, string]));
  return { ...(h as Record<string, string>) };
}

/** Statuses whose `Response` must have no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

type RawHeaders = IncomingHttpHeaders;

/**
 * A Response whose body is already in memory. It answers the Response interface the same way (a second read of
 * the body is refused with fetch's TypeError, a null body reads as empty); `body`, `formData()` and `clone()`
 * hand over to a real Response made from the same bytes, which then answers everything.
 */
export class ReadResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly redirected = false;
  readonly type = 'basic' as const;
  #raw: RawHeaders;
  #headers: Headers | undefined;
  #bytes: ArrayBuffer | null;
  #used = false;
  #real: Response | undefined;

  constructor(bytes: ArrayBuffer | null, init: { status: number; url: string; headers: RawHeaders }) {
    this.#bytes = bytes;
    this.status = init.status;
    this.statusText = STATUS_CODES[init.status] ?? '';
    this.url = init.url;
    this.#raw = init.headers;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** Built on first read: most callers look at one header or none. */
  get headers(): Headers {
    if (!this.#headers) {
      const h = new Headers();
      for (const [k, v] of Object.entries(this.#raw)) {
        if (Array.isArray(v)) for (const one of v) h.append(k, one);
        else if (v !== undefined) h.append(k, v);
      }
      this.#headers = h;
    }
    return this.#headers;
  }

  get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#asReal().body;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real) return this.#real.arrayBuffer();
    return this.#take(); // read once: the caller may keep it
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async text(): Promise<string> {
    if (this.#real) return this.#real.text();
    return Buffer.from(this.#take()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async blob(): Promise<Blob> {
    if (this.#real) return this.#real.blob();
    return new Blob([this.#take()], { type: this.headers.get('content-type') ?? '' });
  }

  async formData(): Promise<FormData> {
    return this.#asReal().formData();
  }

  clone(): Response {
    return this.#asReal().clone();
  }

  /** The bytes, once: a body is read at most once, as fetch's. */
  #take(): ArrayBuffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    if (this.#bytes === null) return new ArrayBuffer(0); // a null body reads as empty and stays unused
    this.#used = true;
    return this.#bytes;
  }

  #asReal(): Response {
    if (!this.#real) {
      // Already read: the real one is made used too (only a status with a body can have been read).
      this.#real = new Response(this.#used ? '' : this.#bytes, { status: this.status, statusText: this.statusText, headers: this.headers });
      if (this.#used) void this.#real.text().catch(() => undefined);
    }
    return this.#real;
  }
}

/**
 * How long a kept-alive connection may sit idle before the bot closes it: undici's default, which the bot had until
 * the tenth session. Node's agent shortens it to the server's `Keep-Alive: timeout=N` hint less a second, but only
 * when a timeout is set — without one it keeps an idle socket for ever, and the first call after the server has
 * dropped it fails with ECONNRESET. The timeout applies to idle sockets only: an answer may take longer.
 */
export const SLACK_IDLE_SOCKET_MS = 4_000;

type Agents = { http: HttpAgent; https: HttpsAgent };
const keepAlive = (idleMs: number): Agents => ({ http: new HttpAgent({ keepAlive: true, timeout: idleMs }), https: new HttpsAgent({ keepAlive: true, timeout: idleMs }) });

/** One keep-alive pool per scheme for the whole process, as undici's global dispatcher was. */
const shared = keepAlive(SLACK_IDLE_SOCKET_MS);

type Answer = { status: number; headers: IncomingHttpHeaders; bytes: Buffer };

/** One request with a string body (or none), its answer read whole. Rejects as the socket fails or the signal aborts. */
function send(agents: Agents, url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return reject(new Error(`unsupported protocol ${url.protocol}`));
    const sized = body === undefined || Object.keys(headers).some((k) => k.toLowerCase() === 'content-length') ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = (secure ? httpsRequest : httpRequest)(url, { method, headers: sized, agent: secure ? agents.https : agents.http, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('close', () => { if (!res.complete) reject(new Error('the connection closed before the whole answer came')); });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `idleMs` (tests): a pool of its own whose idle sockets close after that long. */
export function slackFetch(fallback: Fetch = globalThis.fetch, opts: { idleMs?: number } = {}): Fetch {
  const agents = opts.idleMs === undefined ? shared : keepAlive(opts.idleMs);
  return async (input, init) => {
    const body = init?.body;
    const simple = (typeof input === 'string' || input instanceof URL) && (body === undefined || body === null || typeof body === 'string');
    if (!simple) return fallback(input, init);
    const signal = init?.signal ?? undefined;
    let res: Answer;
    try {
      res = await send(agents, new URL(input), init?.method ?? 'GET', headerRecord(init?.headers), body ?? undefined, signal);
    } catch (err) {
      // As fetch says it: an abort is the signal's reason, anything else "fetch failed" with the cause.
      if (signal?.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: err });
    }
    if (res.status >= 300 && res.status < 400 && res.headers.location !== undefined && init?.redirect !== 'manual') {
      // Slack does not redirect these; if something does, fetch's own rules (follow or refuse) apply.
      if (init?.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error(`unexpected redirect to ${String(res.headers.location)}`) });
      return fallback(input, init);
    }
    // The bytes copied out of the socket's buffer: the ArrayBuffer handed on is the answer's alone.
    const bytes = NULL_BODY.has(res.status) ? null : res.bytes.buffer.slice(res.bytes.byteOffset, res.bytes.byteOffset + res.bytes.byteLength);
    return new ReadResponse(bytes as ArrayBuffer | null, { status: res.status, url: String(input), headers: res.headers }) as unknown as Response;
  };
}
