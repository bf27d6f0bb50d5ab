// Every run button (`run.<intent>`): a bad payload is refused, a good one records the intent; the run engine acts on it.
import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { ActionId, parseRunButton } from '../../blocks/actions.js';
import { isStoreUnavailable, STORE_DOWN_TEXT } from '../../src/store/outage.js';

/**
 * A press that cannot be recorded (the store is down) is answered at once: "not recorded — press again". A
 * Rollback also gets a line in the run's thread, where everyone watching sees it: it must never vanish silently.
 * The bot does not keep the press in memory to act on later — a late, unseen rollback is worse than a clear "press again".
 */
async function notRecorded(deps: Deps, app: App, respond: RespondFn, p: { intent: string; user: string; channel: string | undefined; ts: string | undefined; err: unknown }): Promise<void> {
  const why = isStoreUnavailable(p.err) ? STORE_DOWN_TEXT : 'an internal error stopped the bot before it could record it (logged)';
  deps.log.error({ intent: p.intent, err: p.err instanceof Error ? p.err.message : String(p.err) }, 'a press could not be recorded');
  const text = `⚠️ *${p.intent}* by <@${p.user}> was *not recorded*: ${why}. Nothing changed — press *${p.intent}* again in a minute.`;
  await respond({ response_type: 'ephemeral', replace_original: false, text }).catch((e: unknown) => deps.log.warn({ err: String(e) }, 'could not answer the presser'));
  if (p.intent === 'rollback' && p.channel && p.ts) {
    await app.client.chat.postMessage({ channel: p.channel, thread_ts: p.ts, text }).catch((e: unknown) => deps.log.warn({ err: String(e) }, 'could not post the not-recorded notice'));
  }
}

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(/^run\.[a-z]+$/, async ({ ack, body, action, respond }) => {
    await ack();
    const intent = action.action_id.slice('run.'.length);
    const button = parseRunButton(action.value);
    if (!button) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: '⚠️ That button carried a payload I cannot read; nothing was changed.' });
      return;
    }
    let answer;
    try {
      answer = await deps.engine.press({ runId: button.r, intent, nonce: button.n, by: body.user.id });
    } catch (err) {
      // Acked already: the presser must hear at once that nothing was recorded, or they will wait for nothing.
      await notRecorded(deps, app, respond, { intent, user: body.user.id, channel: body.channel?.id, ts: body.message?.ts, err });
      return;
    }
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
