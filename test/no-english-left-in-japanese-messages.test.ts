// For a `language: ja` environment, every status-message body renders with no English sentence left hard-coded in
// blocks/: each body's sample views (every branch people can meet) through runStatus in Japanese, scanned for common
// English words. Free text the operations write into a view is given in Japanese here: this scan is about blocks/.
// Then the operations themselves: each of the five driven on the sandbox in `language: ja` environments, and every
// text the bot sent to Slack meanwhile (status messages in each version, thread posts, buttons and their dialogs,
// ephemeral answers) scanned for English phrases once what stays as written is removed (test/support/english.ts:
// code, ids, ARNs, calls, AWS states and names, and the allowlist AWS_WORDS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatus } from '../blocks/run.js';
import { textOf, type SlackMessage } from '../playground/fake-slack.js';
import { OpsConfigSchema } from '../src/config/schema.js';
import { BODIES } from '../src/registry.js';
import type { Run, RunState } from '../src/runs/run.js';
import { blockTexts, englishLines, ENGLISH_PHRASE } from './support/english.js';
import { CLUSTER, DEV, devConfig, PROD, stagingEnv, startBot, type TestBot } from './support/harness.js';

const NOW = Date.parse('2026-12-02T05:00:00Z');
const MIN = 60_000;

/** Sample views per kind: enough of them that every sentence a body can say is said once. */
const SAMPLES: Record<string, Record<string, unknown>[]> = {
  maintenance: [
    { action: 'start', note: 'メモ', listeners: { api: { state: 'pending' }, web: { state: 'working' }, bff: { state: 'on', detail: '503 application/json' }, adm: { state: 'failed', detail: '失敗の理由' }, old: { state: 'unchanged', detail: 'すでにメンテナンス中' } } },
    { action: 'start', listeners: { api: { state: 'on' } }, endedBy: 'r-mi3k2a-8f2k1x' },
    { action: 'end', listeners: { api: { state: 'off' } } },
  ],
  startup: [
    {
      direction: 'up',
      services: {
        'service-a': { phase: 'ready', desired: 2, running: 2, pending: 0, failed: 0, since: NOW - 3 * MIN, doneAt: NOW - MIN },
        'service-b': { phase: 'starting', desired: 2, running: 1, pending: 1, failed: 1, target: 2, since: NOW - MIN },
        'service-c': { phase: 'failed', desired: 1, running: 0, pending: 0, failed: 3, lastEvent: 'ECS のイベント（AWS の原文のまま表示）', why: '起動失敗' },
        'service-d': { phase: 'held', desired: 0, running: 0, pending: 0, failed: 0, why: '依存先の失敗' },
        'service-e': { phase: 'waiting', desired: 0, running: 0, pending: 0, failed: 0, target: 1 },
      },
    },
    { direction: 'down', services: { 'service-a': { phase: 'stopped', desired: 0, running: 0, pending: 0, failed: 0 }, 'service-b': { phase: 'stopping', desired: 0, running: 1, pending: 0, failed: 0 } } },
  ],
  scale: [
    { service: 'api', serviceName: 'prod-api', from: 2, to: 4, running: 3, pending: 1, desired: 4, failed: 1, phase: 'scaling', note: 'メモ' },
    { service: 'api', to: 4, phase: 'reading' },
    ...(['waiting', 'done', 'unchanged', 'cancelled'] as const).map((phase) => ({ service: 'api', from: 2, to: 4, running: 4, desired: 4, phase })),
  ],
  cutover: [
    { name: 'www', recordName: 'www.example.com.', checks: [{ ok: true, text: 'チェック1' }, { ok: false, text: 'チェック2' }], phase: 'done', before: ['A www.example.com. alias → old-lb'], after: ['A www.example.com. alias → new-lb'], insyncAt: NOW - MIN, effectiveAt: NOW, backUntil: NOW + 86_400_000, note: 'メモ' },
    { name: 'www', back: true, phase: 'done', before: ['A alias → new-lb'], after: ['A alias → old-lb'] },
    { name: 'www', back: true, phase: 'syncing', before: ['A alias → new-lb'], after: ['A alias → old-lb'] },
    { name: 'www', phase: 'done', before: ['A alias → old-lb'], switchedBackBy: 'r-mi3k2a-8f2k1x' },
  ],
  canary: [
    { target: 'web', via: 'alb', action: 'start', steps: [10, 50, 100], step: 2, phase: 'baking', weights: { blue: 50, green: 50 }, insyncAt: NOW - MIN, ttl: 60, bakeUntil: NOW + 5 * MIN, gates: ['ゲート1'], why: '理由', auto: false },
    ...(['shifting', 'syncing', 'gating', 'waiting', 'held', 'done'] as const).map((phase) => ({ target: 'web', via: 'route53', action: 'start', steps: [10, 100], step: 1, phase, weights: { blue: 90, green: 10 }, auto: true })),
    { target: 'web', via: 'route53', action: 'start', steps: [10, 100], step: 1, phase: 'rolled-back', weights: { blue: 100, green: 0 } },
    { target: 'web', via: 'alb', action: 'set', steps: [25], weights: { blue: 75, green: 25 } },
    { target: 'web', via: 'alb', action: 'start', steps: [10, 100], step: 0 },
  ],
  deploy: [
    { strategy: 'codedeploy', service: 'payment', image: { container: 'web', from: 'repo/payment:v1', to: 'repo/payment:v2' }, deploymentId: 'd-ABC123', status: 'IN_PROGRESS', stage: 'BAKE_TIME', trafficToGreen: 10, stages: [{ name: 'BeforeInstall', status: 'Succeeded' }, { name: 'AllowTraffic', status: 'InProgress' }], waitingFor: 'approval', deadline: NOW + 30 * MIN, bakeEndsAt: NOW + 5 * MIN, alarms: { status: 'MONITORING', names: ['payment-5xx'], triggered: [] }, outcome: '結果' },
    { strategy: 'ecs', service: 'api', to: 'arn:aws:ecs:ap-northeast-1:111111111111:task-definition/api:7', type: 'CANARY', timeoutAction: 'CONTINUE', waitingFor: 'approval', deadline: NOW + 30 * MIN, alarms: { status: 'MONITORING', names: ['api-5xx'], triggered: ['api-5xx'] } },
    { strategy: 'ecs', service: 'api', waitingFor: 'approval', deadline: NOW + 30 * MIN, alarms: { status: 'DISABLED', names: ['api-5xx'], triggered: [] } },
    {
      strategy: 'tasksets',
      service: 'checkout',
      record: 'checkout.internal.',
      ttl: 60,
      insyncAt: NOW - MIN,
      stage: 'shift 10 %',
      trafficToGreen: 10,
      waitingFor: 'approval',
      deadline: NOW + 30 * MIN,
      taskSets: [
        { role: 'blue', id: 'ecs-svc/111', status: 'PRIMARY', running: 2, desired: 2, pending: 1 },
        { role: 'green', id: 'ecs-svc/222', status: 'DRAINING', running: 1, desired: 0, pending: 0 },
      ],
    },
    { strategy: 'tasksets', service: 'checkout', waitingFor: 'termination', deadline: NOW + 30 * MIN, taskSets: [{ role: 'blue', id: 'ecs-svc/111', status: 'DELETED', running: 0, desired: 0, pending: 0 }] },
    { strategy: 'tasksets', service: 'checkout' },
    {},
  ],
};
SAMPLES.shutdown = SAMPLES.startup!;

