// "Switch back" on a cutover's message: a new cutover run that restores the records the first one stored, while the way back lasts.
import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../src/deps.js';
import { CutoverActionId } from '../../blocks/cutover.js';
import { switchBackTarget } from '../../src/ops/cutover.js';

const RunIdSchema = z.string().regex(/^r-[0-9a-z]+-[0-9a-z]+$/);

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(CutoverActionId.back, async ({ ack, body, action, respond }) => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const id = RunIdSchema.safeParse(action.value);
    if (!id.success) return void (await say('⚠️ That button carried a payload I cannot read; nothing was changed.'));
    const of = await deps.store.getRun(id.data);
    // Checked here too (the run checks again), so a late press is told at once instead of through a failed run.
    const target = await switchBackTarget(deps.store, id.data, deps.clock.now());
    if (!of || !target.ok) return void (await say(`⛔ ${target.ok ? 'that cutover run no longer exists' : target.reason}`));
    const params = JSON.parse(of.params) as { name: string };
    const answer = await deps.engine.request({ kind: 'cutover', envName: of.env, params: { name: params.name, back: true, of: of.id }, by: body.user.id });
    if (!answer.accepted) return void (await say(`⛔ ${answer.reason}`));
    deps.engine.start(answer.run.id);
  });
}
