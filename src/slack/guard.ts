// Checks Bolt does not make: a request timestamp from the future, and a replayed signature (Bolt keeps no replay record).
import type { IncomingMessage } from 'node:http';

/** Slack's largest payloads (a block_actions carrying a 50-block message) are far below this. */
export const MAX_SLACK_BODY = 1024 * 1024;

/** Slack signs `v0:<ts>:<body>`; Bolt refuses stale timestamps (> 5 minutes old) — this refuses the rest. */
export class RequestGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = 5 * 60_000,
    private readonly futureSkewMs = 60_000,
  ) {}

  /** undefined when the request may go on to Bolt's own verification; otherwise why it is refused. */
  check(req: IncomingMessage): string | undefined {
    if (req.method !== 'POST') return undefined;
    if (Number(req.headers['content-length'] ?? 0) > MAX_SLACK_BODY) return 'body too large';
    const ts = Number(req.headers['x-slack-request-timestamp']);
    const sig = req.headers['x-slack-signature'];
    if (!Number.isFinite(ts) || typeof sig !== 'string') return undefined; // Bolt refuses these itself
    const now = this.now();
    if (ts * 1000 > now + this.futureSkewMs) return 'timestamp in the future';
    this.prune(now);
    // Keyed on exactly what Bolt verifies: the signed timestamp and the hex after `v0=` (Bolt splits on '=' and
    // ignores anything after a second '='). No other header changes the decision: X-Slack-Retry-Num is unsigned,
    // and Slack's real retries are new requests with their own timestamp and signature (events are then
    // deduplicated by event_id, see handlers/index.ts).
    const key = `${String(req.headers['x-slack-request-timestamp']).trim()}:${(sig.split('=')[1] ?? '').toLowerCase()}`;
    if (this.seen.has(key)) return 'replayed request';
    this.seen.set(key, now);
    return undefined;
  }

  private prune(now: number): void {
    if (this.seen.size < 1000) return;
    // Entries are in arrival order: drop the expired ones at the front and stop at the first fresh one, so a busy
    // window costs O(1) a request instead of a walk over every signature of the last six minutes.
    for (const [sig, at] of this.seen) {
      if (now - at <= this.windowMs + this.futureSkewMs) break;
      this.seen.delete(sig);
    }
  }
}
