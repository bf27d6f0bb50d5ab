// The one registry: every command, action, view and the App Home wire themselves to the app here.
import type { App } from '@slack/bolt';
import type { Deps } from '../src/deps.js';
import * as cutoverActions from './actions/cutover.js';
import * as runActions from './actions/run.js';
import * as scheduleActions from './actions/schedule.js';
import * as canary from './commands/canary.js';
import * as cutover from './commands/cutover.js';
import * as deploy from './commands/deploy.js';
import * as maintenance from './commands/maintenance.js';
import * as ops from './commands/ops.js';
import * as services from './commands/services.js';
import * as home from './home.js';
import * as confirm from './views/confirm.js';

export const REGISTRY = [ops, maintenance, canary, services, deploy, cutover, runActions, cutoverActions, scheduleActions, confirm, home] as const;

export function registerHandlers(app: App, deps: Deps): void {
  for (const module of REGISTRY) module.register(app, deps);
}
