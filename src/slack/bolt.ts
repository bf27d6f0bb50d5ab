// Bolt's App and the two receivers the bot uses, each from its own module rather than Bolt's entry, which also loads
// ExpressReceiver and with it Express and body-parser (~120 modules, 2–4 MB of idle RSS) for nothing (issue 23,
// "footprint (session 6)"). Bolt 5 has no `exports` map, so these are its published files; should a later Bolt hide
// them, the bot fails at start, not quietly. Types come from the entry as before.
//
// Two modules Bolt requires as it loads are needed only by modes this bot may not run in (issue 23, tenth session):
// App requires its SocketModeReceiver, and with it `@slack/socket-mode` and undici (~5 MB of heap, ~10 MB of idle
// RSS), used only with socketMode on; HTTPReceiver requires `@slack/oauth` (~2 MB of heap), used only to install
// the app into many workspaces, which this bot does not do. Before Bolt loads, each one's place in the require cache
// is taken by a stand-in that loads the real module at the first read of anything on it (Node documents adding
// entries to `require.cache`); from then on the real module is in the cache and answers everyone.
import { createRequire, Module } from 'node:module';
import type { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';

const load = createRequire(import.meta.url);

/** Puts a stand-in for the module at `path` in the require cache, unless it is loaded already. */
function onDemand(path: string): void {
  if (load.cache[path]) return;
  let real: object | undefined;
  const module = (): object => {
    if (!real) {
      delete load.cache[path];
      real = load(path) as object;
    }
    return real;
  };
  const stand = new Module(path);
  stand.filename = path;
  stand.loaded = true;
  // `__esModule` is answered without loading: TypeScript's interop helpers read it as Bolt requires the module, and
  // both modules are TypeScript's CommonJS output, which sets it (test/idle-bot-loads-only-what-it-needs.test.ts).
  stand.exports = new Proxy(
    {},
    {
      get: (_t, key) => (key === '__esModule' ? true : Reflect.get(module(), key)),
      has: (_t, key) => key === '__esModule' || Reflect.has(module(), key),
      ownKeys: () => Reflect.ownKeys(module()),
      getOwnPropertyDescriptor: (_t, key) => {
        const d = Reflect.getOwnPropertyDescriptor(module(), key);
        return d && { ...d, configurable: true };
      },
    },
  );
  load.cache[path] = stand;
}

/** The modules loaded on demand, by the path Bolt requires them at. */
export const BOLT_ON_DEMAND = ['@slack/bolt/dist/receivers/SocketModeReceiver.js', '@slack/oauth'].map((m) => load.resolve(m));
for (const path of BOLT_ON_DEMAND) onDemand(path);

export const bolt = {
  App: (load('@slack/bolt/dist/App.js') as { default: typeof App }).default,
  HTTPReceiver: (load('@slack/bolt/dist/receivers/HTTPReceiver.js') as { default: typeof HTTPReceiver }).default,
  /** Read only in Socket Mode: its first read loads it. */
  get SocketModeReceiver(): typeof SocketModeReceiver {
    return (load('@slack/bolt/dist/receivers/SocketModeReceiver.js') as { default: typeof SocketModeReceiver }).default;
  },
};
