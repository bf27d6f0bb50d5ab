// The one registry: every command, action, view and the App Home wire themselves to the app here.
import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { Deps } from '../src/deps.js';
import { guardPayloads, UNKNOWN_ACTION, unknownAction } from './edge.js';
import type { CommandSpec } from './commands/spec.js';
import { routed } from './router.js';
import * as cutoverActions from './actions/cutover.js';
import * as runActions from './actions/run.js';
import * as scheduleActions from './actions/schedule.js';
import * as ops from './commands/ops.js';
import * as home from './home.js';
import * as confirm from './views/confirm.js';

/** A handler module: wires itself to the app. */
export interface CommandModule {
  register(app: App, deps: Deps): void;
  /** The grammar of the command(s) it answers, for help, the App Home, the edge's check and manifest.yml. */
  specs?: readonly CommandSpec[];
}

/** The handlers that belong to no one operation; the operations' commands come from src/registry.ts (`commands`). */
export const REGISTRY: readonly CommandModule[] = [ops, runActions, cutoverActions, scheduleActions, confirm, home];

export function registerHandlers(app: App, deps: Deps, commands: readonly CommandModule[]): void {
  guardPayloads(app, deps.log, deps.commands, (user) => (user ? deps.people.cached(user) : undefined) ?? deps.config.language);
  app.use(oncePerEvent(() => deps.clock.now(), (id) => deps.log.info({ event_id: id }, 'event delivered again; already handled')));
  // Commands and buttons reach their handlers through one dispatching listener each (handlers/router.ts).
  const routes = routed(app);
  routes.app.action(UNKNOWN_ACTION, unknownAction((user) => deps.people.langOf(user, deps.config.language)));
  for (const module of [...REGISTRY, ...commands]) module.register(routes.app, deps);
  routes.mount();
}

/**
 * Slack retries an Events API delivery (up to 3 times over about 5 minutes, each a new signed request) when the
 * first answer was slow or lost: the same `event_id` is handled once. Bolt has already acknowledged the event.
 */
export function oncePerEvent(now: () => number, onRepeat: (eventId: string) => void = () => undefined, keepMs = 60 * 60_000): Middleware<AnyMiddlewareArgs> {
  const seen = new Map<string, number>();
  return async ({ body, next }) => {
    const id = (body as { type?: unknown; event_id?: unknown }).type === 'event_callback' ? (body as { event_id?: unknown }).event_id : undefined;
    if (typeof id === 'string') {
      const t = now();
      if (seen.size >= 1000) for (const [k, at] of seen) if (t - at > keepMs) seen.delete(k);
      if (seen.has(id)) return void onRepeat(id);
      seen.set(id, t);
    }
    await next();
  };
}
