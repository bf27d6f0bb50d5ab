// Small Block Kit builders and Slack's limits, shared by every view (limits: docs.slack.dev "Block Kit" reference).
import type { KnownBlock, Button, ContextBlock, SectionBlock } from '@slack/types';
import type { z } from 'zod';
import type { Run } from '../src/runs/run.js';
import type { Lang } from '../src/i18n/index.js';

/** Slack's documented limits: 50 blocks a message, 3,000 chars a section text, 10 fields of 2,000, 75 chars a button label, 2,000 a button value. */
export const SlackLimits = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  buttonLabel: 75,
  buttonValue: 2000,
  headerText: 150,
  contextElements: 10,
  confirmText: 300,
  messageText: 12_000,
} as const;

/** What the builders cut while `cutsWhile` runs (undefined otherwise: no cost in production). */
let cuts: string[] | undefined;

/**
 * Runs a view and lists what the builders had to cut to stay within Slack's limits. The builders never send
 * Slack too much, so checking their output against the limits proves nothing; a view that fits without any
 * cut shows the reader everything it was given. Tests of views use this.
 */
export function cutsWhile<T>(view: () => T): { value: T; cuts: string[] } {
  const outer = cuts;
  cuts = [];
  try {
    const value = view();
    return { value, cuts };
  } finally {
    cuts = outer;
  }
}

function keep<T>(items: T[], max: number, what: string): T[] {
  if (items.length > max) cuts?.push(`${items.length} ${what} cut to ${max}`);
  return items.slice(0, max);
}

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  cuts?.push(`${text.length} chars cut to ${max}: "${text.slice(0, 60)}…"`);
  return `${text.slice(0, max - 1)}…`;
}

export const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: clip(text, SlackLimits.headerText), emoji: true } });
export const section = (text: string): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) } });
export const fields = (items: string[]): SectionBlock => ({
  type: 'section',
  fields: keep(items, SlackLimits.fields, 'fields').map((t) => ({ type: 'mrkdwn', text: clip(t, SlackLimits.fieldText) })),
});
export const context = (items: string[]): ContextBlock => ({
  type: 'context',
  elements: keep(items, SlackLimits.contextElements, 'context elements').map((t) => ({ type: 'mrkdwn', text: clip(t, SlackLimits.sectionText) })),
});
export const divider = (): KnownBlock => ({ type: 'divider' });

export interface ButtonSpec {
  actionId: string;
  label: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny?: string };
}

export function button(b: ButtonSpec): Button {
  return {
    type: 'button',
    action_id: b.actionId,
    text: { type: 'plain_text', text: clip(b.label, SlackLimits.buttonLabel), emoji: true },
    value: clip(b.value, SlackLimits.buttonValue),
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: clip(b.confirm.title, 100) },
            text: { type: 'mrkdwn', text: clip(b.confirm.text, SlackLimits.confirmText) },
            confirm: { type: 'plain_text', text: clip(b.confirm.confirm, 30) },
            deny: { type: 'plain_text', text: clip(b.confirm.deny ?? 'Not now', 30) }, // callers in ja pass their own
            ...(b.style === 'danger' ? { style: 'danger' as const } : {}),
          },
        }
      : {}),
  };
}

export const actions = (blockId: string, buttons: ButtonSpec[]): KnownBlock => ({ type: 'actions', block_id: blockId, elements: keep(buttons, 25, 'buttons').map(button) });

/** Problems with a message against Slack's limits; empty when it fits. Used by tests on every view. */
export function limitProblems(blocks: readonly KnownBlock[], text = ''): string[] {
  const problems: string[] = [];
  if (blocks.length > SlackLimits.blocks) problems.push(`${blocks.length} blocks > ${SlackLimits.blocks}`);
  let total = text.length;
  for (const [i, b] of blocks.entries()) {
    if (b.type === 'section') {
      if (b.text && b.text.text.length > SlackLimits.sectionText) problems.push(`block ${i}: section text ${b.text.text.length} > ${SlackLimits.sectionText}`);
      if (b.fields && b.fields.length > SlackLimits.fields) problems.push(`block ${i}: ${b.fields.length} fields`);
      total += (b.text?.text.length ?? 0) + (b.fields ?? []).reduce((n, f) => n + f.text.length, 0);
    }
    if (b.type === 'actions') {
      for (const e of b.elements) {
        if (e.type === 'button') {
          if (e.text.text.length > SlackLimits.buttonLabel) problems.push(`block ${i}: button label too long`);
          if ((e.value ?? '').length > SlackLimits.buttonValue) problems.push(`block ${i}: button value too long`);
        }
      }
    }
  }
  if (total > SlackLimits.messageText) problems.push(`message text ${total} > ${SlackLimits.messageText}`);
  return problems;
}

/** What every status-message body is given besides its run. */
export interface RunViewContext {
  timezone: string;
  /** The environment's language (ops.yml `language`); en when not given. */
  lang?: Lang;
  now: number;
  title: string;
  /** Intents accepted at any moment in the run's current state (e.g. rollback while running). */
  anytime: string[];
  /** The operation's own part of the message (src/registry.ts picks it by the run's kind). */
  body?: Body;
}

export type Body = (run: Run, ctx: RunViewContext) => KnownBlock[];

/**
 * An operation's body, given its view parsed by the operation's view schema (no cast). View schemas have only
 * optional fields, so a stored view that does not parse (written by an older version, say) renders as an empty one.
 */
export function typedBody<V>(schema: z.ZodType<V>, body: (view: V, run: Run, ctx: RunViewContext) => KnownBlock[]): Body {
  return (run, ctx) => {
    const parsed = schema.safeParse(run.view);
    return body(parsed.success ? parsed.data : schema.parse({}), run, ctx);
  };
}
