// The bot's fetch for Slack (src/slack/fetch.ts) answers as the global fetch does, over a real socket: what the
// Web API client and Bolt's respond() read (status, headers, body, errors) is the same; only string bodies take the
// fast path, everything else is the global fetch's.
import diagnostics from 'node:diagnostics_channel';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import { slackFetch } from '../src/slack/fetch.js';

let server: Server;
let base = '';
const connections = new Set<unknown>();
/** Answers of `/slow` the server holds until the test releases them. */
const held: (() => void)[] = [];
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    connections.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === '/api/chat.postMessage') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-oauth-scopes', 'chat:write');
        return void res.end(JSON.stringify({ ok: true, ts: '1.2', channel: 'C1' }));
      }
      if (req.url === '/limited') {
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'text/plain' });
        return void res.end('slow down');
      }
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/elsewhere' });
        return void res.end();
      }
      if (req.url === '/empty') {
        res.writeHead(204, { 'set-cookie': ['a=1', 'b=2'] });
        return void res.end();
      }
      if (req.url === '/hang') return; // never answers: the caller's signal ends it
      if (req.url === '/slow') return void held.push(() => res.end('late')); // answered when the test says
      if (req.url === '/cut') {
        // Promises 100 bytes, sends 10, and drops the connection.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"ok":true');
        return void setImmediate(() => res.socket?.destroy());
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such url');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const last = () => seen.at(-1)!;

describe('slackFetch', () => {
  const f = slackFetch();

  it('a JSON POST (respond()): method, headers and body arrive as sent; status and body read back', async () => {
    const res = await f(`${base}/api/chat.postMessage`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"é ✅"}' });
    expect(last()).toMatchObject({ method: 'POST', url: '/api/chat.postMessage', body: '{"text":"é ✅"}' });
    expect(last().headers['content-type']).toBe('application/json');
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-oauth-scopes')).toBe('chat:write');
    expect(await res.json()).toEqual({ ok: true, ts: '1.2', channel: 'C1' });
  });

  it('an error status is a Response, not a throw: ok false, its status text and body', async () => {
    const res = await f(`${base}/nope`, { method: 'POST', body: 'x=1' });
    expect([res.ok, res.status, res.statusText, await res.text()]).toEqual([false, 404, 'Not Found', 'no such url']);
    const limited = await f(`${base}/limited`, { method: 'POST', body: 'x=1' });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
  });

  it('a 204 has no body, and repeated headers are all kept', async () => {
    const res = await f(`${base}/empty`, { method: 'POST', body: '' });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it("a redirect under redirect: 'error' (the Web API's setting) fails as fetch fails", async () => {
    await expect(f(`${base}/moved`, { method: 'POST', body: 'x=1', redirect: 'error' })).rejects.toThrow(TypeError);
  });

  it('an abort ends the request with the signal’s reason; a refused connection is "fetch failed"', async () => {
    const ac = new AbortController();
    const pending = f(`${base}/hang`, { method: 'POST', body: 'x', signal: ac.signal });
    await expect.poll(() => seen.some((s) => s.url === '/hang')).toBe(true);
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(f(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x' })).rejects.toThrow('fetch failed');
  });

  it('an answer cut short fails as fetch fails, not as a short body', async () => {
    const global = fetch(`${base}/cut`, { method: 'POST', body: 'x' }).then((r) => r.text());
    await expect(global).rejects.toThrow(TypeError);
    await expect(f(`${base}/cut`, { method: 'POST', body: 'x' }).then((r) => r.text())).rejects.toThrow('fetch failed');
  });

  it('calls one after another share one kept-alive connection', async () => {
    await f(`${base}/nope`, { method: 'POST', body: 'x' }); // a connection of its own, free again once answered
    const before = connections.size;
    for (let i = 0; i < 5; i += 1) expect((await f(`${base}/api/chat.postMessage`, { method: 'POST', body: `n=${i}` })).status).toBe(200);
    expect(connections.size).toBe(before);
  });

  // Slack's servers drop idle connections; a socket kept for ever would fail the first call after the drop
  // (ECONNRESET). Node's agent closes an idle socket only when given a timeout (src/slack/fetch.ts).
  it('an idle kept-alive connection is closed after the idle timeout, and an answer may take longer than that', async () => {
    const short = slackFetch(globalThis.fetch, { idleMs: 150 });
    const before = connections.size;
    // The bot's own sockets as Node reports each new one, each with whether its idle timer has fired.
    const seen: { socket: Socket; timedOut: boolean }[] = [];
    const seeSocket = (m: unknown) => {
      const entry = { socket: (m as { socket: Socket }).socket, timedOut: false };
      entry.socket.once('timeout', () => (entry.timedOut = true));
      seen.push(entry);
    };
    diagnostics.subscribe('net.client.socket', seeSocket);
    const answer = short(`${base}/slow`, { method: 'POST', body: 'x' });
    const port = Number(new URL(base).port);
    const ours = () => seen.find((e) => e.socket.remotePort === port);
    try {
      // A barrier, not a wait: the answer is released only once the socket's idle timer has fired with it in flight.
      await expect.poll(() => held.length === 1 && ours()?.timedOut === true, { timeout: 5_000 }).toBe(true);
    } finally {
      diagnostics.unsubscribe('net.client.socket', seeSocket);
    }
    held.shift()!();
    expect(await (await answer).text()).toBe('late');
    const socket = [...connections].at(-1) as Socket;
    expect(connections.size).toBe(before + 1);
    // The server sees the bot close it (event-driven: the close itself, bounded by the poll's own timeout).
    await expect.poll(() => socket.destroyed, { timeout: 5_000 }).toBe(true);
    // The next call opens a new connection and is answered.
    expect((await short(`${base}/api/chat.postMessage`, { method: 'POST', body: 'x' })).status).toBe(200);
    expect(connections.size).toBe(before + 2);
  });

  it('a FormData body (a file upload) goes through the global fetch, multipart as before', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'chart.png');
    const res = await f(`${base}/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(404);
    expect(last().headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(last().body).toContain('filename="chart.png"');
  });

  it('the Web API client works through it: a call, its result and the scopes header', async () => {
    const client = new WebClient('xoxb-test', { slackApiUrl: `${base}/api/`, fetch: slackFetch() });
    const out = await client.chat.postMessage({ channel: 'C1', text: 'hello' });
    expect(out).toMatchObject({ ok: true, ts: '1.2' });
    expect(out.response_metadata?.scopes).toEqual(['chat:write']);
    expect(last().body).toContain('text=hello');
    expect(last().headers.authorization).toBe('Bearer xoxb-test');
  });

  // What the fast path hands back is not built by `new Response` (src/slack/fetch.ts: ReadResponse), so it is held
  // to what the global fetch's Response answers, member by member, on the same answers of the same server.
  it('answers as the global fetch’s Response does: status, headers, one read of the body, the stream, a clone', async () => {
    const both = async (path: string) => [await fetch(`${base}${path}`, { method: 'POST', body: 'x' }), await f(`${base}${path}`, { method: 'POST', body: 'x' })] as const;
    const shape = (r: Response) => ({ status: r.status, ok: r.ok, statusText: r.statusText, headers: [...r.headers].filter(([k]) => k !== 'date'), redirected: r.redirected, type: r.type, used: r.bodyUsed, url: r.url });
    for (const path of ['/api/chat.postMessage', '/nope', '/limited', '/empty']) {
      const [real, ours] = await both(path);
      expect(shape(ours), path).toEqual(shape(real));
      expect(await ours.text(), path).toBe(await real.text());
      expect(shape(ours).used, path).toBe(real.bodyUsed);
      if (path !== '/empty') await expect(ours.text(), path).rejects.toThrow(TypeError);
      else expect(await ours.text()).toBe(''); // a null body reads as empty, again and again
    }
    const [realJson, oursJson] = await both('/api/chat.postMessage');
    expect(new Uint8Array(await oursJson.arrayBuffer())).toEqual(new Uint8Array(await realJson.arrayBuffer()));
    const [realBlob, oursBlob] = await both('/api/chat.postMessage');
    const [a, b] = [await realBlob.blob(), await oursBlob.blob()];
    expect([b.type, b.size, await b.text()]).toEqual([a.type, a.size, await a.text()]);
    // The stream itself, and a clone: a real Response from the same bytes answers from then on.
    const [, streamed] = await both('/api/chat.postMessage');
    const reader = streamed.body!.getReader();
    const chunks: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(Buffer.concat(chunks).toString()).toBe('{"ok":true,"ts":"1.2","channel":"C1"}');
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.text()).rejects.toThrow(TypeError);
    const [, cloned] = await both('/api/chat.postMessage');
    const copy = cloned.clone();
    expect([await copy.json(), await cloned.json()]).toEqual([{ ok: true, ts: '1.2', channel: 'C1' }, { ok: true, ts: '1.2', channel: 'C1' }]);
    // Read first, then asked for its stream: it stays read.
    const [, read] = await both('/nope');
    await read.text();
    expect(read.body === null || read.bodyUsed).toBe(true);
    await expect(read.text()).rejects.toThrow(TypeError);
  });
});