/** Bodies not scanned yet (none since the canary was converted). Listed, so none is forgotten. */
const AFTER_H21A = new Set<string>([]);

/** Words that only appear in English sentences. AWS states and names (ALL CAPS), code and mentions are removed first. */
const ENGLISH = /\b(the|is|are|was|by|to|of|and|for|with|until|since|left|waiting|running|done|failed|pending|ready|stopped|stopping|tasks?|before|after|approve|cancel|retry|started|requested|service|change|traffic|maintenance|checked|passed|switch|now|not|yet|deleted|still|watched|alarms?|there|already|reading|desired|counts|preparing|restor(ed|ing)|ends?|deadline|nothing|waits)\b/i;

function words(text: string): string {
  return text
    .replace(/`[^`]*`/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, ' ') // AWS states and API names: IN_PROGRESS, ALARM, INSYNC, TTL, ECS
    .replace(/Route 53|CodeDeploy|Blue|Green|\bblue\b|\bgreen\b|\brun\b/g, ' ');
}

function runOf(kind: string, state: RunState, view: Record<string, unknown>, withPause: boolean): Run {
  return {
    id: 'r-mi3k2a-8f2k1x',
    kind,
    env: 'dev',
    target: `dev:${kind}`,
    params: {},
    requestedBy: 'U0DEV0001',
    state,
    channel: 'C0DEV0001',
    ts: '1.000001',
    version: 3,
    view,
    pause: withPause ? { reason: '承認待ち', since: NOW - MIN, deadline: NOW + 26 * 60 * MIN, intents: ['approve', 'promote', 'finish', 'pause', 'stop', 'cancel', 'rollback', 'skip'], nonce: 'p1' } : null,
    error: state === 'failed' ? '失敗の理由' : null,
    createdAt: NOW - 5 * MIN,
    updatedAt: NOW,
    endedAt: state === 'succeeded' || state === 'failed' ? NOW : null,
  } as unknown as Run;
}

describe('a ja environment reads no English from blocks/', () => {
  it('every body has sample views (a new body must bring its own)', () => {
    expect(Object.keys(BODIES).filter((k) => !AFTER_H21A.has(k)).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const kind of Object.keys(SAMPLES)) {
    it(`${kind}: every sample view, running, paused, done and failed`, () => {
      const found: string[] = [];
      for (const [i, view] of SAMPLES[kind]!.entries()) {
        for (const [state, pause] of [['running', false], ['awaiting_approval', true], ['succeeded', false], ['failed', false]] as const) {
          const { text, blocks } = runStatus(runOf(kind, state, view, pause), { timezone: 'Asia/Tokyo', lang: 'ja', now: NOW, title: 'タイトル', anytime: ['rollback', 'pause'], body: BODIES[kind]! });
          for (const line of `${text}\n${textOf(blocks)}`.split('\n')) {
            const hit = ENGLISH.exec(words(line));
            if (hit) found.push(`view ${i}, ${state}: "${hit[0]}" in: ${line}`);
          }
        }
      }
      expect(found).toEqual([]);
    });
  }

  it('the scan finds English: the same views in an en environment trip it', () => {
    const { blocks } = runStatus(runOf('startup', 'awaiting_approval', SAMPLES.startup![0]!, true), { timezone: 'Asia/Tokyo', lang: 'en', now: NOW, title: 'title', anytime: [], body: BODIES.startup! });
    expect(ENGLISH.test(words(textOf(blocks)))).toBe(true);
  });
});

// ── the operations, driven ──────────────────────────────────────────────────────────────────────────────────────

const STG = 'C0STG0001';
const ELB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
const REQUESTER = 'U0SRE0001';
const LEAD = 'U0LEAD001';
const IMAGE = (repo: string) => `111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/${repo}:v2`;

/** ops.example.yml in Japanese: every environment `language: ja`, prod open to all, bakes short; and a staging env where a second person must approve. */
const CONFIG = devConfig((c) => {
  c.language = 'ja';
  const prod = c.environments.prod!;
  prod.permissions = { operate: [], approve: [], requireApproval: false, confirm: false };
  prod.canary.web = { ...prod.canary.web!, steps: [10, 100], bakeSeconds: 120, auto: true };
  prod.canary['api-internal'] = { ...prod.canary['api-internal']!, steps: [50, 100], bakeSeconds: 60, auto: true };
  const pay = prod.deploy.payment!;
  if (pay.strategy === 'codedeploy') prod.deploy.payment = { ...pay, waitForReroute: false };
  const stg = stagingEnv({
    permissions: { operate: [], approve: [LEAD], requireApproval: true, confirm: false },
    canary: {
      shop: {
        alb: { listenerArn: `${ELB}:listener/app/stg-shop/9999999999999990/9999999999999991`, blueTargetGroupArn: `${ELB}:targetgroup/shop-blue/999999999999999b`, greenTargetGroupArn: `${ELB}:targetgroup/shop-green/999999999999999e` },
        steps: [10, 100],
        bakeSeconds: 60,
        analysis: { enabled: false },
      },
    },
  });
  c.environments.stg = OpsConfigSchema.parse({ environments: { stg } }).environments.stg!;
  for (const e of Object.values(c.environments)) e.language = 'ja';
});

describe('a ja environment driven on the sandbox reads no English', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: CONFIG, world: { route53SyncSeconds: 5 } });
    for (const u of [REQUESTER, LEAD]) t.slack.setUser(u, { locale: 'ja-JP' });
  });
  afterAll(async () => t.close());

  const latest = (ch: string) => t.slack.messages(ch).at(-1)!;
  /** The newest message of `ch` (a run just started posts the newest) once it shows `needle`. */
  const waitLatest = (ch: string, needle: string) =>
    // Generous: a timeout only turns a hang into a failure, and a loaded machine draws the canary's charts slowly.
    t.slack.waitFor(() => (textOf(latest(ch)?.blocks).includes(needle) ? latest(ch) : undefined), { timeoutMs: 150_000, message: `the newest message in ${ch} never showed "${needle}"` });

  /** Every text the bot sent to Slack since `from` (calls) and `fromReplies` (response_url answers) with English in it. */
  function englishSince(from: number, fromReplies: number): string[] {
    const found: string[] = [];
    for (const c of t.slack.calls.slice(from)) {
      if (!c.method.startsWith('chat.') && !c.method.startsWith('files.')) continue;
      const texts = [c.args.text, c.args.initial_comment, c.args.title].filter((x): x is string => typeof x === 'string');
      for (const x of [...texts, ...blockTexts(c.args.blocks)]) for (const f of englishLines(x, ENGLISH_PHRASE)) found.push(`${c.method}: ${f}`);
    }
    for (const r of t.slack.replies().slice(fromReplies)) for (const x of [typeof r.body.text === 'string' ? r.body.text : '', ...blockTexts(r.body.blocks)]) for (const f of englishLines(x, ENGLISH_PHRASE)) found.push(`reply: ${f}`);
    return [...new Set(found)];
  }

  /** Drives one operation and checks everything the bot said meanwhile. */
  const drive = (name: string, steps: () => Promise<unknown>) =>
    it(name, async () => {
      const from = t.slack.calls.length;
      const fromReplies = t.slack.replies().length;
      await steps();
      await t.bot.publisher.flush();
      expect(t.slack.calls.length).toBeGreaterThan(from);
      expect(englishSince(from, fromReplies)).toEqual([]);
    }, 300_000);

  drive('maintenance: start, then End maintenance pressed', async () => {
    await t.client.command('/maintenance start dev', { user: REQUESTER });
    const on = await waitLatest(DEV, '✅ メンテナンス開始 · dev');
    await t.client.press(on, 'maintenance.end', { user: REQUESTER });
    await waitLatest(DEV, '✅ メンテナンス終了 · dev');
  });

  drive('startup and shutdown', async () => {
    await t.client.command('/startup dev', { user: REQUESTER });
    await waitLatest(DEV, '✅ 起動 · dev');
    await t.client.command('/shutdown dev', { user: REQUESTER });
    await waitLatest(DEV, '✅ 停止 · dev');
  });

  drive('a startup whose service cannot start: failed, then Stop pressed', async () => {
    t.aws.world.ecs.failTasks(CLUSTER, 'service-b', true);
    await t.client.command('/startup dev', { user: REQUESTER });
    const failed = await waitLatest(DEV, '❌ 起動 · dev');
    t.aws.world.ecs.failTasks(CLUSTER, 'service-b', false);
    await t.client.press(failed, 'run.stop', { user: REQUESTER });
    await waitLatest(DEV, '起動 · dev');
    await t.slack.waitFor(() => !/^[⏳⏸]/.test(textOf(latest(DEV).blocks)), { timeoutMs: 150_000, message: 'the stopped startup never ended' });
  });

  drive('canary held by Pause while it bakes, then rolled back from the hold', async () => {
    await t.client.command('/canary prod web start', { user: REQUESTER });
    const baking = await waitLatest(PROD, 'ベイク終了');
    await t.client.press(baking, 'run.pause', { user: REQUESTER });
    const held = await waitLatest(PROD, '[プロモート]');
    await t.client.press(held, 'run.rollback', { user: REQUESTER });
    await waitLatest(PROD, '↩️ カナリア · web · prod');
  });

  drive('canary on ALB weights with its gates (alarm, analysis, target health), to 100 %', async () => {
    t.aws.world.cloudwatch.setRequestsPerMinute(6000);
    await t.client.command('/canary prod web start', { user: REQUESTER });
    const done = await waitLatest(PROD, '✅ カナリア · web · prod');
    expect(textOf(done.blocks)).toMatch(/✅ アラーム web-5xx-high OK · ✅ 分析: Green .* · ✅ Green のターゲット 正常 2\/2/);
  });

  drive('canary with too little traffic to judge: inconclusive, a person rolls it back', async () => {
    t.aws.world.cloudwatch.setRequestsPerMinute(30);
    try {
      await t.client.command('/canary prod web start', { user: REQUESTER });
      const deciding = await waitLatest(PROD, 'このまま進めるならプロモート');
      await t.client.press(deciding, 'run.rollback', { user: REQUESTER });
      await waitLatest(PROD, '↩️ カナリア · web · prod');
    } finally {
      t.aws.world.cloudwatch.setRequestsPerMinute(6000);
    }
  });

  drive('canary on Route 53 weights, rolled back while it bakes', async () => {
    await t.client.command('/canary prod api-internal start', { user: REQUESTER });
    const baking = await waitLatest(PROD, 'ベイク終了');
    await t.client.press(baking, 'run.rollback', { user: REQUESTER });
    await waitLatest(PROD, '↩️ カナリア · api-internal · prod');
  });

  drive('canary where a second person must promote: the requester\'s Promote refused, then the lead\'s taken', async () => {
    await t.client.command('/canary stg shop start', { user: REQUESTER });
    const waiting = await waitLatest(STG, '続行するにはプロモートしてください');
    await t.client.press(waiting, 'run.promote', { user: REQUESTER });
    await t.slack.waitFor(() => t.slack.thread(STG, waiting.ts).find((m: SlackMessage) => m.text.startsWith('⛔')), { timeoutMs: 150_000, message: "the refused Promote's note never came" });
    await t.client.press(latest(STG), 'run.promote', { user: LEAD });
    await waitLatest(STG, '✅ カナリア · shop · stg');
  });

  drive('deploy with CodeDeploy', async () => {
    await t.client.command(`/deploy prod payment ${IMAGE('payment')}`, { user: REQUESTER });
    await waitLatest(PROD, '✅ デプロイ · payment · prod');
  });

  drive("deploy with ECS's own blue/green: paused, then approved", async () => {
    await t.client.command(`/deploy prod checkout ${IMAGE('checkout')}`, { user: REQUESTER });
    const paused = await waitLatest(PROD, '[承認]');
    await t.client.press(paused, 'run.approve', { user: REQUESTER });
    await waitLatest(PROD, '✅ デプロイ · checkout · prod');
  });

  drive('deploy with task sets behind Route 53, Finish now pressed', async () => {
    await t.client.command(`/deploy prod api-internal ${IMAGE('api-internal')}`, { user: REQUESTER });
    const keeping = await waitLatest(PROD, '[今すぐ完了]');
    await t.client.press(keeping, 'run.finish', { user: REQUESTER });
    await waitLatest(PROD, '✅ デプロイ · api-internal · prod');
  });

  drive("deploys rolled back: ECS's own at its pause, task sets while they bake", async () => {
    await t.client.command(`/deploy prod checkout ${IMAGE('checkout').replace(':v2', ':v3')}`, { user: REQUESTER });
    const paused = await waitLatest(PROD, '[承認]');
    await t.client.press(paused, 'run.rollback', { user: REQUESTER });
    await waitLatest(PROD, '↩️ デプロイ · checkout · prod');
    await t.client.command(`/deploy prod api-internal ${IMAGE('api-internal').replace(':v2', ':v3')}`, { user: REQUESTER });
    const baking = await waitLatest(PROD, 'ベイク終了');
    await t.client.press(baking, 'run.rollback', { user: REQUESTER });
    await waitLatest(PROD, '↩️ デプロイ · api-internal · prod');
  });

  drive('DNS cutover, then Switch back pressed', async () => {
    await t.client.command('/cutover prod www', { user: REQUESTER });
    const cut = await waitLatest(PROD, '✅ DNS 切り替え · www · prod');
    await t.client.press(cut, 'cutover.back', { user: REQUESTER });
    await waitLatest(PROD, '✅ 切り戻し · www · prod');
  });

  drive('scale', async () => {
    await t.client.command('/scale prod api 4', { user: REQUESTER });
    await waitLatest(PROD, '✅ スケール api → 4 タスク · prod');
  });

  it('the check finds English: lines an English run writes trip it', () => {
    expect(englishLines('⏳ Scale up   ⚪ Test traffic   ⚪ Production traffic', ENGLISH_PHRASE)).not.toEqual([]);
    expect(englishLines('🔔 Alarms monitoring complete: checkout-5xx', ENGLISH_PHRASE)).not.toEqual([]);
    expect(englishLines('Gates: ✅ alarm web-5xx-high OK · ❌ green targets healthy 0/2', ENGLISH_PHRASE)).not.toEqual([]);
    expect(englishLines('⛔ Promote by <@U0SRE0001> not taken: *stg* needs a second person. Still waiting.', ENGLISH_PHRASE)).not.toEqual([]);
  });
});
