// Every slash command the bot answers, with its forms and examples: the one list behind /ops help and manifest.yml.
import { dayIn } from '../../src/clock.js';
import { messages, type Lang, type Messages } from '../../src/i18n/index.js';

/** Stands for tomorrow's date in an example (`examplesOf` fills it in), so a copied example is never in the past. */
export const TOMORROW = '<tomorrow>';

/** Who reads a help text: their language, and the clock and zone an example date is reckoned in. */
export interface Reader {
  lang: Lang;
  now: number;
  timezone: string;
}

/** Tomorrow's date (YYYY-MM-DD) in `timeZone`, from `now` (the injected clock). */
export function tomorrow(now: number, timeZone: string): string {
  return dayIn(now + 86_400_000, timeZone);
}

/** A command's examples with their dates filled in: tomorrow in the configured zone. */
export function examplesOf(spec: CommandSpec, when: Pick<Reader, 'now' | 'timezone'>): string[] {
  if (!spec.examples.some((e) => e.includes(TOMORROW))) return spec.examples;
  const day = tomorrow(when.now, when.timezone);
  return spec.examples.map((e) => e.replaceAll(TOMORROW, day));
}

export interface CommandSpec {
  command: string;
  description: string;
  usageHint: string;
  forms: string[];
  examples: string[];
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    command: '/ops',
    description: 'Help, live status, recent runs and the audit log',
    usageHint: 'help | status <env> | runs [env] | audit [env]',
    forms: ['/ops help', '/ops status <env>', '/ops runs [env]', '/ops audit [env]'],
    examples: ['/ops status prod', '/ops runs', '/ops audit prod'],
  },
  {
    command: '/maintenance',
    description: 'Put ALB listeners into maintenance and back',
    usageHint: 'start|end|status <env> [--dry-run] | schedule <env> <YYYY-MM-DD HH:MM> <2h|HH:MM> | schedules <env> | cancel <id>',
    forms: [
      '/maintenance start <env> [--dry-run]',
      '/maintenance end <env> [--dry-run]',
      '/maintenance status <env>',
      '/maintenance schedule <env> <YYYY-MM-DD HH:MM> <duration like 2h or 90m | end time HH:MM> [--dry-run]',
      '/maintenance schedules <env>',
      '/maintenance cancel <window id> [--dry-run]',
    ],
    examples: ['/maintenance start prod', '/maintenance end prod --dry-run', `/maintenance schedule prod ${TOMORROW} 02:00 2h`, '/maintenance schedules prod'],
  },
  {
    command: '/canary',
    description: 'Shift traffic between blue and green step by step',
    usageHint: '<env> <target> start [steps] | promote [--full] | pause | rollback | set <pct> | status',
    forms: ['/canary <env> <target> start [10,50,100] [--dry-run]', '/canary <env> <target> promote [--full] [--dry-run]', '/canary <env> <target> pause|rollback [--dry-run]', '/canary <env> <target> status', '/canary <env> <target> set <0-100> [--dry-run]'],
    examples: ['/canary prod web start', '/canary prod api-internal start 5,25,100', '/canary prod web rollback'],
  },
  {
    command: '/startup',
    description: 'Start ECS services in dependency order',
    usageHint: '<env> [service …] [--dry-run]',
    forms: ['/startup <env> [service …] [--dry-run]'],
    examples: ['/startup dev', '/startup dev service-b'],
  },
  {
    command: '/shutdown',
    description: 'Stop ECS services in reverse dependency order',
    usageHint: '<env> [service …] [--dry-run]',
    forms: ['/shutdown <env> [service …] [--dry-run]'],
    examples: ['/shutdown dev'],
  },
  {
    command: '/deploy',
    description: 'Blue/green deploy a new image with Approve / Rollback',
    usageHint: '<env> <service> <image | taskdef=family:rev> [--config NAME] [--dry-run]',
    forms: ['/deploy <env> <service> <image> [--config NAME] [--dry-run]', '/deploy <env> <service> taskdef=<family:revision> [--dry-run]'],
    examples: ['/deploy prod payment 111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v2'],
  },
  {
    command: '/cutover',
    description: 'Switch a Route 53 alias to a new load balancer, with a way back',
    usageHint: '<env> <name> [--dry-run]',
    forms: ['/cutover <env> <name> [--dry-run]'],
    examples: ['/cutover prod www'],
  },
];

/** Each command's description in the catalog (src/i18n/help.ts); a command not listed keeps its spec's English one. */
const DESCRIBED: Readonly<Record<string, (m: Messages) => string>> = {
  '/ops': (m) => m.help.describe.ops,
  '/maintenance': (m) => m.help.describe.maintenance,
  '/canary': (m) => m.help.describe.canary,
  '/startup': (m) => m.help.describe.startup,
  '/shutdown': (m) => m.help.describe.shutdown,
  '/deploy': (m) => m.help.describe.deploy,
  '/cutover': (m) => m.help.describe.cutover,
  '/scale': (m) => m.help.describe.scale,
};

/** The description people read: English is the spec's own (manifest.yml shows it), another language the catalog's. */
export function describeCommand(spec: CommandSpec, lang: Lang = 'en'): string {
  const said = DESCRIBED[spec.command];
  return lang === 'en' || !said ? spec.description : said(messages(lang));
}

export function helpText(spec: CommandSpec, reader: Reader): string {
  const { lang } = reader;
  return [`*${spec.command}* — ${describeCommand(spec, lang)}`, ...spec.forms.map((f) => `• \`${f}\``), `${messages(lang).help.eg} ${examplesOf(spec, reader).map((e) => `\`${e}\``).join(', ')}`].join('\n');
}

export function specOf(command: string): CommandSpec {
  const spec = COMMANDS.find((c) => c.command === command);
  if (!spec) throw new Error(`no spec for ${command}`);
  return spec;
}
