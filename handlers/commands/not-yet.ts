// The answer of a command whose operation has not landed yet: its arguments were fully checked, nothing ran.
import type { AckFn, RespondArguments } from '@slack/bolt';

export async function notAvailableYet(ack: AckFn<string | RespondArguments>, what: string): Promise<void> {
  await ack({ response_type: 'ephemeral', text: `🛠 \`${what}\` is understood, but this operation is not available yet in this version of ecs-chatops. Nothing was changed.` });
}
