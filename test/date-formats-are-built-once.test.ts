// Issue 23's profile: /ops help built an Intl.DateTimeFormat for every example it printed (4.2 of 13 CPU-s at 100
// concurrent). Formatters are kept per locale and options; what they print is unchanged.
import { describe, expect, it } from 'vitest';
import { dateFormat, dayIn, formatTime, formatTimeNear } from '../src/clock.js';
import { examplesOf, tomorrow, type CommandSpec } from '../handlers/commands/spec.js';

describe('date formats', () => {
  it('one formatter per locale and options, reused', () => {
    const a = dateFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });
    const b = dateFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });
    const c = dateFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('read the same as before: the day in a zone, tomorrow, times near now', () => {
    const t = Date.UTC(2026, 11, 2, 16, 30); // 01:30 on the 3rd in Tokyo
    expect(dayIn(t, 'Asia/Tokyo')).toBe('2026-12-03');
    expect(dayIn(t, 'UTC')).toBe('2026-12-02');
    expect(tomorrow(t, 'Asia/Tokyo')).toBe('2026-12-04');
    expect(formatTime(t, 'Asia/Tokyo', true, 'ja')).toBe('2026/12/03(木) 01:30 JST');
    expect(formatTimeNear(t + 3_600_000, 'UTC', t)).toBe('17:30 UTC');
    expect(formatTimeNear(t + 8 * 3_600_000, 'UTC', t)).toBe('2026-12-03 00:30 UTC');
  });

  it("an example's <tomorrow> is filled in; examples without one come back as written", () => {
    const spec: CommandSpec = { command: '/x', description: '', usageHint: '', forms: [], examples: ['/x a <tomorrow> 02:00', '/x b'] };
    expect(examplesOf(spec, { now: Date.UTC(2026, 11, 2, 12), timezone: 'UTC' })).toEqual(['/x a 2026-12-03 02:00', '/x b']);
  });
});
