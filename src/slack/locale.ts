// Which language a person reads: their Slack locale (users.info with include_locale), cached with a bound and a
// TTL on the bot's clock. A lookup holds an ack at most LOCALE_ACK_GRACE_MS: a command from a person not known yet
// whose lookup is slower is acked with nothing to show and answered through its response_url once the lookup is done
// (handlers/lang.ts `answering`); a reply waits at most LOCALE_REPLY_BUDGET_MS for it, else it is in the
// environment's language (docs/decisions.md, issue 21; issue 23, "footprint (session 6)").
import type { Clock } from '../clock.js';
import { langOfLocale, type Lang } from '../i18n/index.js';
import type { Log } from '../log.js';

/** How long a person's locale is trusted (people rarely change it), and a failed lookup remembered (Slack is not hammered). */
export const LOCALE_TTL_MS = 60 * 60_000;
export const LOCALE_FAILED_TTL_MS = 60_000;
/** At most this many people are remembered; the oldest entry is dropped first. */
export const LOCALE_MAX_PEOPLE = 1000;
/** How long a reply waits for a first lookup before it is sent in the environment's language. */
export const LOCALE_REPLY_BUDGET_MS = 2000;
/**
 * How long an ack waits for a first lookup before it goes out empty (the answer then follows through response_url).
 * Not 0 so that a lookup Slack answers at once (most, ~100 ms) still gives one answer on the ack; see
 * docs/decisions.md, issue 23 "footprint (session 6)" for why it is not 0 yet.
 */
export const LOCALE_ACK_GRACE_MS = 150;

interface Entry {
  lang: Lang | undefined;
  until: number;
}

export type LocaleLookup = (userId: string) => Promise<string | undefined>;

export class PeopleLanguages {
  private readonly known = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Lang | undefined>>();

  constructor(
    private readonly deps: { lookup: LocaleLookup; clock: Clock; log: Log },
    private readonly opts: { ttlMs?: number; failedTtlMs?: number; max?: number } = {},
  ) {}

  /** The person's language if known and fresh; undefined when unknown (not looked up yet, or a locale the bot does not speak). */
  cached(userId: string): Lang | undefined {
    const e = this.known.get(userId);
    return e && e.until > this.deps.clock.now() ? e.lang : undefined;
  }

  /** Whether the person's language is settled for now: looked up (even to no language the bot speaks, or a failure) and fresh. */
  knows(userId: string): boolean {
    const e = this.known.get(userId);
    return e !== undefined && e.until > this.deps.clock.now();
  }

  /**
   * The language to answer `userId` in: their locale's, else `fallback` (the environment's). Waits at most
   * `budgetMs` for a lookup not cached yet; the lookup goes on and fills the cache for the next answer.
   */
  async langOf(userId: string | undefined, fallback: Lang, budgetMs = LOCALE_REPLY_BUDGET_MS): Promise<Lang> {
    if (!userId) return fallback;
    const e = this.known.get(userId);
    if (e && e.until > this.deps.clock.now()) return e.lang ?? fallback;
    const lookup = this.lookUp(userId);
    const stop = new AbortController();
    const timedOut = this.deps.clock.sleep(budgetMs, stop.signal).then(() => 'late' as const);
    try {
      const got = await Promise.race([lookup, timedOut]);
      return got === 'late' ? fallback : (got ?? fallback);
    } finally {
      stop.abort();
    }
  }

  private lookUp(userId: string): Promise<Lang | undefined> {
    const pending = this.inFlight.get(userId);
    if (pending) return pending;
    const p = this.deps
      .lookup(userId)
      .then(
        (locale) => {
          const lang = langOfLocale(locale);
          this.remember(userId, lang, this.opts.ttlMs ?? LOCALE_TTL_MS);
          return lang;
        },
        (err: unknown) => {
          this.deps.log.warn({ user: userId, err: err instanceof Error ? err.message : String(err) }, "could not read the person's Slack locale; answering in the environment's language");
          this.remember(userId, undefined, this.opts.failedTtlMs ?? LOCALE_FAILED_TTL_MS);
          return undefined;
        },
      )
      .finally(() => this.inFlight.delete(userId));
    this.inFlight.set(userId, p);
    return p;
  }

  private remember(userId: string, lang: Lang | undefined, ttl: number): void {
    this.known.delete(userId);
    this.known.set(userId, { lang, until: this.deps.clock.now() + ttl });
    const max = this.opts.max ?? LOCALE_MAX_PEOPLE;
    while (this.known.size > max) {
      const oldest = this.known.keys().next().value;
      if (oldest === undefined) break;
      this.known.delete(oldest);
    }
  }

  /** Forgets everyone (the playground's language switch: the next answer reads the locale again). */
  forget(): void {
    this.known.clear();
  }
}
