// The confirmation modal for environments that ask before a mutating command runs (permissions.confirm).
import type { View } from '@slack/types';
import { z } from 'zod';
import { formatTime } from '../src/clock.js';
import { messages, type Lang } from '../src/i18n/index.js';

export const CONFIRM_CALLBACK = 'run.confirm';

export const ConfirmMetadataSchema = z
  .object({
    kind: z.string().min(1).max(40),
    envName: z.string().min(1).max(40),
    params: z.record(z.string(), z.unknown()),
    summary: z.string().max(300),
    channel: z.string().max(40),
    /** The language of the person who typed the command: the dialog and its errors are theirs. */
    lang: z.enum(['en', 'ja']).optional(),
  })
  .strict();
export type ConfirmMetadata = z.infer<typeof ConfirmMetadataSchema>;

export function confirmModal(ask: Omit<ConfirmMetadata, 'channel' | 'lang'>, channel: string, lang: Lang = 'en'): View {
  const metadata: ConfirmMetadata = { ...ask, channel, ...(lang === 'en' ? {} : { lang }) };
  const m = messages(lang).replies.confirm;
  return {
    type: 'modal',
    callback_id: CONFIRM_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: m.title },
    submit: { type: 'plain_text', text: m.submit },
    close: { type: 'plain_text', text: m.close },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: m.about({ summary: ask.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), env: ask.envName }) } },
      {
        type: 'input',
        block_id: 'confirm',
        label: { type: 'plain_text', text: m.typeToConfirm({ env: ask.envName }) },
        element: { type: 'plain_text_input', action_id: 'env' },
      },
    ],
  };
}

/** The user ids a text mentions (`<@U…>`), for the handler to look their names up. */
export const mentionedUsers = (text: string): string[] => [...new Set([...text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]!))];

/** Slack shows at most this many characters of an input's error; the rest is cut with an ellipsis. */
const DIALOG_ERROR_MAX = 150;

/**
 * A reason made fit for a dialog's error (`response_action: errors`), which Slack shows as plain text: names instead of
 * `<@U…>` and `<!subteam^S…>`, no `*bold*`, `_italic_` or backticks, links reduced to their label, and any ISO UTC
 * instant in the environment's local time.
 */
export function dialogError(text: string, o: { names: Record<string, string>; timezone: string; lang?: Lang }): string {
  const lang = o.lang ?? 'en';
  const plain = text
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${o.names[id] ?? id}`)
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|@?([^>]*))?>/g, (_m, id: string, handle?: string) => (handle ? `@${handle}` : messages(lang).replies.confirm.userGroup({ id })))
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<[^|>]+\|([^>]*)>/g, '$1')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z/g, (iso) => formatTime(Date.parse(iso), o.timezone, true, lang))
    .replace(/[*`]/g, '')
    .replace(/(^|\s)_([^_]+)_(?=\s|$|[.,:;])/g, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return plain.length > DIALOG_ERROR_MAX ? `${plain.slice(0, DIALOG_ERROR_MAX - 1)}…` : plain;
}
