// Reads a slash command's text into words and flags, and turns a bad one into a message that shows the right form.
import type { OpsConfig } from '../src/config/schema.js';
import { messages, type Messages } from '../src/i18n/index.js';
import { helpText, type CommandSpec, type Reader } from './commands/spec.js';

export interface Args {
  words: string[];
  flags: Record<string, string | true>;
}

const KNOWN_FLAGS = new Set(['dry-run', 'config', 'help', 'full']);

/** What was wrong, in words: a sentence, or a catalog entry (src/i18n) said in the reader's language. */
export type Wrong = string | ((m: Messages) => string);

export class UsageError extends Error {
  private readonly wrong: Wrong;

  constructor(
    wrong: Wrong,
    readonly spec: CommandSpec,
  ) {
    super(typeof wrong === 'string' ? wrong : wrong(messages('en')));
    this.wrong = wrong;
    this.name = 'UsageError';
  }

  /** What the person reads: what was wrong, then the right forms — in their language. */
  reply(reader: Reader): string {
    const what = typeof this.wrong === 'string' ? this.wrong : this.wrong(messages(reader.lang));
    return `⚠️ ${what}\n\n${helpText(this.spec, reader)}`;
  }
}

export function tokenize(text: string, spec: CommandSpec): Args {
  if (text.length > 1000) throw new UsageError((m) => m.replies.usage.tooLong, spec);
  // Slack may send “smart” quotes and non-breaking spaces from mobile keyboards.
  const clean = text.replace(/[\u00a0\u2000-\u200b]/g, ' ').trim();
  const words: string[] = [];
  const flags: Record<string, string | true> = {};
  const parts = clean === '' ? [] : clean.split(/\s+/);
  for (let i = 0; i < parts.length; i += 1) {
    const p = parts[i]!;
    if (p.startsWith('--') || p.startsWith('—')) {
      const name = p.replace(/^(--|—)/, '');
      const [key, value] = name.split('=', 2) as [string, string | undefined];
      if (!KNOWN_FLAGS.has(key)) throw new UsageError((m) => m.replies.usage.unknownOption({ option: p }), spec);
      if (key === 'config' && value === undefined) {
        const next = parts[i + 1];
        if (!next || next.startsWith('--')) throw new UsageError((m) => m.replies.usage.configNeedsName, spec);
        flags[key] = next;
        i += 1;
      } else flags[key] = value ?? true;
    } else words.push(p);
  }
  return { words, flags };
}

/** The environment word, checked against ops.yml; the message lists the ones that exist. */
export function envArg(config: OpsConfig, word: string | undefined, spec: CommandSpec): string {
  const known = Object.keys(config.environments)
    .map((k) => `\`${k}\``)
    .join(', ');
  if (!word) throw new UsageError((m) => m.replies.usage.whichEnv({ known }), spec);
  if (!Object.keys(config.environments).includes(word)) throw new UsageError((m) => m.replies.usage.unknownEnv({ word: clip(word), known }), spec);
  return word;
}

/** The grammar slots `oneOf` names, in the catalog. */
const SLOTS: Readonly<Record<string, (m: Messages) => string>> = {
  subcommand: (m) => m.replies.usage.slot.subcommand,
  service: (m) => m.replies.usage.slot.service,
  'canary target': (m) => m.replies.usage.slot.canaryTarget,
  'cutover name': (m) => m.replies.usage.slot.cutoverName,
  'deploy target': (m) => m.replies.usage.slot.deployTarget,
};

export function oneOf<T extends string>(word: string | undefined, allowed: readonly T[], what: string, spec: CommandSpec): T {
  const list = allowed.map((a) => `\`${a}\``).join(', ');
  // The slot's name is said in the reader's language; a slot the catalog does not name stays as written.
  const said = (m: Messages) => SLOTS[what]?.(m) ?? what;
  if (!word) throw new UsageError((m) => m.replies.usage.missing({ what: said(m), allowed: list }), spec);
  if (!(allowed as readonly string[]).includes(word)) throw new UsageError((m) => m.replies.usage.unknownWord({ what: said(m), word: clip(word), allowed: list }), spec);
  return word as T;
}

export function noMore(words: string[], from: number, spec: CommandSpec): void {
  if (words.length > from) throw new UsageError((m) => m.replies.usage.unexpected({ words: clip(words.slice(from).join(' ')) }), spec);
}

/**
 * Text a person typed, made inert for mrkdwn: Slack's own escaping of &, < and >, so `<!channel>` or `<@U…>` from
 * the user is shown, never sent as a mention or a link.
 */
export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Echoing input back is fine, but never a wall of it, and never something that pings the channel. */
export function clip(s: string): string {
  const safe = s.replace(/[<>&`]/g, '');
  return safe.length > 40 ? `${safe.slice(0, 39)}…` : safe;
}
