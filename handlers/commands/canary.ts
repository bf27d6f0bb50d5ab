// /canary <env> <target> start [steps] | promote | pause | rollback | set <pct> | status
import type { App } from '@slack/bolt';
import type { Deps } from '../../src/deps.js';
import { CanaryIntent, canaryView, type CanaryParams } from '../../src/ops/canary.js';
import { toRun, type Run } from '../../src/runs/run.js';
import { envArg, escapeText, noMore, oneOf, tokenize, UsageError } from '../args.js';
import { replyError } from './reply.js';
import { answering } from '../lang.js';
import { messages, sayError } from '../../src/i18n/index.js';
import { specOf } from './spec.js';
import { holderLink, startRun } from './start-run.js';

const spec = specOf('/canary');

/** A canary's phase in the words of a one-line refusal. */

/** The canary run holding a target's lock, if one is active. */
async function activeRun(deps: Deps, envName: string, target: string): Promise<Run | undefined> {
  const rows = await deps.store.listRuns({ env: envName, kind: 'canary', active: true, limit: 50 });
  const row = rows.find((r) => r.target === `${envName}:canary:${target}`);
  return row ? toRun(row) : undefined;
}

export function register(app: App, deps: Deps): void {
  app.command('/canary', async ({ command, ack: ackNow, respond, client }) => {
    const { reader, ack } = await answering(deps, command, ackNow, respond);
    const { lang } = reader;
    const c = messages(lang).canary.command;
    try {
      const { words, flags } = tokenize(command.text, spec);
      if (words[0] === 'help' || flags.help) throw new UsageError((m) => m.replies.usage.hereIsHow, spec);
      const envName = envArg(deps.config, words[0], spec);
      const env = deps.config.environments[envName]!;
      const targets = Object.keys(env.canary);
      if (targets.length === 0) throw new UsageError((m) => m.canary.command.noTargets({ env: envName }), spec);
      const target = oneOf(words[1], targets, 'canary target', spec);
      const sub = oneOf(words[2], ['start', 'promote', 'pause', 'rollback', 'set', 'status'] as const, 'subcommand', spec);
      let params: CanaryParams | undefined;
      if (sub === 'start') {
        let steps: number[] | undefined;
        if (words[3] !== undefined) {
          steps = words[3].split(',').map(Number);
          if (steps.some((s) => !Number.isInteger(s) || s < 1 || s > 100) || steps.some((s, i) => i > 0 && s <= steps![i - 1]!) || steps[steps.length - 1] !== 100) {
            throw new UsageError((m) => m.canary.command.badSteps, spec);
          }
        }
        noMore(words, 4, spec);
        params = { target, action: 'start', ...(steps ? { steps } : {}) };
      } else if (sub === 'set') {
        const pct = Number(words[3]);
        if (words[3] === undefined || !/^\d{1,3}$/.test(words[3]) || pct > 100) throw new UsageError((m) => m.canary.command.badSet, spec);
        noMore(words, 4, spec);
        params = { target, action: 'set', pct };
      } else noMore(words, 3, spec);
      if (flags.full && sub !== 'promote') throw new UsageError((m) => m.canary.command.fullWithPromote, spec);

      if (sub === 'status') {
        await ack();
        let text: string;
        try {
          const weights = await deps.engine.status('canary', envName, { target, action: 'start' } satisfies CanaryParams, lang);
          const run = await activeRun(deps, envName, target);
          const state = (r: Run) => (lang === 'en' ? r.state.replace('_', ' ') : messages(lang).run.state[r.state]);
          text = `${weights}\n${run ? c.runIs({ runId: run.id, by: run.requestedBy, state: state(run), reason: run.pause?.reason ?? '', link: holderLink(deps, run.channel, run.ts, lang) }) : c.noRun}`;
        } catch (e) {
          text = c.statusFailed({ target, env: envName, why: sayError(e, lang) });
        }
        await respond({ response_type: 'ephemeral', text });
        return;
      }
      if (params) {
        if (flags['dry-run']) {
          await ack();
          const plan = await deps.engine.plan('canary', envName, params, lang);
          await respond({ response_type: 'ephemeral', text: messages(lang).replies.dryRun({ command: `/canary ${escapeText(command.text.replace(/\s*--dry-run\S*/, '').trim())}`, calls: plan.join('\n') }) });
          return;
        }
        await startRun(deps, { ack, client, command }, { kind: 'canary', envName, params, summary: `/canary ${envName} ${target} ${sub}${params.steps ? ` ${params.steps.join(',')}` : ''}${params.pct !== undefined ? ` ${params.pct}` : ''}` }, lang);
        return;
      }

      // promote | pause | rollback act on the running canary, exactly as its buttons do. A refusal here is one line:
      // the words were right, the moment was not.
      const oneLine = (text: string) => ack({ response_type: 'ephemeral', text });
      const run = await activeRun(deps, envName, target);
      if (!run) return void (await oneLine(c.nothingRunning({ target, env: envName, sub })));
      if (flags['dry-run']) {
        // Rollback is "set green to 0" in one call: its plan is that of `set 0`.
        const call = sub === 'rollback' ? c.callsItWouldMake({ calls: (await deps.engine.plan('canary', envName, { target, action: 'set', pct: 0 } satisfies CanaryParams, lang)).join('\n') }) : c.noAwsCall;
        await ack({ response_type: 'ephemeral', text: c.dryRun({ command: `/canary ${envName} ${target} ${sub}`, what: call }) });
        return;
      }
      let nonce: string;
      const intent = sub === 'promote' && flags.full ? CanaryIntent.promoteFull : sub;
      if (sub === 'promote') {
        const phase = canaryView.safeParse(run.view).data?.phase;
        if (run.pause?.intents.includes(intent)) nonce = run.pause.nonce;
        else if (run.state === 'running' && phase === 'baking') nonce = 'anytime';
        else {
          const words: Readonly<Record<string, string>> = c.phaseWords;
          const now = run.pause ? c.waitingFor({ reason: run.pause.reason }) : c.itIs({ what: phase ? (Object.hasOwn(words, phase) ? words[phase]! : phase) : lang === 'en' ? run.state.replace('_', ' ') : messages(lang).run.state[run.state] });
          return void (await oneLine(c.cannotPromote({ runId: run.id, now })));
        }
      } else if (sub === 'pause') {
        if (run.state !== 'running') return void (await oneLine(c.alreadyWaiting({ runId: run.id, reason: run.pause?.reason ?? '' })));
        nonce = 'anytime';
      } else nonce = 'anytime';
      const answer = await deps.engine.press({ runId: run.id, intent, nonce, by: command.user_id });
      if (!answer.accepted) await ack({ response_type: 'ephemeral', text: `⛔ ${answer.say?.(lang) ?? answer.reason}` });
      else await ack({ response_type: 'ephemeral', text: answer.duplicate ? c.alreadyAsked({ sub }) : c.noted({ what: intent === CanaryIntent.promoteFull ? 'promote --full' : sub, runId: run.id, link: holderLink(deps, run.channel, run.ts, lang) }) });
    } catch (err) {
      await replyError(err, ack, deps.log, respond, reader);
    }
  });
}
