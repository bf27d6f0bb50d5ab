// Status messages as people read them, and within Slack's limits.
import { describe, expect, it } from 'vitest';
import { cutsWhile, limitProblems } from '../blocks/kit.js';
import { runStatus } from '../blocks/run.js';
import { environmentStatus } from '../blocks/status.js';
import type { Run } from '../src/runs/run.js';
import { BODIES } from '../src/registry.js';

const T0 = Date.parse('2026-12-01T05:00:00Z');
const base: Run = {
  id: 'r-abc-123456',
  kind: 'maintenance',
  env: 'prod',
  target: 'prod:maintenance',
  params: { action: 'start' },
  requestedBy: 'U0OPS0001',
  state: 'running',
  channel: 'C0PROD001',
  ts: '1.2',
  version: 3,
  view: { action: 'start', listeners: { frontend: { state: 'on', detail: 'redirect 302 to https://example.com/maintenance' }, bff: { state: 'working' }, api: { state: 'pending' } } },
  pause: null,
  error: null,
  createdAt: T0,
  updatedAt: T0,
  endedAt: null,
};
const ctx = { timezone: 'Asia/Tokyo', now: T0 + 41_000, title: 'Maintenance on · prod', anytime: [], body: BODIES.maintenance! };

const text = (blocks: ReturnType<typeof runStatus>['blocks']) => JSON.stringify(blocks);

describe('run status message', () => {
  it('shows each listener and the footer while running', () => {
    const { text: fallback, blocks } = runStatus(base, ctx);
    expect(fallback).toBe('⏳ Maintenance on · prod — Running');
    expect(limitProblems(blocks)).toEqual([]);
    expect(blocks).toMatchSnapshot();
  });

  it('shows the pause with its deadline and the buttons that answer it', () => {
    const run: Run = { ...base, state: 'awaiting_approval', pause: { reason: 'Waiting for a second person to approve', since: T0, deadline: T0 + 3_600_000, intents: ['approve', 'cancel'], nonce: 'approval' } };
    const { blocks } = runStatus(run, ctx);
    const s = text(blocks);
    expect(s).toContain('Waiting for a second person to approve* since 14:00');
    expect(s).toContain('deadline 15:00');
    expect(s).toContain('"action_id":"run.approve"');
    expect(s).toContain('"action_id":"run.cancel"');
    expect(s).toContain('{\\"r\\":\\"r-abc-123456\\",\\"n\\":\\"approval\\"}');
  });

  it('dates a deadline that falls on another day, so a 24 h wait does not read as now', () => {
    const run: Run = { ...base, state: 'awaiting_approval', pause: { reason: 'Approve to move production', since: T0, deadline: T0 + 24 * 3_600_000, intents: ['approve'], nonce: 'approval' } };
    const s = text(runStatus(run, ctx).blocks);
    expect(s).toContain('since 14:00 JST · deadline 2026-12-02 14:00 JST');
  });

  it('says exactly where a failed run stopped, with Retry and End maintenance', () => {
    const run: Run = {
      ...base,
      state: 'failed',
      error: 'stopped at step `raise-rule:bff:00b1:1`: RuleNotFound',
      endedAt: T0 + 5000,
      view: { action: 'start', listeners: { frontend: { state: 'on' }, bff: { state: 'failed', detail: 'RuleNotFound' }, api: { state: 'pending' } } },
    };
    const s = text(runStatus(run, ctx).blocks);
    expect(s).toContain('❌ *stopped at step `raise-rule:bff:00b1:1`: RuleNotFound*');
    expect(s).toContain('"action_id":"run.retry"');
    expect(s).toContain('"action_id":"maintenance.end"');
  });

  it('stays within limits for 30 listeners', () => {
    const listeners = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`listener-${i}`, { state: 'on', detail: 'x'.repeat(200) }]));
    // The builders clip whatever is too long, so their output always fits: what matters is that nothing was cut.
    const { value, cuts } = cutsWhile(() => runStatus({ ...base, view: { action: 'start', listeners } }, ctx));
    expect(cuts).toEqual([]);
    expect(limitProblems(value.blocks)).toEqual([]);
  });
});

describe('/ops status', () => {
  it('fits 100 services in one message', () => {
    const services = Array.from({ length: 100 }, (_, i) => ({ name: `service-${i}`, desired: 3, running: i % 7 === 0 ? 1 : 3, pending: i % 7 === 0 ? 2 : 0, rolloutState: i % 7 === 0 ? 'IN_PROGRESS' : 'COMPLETED', deploymentAgeMs: 3_600_000 }));
    const { value: blocks, cuts } = cutsWhile(() => environmentStatus('prod', { services, maintenance: [{ name: 'api', on: true }], canaries: [{ name: 'web', blue: 90, green: 10 }], errors: [] }, '14:00 GMT+9'));
    expect(cuts).toEqual([]);
    expect(limitProblems(blocks)).toEqual([]);
    const s = JSON.stringify(blocks);
    expect(s).toContain('`service-0` 1/3 (2 pending) · in progress');
    expect(s).toContain('`service-99` 3/3');
    expect(s).toContain('blue 90% · green 10%');
  });

  it("a canary gate still waiting when the run ended reads as not concluded (⚪), not as waiting (⏳)", () => {
    const gates = ['✅ alarm web-5xx-high OK', '⏳ analysis: too little traffic to judge'];
    const view = { steps: [10, 50, 100], step: 1, weights: { blue: 100, green: 0 }, via: 'alb', phase: 'rolled-back', gates };
    const canary = (state: Run['state']) =>
      text(runStatus({ ...base, kind: 'canary', target: 'prod:canary:web', params: { action: 'start', canary: 'web' }, state, view }, { ...ctx, title: 'Canary · web · prod', body: BODIES.canary! }).blocks);
    expect(canary('running')).toContain('⏳ analysis: too little traffic to judge');
    const ended = canary('rolled_back');
    expect(ended).toContain('⚪ analysis: too little traffic to judge');
    expect(ended).not.toContain('⏳ analysis');
    expect(ended).toContain('✅ alarm web-5xx-high OK');
  });
});
