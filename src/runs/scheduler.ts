// Scheduled runs: maintenance windows typed in Slack and cron schedules from ops.yml, each fire claimed once by key.
import type { KnownBlock } from '@slack/types';
import type { OpsConfig } from '../config/schema.js';
import type { Clock } from '../clock.js';
import type { Log } from '../log.js';
import type { ScheduleRow, Store } from '../store/store.js';
import type { RunEngine } from './engine.js';
import { isStoreUnavailable } from '../store/outage.js';
import { newRunId } from './run.js';
import { nextCron } from './when.js';

export interface Schedule {
  id: string;
  env: string;
  kind: string;
  type: 'once' | 'cron';
  spec: string;
  params: Record<string, unknown>;
  createdBy: string;
  nextAt: number | null;
  skipAt: number | null;
}

export interface SchedulerDeps {
  store: Store;
  engine: RunEngine;
  clock: Clock;
  config: OpsConfig;
  log: Log;
  /** Posts a message (reminders, "skipped", "missed") to a channel. */
  post(channel: string, message: { text: string; blocks?: KnownBlock[] }): Promise<void>;
  /** Renders the reminder before a fire, with Skip once and Cancel. */
  reminder(s: Schedule, at: number): { text: string; blocks: KnownBlock[] };
}

/** A fire later than this (the bot was down) is reported as missed instead of run hours late. */
const MISFIRE_GRACE_MS = 60 * 60_000;
const DEFAULT_REMIND_MS = 15 * 60_000;
/** A fire whose request throws is given back and tried again at the next passes (15 s apart), this many times in all. */
const FIRE_ATTEMPTS = 3;
const FIRE_TRIES = 'fire-tries:';

