// Keeps each run's one status message current: post once, then chat.update at most every interval, latest state wins.
import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import { everyWithoutOverlap, systemClock, type Clock } from '../clock.js';
import type { Log } from '../log.js';
import type { RunEngine } from '../runs/engine.js';
import { isActive, toRun, type Run } from '../runs/run.js';
import type { Store } from '../store/store.js';

/** What a message shows, as a short digest: equal views, equal digests. */
const digest = (view: unknown): string => createHash('sha256').update(JSON.stringify(view)).digest('base64');

export type Render = (run: Run) => { text: string; blocks: KnownBlock[] };

interface Slot {
  chain: Promise<void>;
  /** A pending delayed update; aborting it cancels it. */
  timer?: AbortController;
  lastSentAt: number;
  /** A digest of what the message shows (not the rendered JSON: a slot per run behind the budget kept kilobytes each). */
  lastKey?: string;
  pendingNotes: string[];
}

/**
 * chat.update is Tier 3 (about 50 a minute per workspace, docs.slack.dev/apis/web-api/rate-limits), shared by
 * every run: each message is updated at most once per `intervalMs`, and a workspace-wide bucket caps the rest.
 * With a store the bucket is a database row shared by every replica, so three replicas still spend one budget.
 */
export class StatusPublisher {
  private readonly slots = new Map<string, Slot>();
  /**
   * Runs whose message waits for the workspace's budget, served in turn by one timer: not a timer per run, each
   * re-rendering its run every 1.5 s — with hundreds of runs behind, that was most of the bot's CPU and a timer,
   * an AbortController and a listener held per run (docs/decisions.md, issue 23 "Fifth session").
   */
  private readonly waiting = new Set<string>();
  private waitingTimer: AbortController | undefined;
  private tokens: number;
  private readonly clock: Clock;
  private lastRefill: number;

  constructor(
    private readonly deps: {
      client: WebClient;
      engine: RunEngine;
      log: Log;
      render: Render;
      intervalMs: number;
      perMinute?: number;
      /** Where the workspace-wide bucket lives when several replicas share one workspace. */
      store?: Store;
      /** Test failpoints: `after:post-status` (the message is posted, its ts not yet stored). */
      failpoint?: (name: string) => void;
      /** The bot's clock: the bucket's refills and the waits are reckoned on it, like every other time the bot keeps. */
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
    this.lastRefill = this.clock.now();
    this.tokens = 10;
    deps.engine.on('changed', (run: Run) => this.changed(run));
    deps.engine.on('note', ({ run, text }: { run: Run; text: string }) => this.note(run, text));
  }

  private slot(id: string): Slot {
    let s = this.slots.get(id);
    if (!s) {
      s = { chain: Promise.resolve(), lastSentAt: 0, pendingNotes: [] };
      this.slots.set(id, s);
    }
    return s;
  }

  private enqueue(id: string, work: () => Promise<void>): Promise<void> {
    const s = this.slot(id);
    this.working += 1;
    s.chain = s.chain
      .then(work)
      .catch((err: unknown) => {
        this.deps.log.warn({ run: id, err: err instanceof Error ? err.message : String(err) }, 'status message update failed; the next change retries');
      })
      .finally(() => {
        this.working -= 1;
      });
    return s.chain;
  }

  /** Posts and updates queued or under way (not the debounce sleeps, which are on the clock). */
  private working = 0;

  /**
   * True while a status message is being rendered or sent. The harness's time-skipper holds simulated time meanwhile:
   * the store reads and the render before chat.update are neither a request nor a sleep, and under load they can
   * outlast its quiet window — a bake was then skipped before the message showing it went out.
   */
  busy(): boolean {
    return this.working > 0;
  }

  /** The shared bucket's row key: one per workspace (one bot token per deployment). */
  static readonly BUDGET_KEY = 'slack:chat.update';

  private async takeToken(): Promise<boolean> {
    const { store } = this.deps;
    if (store) {
      try {
        return await store.takeToken(StatusPublisher.BUDGET_KEY, this.clock.now(), this.deps.perMinute ?? 50, 10);
      } catch (err) {
        // The database is briefly unreachable: fall back to this replica's own bucket rather than go silent.
        this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'shared update budget unavailable; using the local one');
      }
    }
    return this.takeLocalToken();
  }

