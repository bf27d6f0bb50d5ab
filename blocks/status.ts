// /ops status as people read it: one line per service (anything unhealthy first), then maintenance and canary
// weights. At any size it stays within Slack's limits: what does not fit is counted ("and 2,090 more"), never dropped
// silently, and the full list goes out as a file (`statusFile`).
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../src/clock.js';
import type { EnvironmentStatus, ServiceRow } from '../src/ops/status.js';
import { context, fields, header, section, SlackLimits } from './kit.js';
import { messages, type Lang } from '../src/i18n/index.js';

/** How bad a service looks: lower sorts first (failed, then short or rolling, then stopped, then healthy). */
export function serviceRank(s: ServiceRow): number {
  if (s.rolloutState === 'FAILED') return 0;
  if (s.running < s.desired || s.rolloutState === 'IN_PROGRESS') return 1;
  if (s.desired === 0 && s.running === 0) return 2;
  return 3;
}

export const healthy = (s: ServiceRow): boolean => serviceRank(s) >= 2;

/** The services with anything unhealthy first; the config's order is kept within each group. */
export function worstFirst(services: readonly ServiceRow[]): ServiceRow[] {
  return services
    .map((s, i) => ({ s, i }))
    .sort((a, b) => serviceRank(a.s) - serviceRank(b.s) || a.i - b.i)
    .map(({ s }) => s);
}

export function serviceLine(s: ServiceRow, lang: Lang = 'en'): string {
  const m = messages(lang).status;
  const rank = serviceRank(s);
  const icon = rank === 0 ? '❌' : rank === 1 ? '⏳' : rank === 2 ? '⚫' : '🟢';
  const pending = s.pending > 0 ? m.pending({ n: s.pending }) : '';
  // ECS's rollout state: its own words (IN_PROGRESS) in Japanese, as Japanese SREs read them in the console.
  const rollout = s.rolloutState && s.rolloutState !== 'COMPLETED' ? ` · ${lang === 'en' ? s.rolloutState.toLowerCase().replace('_', ' ') : s.rolloutState}` : '';
  const age = s.deploymentAgeMs !== undefined ? m.deployedAgo({ age: formatDuration(s.deploymentAgeMs, lang) }) : '';
  return `${icon} \`${s.name}\` ${s.running}/${s.desired}${pending}${rollout}${age}`;
}

const n = (x: number): string => x.toLocaleString('en-US');

/** "2,100 services: 2 ❌ failed · 3 ⏳ starting or short · 2,095 🟢 running as desired". */
export function serviceCounts(services: readonly ServiceRow[], lang: Lang = 'en'): string {
  const m = messages(lang).status;
  const by = [0, 0, 0, 0];
  for (const s of services) by[serviceRank(s)]! += 1;
  const parts = [by[0] ? m.failed({ n: n(by[0]) }) : '', by[1] ? m.short({ n: n(by[1]) }) : '', by[2] ? m.stopped({ n: n(by[2]) }) : '', by[3] ? m.asDesired({ n: n(by[3]) }) : ''].filter(Boolean);
  return m.services({ n: n(services.length), one: services.length === 1, parts: parts.join(' · ') });
}

/**
 * Lines packed into sections of at most `perSection` characters, until `budget` characters or `maxSections` sections
 * are used. Returns the sections and how many lines did not fit.
 */
export function packLines(lines: readonly string[], opts: { budget: number; maxSections: number; perSection?: number; title?: string }): { texts: string[]; left: number } {
  const per = opts.perSection ?? SlackLimits.sectionText - 100;
  const texts: string[] = [];
  let chunk = opts.title ? `${opts.title}\n` : '';
  let used = 0;
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (used + line.length + 1 > opts.budget) break;
    if (chunk.length + line.length + 1 > per) {
      if (texts.length + 1 >= opts.maxSections) break;
      texts.push(chunk.trimEnd());
      chunk = '';
    }
    chunk += `${line}\n`;
    used += line.length + 1;
  }
  if (chunk.trim()) texts.push(chunk.trimEnd());
  return { texts, left: lines.length - i };
}

/** Fields in sections of ten (Slack's limit per section), at most `maxItems`, then "and N more". */
function fieldSections(items: readonly string[], maxItems: number, lang: Lang): KnownBlock[] {
  const shown = items.slice(0, maxItems);
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < shown.length; i += SlackLimits.fields) blocks.push(fields(shown.slice(i, i + SlackLimits.fields)));
  if (items.length > shown.length) blocks.push(context([messages(lang).status.andMore({ n: n(items.length - shown.length) })]));
  return blocks;
}

/** The services' share of one message: lines up to this many characters (the rest of the message needs the remainder). */
const SERVICE_TEXT_BUDGET = 8000;
const MAX_LISTENERS = 60;
const MAX_CANARIES = 30;

export interface StatusView {
  blocks: KnownBlock[];
  /** Services whose line did not fit in the message (they are in `statusFile`). */
  servicesLeft: number;
}

export function environmentStatusView(envName: string, st: EnvironmentStatus, readAt: string, lang: Lang = 'en'): StatusView {
  const m = messages(lang).status;
  const blocks: KnownBlock[] = [header(m.title({ env: envName }))];
  let servicesLeft = 0;
  if (st.services.length > 0) {
    const lines = worstFirst(st.services).map((s) => serviceLine(s, lang));
    const { texts, left } = packLines(lines, { budget: SERVICE_TEXT_BUDGET, maxSections: 20, title: m.servicesTitle });
    servicesLeft = left;
    if (st.services.length > 1) blocks.push(context([serviceCounts(st.services, lang)]));
    for (const t of texts) blocks.push(section(t));
    if (left > 0) {
      const restHealthy = worstFirst(st.services).slice(st.services.length - left).every(healthy);
      blocks.push(section(m.moreInFile({ n: n(left), healthy: restHealthy, file: statusFileName(envName) })));
    }
  }
  blocks.push(...fieldSections(st.maintenance.map((l) => m.listener({ name: l.name, on: l.on })), MAX_LISTENERS, lang));
  blocks.push(...fieldSections(st.canaries.map((c) => m.canary({ name: c.name, blue: c.blue, green: c.green })), MAX_CANARIES, lang));
  if (st.errors.length > 0) {
    const { texts, left } = packLines(st.errors.map((e) => `• ${e}`), { budget: 2000, maxSections: 1, title: m.couldNotRead });
    blocks.push(section(`${texts.join('\n')}${left ? `\n${m.andMore({ n: n(left) })}` : ''}`));
  }
  blocks.push(context([m.readAt({ at: readAt })]));
  return { blocks, servicesLeft };
}

export function environmentStatus(envName: string, st: EnvironmentStatus, readAt: string, lang: Lang = 'en'): KnownBlock[] {
  return environmentStatusView(envName, st, readAt, lang).blocks;
}

export const statusFileName = (envName: string): string => `ops-status-${envName}.txt`;

/** Every service, worst first, as plain text: the file posted when the message cannot show them all. */
export function statusFile(envName: string, st: EnvironmentStatus, readAt: string, lang: Lang = 'en'): string {
  const plain = (l: string) => l.replace(/`/g, '');
  return [messages(lang).status.fileTitle({ env: envName, at: readAt }), serviceCounts(st.services, lang).replace(/ [❌⏳⚫🟢]/gu, ''), '', ...worstFirst(st.services).map((s) => plain(serviceLine(s, lang)))].join('\n') + '\n';
}
