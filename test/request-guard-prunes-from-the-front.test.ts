// The replay guard forgets signatures only once they are out of the window, walking from the oldest: under a busy
// window (thousands of requests in six minutes) it still refuses a replay and still admits a fresh request.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RequestGuard } from '../src/slack/guard.js';

const req = (sig: string, tsSeconds: number) =>
  ({ method: 'POST', headers: { 'content-length': '10', 'x-slack-request-timestamp': String(tsSeconds), 'x-slack-signature': sig } }) as unknown as IncomingMessage;

describe('RequestGuard under a busy window', () => {
  it('keeps every signature inside the window, drops the expired ones, and refuses a replay of a recent one', () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const guard = new RequestGuard(() => now);
    // 3,000 requests over 10 minutes: one every 200 ms.
    const sent: { sig: string; at: number }[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const sig = `v0=${i.toString(16).padStart(8, '0')}`;
      expect(guard.check(req(sig, Math.floor(now / 1000)))).toBeUndefined();
      sent.push({ sig, at: now });
      now += 200;
    }
    // A replay of a request from 1 minute ago is refused; so is one from 5.5 minutes ago (inside 5 min + 1 min skew).
    const recent = sent.find((s) => s.at >= now - 60_000)!;
    // (A replay carries the captured timestamp with its signature: with any other, Bolt's signature check refuses it.)
    expect(guard.check(req(recent.sig, Math.floor(recent.at / 1000)))).toBe('replayed request');
    const older = sent.find((s) => s.at >= now - 330_000)!;
    expect(guard.check(req(older.sig, Math.floor(older.at / 1000)))).toBe('replayed request');
    // The map holds only the window, not all 3,000.
    const seen = (guard as unknown as { seen: Map<string, number> }).seen;
    expect(seen.size).toBeLessThanOrEqual(6 * 60 * 5 + 2);
    expect([...seen.values()].every((at) => now - at <= 6 * 60_000)).toBe(true);
  });
});
