// The registry every handler and operation receives: built once in main.ts, passed in, never imported as a global.
import type { OpsConfig } from './config/schema.js';
import type { Clock } from './clock.js';
import type { Log } from './log.js';
import type { RunEngine } from './runs/engine.js';
import type { Access } from './runs/permissions.js';
import type { Scheduler } from './runs/scheduler.js';
import type { Operation } from './runs/operation.js';
import type { Store } from './store/store.js';
import type { PeopleLanguages } from './slack/locale.js';
import type { StatusReader } from './ops/status.js';
import type { CommandSpec } from '../handlers/commands/spec.js';

export interface Deps {
  config: OpsConfig;
  log: Log;
  clock: Clock;
  store: Store;
  engine: RunEngine;
  scheduler: Scheduler;
  access: Access;
  /** Live reads of an environment for /ops status (src/adapters). */
  status(envName: string): StatusReader;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of operations with their own params
  ops: Record<string, Operation<any, any>>;
  /** Each person's language, from their Slack locale (src/slack/locale.ts); replies meant for one person use it. */
  people: PeopleLanguages;
  /**
   * A Slack link to a message (`<url|text>` needs the URL): the workspace's permalink form,
   * `https://<workspace>.slack.com/archives/<channel>/p<ts without the dot>`, from auth.test's url once known.
   */
  messageLink(channel: string, ts: string): string;
  /** Every slash command's grammar (src/registry.ts commandSpecs): help, the App Home, the edge's check. */
  commands: readonly CommandSpec[];
}
