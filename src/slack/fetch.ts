// The `fetch` the bot gives Bolt (respond() to a response_url) and the Web API client (chat.update, postMessage …).
// Node's global fetch spends ~0.5 ms of CPU a request building WHATWG streams around a few hundred bytes of JSON:
// 4× what undici's own `request` (the engine under that same fetch, same connection pool) spends for the same POST.
// Under 100 presses at once each press's reply paid it beside the next presses' acks (issue 23). Requests whose body
// is a string — every Web API method and every respond() — take undici.request and come back as a standard
// `Response`; anything else (a FormData upload, a stream) goes to the global fetch unchanged.
import { STATUS_CODES } from 'node:http';
import { request } from 'undici';

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

export function slackFetch(fallback: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const body = init?.body;
    const simple = (typeof input === 'string' || input instanceof URL) && (body === undefined || body === null || typeof body === 'string');
    if (!simple) return fallback(input, init);
    const signal = init?.signal ?? undefined;
    let res;
    try {
      res = await request(input, { method: (init?.method ?? 'GET') as 'GET', headers: headerRecord(init?.headers), body: body ?? undefined, signal });
    } catch (err) {
      // As fetch says it: an abort is the signal's reason, anything else "fetch failed" with the cause.
      if (signal?.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: err });
    }
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location !== undefined && init?.redirect !== 'manual') {
      await res.body.dump();
      // Slack does not redirect these; if something does, fetch's own rules (follow or refuse) apply.
      if (init?.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error(`unexpected redirect to ${String(res.headers.location)}`) });
      return fallback(input, init);
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const one of v) headers.append(k, one);
      else if (v !== undefined) headers.append(k, v);
    }
    const bytes = NULL_BODY.has(res.statusCode) ? (await res.body.dump(), null) : Buffer.from(await res.body.arrayBuffer());
    return new Response(bytes, { status: res.statusCode, statusText: STATUS_CODES[res.statusCode] ?? '', headers });
  };
}
