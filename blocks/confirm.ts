// The confirmation modal for environments that ask before a mutating command runs (permissions.confirm).
import type { View } from '@slack/types';
import { z } from 'zod';

export const CONFIRM_CALLBACK = 'run.confirm';

export const ConfirmMetadataSchema = z
  .object({
    kind: z.string().min(1).max(40),
    envName: z.string().min(1).max(40),
    params: z.record(z.string(), z.unknown()),
    summary: z.string().max(300),
    channel: z.string().max(40),
  })
  .strict();
export type ConfirmMetadata = z.infer<typeof ConfirmMetadataSchema>;

export function confirmModal(ask: Omit<ConfirmMetadata, 'channel'>, channel: string): View {
  const metadata: ConfirmMetadata = { ...ask, channel };
  return {
    type: 'modal',
    callback_id: CONFIRM_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Confirm' },
    submit: { type: 'plain_text', text: 'Run it' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `You are about to run\n\`${ask.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}\`\nin *${ask.envName}*. This changes production.` } },
      {
        type: 'input',
        block_id: 'confirm',
        label: { type: 'plain_text', text: `Type ${ask.envName} to confirm` },
        element: { type: 'plain_text_input', action_id: 'env' },
      },
    ],
  };
}
