// For a `language: ja` environment, every status-message body renders with no English sentence left hard-coded in
// blocks/: each body's sample views (every branch people can meet) through runStatus in Japanese, scanned for common
// English words. Free text the operations write into a view is given in Japanese here: this scan is about blocks/.
import { describe, expect, it } from 'vitest';
import { runStatus } from '../blocks/run.js';
import { textOf } from '../playground/fake-slack.js';
import { BODIES } from '../src/registry.js';
import type { Run, RunState } from '../src/runs/run.js';

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
