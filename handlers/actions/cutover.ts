// "Switch back" on a cutover's message: a new cutover run that restores the records the first one stored, while the way back lasts.
import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../src/deps.js';
import { CutoverActionId } from '../../blocks/cutover.js';
import { CutoverParamsSchema, type CutoverParams } from '../../src/ops/cutover.js';
import { presserAnswers } from './presser.js';
import { messages, sayError } from '../../src/i18n/index.js';

const RunIdSchema = z.string().regex(/^r-[0-9a-z]+-[0-9a-z]+$/);

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(CutoverActionId.back, async ({ ack, body, action, respond }) => {
    await ack();
    // The way back is taken before the presser's language is known (up to 2 s of users.info): it waits on nothing.
    const { tell } = presserAnswers(app, deps, body.user.id, respond);
    const id = RunIdSchema.safeParse(action.value);
    if (!id.success) return void (await tell((l) => messages(l).replies.buttonUnreadable));
    const of = await deps.engine.getRun(id.data);
    const cutover = of?.kind === 'cutover' ? CutoverParamsSchema.safeParse(of.params) : undefined;
    if (!of || !cutover?.success) return void (await tell((l) => `⛔ ${messages(l).cutover.back.notCutover({ of: id.data })}`));
    const params: CutoverParams = { name: cutover.data.name, back: true, of: of.id };
    // The switch back's plan checks what the run checks again (done, stored records, deadline, not switched back yet),
    // so a late press is told at once instead of through a failed run. It reads only the store.
    try {
      await deps.engine.plan('cutover', of.env, params);
    } catch (err) {
      return void (await tell((l) => `⛔ ${sayError(err, l)}`));
    }
    const answer = await deps.engine.request({ kind: 'cutover', envName: of.env, params, by: body.user.id });
    if (!answer.accepted) return void (await tell((l) => `⛔ ${answer.say?.(l) ?? answer.reason}`));
    deps.engine.start(answer.run.id);
  });
}
