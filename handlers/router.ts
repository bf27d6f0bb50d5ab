// One Bolt listener for every slash command and one for every button, each dispatching on the command's name or the
// action id. Bolt runs each request through every registered listener's middleware (a spread of the listener's
// arguments and a promise per step); with the bot's sixteen listeners that was most of its own CPU per ack: a bare
// Bolt app given sixteen listeners that never match spent 2–2.5× the CPU per request of the same app with two
// (issue 23, bench/ack.ts with BENCH_BARE_LISTENERS). Handlers register as before, on what looks like the App.
import type { AnyMiddlewareArgs, App, Middleware, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';

type Handler = Middleware<AnyMiddlewareArgs>;

/**
 * `app` as the handler modules see it: `command(name, handler)` and `action(idOrPattern, handler)` are collected,
 * everything else is the App's own. `mount()` registers the two dispatching listeners, once, after the modules.
 */
export function routed(app: App): { app: App; mount: () => void } {
  const commands = new Map<string, Handler>();
  const actions: { id: string | RegExp; handler: Handler }[] = [];
  const command = (name: unknown, ...handlers: unknown[]) => {
    // A constraint the router does not read (a RegExp, an object) or a chain of middleware would change meaning here.
    if (typeof name !== 'string' || handlers.length !== 1 || typeof handlers[0] !== 'function') throw new Error('routed app.command takes a command name and one handler');
    if (commands.has(name)) throw new Error(`two handlers for ${name}`);
    commands.set(name, handlers[0] as Handler);
  };
  const action = (id: unknown, ...handlers: unknown[]) => {
    if (!(typeof id === 'string' || id instanceof RegExp) || (id instanceof RegExp && id.flags.includes('g')) || handlers.length !== 1 || typeof handlers[0] !== 'function') throw new Error('routed app.action takes an action id or a RegExp without /g, and one handler');
    actions.push({ id, handler: handlers[0] as Handler });
  };
  const facade = new Proxy(app, {
    get(target, prop) {
      if (prop === 'command') return command;
      if (prop === 'action') return action;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  let mounted = false;
  const mount = () => {
    if (mounted) return;
    mounted = true;
    const onCommand = async (args: SlackCommandMiddlewareArgs) => {
      await commands.get(args.command.command)?.(args as unknown as Parameters<Handler>[0]);
    };
    const onAction = async (args: SlackActionMiddlewareArgs) => {
      const id = (args.action as { action_id?: unknown }).action_id;
      if (typeof id !== 'string') return;
      const matching = actions.filter((a) => (typeof a.id === 'string' ? a.id === id : a.id.test(id)));
      // Every listener that matches runs, side by side, as Bolt ran them; the first failure reaches Bolt's handler.
      const settled = await Promise.allSettled(matching.map((a) => a.handler(args as unknown as Parameters<Handler>[0])));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    };
    app.command(/^\//, onCommand as Middleware<SlackCommandMiddlewareArgs>);
    app.action(/^/, onAction as Middleware<SlackActionMiddlewareArgs>);
  };
  return { app: facade, mount };
}
