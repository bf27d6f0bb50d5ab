// The shape every language's catalog must have, derived from the English one: a key missing or extra in another
// language, or a message function taking other parameters, fails `tsc` (docs/decisions.md, issue 21).

/** The languages the bot speaks. `en` is the default everywhere. */
export const LANGS = ['en', 'ja'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * The type another language's catalog must satisfy: the same keys, nested alike; a string where English has a
 * string (any text), a function with the same parameters where English has a function.
 */
export type Shape<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => string ? (...args: A) => string : T[K] extends string ? string : Shape<T[K]>;
};

/** The language of a Slack locale (`ja-JP` → ja, `en-US` → en); undefined for one the bot does not speak. */
export function langOfLocale(locale: string | undefined): Lang | undefined {
  if (!locale) return undefined;
  const base = locale.toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(base ?? '') ? (base as Lang) : undefined;
}

/**
 * An error's sentence in `lang` when it (or an error it wraps, as `cause`) carries `say(lang)` — the AWS gateways'
 * errors do — else its English message.
 */
export function sayError(err: unknown, lang: Lang): string {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth += 1) {
    const say = (e as { say?: unknown }).say;
    if (typeof say === 'function') return String((say as (l: Lang) => unknown)(lang));
  }
  return err instanceof Error ? err.message : String(err);
}

/** `1 item` / `2 items` in English; Japanese has no plural. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * An error an operation raises itself (not AWS's): `message` is the English sentence (logs, the audit), `say(lang)`
 * the same sentence from the catalog in the reader's language — `sayError` finds it like an AWS error's.
 */
export class OpError extends Error {
  readonly say: (lang: Lang) => string;
  constructor(words: (lang: Lang) => string, options?: ErrorOptions) {
    super(words('en'), options);
    this.name = 'OpError';
    this.say = words;
  }
}
