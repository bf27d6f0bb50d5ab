// The App Home tab: every environment live (blocks/home.ts). Published when a person opens it and again when a run
// changes. AWS is read through the same StatusReader as /ops status, once per environment for every viewer within
// a few seconds (a small cache on the injected clock); views.publish stays well inside its Tier 4 budget.
import type { App } from '@slack/bolt';
import type { Deps } from '../src/deps.js';
import { readEnvironmentStatus, type EnvironmentStatus } from '../src/ops/status.js';
import { isActive, toRun, type Run } from '../src/runs/run.js';
import { homeView, type HomeEnvironment } from '../blocks/home.js';

/** One AWS read of an environment serves every viewer for this long. */
export const HOME_READ_TTL_MS = 5_000;
/** views.publish is Tier 4 (100+ a minute per workspace): the bot spends at most this many a minute on refreshes. */
export const HOME_PUBLISHES_PER_MINUTE = 60;
/** People who opened the Home tab recently get it refreshed when a run changes; older viewers on their next open. */
const VIEWER_KEEP_MS = 12 * 60 * 60_000;
const MAX_VIEWERS = 200;

interface Cached {
  at: number;
  value: Promise<EnvironmentStatus | { error: string }>;
}

export function register(app: App, deps: Deps): void {
  const cache = new Map<string, Cached>();
  const viewers = new Map<string, number>();
  const tz = deps.config.timezone;

  /** The environment's live status, read at most once per HOME_READ_TTL_MS whoever asks (in-flight reads shared). */
  function statusOf(envName: string): Cached {
    const now = deps.clock.now();
    const hit = cache.get(envName);
    if (hit && now - hit.at < HOME_READ_TTL_MS) return hit;
    const env = deps.config.environments[envName]!;
    const entry: Cached = {
      at: now,
      value: readEnvironmentStatus(envName, env, deps.status(envName)).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) })),
    };
    cache.set(envName, entry);
    return entry;
  }

  function intentsOf(run: Run): string[] {
    const anytime = Object.entries(deps.ops[run.kind]?.anytime ?? {})
      .filter(([intent, states]) => ((states ?? []) as readonly string[]).includes(run.state) && (deps.ops[run.kind]?.offers?.(run, intent) ?? true))
      .map(([intent]) => intent);
    return [...new Set([...(run.pause?.intents ?? []), ...anytime])];
  }

  async function environment(envName: string): Promise<{ env: HomeEnvironment; readAt: number }> {
    const read = statusOf(envName);
    const [status, recent, activeRows, lastMaintenance, fires] = await Promise.all([
      read.value,
      deps.store.listRuns({ env: envName, limit: 50 }),
      deps.store.listRuns({ env: envName, active: true, limit: 20 }),
      deps.store.listRuns({ env: envName, kind: 'maintenance', limit: 5 }),
      deps.scheduler.list(envName),
    ]);
    const runs = recent.map(toRun);
    const started = lastMaintenance.map(toRun).find((r) => r.state === 'succeeded' && r.params.action === 'start');
    const ended = lastMaintenance.map(toRun).find((r) => r.state === 'succeeded' && r.params.action === 'end');
    const on = !('error' in status) && status.maintenance.some((m) => m.on);
    const lastFailed = runs.find((r) => r.state === 'failed');
    const env: HomeEnvironment = {
      name: envName,
      status,
      active: activeRows.map(toRun).filter((r) => isActive(r.state)).map((run) => ({ run, intents: intentsOf(run) })),
      nextFires: fires.filter((f) => f.nextAt !== null).map((f) => ({ id: f.id, kind: f.kind, params: f.params, at: f.nextAt! })).sort((a, b) => a.at - b.at),
      ...(lastFailed ? { lastFailed } : {}),
      ...(on && started && (!ended || ended.createdAt < started.createdAt) ? { maintenanceBy: { by: started.requestedBy, since: started.endedAt ?? started.updatedAt, runId: started.id } } : {}),
    };
    return { env, readAt: read.at };
  }

  async function publish(userId: string): Promise<void> {
    // The Home is one person's: in their Slack locale (cached; looked up here, after the event's ack), else ops.yml's language.
    const [envs, lang] = await Promise.all([Promise.all(Object.keys(deps.config.environments).map(environment)), deps.people.langOf(userId, deps.config.language, 2000)]);
    const blocks = homeView({
      lang,
      environments: envs.map((e) => e.env),
      timezone: tz,
      now: deps.clock.now(),
      readAt: Math.min(...envs.map((e) => e.readAt), deps.clock.now()),
      commands: deps.commands.map((c) => `${c.command} ${c.usageHint}`),
    });
    await app.client.views.publish({ user_id: userId, view: { type: 'home', blocks } });
  }

  // Refresh every recent viewer when a run changes: coalesced, and paced so a busy hour stays inside the budget.
  let lastRound = -Infinity;
  /** A round is waiting to start: changes until it starts are coalesced into it. */
  let pending = false;
  async function refreshAll(): Promise<void> {
    const now = deps.clock.now();
    for (const [u, at] of viewers) if (now - at > VIEWER_KEEP_MS) viewers.delete(u);
    const gapMs = Math.max(HOME_READ_TTL_MS, (viewers.size * 60_000) / HOME_PUBLISHES_PER_MINUTE);
    const wait = lastRound + gapMs - now;
    if (wait > 0) await deps.clock.sleep(wait);
    lastRound = deps.clock.now();
    pending = false;
    // The runs that changed may have changed AWS: their environments are read afresh (once for every viewer).
    for (const env of dirty) cache.delete(env);
    dirty.clear();
    const users = [...viewers.keys()];
    for (const u of users) {
      await publish(u).catch((err: unknown) => deps.log.warn({ user: u, err: err instanceof Error ? err.message : String(err) }, 'could not refresh the App Home'));
    }
  }
  const dirty = new Set<string>();
  deps.engine.on('changed', (run: Run) => {
    if (viewers.size === 0) return;
    dirty.add(run.env);
    if (pending) return;
    pending = true;
    void refreshAll().catch((err: unknown) => {
      pending = false;
      deps.log.warn({ err: String(err) }, 'App Home refresh failed');
    });
  });

  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    viewers.delete(event.user);
    viewers.set(event.user, deps.clock.now());
    if (viewers.size > MAX_VIEWERS) viewers.delete(viewers.keys().next().value!);
    await publish(event.user);
  });
}
