// The bot's words in every language it speaks, by room (one file each, so parallel edits do not collide).
// `messages(lang)` is the only way in: every key is a property checked by tsc, never a string looked up at run time.
import type { Lang } from './catalog.js';
import * as help from './help.js';
import * as maintenance from './maintenance.js';
import * as replies from './replies.js';
import * as run from './run.js';
import * as services from './services.js';
import * as cutover from './cutover.js';
import * as deploy from './deploy.js';
import * as schedule from './schedule.js';
import * as status from './status.js';
import * as history from './history.js';
import * as home from './home.js';
import * as canary from './canary.js';
import * as errors from './errors.js';
import * as failures from './failures.js';
import * as gates from './gates.js';
import * as plans from './plans.js';
import * as stages from './stages.js';
import * as resources from './resources.js';

export { LANGS, langOfLocale, OpError, sayError, type Lang, type Shape } from './catalog.js';

const CATALOGS = {
  en: { run: run.en, maintenance: maintenance.en, replies: replies.en, help: help.en, services: services.en, cutover: cutover.en, deploy: deploy.en, schedule: schedule.en, status: status.en, history: history.en, home: home.en, canary: canary.en, errors: errors.en, failures: failures.en, gates: gates.en, plans: plans.en, stages: stages.en, resources: resources.en },
  ja: { run: run.ja, maintenance: maintenance.ja, replies: replies.ja, help: help.ja, services: services.ja, cutover: cutover.ja, deploy: deploy.ja, schedule: schedule.ja, status: status.ja, history: history.ja, home: home.ja, canary: canary.ja, errors: errors.ja, failures: failures.ja, gates: gates.ja, plans: plans.ja, stages: stages.ja, resources: resources.ja },
} satisfies Record<Lang, unknown>;

/** Every message of one language. */
export type Messages = (typeof CATALOGS)['en'];

export function messages(lang: Lang): Messages {
  return CATALOGS[lang];
}

/** Every catalog, for tests that walk each entry in each language. */
export const ALL_CATALOGS: Readonly<Record<Lang, Messages>> = CATALOGS;