  private takeLocalToken(): boolean {
    const perMinute = this.deps.perMinute ?? 50;
    const now = this.clock.now();
    this.tokens = Math.min(10, this.tokens + ((now - this.lastRefill) / 60_000) * perMinute);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  changed(run: Run): void {
    const s = this.slot(run.id);
    if (!run.ts) {
      void this.enqueue(run.id, () => this.post(run.id));
      return;
    }
    // Waiting for the budget: it is rendered, at its latest state, when its turn comes.
    if (s.timer || this.waiting.has(run.id)) return;
    const wait = Math.min(this.deps.intervalMs, Math.max(0, s.lastSentAt + this.deps.intervalMs - this.clock.now()));
    this.later(s, run.id, wait);
  }

  /** An update of `id` after `ms` on the bot's clock (cancelled by flush, which sends it at once). */
  private later(s: Slot, id: string, ms: number): void {
    const timer = new AbortController();
    s.timer = timer;
    void this.clock.sleep(ms, timer.signal).then(() => {
      if (timer.signal.aborted) return;
      s.timer = undefined;
      void this.enqueue(id, () => this.update(id));
    });
  }

  /** Posts the run's status message now if it has none yet (before any AWS change of the run). */
  ensurePosted(id: string): Promise<void> {
    return this.enqueue(id, () => this.post(id));
  }

  note(run: Run, text: string): void {
    const s = this.slot(run.id);
    s.pendingNotes.push(text);
    void this.enqueue(run.id, () => this.flushNotes(run.id));
  }

  private async post(id: string): Promise<void> {
    const run = await this.deps.engine.getRun(id);
    if (!run || run.ts || !run.channel) return;
    const { store } = this.deps;
    const marker = `${StatusPublisher.POSTING}${id}`;
    // A process that died between posting and storing the ts left this marker: find that message (its metadata
    // names the run) and adopt it instead of posting a second one.
    const attempt = store ? await store.getKv<{ at: number }>(marker) : undefined;
    if (attempt) {
      const ts = await this.findPosted(run.channel, id);
      if (ts) {
        this.deps.log.info({ run: id }, 'found the status message posted before a crash; updating it instead of posting another');
        await this.deps.engine.setMessage(id, run.channel, ts);
        await store!.deleteKv(marker).catch(() => undefined);
        await this.update(id);
        await this.flushNotes(id);
        return;
      }
      // The marker is recent: the replica that left it may be alive and its post still on its way to Slack (the run
      // changed hands mid-post). Look again shortly rather than post a second message; once the marker is older than
      // any post takes, its writer died before posting, and this replica posts.
      const age = this.clock.now() - attempt.at;
      if (age < StatusPublisher.POST_IN_FLIGHT_MS) {
        this.deps.log.info({ run: id }, 'another replica may be posting this run\'s status message; looking again shortly');
        void this.clock.sleep(Math.min(1000, StatusPublisher.POST_IN_FLIGHT_MS - age)).then(() => this.enqueue(id, () => this.post(id)));
        return;
      }
    }
    const now = this.clock.now();
    await store?.setKv(marker, { at: now }, now);
    const view = this.deps.render(run);
    const res = await this.deps.client.chat.postMessage({
      channel: run.channel,
      text: view.text,
      blocks: view.blocks,
      unfurl_links: false,
      metadata: { event_type: StatusPublisher.METADATA_TYPE, event_payload: { run_id: id } },
    });
    this.deps.failpoint?.('after:post-status');
    const s = this.slot(id);
    s.lastSentAt = this.clock.now();
    s.lastKey = digest(view);
    if (res.ts) {
      const after = await this.deps.engine.setMessage(id, res.channel ?? run.channel, res.ts);
      await store?.deleteKv(marker).catch(() => undefined);
      // What the message shows is this render; setMessage's own version bump renders the same and is marked below.
      await this.shown(run.id, run.version);
      if (digest(this.deps.render(after)) === s.lastKey) await this.shown(after.id, after.version);
    }
    await this.flushNotes(id);
  }

  /** Slack message metadata on every status message: how a run finds its message again after a crash. */
  static readonly METADATA_TYPE = 'ecs_chatops_run';
  private static readonly POSTING = 'posting:';
  /** How long a post may be on its way (the WebClient's own retries included) before its marker is taken as a crash's. */
  private static readonly POST_IN_FLIGHT_MS = 15_000;


  private async findPosted(channel: string, runId: string): Promise<string | undefined> {
    try {
      // The message was posted moments before the crash: it is among the channel's newest. (No `oldest` bound:
      // a message's ts is Slack's clock, the marker's time is ours.)
      const res = await this.deps.client.conversations.history({ channel, limit: 100, include_all_metadata: true });
      const found = (res.messages ?? []).find((m) => {
        const meta = (m as { metadata?: { event_type?: string; event_payload?: { run_id?: unknown } } }).metadata;
        return meta?.event_type === StatusPublisher.METADATA_TYPE && meta.event_payload?.run_id === runId && !m.thread_ts;
      });
      return found?.ts;
    } catch (err) {
      // Without history access the bot cannot tell; posting again (one extra message) beats showing nothing.
      this.deps.log.warn({ run: runId, err: err instanceof Error ? err.message : String(err) }, 'could not look for the status message posted before a crash');
      return undefined;
    }
  }

  private async shown(id: string, version: number): Promise<void> {
    await this.deps.store?.markShown(id, version).catch((err: unknown) => this.deps.log.warn({ run: id, err: String(err) }, 'could not record what the message shows'));
  }

  /**
   * Finished runs whose message does not show their final state (the process that stored it died before it could
   * update the message): re-render them. At start every such run of the last day; then, every `everyMs`, those
   * quiet for `quietMs` (their owner would have updated them by then).
   */
  async catchUp(quietMs: number): Promise<number> {
    const { store } = this.deps;
    if (!store) return 0;
    const now = this.clock.now();
    const rows = await store.listUnshown(now - 24 * 3600_000, now - quietMs);
    for (const row of rows) this.changed(toRun(row));
    return rows.length;
  }

  private catchUpTimer: NodeJS.Timeout | undefined;

  startCatchUp(everyMs: number, quietMs: number): void {
    const warn = (err: unknown) => this.deps.log.warn({ err: String(err) }, 'status catch-up failed');
    void this.catchUp(0).catch(warn);
    this.catchUpTimer ??= everyWithoutOverlap(everyMs, () => this.catchUp(quietMs).catch(warn));
  }

  stopCatchUp(): void {
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    this.catchUpTimer = undefined;
  }

  private async update(id: string): Promise<void> {
    const run = await this.deps.engine.getRun(id);
    if (!run?.ts || !run.channel) return;
    const view = this.deps.render(run);
    const key = digest(view);
    const s = this.slot(id);
    if (key === s.lastKey) {
      await this.shown(id, run.version);
      return this.forgetIfDone(id, run);
    }
    if (!(await this.takeToken())) {
      // Over the workspace budget: in line, sent with whatever the state is when its turn comes.
      this.waitForBudget(id);
      return;
    }
    await this.deps.client.chat.update({ channel: run.channel, ts: run.ts, text: view.text, blocks: view.blocks });
    s.lastSentAt = this.clock.now();
    s.lastKey = key;
    await this.shown(id, run.version);
    this.forgetIfDone(id, run);
  }

  /** A finished run whose last state is on its message needs no slot: keeps memory flat over thousands of runs. */
  private forgetIfDone(id: string, run: Run): void {
    const s = this.slots.get(id);
    if (s && !isActive(run.state) && !s.timer && !this.waiting.has(id) && s.pendingNotes.length === 0) this.slots.delete(id);
  }

  private waitForBudget(id: string): void {
    this.waiting.add(id);
    if (this.waitingTimer) return;
    const timer = new AbortController();
    this.waitingTimer = timer;
    // About when the next token is due (50 a minute: one per 1.2 s).
    void this.clock.sleep(60_000 / (this.deps.perMinute ?? 50), timer.signal).then(() => {
      if (timer.signal.aborted) return;
      this.waitingTimer = undefined;
      this.serveWaiting();
    });
  }

  /** The next run in line; while the budget lasts, the one after it (one over the budget goes back in line). */
  private serveWaiting(): void {
    const id = this.waiting.values().next().value;
    if (id === undefined) return;
    this.waiting.delete(id);
    void this.enqueue(id, () => this.update(id)).then(() => {
      if (!this.waiting.has(id)) this.serveWaiting();
    });
  }

  private async flushNotes(id: string): Promise<void> {
    const s = this.slot(id);
    const run = await this.deps.engine.getRun(id);
    if (!run?.ts || !run.channel) return;
    while (s.pendingNotes.length > 0) {
      const text = s.pendingNotes.shift()!;
      await this.deps.client.chat.postMessage({ channel: run.channel, thread_ts: run.ts, text });
    }
  }

  /** Sends whatever is pending now (tests, shutdown). */
  async flush(): Promise<void> {
    this.waitingTimer?.abort();
    this.waitingTimer = undefined;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const id of waiting) void this.enqueue(id, () => this.update(id));
    for (const [id, s] of this.slots) {
      if (s.timer) {
        s.timer.abort();
        s.timer = undefined;
        void this.enqueue(id, () => this.update(id));
      }
    }
    await Promise.all([...this.slots.values()].map((s) => s.chain));
  }
}
