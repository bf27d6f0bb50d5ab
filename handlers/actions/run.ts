// Every run button (`run.<intent>`): a bad payload is refused, a good one records the intent; the run engine acts on it.
import type { App, BlockButtonAction } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { ActionId, parseEndMaintenance, parseRunButton } from '../../blocks/actions.js';
import type { MaintenanceView } from '../../blocks/maintenance.js';
import { isActive, toRun, type Run } from '../../src/runs/run.js';

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(/^run\.[a-z]+$/, async ({ ack, body, action, respond }) => {
    await ack();
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

  // "End maintenance" on a maintenance message: a new run, as if /maintenance end <env> was typed — once per rendering.
  app.action<BlockButtonAction>(ActionId.endMaintenance, async ({ ack, body, action, respond }) => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const button = parseEndMaintenance(action.value);
    if (!button || !deps.config.environments[button.env]) return void (await say('⚠️ That button carried a payload I cannot read; nothing was changed.'));
    if (button.of) {
      const of = await deps.engine.getRun(button.of);
      const endedBy = (of?.view as MaintenanceView | undefined)?.endedBy;
      if (!of || of.kind !== 'maintenance' || of.env !== button.env) return void (await say('⚠️ That button does not belong to a maintenance run of this environment; nothing was changed.'));
      if (endedBy) return void (await say(`That button is out of date: maintenance of *${of.env}* was already ended by run \`${endedBy}\`. Nothing was changed.`));
      // One press per rendered button, however close together and on whichever replica: the first claims it.
      if (!(await deps.store.claimFire(`press:${ActionId.endMaintenance}:${of.id}`, deps.clock.now()))) {
        return void (await say(`Already noted: *End maintenance* was pressed once on this message; pressing again does nothing more.`));
      }
    }
    const answer = await deps.engine.request({ kind: 'maintenance', envName: button.env, params: { action: 'end' }, by: body.user.id });
    if (!answer.accepted) return void (await say(`⛔ ${answer.reason}`));
    deps.engine.start(answer.run.id);
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
      .then((o) => (o && !(o.view as { switchedBackBy?: string }).switchedBackBy ? deps.engine.annotate(of, { switchedBackBy: run.id }) : undefined))
      .catch((err: unknown) => deps.log.warn({ run: of, err: String(err) }, 'could not mark the cutover as switched back'));
  });
}

async function markEnded(deps: Deps, end: Run): Promise<void> {
  const rows = await deps.store.listRuns({ env: end.env, kind: 'maintenance', limit: 50 });
  for (const r of rows.map(toRun)) {
    if (r.id === end.id || r.params.action !== 'start' || r.createdAt > end.createdAt || isActive(r.state)) continue;
    if ((r.view as MaintenanceView).endedBy) continue;
    await deps.engine.annotate(r.id, { endedBy: end.id });
  }
}
