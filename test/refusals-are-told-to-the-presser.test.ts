// Every kind of button, pressed by someone it refuses: the presser is told why, privately (ephemeral through the
// press's response_url, or a DM for a press on the App Home), and nothing changes on AWS. Before issue 21 a refused
// canary Promote went only into the run's thread: the presser saw nothing but the reply count change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, runActionId, runButtonValue } from '../blocks/actions.js';
import { CutoverActionId } from '../blocks/cutover.js';
import { startBot, type TestBot } from './support/bot.js';
import { messagesIn, opsConfig, PROD, PROD_GROUPS, prodEnv } from './support/harness.js';
import { signSlackRequest } from './support/slack-client.js';

const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';
const BLUE_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/3333333333333301';
const GREEN_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-green/3333333333333302';
const CONFIG = opsConfig({
  prod: prodEnv({
    canary: {
      web: { alb: { listenerArn: LISTENER, blueTargetGroupArn: BLUE_TG, greenTargetGroupArn: GREEN_TG }, steps: [10, 100], bakeSeconds: 3600 },
      api: { route53: { hostedZoneId: 'Z0PRIVATE0001', recordName: 'api.internal.example.', type: 'CNAME', blue: 'api-blue', green: 'api-green' }, steps: [10, 100] },
    },
  }),
});
const NOBODY = 'U0NOBODY01';

let t: TestBot;
let runId: string;
let msgTs: string;
beforeAll(async () => {
  t = await startBot({ config: CONFIG, userGroups: PROD_GROUPS, world: { route53SyncSeconds: 0 } });
  const ch = messagesIn(t.slack, PROD);
  await t.client.command('/canary prod web start', { user: 'U0LEAD001' });
  const waiting = await ch.waitLatest('Waiting for a second person to approve');
  msgTs = waiting.ts;
  runId = /run `(r-[0-9a-z]+-[0-9a-z]+)`/.exec(JSON.stringify(waiting.blocks))![1]!;
  // The requester may not approve their own run in prod.
  await t.client.press(waiting, runActionId('approve'), { user: 'U0LEAD001' });
  await t.slack.waitFor(() => t.slack.ephemerals('U0LEAD001').find((e) => e.text.includes('needs a second person')), { timeoutMs: 10_000 });
  await t.client.press(waiting, runActionId('approve'), { user: 'U0LEAD002' });
  await ch.waitLatest('Bake ends');
});
afterAll(() => t.close());

let seq = 0;
/** A block_actions payload as Slack sends it, from a message (with a response_url) or from the App Home (without). */
async function press(user: string, actionId: string, value: string, from: 'message' | 'home' = 'message'): Promise<void> {
  seq += 1;
  const base = { type: 'block_actions', user: { id: user, username: user.toLowerCase(), team_id: 'T0FAKE0001' }, api_app_id: 'A0FAKE0001', trigger_id: `1.${seq}.x`, team: { id: 'T0FAKE0001', domain: 'fake' } };
  const action = { action_id: actionId, block_id: `b${seq}`, type: 'button', value, action_ts: `1.${seq}` };
  const payload =
    from === 'home'
      ? { ...base, container: { type: 'view', view_id: 'V0HOME0001' }, view: { id: 'V0HOME0001', type: 'home', blocks: [], hash: '1.a', state: { values: {} } }, actions: [action] }
      : {
          ...base,
          container: { type: 'message', message_ts: msgTs, channel_id: PROD, is_ephemeral: false },
          channel: { id: PROD, name: 'prod' },
          message: { ts: msgTs, type: 'message', text: '', blocks: [] },
          response_url: t.slack.responseUrl(`refusal-${seq}`, { user, channel: PROD, message: { channel: PROD, ts: msgTs } }),
          actions: [action],
        };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ts = Math.floor(t.clock.now() / 1000);
  const res = await fetch(new URL('/slack/events', t.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(t.secrets.signingSecret, ts, body) },
    body,
  });
  expect(res.status).toBe(200);
}

/** What the presser has been told so far: `toldPrivately` looks only at what comes after. */
const told = (user: string) => ({ ephemerals: t.slack.ephemerals(user).length, dms: t.slack.callsTo('chat.postMessage').length });