/** Why a fire could not be requested, in words for the channel: no address, no stack. */
function whyNotRun(err: unknown): string {
  if (isStoreUnavailable(err)) return "the bot's database was unavailable";
  const slack = (err as { data?: { error?: unknown } } | null)?.data?.error;
  if (typeof slack === 'string') return `Slack refused a lookup it needs (\`${slack}\` — check the user groups named in permissions)`;
  return err instanceof Error ? err.message : String(err);
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly deps: SchedulerDeps) {}

  private toSchedule(row: ScheduleRow): Schedule {
    return {
      id: row.id,
      env: row.env,
      kind: row.kind,
      type: row.type === 'cron' ? 'cron' : 'once',
      spec: row.spec,
      params: JSON.parse(row.params) as Record<string, unknown>,
      createdBy: row.created_by,
      nextAt: row.next_at === null ? null : Number(row.next_at),
      skipAt: row.skip_at === null ? null : Number(row.skip_at),
    };
  }

  /** Writes the cron schedules of ops.yml (startup.schedule.start / stop) for the operations that exist. */
  async syncConfig(kinds: readonly string[]): Promise<void> {
    const { store, config, clock } = this.deps;
    const now = clock.now();
    for (const [envName, env] of Object.entries(config.environments)) {
      const sched = env.startup?.schedule;
      const wanted: [string, string | undefined][] = [
        ['startup', sched?.start],
        ['shutdown', sched?.stop],
      ];
      for (const [kind, expr] of wanted) {
        const id = `cfg:${envName}:${kind}`;
        const existing = await store.getSchedule(id);
        if (!expr || !kinds.includes(kind)) {
          if (existing && existing.cancelled_at === null) await store.cancelSchedules(id, now);
          continue;
        }
        const next = nextCron(expr, config.timezone, now) ?? null;
        if (existing && existing.spec === expr && existing.cancelled_at === null) continue;
        await store.putCronSchedule({ id, env: envName, kind, spec: expr, params: '{}', created_by: 'ops.yml', created_at: now, next_at: next });
      }
    }
  }

  /** A maintenance window: a start and an end, each fired once. */
  async addWindow(env: string, start: number, end: number, by: string): Promise<string> {
    const { store, clock } = this.deps;
    const id = newRunId(clock.now()).replace(/^r-/, 'w-');
    const now = clock.now();
    await store.addOnceSchedules(
      ([['start', 'start', start], ['end', 'end', end]] as const).map(([suffix, action, at]) => ({ id: `${id}:${suffix}`, env, kind: 'maintenance', spec: String(at), params: JSON.stringify({ action }), created_by: by, created_at: now, next_at: at })),
    );
    await store.audit({ at: now, env, actor: by, action: 'schedule', detail: { window: id, start, end } });
    return id;
  }

  async list(env?: string): Promise<Schedule[]> {
    return (await this.deps.store.pendingSchedules(env)).map((r) => this.toSchedule(r));
  }

  /** Cancels a schedule, or a whole window by its id (`w-…`). */
  async cancel(id: string, by: string): Promise<number> {
    const { store, clock } = this.deps;
    const n = await store.cancelSchedules(id, clock.now());
    if (n > 0) await store.audit({ at: clock.now(), actor: by, action: 'schedule-cancel', detail: { id } });
    return n;
  }

  /** Skips one fire of a recurring schedule (the one at `at`). */
  async skipOnce(id: string, at: number, by: string): Promise<boolean> {
    const { store, clock } = this.deps;
    const ok = await store.skipScheduleOnce(id, at);
    if (ok) await store.audit({ at: clock.now(), actor: by, action: 'schedule-skip', detail: { id, at } });
    return ok;
  }

  /** One pass: reminders that are due, fires that are due. Safe to run from several replicas at once. */
  tick(): Promise<void> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async pass(): Promise<void> {
    const { store, clock, config, engine, log } = this.deps;
    const now = clock.now();
    for (const s of await this.list()) {
      if (s.nextAt === null) continue;
      const env = config.environments[s.env];
      if (!env) continue;
      const remindMs = s.kind === 'maintenance' ? DEFAULT_REMIND_MS : (env.startup?.schedule?.remindMinutesBefore ?? 15) * 60_000;
      if (now < s.nextAt && now >= s.nextAt - remindMs && s.skipAt !== s.nextAt && remindMs > 0) {
        if (await store.claimFire(`remind:${s.id}@${s.nextAt}`, now)) await this.deps.post(env.channel, this.deps.reminder(s, s.nextAt)).catch((e: unknown) => log.warn({ err: String(e) }, 'reminder not posted'));
      }
      if (now < s.nextAt) continue;
      const at = s.nextAt;
      if (await store.claimFire(`${s.id}@${at}`, now)) {
        if (s.skipAt === at) {
          const stays = s.kind === 'maintenance' && s.params.action === 'end';
          const text = stays ? `🚧 *${s.env}* stays in maintenance: the end of window \`${s.id.split(':')[0]}\` was skipped. End it with \`/maintenance end ${s.env}\`.` : `⏭ Skipped once: scheduled *${s.kind}* of *${s.env}* (${s.id}).`;
          await this.deps.post(env.channel, { text }).catch(() => undefined);
        } else if (now - at > MISFIRE_GRACE_MS) {
          await this.deps.post(env.channel, { text: `⚠️ Missed: scheduled *${s.kind}* of *${s.env}* was due ${Math.round((now - at) / 60_000)} min ago while the bot was down; not run late. (${s.id})` }).catch(() => undefined);
        } else {
          const key = `${s.id}@${at}`;
          let answer: Awaited<ReturnType<RunEngine['request']>>;
          let reported = false;
          try {
            answer = await engine.request({ kind: s.kind, envName: s.env, params: s.params, by: s.createdBy === 'ops.yml' ? 'scheduler' : s.createdBy, system: s.createdBy === 'ops.yml' });
          } catch (err) {
            // The fire could not even be asked for (a user-group lookup failed, the store hiccuped): never leave it
            // claimed and undone. Give the claim back for the next pass, a few times; then say so in the channel.
            const why = whyNotRun(err);
            const tries = ((await store.getKv<number>(`${FIRE_TRIES}${key}`)) ?? 0) + 1;
            log.warn({ schedule: s.id, at, tries, err: why }, 'scheduled fire could not be requested');
            if (tries < FIRE_ATTEMPTS && now - at < MISFIRE_GRACE_MS) {
              await store.setKv(`${FIRE_TRIES}${key}`, tries, now);
              await store.releaseFire(key);
              continue;
            }
            await this.deps
              .post(env.channel, { text: `⚠️ Scheduled *${s.kind}* of *${s.env}* (${s.id}) did not start: ${why} — tried ${tries} times. Nothing was changed; run it by hand if it is still wanted.` })
              .catch((e: unknown) => log.warn({ err: String(e) }, 'could not report a scheduled fire that did not start'));
            answer = { accepted: false, reason: why };
            reported = true;
          }
          if (answer.accepted) engine.start(answer.run.id);
          else if (!reported) await this.deps.post(env.channel, { text: `⛔ Scheduled *${s.kind}* of *${s.env}* did not start: ${answer.reason}` }).catch(() => undefined);
          await store.audit({ at: now, env: s.env, actor: 'scheduler', action: 'fire', detail: { schedule: s.id, at, accepted: answer.accepted } });
          await store.deleteKv(`${FIRE_TRIES}${key}`).catch(() => undefined);
        }
        const next = s.type === 'cron' ? (nextCron(s.spec, config.timezone, Math.max(now, at)) ?? null) : null;
        await store.advanceSchedule(s.id, at, next);
      }
    }
  }

  /** Ticks now (a replica restarting around a fire time fires it without waiting a period), then every `everyMs`. */
  start(everyMs = 15_000): void {
    if (this.timer) return;
    const pass = () => void this.tick().catch((e: unknown) => this.deps.log.warn({ err: String(e) }, 'scheduler pass failed'));
    this.timer = setInterval(pass, everyMs);
    this.timer.unref();
    pass();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
