// A DNS cutover's CloudWatch gate: its alarms checked before the switch, then watched for a while after it.
import type { CutoverConfig } from '../config/schema.js';
import { formatTime } from '../clock.js';
import { messages } from '../i18n/index.js';
import type { OpContext } from '../runs/operation.js';
import { checkAlarms, WATCH_EVERY_MS, type TrafficWatch } from './gates.js';

/** Before the switch: the failure in words (nothing has moved, so it is a refusal), or undefined. */
export async function alarmsBeforeSwitch(ctx: OpContext<unknown>, watch: TrafficWatch | undefined, cfg: CutoverConfig): Promise<string | undefined> {
  if (!watch || cfg.alarms.length === 0) return undefined;
  const v = await checkAlarms(watch, cfg, ctx.now(), ctx.timezone, ctx.lang);
  await ctx.note(messages(ctx.lang).cutover.check.alarmsBefore({ lines: v.lines.join(' · ') }));
  return v.failure;
}

/**
 * After the switch went INSYNC at `since`: the alarms every WATCH_EVERY_MS for `watchMinutes`. Returns the first
 * failure (the caller switches back), or undefined when the watch ended quietly.
 */
export async function watchAfterSwitch(ctx: OpContext<unknown>, watch: TrafficWatch | undefined, cfg: CutoverConfig, since: number): Promise<string | undefined> {
  if (!watch || cfg.alarms.length === 0 || cfg.watchMinutes === 0) return undefined;
  const until = since + cfg.watchMinutes * 60_000;
  await ctx.view({ note: messages(ctx.lang).cutover.check.watching({ alarms: cfg.alarms.join(', '), until: formatTime(until, ctx.timezone, false, ctx.lang) }) });
  for (;;) {
    const v = await checkAlarms(watch, cfg, ctx.now(), ctx.timezone, ctx.lang);
    if (v.failure) return v.failure;
    if (ctx.now() >= until) {
      await ctx.view({ note: messages(ctx.lang).cutover.check.stayedOk({ alarms: cfg.alarms.join(', '), minutes: cfg.watchMinutes }) });
      return undefined;
    }
    await ctx.sleep(Math.min(WATCH_EVERY_MS, until - ctx.now()));
  }
}
