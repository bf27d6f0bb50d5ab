// Time for the product: one interface so runs, schedules and tests agree on "now" (never Date.now() elsewhere).

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * `setInterval` for work that talks to the database or AWS: a tick is skipped while the previous one is still
 * running. A plain interval stacks a query a tick on a slow or locked database until the pool has no connection
 * left for the runs' own writes (found by the store-outage test: ten intent polls held all ten). Unref'd.
 */
export function everyWithoutOverlap(everyMs: number, work: () => Promise<unknown>): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void work()
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return timer;
}

/** Kept formatters, by locale and options: few distinct ones (the configured zones × a handful of shapes). */
const FORMATS = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATS = 256;

/**
 * An `Intl.DateTimeFormat`, built once per locale and options and then reused. Building one costs ~0.1 ms quiet
 * (ICU resolves the zone and the locale's patterns) and far more under load: `/ops help` built one per example and
 * spent 4.2 of its 13 CPU-s in them at 100 concurrent (issue 23's profile). Formatting with a kept one is ~1 µs.
 */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`;
  let f = FORMATS.get(key);
  if (!f) {
    if (FORMATS.size >= MAX_FORMATS) FORMATS.clear();
    f = new Intl.DateTimeFormat(locale, options);
    FORMATS.set(key, f);
  }
  return f;
}

/** The calendar day of `ms` in `timeZone`, as YYYY-MM-DD. */
export function dayIn(ms: number, timeZone: string): string {
  return dateFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** Abbreviations people use where Intl only knows "GMT+9" (en-US names the American and UTC ones itself). */
const ZONE_ABBR: Record<string, string> = {
  'Asia/Tokyo': 'JST',
  'Asia/Seoul': 'KST',
  'Asia/Kolkata': 'IST',
  'Asia/Singapore': 'SGT',
  'Asia/Shanghai': 'CST',
  'Asia/Hong_Kong': 'HKT',
};

/** The bot's languages (src/i18n/catalog.ts `Lang`; repeated here so the clock stays a leaf). */
export type TimeLang = 'en' | 'ja';

const JA_WEEKDAY = ['日', '月', '火', '水', '木', '金', '土'];

/**
 * "14:05 JST"-style formatting in the configured zone, for people. With the date: "2026-12-02 14:05 JST" in English,
 * "2026/12/02(水) 14:05 JST" in Japanese (the way Japanese teams write a date at work).
 */
export function formatTime(ms: number, timeZone: string, withDate = false, lang: TimeLang = 'en'): string {
  const parts = dateFormat('en-US', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    timeZoneName: 'short',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  let date = '';
  if (withDate && lang === 'ja') {
    const weekday = JA_WEEKDAY[new Date(Date.UTC(Number(get('year')), Number(get('month')) - 1, Number(get('day')))).getUTCDay()];
    date = `${get('year')}/${get('month')}/${get('day')}(${weekday}) `;
  } else if (withDate) date = `${get('year')}-${get('month')}-${get('day')} `;
  const zone = ZONE_ABBR[timeZone] ?? get('timeZoneName');
  // en-US writes midnight as 24 with hourCycle h23 unset on some ICU versions; normalise.
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${date}${hour}:${get('minute')} ${zone}`;
}

/** A time as people near `now` read it: the date is added when the day differs from today's (a deadline tomorrow). */
export function formatTimeNear(ms: number, timeZone: string, now: number, lang: TimeLang = 'en'): string {
  return formatTime(ms, timeZone, dayIn(ms, timeZone) !== dayIn(now, timeZone), lang);
}

/** "3m 05s" / "3分5秒"; "1h 05m" / "1時間5分". */
export function formatDuration(ms: number, lang: TimeLang = 'en'): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  if (lang === 'ja') {
    if (s < 60) return `${s}秒`;
    if (m < 60) return s % 60 === 0 ? `${m}分` : `${m}分${s % 60}秒`;
    return m % 60 === 0 ? `${Math.floor(m / 60)}時間` : `${Math.floor(m / 60)}時間${m % 60}分`;
  }
  if (s < 60) return `${s}s`;
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
