// The check that a Japanese message has no English sentence left in it (issue 21): after removing what stays as
// written — AWS's own text, backquoted code, code blocks, mentions and links, commands as typed, ARNs, ids, AWS calls and API names, ALL-CAPS states —
// and an allowlist of AWS words, no run of three Latin words in a row may remain.

/**
 * Words that stay as AWS (or Slack, or the product) writes them, even inside a Japanese sentence: the sides' names,
 * the arguments of a call as the dry run shows it (`weight 90`, `zone Z…`, `scale 0 %`, `revision 1 → 2`), units.
 * Removed before the check. Said here so that a reviewer sees what the check forgives.
 */
export const AWS_WORDS = [
  'Route 53',
  'Green',
  'Blue',
  'green',
  'blue',
  'alias',
  'weight',
  'zone',
  'scale',
  'family',
  'revision',
  'cluster',
  'service',
  'priority',
  'path',
  'source-ip',
  'forward',
  'desiredCount',
  'externalId',
  'force',
  'primary',
  'p99',
];

/** AWS's own text, quoted as AWS wrote it (an ECS service event; its phrase in brackets after the Japanese). */
export const AWS_SAYS = [/\(service [\w-]+\)[^\n]*/g, /（unable to consistently start tasks）/g];

/** A run of three or more Latin words: an English sentence (or most of one). */
export const ENGLISH_SENTENCE = /\b[A-Za-z]{3,}( [A-Za-z]{2,}){2,}\b/;
/**
 * Two words of three letters or more in a row: stricter, for what is left of a Japanese message once what stays is
 * removed. It catches the English labels a sentence check lets through ("Test traffic", "monitoring complete").
 */
export const ENGLISH_PHRASE = /\b[A-Za-z]{3,} [A-Za-z]{3,}\b/;

/** What stays as written, removed (each replaced by two spaces, so words around it do not join up). */
export function withoutWhatStays(text: string): string {
  let t = text;
  for (const r of AWS_SAYS) t = t.replace(r, '  ');
  t = t
    .replace(/```[\s\S]*?```/g, '  ')
    .replace(/`[^`\n]*`/g, '  ')
    .replace(/<[^>\n]*>/g, '  ') // mentions, links
    .replace(/\/(maintenance|canary|startup|shutdown|deploy|cutover|scale|ops)\b[^*\n（]*/g, '  ') // a command as typed
    .replace(/https?:\/\/\S+/g, '  ')
    .replace(/\{[^{}\n]*\}/g, '  ') // a JSON body as ops.yml gives it: {"message":"Service Unavailable"}
    .replace(/\b[\w-]+(?:\.[\w-]+)+\.?/g, '  ') // host and record names: www.example.com., CodeDeployDefault.ECSAllAtOnce
    .replace(/\barn:aws:\S+/g, '  ')
    .replace(/\b[a-z0-9]+:[A-Z][A-Za-z]+\b/g, '  ') // calls: ecs:UpdateService, route53:GetChange
    .replace(/\b[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+\b/g, '  ') // API and product names: ModifyListener, CodeDeploy
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, '  ') // states and acronyms: IN_PROGRESS, INSYNC, ALARM, UPSERT, TTL
    .replace(/\b[\w.-]*\d[\w.-]*\b/g, '  '); // ids, numbers, hosts: r-mi3k2a-8f2k1x, 2222/2201, api.internal.example.
  for (const w of AWS_WORDS) t = t.replace(new RegExp(`(?<![\\w-])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'), '  ');
  return t;
}

/** Every line of `text` that still holds an English sentence, with the words that tripped the check. */
export function englishLines(text: string, check: RegExp = ENGLISH_SENTENCE): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const hit = check.exec(withoutWhatStays(line));
    if (hit) found.push(`"${hit[0]}" in: ${line}`);
  }
  return found;
}

/** Every text a person reads in Block Kit blocks: sections, context, headers, buttons and their confirm dialogs. */
export function blockTexts(blocks: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else if (k !== 'value' && k !== 'action_id' && k !== 'block_id' && k !== 'url') walk(x);
      }
    }
  };
  walk(blocks);
  return out;
}
