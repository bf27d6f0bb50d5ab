// src/slack/after-ack.ts: replies to presses go out at most REPLIES_IN_FLIGHT at a time, in arrival order, and a
// reply that fails gives its place on.
import { describe, expect, it } from 'vitest';
import { REPLIES_IN_FLIGHT, replyInTurn } from '../src/slack/after-ack.js';

describe('replyInTurn', () => {
  it('holds the replies past the limit until a place frees, then sends them in arrival order', async () => {
    const release: (() => void)[] = [];
    const started: number[] = [];
    const all = Array.from({ length: REPLIES_IN_FLIGHT + 3 }, (_, i) =>
      replyInTurn(async () => {
        started.push(i);
        await new Promise<void>((r) => release.push(r));
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(Array.from({ length: REPLIES_IN_FLIGHT }, (_, i) => i));
    release.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(started.at(-1)).toBe(REPLIES_IN_FLIGHT);
    while (release.length) {
      release.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(all)).toEqual(Array.from({ length: REPLIES_IN_FLIGHT + 3 }, (_, i) => i));
    expect(started).toEqual(Array.from({ length: REPLIES_IN_FLIGHT + 3 }, (_, i) => i));
  });

  it('a reply that fails gives its place to the next', async () => {
    const failures = Array.from({ length: REPLIES_IN_FLIGHT + 1 }, () => replyInTurn(() => Promise.reject(new Error('response_url expired'))));
    for (const f of failures) await expect(f).rejects.toThrow('response_url expired');
    expect(await replyInTurn(async () => 'sent')).toBe('sent');
  });
});
