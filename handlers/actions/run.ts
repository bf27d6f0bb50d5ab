// Every run button (`run.<intent>`): a bad payload is refused, a good one records the intent; the run engine acts on it.
import type { App, BlockButtonAction } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { ActionId, parseRunButton } from '../../blocks/actions.js';
import { afterAcks } from '../../src/slack/after-ack.js';

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(/^run\.[a-z]+$/, async ({ ack, body, action, respond }) => {
    await ack();
    await afterAcks();
    const intent = action.action_id.slice('run.'.length);
    const button = parseRunButton(action.value);
    if (!button) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: '⚠️ That button carried a payload I cannot read; nothing was changed.' });
      return;
    }
    const answer = await deps.engine.press({ runId: button.r, intent, nonce: button.n, by: body.user.id });
    if (!answer.accepted) await respond({ response_type: 'ephemeral', replace_original: false, text: `⛔ ${answer.reason}` });
    else if (answer.duplicate) await respond({ response_type: 'ephemeral', replace_original: false, text: `Already noted: *${intent}* was pressed once; pressing again does nothing more.` });
  });

  // "End maintenance" on a maintenance message: a new run, as if /maintenance end <env> was typed.
  app.action<BlockButtonAction>(ActionId.endMaintenance, async ({ ack, body, action, respond }) => {
    await ack();
    const envName = action.value ?? '';
    const answer = deps.config.environments[envName]
      ? await deps.engine.request({ kind: 'maintenance', envName, params: { action: 'end' }, by: body.user.id })
      : { accepted: false as const, reason: 'that button names an environment that is not configured' };
    if (!answer.accepted) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: `⛔ ${answer.reason}` });
      return;
    }
    deps.engine.start(answer.run.id);
  });
}
