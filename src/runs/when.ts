// Times people type ("2026-12-01 02:00", "2h", "04:30") read in the configured zone, and cron in that zone.
import { Cron } from 'croner';
import { dateFormat, dayIn } from '../clock.js';

/** Offset of `zone` from UTC at instant `ms`, in ms (Asia/Tokyo → +9 h). */
function zoneOffset(ms: number, zone: string): number {
  const parts = dateFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(ms);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second')) - Math.floor(ms / 1000) * 1000;
}

/** A wall-clock time in `zone` to an instant; across a DST gap the later reading wins. */
export function zonedToUtc(y: number, mo: number, d: number, h: number, mi: number, zone: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = guess - zoneOffset(guess, zone);
  return guess - zoneOffset(first, zone);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/;
const TIME = /^(\d{1,2}):(\d{2})$/;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

export function parseDateTime(text: string, zone: string): number | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  return zonedToUtc(y, mo, d, h, mi, zone);
}

/** "2h", "90m", "1h30m", "1d" → ms; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const [d, h, mi] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number];
  const ms = ((d * 24 + h) * 60 + mi) * 60_000;
  return ms > 0 ? ms : undefined;
}

/** The end of a window: a duration after `start`, or a time ("04:30", the next one after start), or a date-time. */
export function parseWindowEnd(text: string, start: number, zone: string): number | undefined {
  const duration = parseDuration(text);
  if (duration !== undefined) return start + duration;
  const full = parseDateTime(text, zone);
  if (full !== undefined) return full;
  const t = TIME.exec(text.trim());
  if (!t) return undefined;
  const [h, mi] = [Number(t[1]), Number(t[2])];
  if (h > 23 || mi > 59) return undefined;
  const day = dayIn(start, zone).split('-').map(Number) as [number, number, number];
  let end = zonedToUtc(day[0], day[1], day[2], h, mi, zone);
  if (end <= start) end += 86_400_000;
  return end;
}

/** The next fire of a cron expression after `after`, in `zone`. */
export function nextCron(expr: string, zone: string, after: number): number | undefined {
  const next = new Cron(expr, { timezone: zone, paused: true }).nextRun(new Date(after));
  return next ? next.getTime() : undefined;
}

/** Throws a readable error for an expression croner refuses. */
export function checkCron(expr: string): string | undefined {
  try {
    new Cron(expr, { paused: true });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
