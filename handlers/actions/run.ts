// Every run button (`run.<intent>`): a bad payload is refused, a good one records the intent; the run engine acts on it.
import type { App, BlockButtonAction } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { ActionId, parseEndMaintenance, parseRunButton } from '../../blocks/actions.js';
import { cutoverView } from '../../src/ops/cutover.js';
import { maintenanceView } from '../../src/ops/maintenance.js';
import { isActive, toRun, type Run } from '../../src/runs/run.js';
import { afterAcks, replyInTurn } from '../../src/slack/after-ack.js';
import { isStoreUnavailable, STORE_DOWN_TEXT } from '../../src/store/outage.js';
import { presserAnswers, tellPresser, type Tell } from './presser.js';
import { messages, type Lang } from '../../src/i18n/index.js';

/**
 * A press that cannot be recorded (the store is down) is answered at once: "not recorded — press again". A
 * Rollback also gets a line in the run's thread, where everyone watching sees it: it must never vanish silently.
 * The bot does not keep the press in memory to act on later — a late, unseen rollback is worse than a clear "press again".
 */
async function notRecorded(deps: Deps, app: App, tell: Tell, p: { intent: string; user: string; channel: string | undefined; ts: string | undefined; err: unknown; lang: Lang }): Promise<void> {
  const said = (lang: Lang) => {
    const m = messages(lang).replies;
    return m.notRecorded({ intent: p.intent, by: p.user, why: isStoreUnavailable(p.err) ? STORE_DOWN_TEXT : m.internalError });
  };
  deps.log.error({ intent: p.intent, err: p.err instanceof Error ? p.err.message : String(p.err) }, 'a press could not be recorded');
  await tell(said(p.lang));
  if (p.intent === 'rollback' && p.channel && p.ts) {
    // The thread is the channel's: in the language of the environment the channel belongs to.
    const env = Object.values(deps.config.environments).find((e) => e.channel === p.channel);
    const text = said(env?.language ?? deps.config.language);
    await app.client.chat.postMessage({ channel: p.channel, thread_ts: p.ts, text }).catch((e: unknown) => deps.log.warn({ err: String(e) }, 'could not post the not-recorded notice'));
  }
}

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(/^run\.[a-z]+(-[a-z]+)?$/, async ({ ack, body, action, respond: viaUrl }) => {
    await ack();
    // A press on the App Home comes without a response_url (Bolt then gives no respond): answer in the presser's DM.
    const tell = tellPresser(app, deps.log, body.user.id, viaUrl);
    await afterAcks();
    // The answer is the presser's alone: in their Slack locale (looked up after the ack), else the channel's language.
    const channelEnv = Object.values(deps.config.environments).find((e) => e.channel === body.channel?.id);
    const langOf = () => deps.people.langOf(body.user.id, channelEnv?.language ?? deps.config.language, 2000);
    // The reply waits for a place among the replies in flight (src/slack/after-ack.ts); the press itself never does.
    const reply = (say: (lang: Lang) => string) => replyInTurn(async () => tell(say(await langOf())));
    const intent = action.action_id.slice('run.'.length);
    const button = parseRunButton(action.value);
    if (!button) return void (await reply((l) => messages(l).replies.buttonUnreadable));
    // Recorded first, before the presser's language is looked up and before any reply: a Rollback waits on nothing.
    let answer;
    try {
      answer = await deps.engine.press({ runId: button.r, intent, nonce: button.n, by: body.user.id });
    } catch (err) {
      // Acked already: the presser must hear at once that nothing was recorded, or they will wait for nothing.
      await notRecorded(deps, app, tell, { intent, user: body.user.id, channel: body.channel?.id, ts: body.message?.ts, err, lang: await langOf() });
      return;
    }
    if (!answer.accepted) await reply((l) => `⛔ ${answer.say?.(l) ?? answer.reason}`);
    else if (answer.duplicate) await reply((l) => messages(l).replies.alreadyNoted({ intent }));
  });

  // "End maintenance" on a maintenance message: a new run, as if /maintenance end <env> was typed — once per rendering.
  // Taken before the presser's language is known (up to 2 s of users.info): ending maintenance waits on nothing.
  app.action<BlockButtonAction>(ActionId.endMaintenance, async ({ ack, body, action, respond: viaUrl }) => {
    await ack();
    const button = parseEndMaintenance(action.value);
    const known = button && deps.config.environments[button.env] ? button : undefined;
    const { say, lang, tell } = presserAnswers(app, deps, body.user.id, viaUrl, { envName: known?.env });
    if (!known) return void (await tell((l) => messages(l).replies.buttonUnreadable));
    try {
      await endMaintenance(deps, known, body.user.id, tell);
    } catch (err) {
      // The store could not record the press: say so at once, as for every other button.
      const l = await lang;
      await notRecorded(deps, app, say, { intent: messages(l).run.button.endMaintenance, user: body.user.id, channel: body.channel?.id, ts: body.message?.ts, err, lang: l });
    }
  });

  // When maintenance is over (however it was ended), the start messages lose their End button and say who ended it.
  deps.engine.on('changed', (run: Run) => {
    if (run.kind !== 'maintenance' || run.state !== 'succeeded' || run.params.action !== 'end') return;
    void markEnded(deps, run).catch((err: unknown) => deps.log.warn({ run: run.id, err: String(err) }, 'could not mark the maintenance start runs as ended'));
  });
  // Likewise a cutover whose switch back has happened loses its Switch back button.
  deps.engine.on('changed', (run: Run) => {
    if (run.kind !== 'cutover' || run.state !== 'succeeded' || run.params.back !== true || typeof run.params.of !== 'string') return;
    const of = run.params.of;
    void deps.engine
      .getRun(of)
      .then((o) => (o && !switchedBackBy(o) ? deps.engine.annotate(of, { switchedBackBy: run.id }) : undefined))
      .catch((err: unknown) => deps.log.warn({ run: of, err: String(err) }, 'could not mark the cutover as switched back'));
  });
}