/** Waits for the presser's private answer containing `needle` after `since`: an ephemeral to them, or a DM for a Home press. */
async function toldPrivately(user: string, needle: string, since: ReturnType<typeof told>, from: 'message' | 'home' = 'message'): Promise<string> {
  if (from === 'home') {
    const dm = await t.slack.waitFor(() => t.slack.callsTo('chat.postMessage').slice(since.dms).find((c) => c.args.channel === user && String(c.args.text).includes(needle)), { timeoutMs: 10_000, message: `no DM to ${user} with "${needle}"` });
    return String(dm.args.text);
  }
  const e = await t.slack.waitFor(() => t.slack.ephemerals(user).slice(since.ephemerals).find((x) => x.text.includes(needle)), { timeoutMs: 10_000, message: `no ephemeral to ${user} with "${needle}"` });
  return e.text;
}

describe('a refused press is told to the presser, privately, for every button', () => {
  const cases: { name: string; user: string; action: string; value: () => string; needle: string; from?: 'home' }[] = [
    { name: 'Promote by the requester (prod needs a second person)', user: 'U0LEAD001', action: runActionId('promote'), value: () => runButtonValue(runId, 'anytime:1'), needle: 'needs a second person' },
    { name: 'Promote to 100 % by an operator who is not an approver', user: 'U0SRE0002', action: runActionId('promote-full'), value: () => runButtonValue(runId, 'anytime:1'), needle: 'only approvers may promote' },
    { name: 'Rollback by someone who may not operate', user: NOBODY, action: runActionId('rollback'), value: () => runButtonValue(runId, 'anytime:1'), needle: 'you may not rollback' },
    { name: 'Pause by someone who may not operate', user: NOBODY, action: runActionId('pause'), value: () => runButtonValue(runId, 'anytime:1'), needle: 'you may not pause' },
    { name: 'Approve on a decision that has passed', user: 'U0LEAD002', action: runActionId('approve'), value: () => runButtonValue(runId, 'step-9'), needle: 'out of date' },
    { name: 'Retry of a run that did not fail', user: 'U0SRE0001', action: runActionId('retry'), value: () => runButtonValue(runId, 'failed-1'), needle: 'out of date' },
    { name: 'End maintenance by someone who may not operate', user: NOBODY, action: ActionId.endMaintenance, value: () => 'prod', needle: 'you may not operate' },
    { name: 'Switch back on a run that is not a cutover', user: 'U0SRE0001', action: CutoverActionId.back, value: () => runId, needle: 'is not a cutover' },
    { name: 'Skip once on a schedule that is gone', user: 'U0SRE0001', action: ActionId.scheduleSkip, value: () => JSON.stringify({ s: 'w-gone-0001', at: 1 }), needle: 'no longer exists' },
    { name: 'Cancel on a schedule that is gone', user: 'U0SRE0001', action: ActionId.scheduleCancel, value: () => JSON.stringify({ s: 'w-gone-0002', at: 1 }), needle: 'no longer exists' },
    { name: 'Rollback pressed on the App Home by someone who may not operate', user: 'U0NOBODY02', action: runActionId('rollback'), value: () => runButtonValue(runId, 'anytime:1'), needle: 'you may not rollback', from: 'home' },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const mark = t.aws.world.record.mark();
      const since = told(c.user);
      await press(c.user, c.action, c.value(), c.from);
      await toldPrivately(c.user, c.needle, since, c.from);
      await t.settled();
      expect(t.aws.world.record.mutations(mark)).toEqual([]);
    });
  }

  it('Promote at a canary decision point, by the requester: told privately (before: only a thread reply)', async () => {
    const ch = messagesIn(t.slack, PROD);
    await t.client.command('/canary prod api start', { user: 'U0LEAD001' });
    await t.client.press(await ch.waitLatest('Waiting for a second person to approve'), runActionId('approve'), { user: 'U0LEAD002' });
    const msg = await ch.waitLatest('Step 1/2 · green 10 % — Promote to continue');
    const mark = t.aws.world.record.mark();
    const since = told('U0LEAD001');
    await t.client.press(msg, runActionId('promote'), { user: 'U0LEAD001' });
    expect(await toldPrivately('U0LEAD001', 'needs a second person', since)).toContain('Nothing changed');
    await t.settled();
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('the canary Promote refusal is also kept in the thread for the record', async () => {
    await messagesIn(t.slack, PROD).threadHas(t.slack.message(PROD, msgTs)!, 'Promote by <@U0LEAD001> not taken');
  });
});
