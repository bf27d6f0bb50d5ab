// /canary <env> <target> start [steps] | promote | pause | rollback | set <pct> | status
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { CanaryIntent, canaryView, type CanaryParams } from '../../src/ops/canary.js';
import { toRun, type Run } from '../../src/runs/run.js';
import { envArg, escapeText, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { replyError } from './reply.js';
import { readerOf } from '../lang.js';
import { specOf } from './spec.js';
import { holderLink, startRun } from './start-run.js';

const spec = specOf('/canary');

/** A canary's phase in the words of a one-line refusal. */
const PHASE_WORDS: Record<string, string> = { shifting: 'shifting weights', syncing: 'waiting for Route 53 INSYNC', gating: 'checking its gates', done: 'done', 'rolled-back': 'rolled back' };

/** The canary run holding a target's lock, if one is active. */
async function activeRun(deps: Deps, envName: string, target: string): Promise<Run | undefined> {
  const rows = await deps.store.listRuns({ env: envName, kind: 'canary', active: true, limit: 50 });
  const row = rows.find((r) => r.target === `${envName}:canary:${target}`);
  return row ? toRun(row) : undefined;
}

export function register(app: App, deps: Deps): void {
  app.command('/canary', async ({ command, ack, respond, client }) => {
    const reader = await readerOf(deps, command.user_id, command.text);
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError('here is how to use it', spec);
      const envName = envArg(deps.config, words[0], spec);
      const env = deps.config.environments[envName]!;
      const targets = Object.keys(env.canary);
      if (targets.length === 0) throw new UsageError(`*${envName}* has no \`canary\` targets in ops.yml`, spec);
      const target = oneOf(words[1], targets, 'canary target', spec);
      const sub = oneOf(words[2], ['start', 'promote', 'pause', 'rollback', 'set', 'status'] as const, 'subcommand', spec);
      let params: CanaryParams | undefined;
      if (sub === 'start') {
        let steps: number[] | undefined;
        if (words[3] !== undefined) {
          steps = words[3].split(',').map(Number);
          if (steps.some((s) => !Number.isInteger(s) || s < 1 || s > 100) || steps.some((s, i) => i > 0 && s <= steps![i - 1]!) || steps[steps.length - 1] !== 100) {
            throw new UsageError('steps are rising whole percentages ending at 100, comma-separated, e.g. `10,50,100`', spec);
          }
        }
        noMore(words, 4, spec);
        params = { target, action: 'start', ...(steps ? { steps } : {}) };
      } else if (sub === 'set') {
        const pct = Number(words[3]);
        if (words[3] === undefined || !/^\d{1,3}$/.test(words[3]) || pct > 100) throw new UsageError("`set` takes green's share as a whole percentage 0–100, e.g. `set 25`", spec);
        noMore(words, 4, spec);
        params = { target, action: 'set', pct };
      } else noMore(words, 3, spec);
      if (flags.full && sub !== 'promote') throw new UsageError('`--full` goes with `promote` only: `/canary <env> <target> promote --full` skips every remaining step', spec);

      if (sub === 'status') {
        await ack();
        let text: string;
        try {
          const weights = await deps.engine.status('canary', envName, { target, action: 'start' } satisfies CanaryParams);
          const run = await activeRun(deps, envName, target);
          text = `${weights}\n${run ? `Run \`${run.id}\` by <@${run.requestedBy}> is ${run.state.replace('_', ' ')}${run.pause ? ` — ${run.pause.reason}` : ''}${holderLink(deps, run.channel, run.ts)}` : 'No canary run is active.'}`;
        } catch (e) {
          text = `⚠️ *Canary · ${target} · ${envName}*: ${e instanceof Error ? e.message : String(e)}`;
        }
        await respond({ response_type: 'ephemeral', text });
        return;
      }
      if (params) {
        if (flags['dry-run']) {
          await ack();
          const plan = await deps.engine.plan('canary', envName, params);
          await respond({ response_type: 'ephemeral', text: `*Dry run: /canary ${escapeText(command.text.replace(/\s*--dry-run\S*/, '').trim())}* — nothing was changed. The calls it would make:\n${plan.join('\n')}` });
          return;
        }
        await startRun(deps, { ack, client, command }, { kind: 'canary', envName, params, summary: `/canary ${envName} ${target} ${sub}${params.steps ? ` ${params.steps.join(',')}` : ''}${params.pct !== undefined ? ` ${params.pct}` : ''}` });
        return;
      }

      // promote | pause | rollback act on the running canary, exactly as its buttons do. A refusal here is one line:
      // the words were right, the moment was not.
      const oneLine = (text: string) => ack({ response_type: 'ephemeral', text });
      const run = await activeRun(deps, envName, target);
      if (!run) return void (await oneLine(`⚠️ no canary is running on *${target}* in *${envName}*, so there is nothing to ${sub}. Start one with \`/canary ${envName} ${target} start\`.`));
      if (flags['dry-run']) {
        // Rollback is "set green to 0" in one call: its plan is that of `set 0`.
        const call = sub === 'rollback' ? `The calls it would make:\n${(await deps.engine.plan('canary', envName, { target, action: 'set', pct: 0 } satisfies CanaryParams)).join('\n')}` : 'no AWS call by itself';
        await ack({ response_type: 'ephemeral', text: `*Dry run: /canary ${envName} ${target} ${sub}* — nothing was changed. ${call}` });
        return;
      }
      let nonce: string;
      const intent = sub === 'promote' && flags.full ? CanaryIntent.promoteFull : sub;
      if (sub === 'promote') {
        const phase = canaryView.safeParse(run.view).data?.phase;
        if (run.pause?.intents.includes(intent)) nonce = run.pause.nonce;
        else if (run.state === 'running' && phase === 'baking') nonce = 'anytime';
        else {
          const now = run.pause ? `it is waiting: ${run.pause.reason}` : `it is ${phase ? (PHASE_WORDS[phase] ?? phase) : run.state.replace('_', ' ')}`;
          return void (await oneLine(`⚠️ Run \`${run.id}\` cannot be promoted now — ${now}. Promote works while a step bakes or waits for Promote; try again then.`));
        }
      } else if (sub === 'pause') {
        if (run.state !== 'running') return void (await oneLine(`⚠️ Run \`${run.id}\` is already waiting${run.pause ? `: ${run.pause.reason}` : ''} — nothing to pause.`));
        nonce = 'anytime';
      } else nonce = 'anytime';
      const answer = await deps.engine.press({ runId: run.id, intent, nonce, by: command.user_id });
      if (!answer.accepted) await ack({ response_type: 'ephemeral', text: `⛔ ${answer.reason}` });
      else await ack({ response_type: 'ephemeral', text: answer.duplicate ? `Already noted: *${sub}* was asked once.` : `👍 *${intent === CanaryIntent.promoteFull ? 'promote --full' : sub}* noted on run \`${run.id}\`${holderLink(deps, run.channel, run.ts)}.` });
    } catch (err) {
      await replyError(err, ack, deps.log, respond, reader);
    }
  });
}