/** End maintenance from a button: a new `/maintenance end` run, taken once per rendered button. */
async function endMaintenance(deps: Deps, button: NonNullable<ReturnType<typeof parseEndMaintenance>>, by: string, tell: (text: (lang: Lang) => string) => Promise<unknown>): Promise<void> {
  if (button.of) {
    const of = await deps.engine.getRun(button.of);
    const endedBy = of ? endedByOf(of) : undefined;
    if (!of || of.kind !== 'maintenance' || of.env !== button.env) return void (await tell((l) => messages(l).replies.notThisEnvironment));
    if (endedBy) return void (await tell((l) => messages(l).replies.alreadyEnded({ env: of.env, runId: endedBy })));
    // One press per rendered button, however close together and on whichever replica: the first claims it.
    if (!(await deps.store.claimFire(`press:${ActionId.endMaintenance}:${of.id}`, deps.clock.now()))) {
      return void (await tell((l) => messages(l).replies.endAlreadyNoted));
    }
  }
  const answer = await deps.engine.request({ kind: 'maintenance', envName: button.env, params: { action: 'end' }, by });
  if (!answer.accepted) return void (await tell((l) => `⛔ ${answer.say?.(l) ?? answer.reason}`));
  deps.engine.start(answer.run.id);
}

async function markEnded(deps: Deps, end: Run): Promise<void> {
  const rows = await deps.store.listRuns({ env: end.env, kind: 'maintenance', limit: 50 });
  for (const r of rows.map(toRun)) {
    if (r.id === end.id || r.params.action !== 'start' || r.createdAt > end.createdAt || isActive(r.state)) continue;
    if (endedByOf(r)) continue;
    await deps.engine.annotate(r.id, { endedBy: end.id });
  }
}

/**
 * The marks these buttons leave on a finished run's message (annotate), read through the operation's view schema:
 * they say only whether a button is out of date, never what an operation does next.
 */
const endedByOf = (r: Run): string | undefined => maintenanceView.safeParse(r.view).data?.endedBy;
const switchedBackBy = (r: Run): string | undefined => cutoverView.safeParse(r.view).data?.switchedBackBy;
