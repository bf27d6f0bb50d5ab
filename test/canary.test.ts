// /canary end to end: signed Slack requests in, the sandbox's weighted records and listener as the evidence.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.js';
import { createLog } from '../src/log.js';
import { createBot } from '../src/main.js';
import type { SlackMessage } from '../playground/fake-slack.js';
import { limitProblems } from '../blocks/kit.js';
import { canaryBody } from '../blocks/canary.js';
import { canaryView } from '../src/ops/canary.js';
import { startFakeSlack, textOf, type FakeSlack } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { opsConfig, PROD_GROUPS, prodEnv } from './support/harness.js';
import { SANDBOX_CREDENTIALS, startSandbox } from './support/sandbox.js';
import { slackClient } from './support/slack-client.js';
import type { Run } from '../src/runs/run.js';

const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';
const BLUE_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/3333333333333301';
const GREEN_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-green/3333333333333302';
const CH = 'C0PROD001';
const GROUPS = PROD_GROUPS;

export const CONFIG = opsConfig({
  prod: prodEnv({
    canary: {
      'api-internal': { route53: { hostedZoneId: 'Z0PRIVATE0001', recordName: 'api.internal.example.', type: 'CNAME', blue: 'api-blue', green: 'api-green' }, steps: [10, 50, 100] },
      'api-bake': { route53: { hostedZoneId: 'Z0PRIVATE0001', recordName: 'bake.internal.example.', type: 'CNAME', blue: 'bake-blue', green: 'bake-green' }, steps: [10, 100], bakeSeconds: 600 },
      web: { alb: { listenerArn: LISTENER, blueTargetGroupArn: BLUE_TG, greenTargetGroupArn: GREEN_TG }, steps: [10, 25, 50, 100], alarms: ['web-5xx-high'] },
    },
  }),
});

type Waiter = { slack: FakeSlack };
const latest = (t: Waiter) => t.slack.messages(CH).at(-1)!;
const waitText = (t: Waiter, needle: string, timeoutMs = 10_000) =>
  t.slack.waitFor(() => t.slack.messages(CH).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs, message: `no message with "${needle}"` });
/** Waits until the newest status message (the run just started) shows `needle`. */
const waitLatest = (t: Waiter, needle: string, timeoutMs = 10_000) =>
  t.slack.waitFor(() => { const m = t.slack.messages(CH).at(-1); return m && textOf(m.blocks).includes(needle) ? m : undefined; }, { timeoutMs, message: `latest message lacks "${needle}"` });
const threadHas = (t: Waiter, msg: SlackMessage, needle: string) =>
  t.slack.waitFor(() => t.slack.thread(CH, msg.ts).some((m) => m.text.includes(needle)), { timeoutMs: 10_000, message: `no thread reply with "${needle}"` });

/** Where requireApproval, a canary start waits for a second person before its first change (Issue 17): an approver approves it. */
async function approveStart(w: { client: { press: TestBot['client']['press'] }; slack: FakeSlack }, requester: string): Promise<void> {
  const msg = await w.slack.waitFor(() => { const m = w.slack.messages(CH).at(-1); return m && textOf(m.blocks).includes('Waiting for a second person to approve') ? m : undefined; }, { timeoutMs: 10_000, message: 'the canary start is not waiting for approval' });
  await w.client.press(msg, 'run.approve', { user: requester === 'U0LEAD001' ? 'U0LEAD002' : 'U0LEAD001' });
}

function r53Weights(t: TestBot, name: string): Record<string, number | undefined> {
  return Object.fromEntries(t.aws.world.route53.records('Z0PRIVATE0001').filter((r) => r.name === name).map((r) => [r.setIdentifier, r.weight]));
}
const albWeights = (t: TestBot) => t.aws.world.elbv2.evaluate(LISTENER, { path: '/', sourceIp: '198.51.100.7' });

/** Presses Rollback and checks the run rolled back with exactly one traffic call; returns press → call in ms. */
async function rollbackIsOneCall(t: TestBot, msg: SlackMessage, opts: { user: string; title: string; call: string; label: string }): Promise<number> {
  const mark = t.aws.world.record.mark();
  const pressed = performance.now();
  await t.client.press(msg, 'run.rollback', { user: opts.user });
  await waitLatest(t, `↩️ ${opts.title}`);
  expect(t.aws.world.record.mutations(mark)).toEqual([opts.call]);
  const call = t.aws.world.record.since(mark).find((e) => e.mutating)!;
  const ms = call.receivedAt! - pressed;
  console.info(`canary rollback (${opts.label}): press sent → ${opts.call.split(':')[1]} arrived in ${ms.toFixed(1)} ms`);
  return ms;
}

describe('/canary', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: CONFIG, userGroups: GROUPS, world: { route53SyncSeconds: 0 } });
  });
  afterAll(async () => t.close());

  it('refuses malformed arguments with the right form and touches no AWS API', async () => {
    const mark = t.aws.world.record.mark();
    for (const text of ['', 'prod', 'prod nope start', 'prod web begin', 'prod web start 50,10', 'prod web start 10,50', 'prod web set 101', 'prod web set x', 'prod web status extra']) {
      const res = await t.client.command(`/canary ${text}`, { user: 'U0SRE0001' });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain('/canary <env> <target>');
    }
    const none = await t.client.command('/canary prod web promote', { user: 'U0SRE0001' });
    expect(JSON.stringify(none.body)).toContain('no canary is running on *web*');
    expect(t.aws.world.record.since(mark)).toEqual([]);
  });

  it('--dry-run lists the calls and changes nothing; status reads the weights from AWS', async () => {
    const mark = t.aws.world.record.mark();
    await t.client.command('/canary prod web start --dry-run', { user: 'U0SRE0001' });
    const dry = await t.slack.waitFor(() => t.slack.ephemerals().find((e) => e.text.includes('Dry run: /canary prod web start')), { timeoutMs: 5000 });
    expect(dry.text).toContain('Step 2/4 · green 25 %: elbv2:ModifyListener');
    expect(dry.text).toContain('web-blue/3333333333333301 weight 75, web-green/3333333333333302 weight 25');
    expect(dry.text).toContain('Rollback at any moment');
    await t.client.command('/canary prod api-internal start --dry-run', { user: 'U0SRE0001' });
    const dry2 = await t.slack.waitFor(() => t.slack.ephemerals().find((e) => e.text.includes('Dry run: /canary prod api-internal start')), { timeoutMs: 5000 });
    expect(dry2.text).toContain('route53:ChangeResourceRecordSets zone Z0PRIVATE0001 (one batch) UPSERT CNAME api.internal.example. api-blue weight 50, api-green weight 50');
    await t.client.command('/canary prod api-internal status', { user: 'U0SRE0001' });
    const status = await t.slack.waitFor(() => t.slack.ephemerals().find((e) => e.text.includes('Canary · api-internal · prod')), { timeoutMs: 5000 });
    expect(status.text).toContain('blue 100 % · 🟢 green 0 %');
    expect(status.text).toContain('No canary run is active.');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('walks a Route 53 canary to 100 %: one change batch per step, INSYNC reported, Promote only from a second approver', async () => {
    const mark = t.aws.world.record.mark();
    const res = await t.client.command('/canary prod api-internal start', { user: 'U0LEAD001' });
    expect(JSON.stringify(res.body)).toContain('accepted as run');
    await approveStart(t, 'U0LEAD001');
    const msg = await waitLatest(t, 'Step 1/3 · green 10 % — Promote to continue');
    expect(r53Weights(t, 'api.internal.example.')).toEqual({ 'api-blue': 90, 'api-green': 10 });
    const text = textOf(latest(t).blocks);
    expect(text).toContain('Step 1/3 · green 10 % · blue 90 %');
    expect(text).toMatch(/Route 53 INSYNC \d\d:\d\d JST · fully effective by \d\d:\d\d JST \(old TTL 60 s\)/);
    expect(text).toContain('[Promote]');
    expect(text).toContain('[Rollback]');
    await threadHas(t, msg, 'Step 1/3 · green 10 % — Route 53 INSYNC at');

    // The requester may not promote their own canary in prod, nor may an operator who is not an approver.
    // Each refusal is told to the presser privately when they press (issue 21), and kept in the thread for the record.
    await t.client.press(msg, 'run.promote', { user: 'U0LEAD001' });
    await threadHas(t, msg, 'Promote by <@U0LEAD001> not taken: *prod* needs a second person');
    await t.slack.waitFor(() => t.slack.ephemerals('U0LEAD001').find((e) => e.text.includes('needs a second person')), { timeoutMs: 5000 });
    await t.client.press(msg, 'run.promote', { user: 'U0SRE0002' });
    await threadHas(t, msg, 'Promote by <@U0SRE0002> not taken: only approvers may promote');
    await t.slack.waitFor(() => t.slack.ephemerals('U0SRE0002').find((e) => e.text.includes('only approvers may promote')), { timeoutMs: 5000 });
    expect(r53Weights(t, 'api.internal.example.')).toEqual({ 'api-blue': 90, 'api-green': 10 });

    await t.client.press(msg, 'run.promote', { user: 'U0LEAD002' });
    await waitLatest(t, 'Step 2/3 · green 50 % — Promote to continue');
    expect(r53Weights(t, 'api.internal.example.')).toEqual({ 'api-blue': 50, 'api-green': 50 });
    await t.client.press(msg, 'run.promote', { user: 'U0LEAD002' });
    await waitLatest(t, '✅ Canary · api-internal · prod');
    expect(r53Weights(t, 'api.internal.example.')).toEqual({ 'api-blue': 0, 'api-green': 100 });
    expect(textOf(latest(t).blocks)).toContain('Step 3/3 · green 100 % · blue 0 %');
    expect(t.aws.world.record.mutations(mark)).toEqual(['route53:ChangeResourceRecordSets', 'route53:ChangeResourceRecordSets', 'route53:ChangeResourceRecordSets']);
    expect(limitProblems(latest(t).blocks as never)).toEqual([]);
  });

  it('walks an ALB canary to 100 %: one ModifyListener per step with both target groups', async () => {
    const mark = t.aws.world.record.mark();
    await t.client.command('/canary prod web start', { user: 'U0SRE0001' });
    await approveStart(t, 'U0SRE0001');
    const msg = await waitLatest(t, 'Step 1/4 · green 10 % — Promote to continue');
    expect(albWeights(t)).toMatchObject({ kind: 'forward', targetGroups: { [BLUE_TG]: 90, [GREEN_TG]: 10 } });
    expect(textOf(latest(t).blocks)).toContain('✅ green targets healthy 2/2');
    expect(textOf(latest(t).blocks)).toContain('✅ alarm web-5xx-high OK');
    for (const [n, pct] of [[2, 25], [3, 50]] as const) {
      await t.client.press(msg, 'run.promote', { user: 'U0LEAD001' });
      await waitLatest(t, `Step ${n}/4 · green ${pct} % — Promote to continue`);
      expect(albWeights(t)).toMatchObject({ targetGroups: { [BLUE_TG]: 100 - pct, [GREEN_TG]: pct } });
    }
    await t.client.press(msg, 'run.promote', { user: 'U0LEAD001' });
    await waitLatest(t, '✅ Canary · web · prod');
    expect(albWeights(t)).toMatchObject({ targetGroups: { [BLUE_TG]: 0, [GREEN_TG]: 100 } });
    expect(t.aws.world.record.mutations(mark)).toEqual(Array(4).fill('elbv2:ModifyListener'));
    // Put blue back for the next tests.
    await t.client.command('/canary prod web set 0', { user: 'U0SRE0001' });
    await waitLatest(t, '✅ Canary set green 0 % · web · prod');
    expect(albWeights(t)).toMatchObject({ targetGroups: { [BLUE_TG]: 100, [GREEN_TG]: 0 } });
  });

  it('Rollback mid-way (at a Promote pause) is exactly one ModifyListener, read back, ↩️', async () => {
    await t.client.command('/canary prod web start', { user: 'U0SRE0001' });
    await approveStart(t, 'U0SRE0001');
    const msg = await waitLatest(t, 'Step 1/4 · green 10 % — Promote to continue');
    await t.client.press(msg, 'run.promote', { user: 'U0LEAD001' });
    await waitLatest(t, 'Step 2/4 · green 25 % — Promote to continue');
    const ms = await rollbackIsOneCall(t, msg, { user: 'U0SRE0002', title: 'Canary · web · prod', call: 'elbv2:ModifyListener', label: 'ALB, at a pause' });
    expect(ms).toBeLessThan(2000);
    expect(albWeights(t)).toMatchObject({ targetGroups: { [BLUE_TG]: 100, [GREEN_TG]: 0 } });
    const text = textOf(latest(t).blocks);
    expect(text).toContain('Rolled back by <@U0SRE0002>');
    expect(text).toContain('green 0 % · blue 100 %');
    await threadHas(t, msg, 'all traffic on blue (read back blue 100 · green 0)');
  });

  it('Pause holds a baking Route 53 canary; Rollback from the hold is one change batch', async () => {
    await t.client.command('/canary prod api-bake start', { user: 'U0SRE0001' });
    await approveStart(t, 'U0SRE0001');
    const msg = await waitLatest(t, 'Bake ends');
    expect(r53Weights(t, 'bake.internal.example.')).toEqual({ 'bake-blue': 90, 'bake-green': 10 });
    await t.client.press(msg, 'run.pause', { user: 'U0SRE0002' });
    await waitLatest(t, 'Held at green 10 % by <@U0SRE0002> — Promote to continue');
    await rollbackIsOneCall(t, msg, { user: 'U0SRE0001', title: 'Canary · api-bake · prod', call: 'route53:ChangeResourceRecordSets', label: 'Route 53, held' });
    expect(r53Weights(t, 'bake.internal.example.')).toEqual({ 'bake-blue': 100, 'bake-green': 0 });
  });

  it('Rollback while baking (running, no pause) interrupts the bake at once with one call', async () => {
    await t.client.command('/canary prod api-bake start', { user: 'U0SRE0001' });
    await approveStart(t, 'U0SRE0001');
    const msg = await waitLatest(t, 'Bake ends');
    await rollbackIsOneCall(t, msg, { user: 'U0SRE0001', title: 'Canary · api-bake · prod', call: 'route53:ChangeResourceRecordSets', label: 'Route 53, baking' });
    expect(r53Weights(t, 'bake.internal.example.')).toEqual({ 'bake-blue': 100, 'bake-green': 0 });
  });

  it('Rollback while Route 53 is still syncing a step interrupts the wait and rolls back (not a failed run)', async () => {
    const slow = await startBot({ config: CONFIG, userGroups: GROUPS, world: { route53SyncSeconds: 60 } });
    try {
      await slow.client.command('/canary prod api-internal start', { user: 'U0SRE0001' });
      await approveStart(slow, 'U0SRE0001');
      const msg = await waitLatest(slow, 'INSYNC');
      await slow.slack.waitFor(() => (slow.aws.world.record.since(0).some((c) => c.op === 'GetChange') ? true : undefined), { timeoutMs: 10_000 });
      const mark = slow.aws.world.record.mark();
      await slow.client.press(msg, 'run.rollback', { user: 'U0SRE0001' });
      await slow.slack.waitFor(() => (slow.aws.world.record.mutations(mark).length > 0 ? true : undefined), { timeoutMs: 10_000 });
      slow.aws.world.clock.advance(120_000);
      await waitLatest(slow, '↩️ Canary · api-internal · prod');
      expect(slow.aws.world.record.mutations(mark)).toEqual(['route53:ChangeResourceRecordSets']);
      expect(r53Weights(slow, 'api.internal.example.')).toEqual({ 'api-blue': 100, 'api-green': 0 });
    } finally {
      await slow.close();
    }
  });

  it('a failing gate (green unhealthy) rolls back by itself and says why', async () => {
    t.aws.world.elbv2.setTargetHealth(GREEN_TG, 'unhealthy');
    try {
      const mark = t.aws.world.record.mark();
      await t.client.command('/canary prod web start', { user: 'U0SRE0001' });
      await approveStart(t, 'U0SRE0001');
      await waitLatest(t, 'gate failed');
      const text = textOf(latest(t).blocks);
      expect(text).toContain('Rolled back by itself: gate failed at step 1/4 (green 10 %) — green targets unhealthy: 0/2 healthy');
      expect(text).toContain('❌ green targets healthy 0/2');
      expect(t.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener', 'elbv2:ModifyListener']);
      expect(albWeights(t)).toMatchObject({ targetGroups: { [BLUE_TG]: 100, [GREEN_TG]: 0 } });
    } finally {
      t.aws.world.elbv2.setTargetHealth(GREEN_TG, 'healthy');
    }
  });

  it('the command forms act on the running canary as its buttons do', async () => {
    await t.client.command('/canary prod api-internal set 0', { user: 'U0SRE0001' });
    await waitLatest(t, '✅ Canary set green 0 % · api-internal · prod');
    await t.client.command('/canary prod api-internal start 20,100', { user: 'U0SRE0001' });
    await approveStart(t, 'U0SRE0001');
    await waitLatest(t, 'Step 1/2 · green 20 % — Promote to continue');
    const own = await t.client.command('/canary prod api-internal pause', { user: 'U0SRE0001' });
    expect(JSON.stringify(own.body)).toContain('is already waiting');
    const ok = await t.client.command('/canary prod api-internal promote', { user: 'U0LEAD002' });
    expect(JSON.stringify(ok.body)).toContain('*promote* noted');
    await waitLatest(t, '✅ Canary · api-internal · prod');
    expect(r53Weights(t, 'api.internal.example.')).toEqual({ 'api-blue': 0, 'api-green': 100 });
  });
});

describe('canary body', () => {
  it('stays inside Slack limits and reads plainly', () => {
    const run = { id: 'r-1-a', kind: 'canary', env: 'prod', state: 'awaiting_approval', view: { target: 'web', via: 'alb', action: 'start', steps: [10, 25, 50, 100], step: 2, phase: 'waiting', weights: { blue: 75, green: 25 }, gates: ['✅ green targets healthy 2/2'] } } as unknown as Run;
    const blocks = canaryBody(canaryView.parse(run.view), run, { timezone: 'Asia/Tokyo', now: 0, title: 'x', anytime: [] });
    expect(limitProblems(blocks)).toEqual([]);
    expect(textOf(blocks)).toContain('Step 2/4 · green 25 % · blue 75 %');
    expect(textOf(blocks)).toContain('10 % → *25 %* → 50 % → 100 %');
  });
});

describe('a canary across a restart', () => {
  it('a new bot on the same database resumes the paused canary and finishes it on the same message', async () => {
    const aws = await startSandbox({ config: CONFIG, route53SyncSeconds: 0 });
    const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
    const signingSecret = randomBytes(16).toString('hex');
    const slack = await startFakeSlack({ botToken, userGroups: GROUPS });
    const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-canary-'));
    const makeBot = async (owner: string) => {
      const env = readEnv({
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.url,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${join(dir, 'runs.db')}`,
        LOG_LEVEL: 'info',
        STATUS_UPDATE_INTERVAL_MS: '20',
        RUN_LEASE_MS: '1000',
      });
      const log = createLog({ level: 'info', secrets: [botToken, signingSecret], destination: new Writable({ write: (_c, _e, cb) => cb() }) });
      const bot = await createBot({ env, config: aws.config, log, owner, awsClientOptions: { endpoint: aws.server.url, credentials: SANDBOX_CREDENTIALS, retryDelayMs: 5, maxAttempts: 4 }, schedulerEveryMs: 50 });
      const { url } = await bot.start();
      return { bot, client: slackClient({ baseUrl: url!, signingSecret, fakeSlack: slack }) };
    };
    const w = { slack };
    try {
      const first = await makeBot('bot-a');
      await first.client.command('/canary prod web start 50,100', { user: 'U0SRE0001' });
      await approveStart({ client: first.client, slack }, 'U0SRE0001');
      const msg = await waitText(w, 'Step 1/2 · green 50 % — Promote to continue');
      await first.bot.stop();
      const mark = aws.world.record.mark();

      const second = await makeBot('bot-b');
      try {
        await second.client.press(msg, 'run.promote', { user: 'U0LEAD001' });
        await waitText(w, '✅ Canary · web · prod');
        // The same status message, updated in place; the done step was not repeated, only the next one sent.
        expect(slack.messages(CH)).toHaveLength(1);
        expect(aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
        expect(aws.world.elbv2.evaluate(LISTENER, { path: '/', sourceIp: '198.51.100.7' })).toMatchObject({ targetGroups: { [BLUE_TG]: 0, [GREEN_TG]: 100 } });
      } finally {
        await second.bot.stop();
      }
    } finally {
      await slack.close();
      await aws.close();
    }
  });
});
