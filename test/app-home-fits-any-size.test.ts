// The App Home view within Slack's 100 blocks whatever the size: 40 environments of 2,000 services with runs in
// progress are shown in full while they fit, then one line each, and nothing is cut by the builders.
import { describe, expect, it } from 'vitest';
import { homeView, type HomeEnvironment } from '../blocks/home.js';
import { cutsWhile } from '../blocks/kit.js';
import type { Run } from '../src/runs/run.js';

const NOW = Date.UTC(2026, 11, 2, 5, 0);
const run = (id: string, env: string): Run => ({
  id,
  kind: 'canary',
  env,
  target: 'web',
  params: { target: 'web', action: 'start', steps: [10, 50] },
  requestedBy: 'U0DEV0001',
  state: 'awaiting_approval',
  channel: 'C0DEV0001',
  ts: '1.1',
  version: 3,
  view: {},
  pause: { reason: 'Baking at 10 %', since: NOW, intents: ['promote', 'rollback'], nonce: 'n1' },
  error: null,
  createdAt: NOW - 60_000,
  updatedAt: NOW,
  endedAt: null,
});

function env(i: number): HomeEnvironment {
  const services = Array.from({ length: 2000 }, (_, k) => ({ name: `svc-${k}`, desired: 2, running: k === 7 ? 0 : 2, pending: 0, rolloutState: k === 7 ? 'FAILED' : 'COMPLETED' }));
  return {
    name: `env-${i}`,
    status: { services, maintenance: [{ name: 'front', on: i % 2 === 0 }], canaries: [{ name: 'web', blue: 90, green: 10 }], errors: [] },
    active: Array.from({ length: 5 }, (_, k) => ({ run: run(`r-${i}a-${k}b`, `env-${i}`), intents: ['promote', 'rollback'] })),
    nextFires: [{ id: 'w-1:start', kind: 'maintenance', params: { action: 'start' }, at: NOW + 3_600_000 }],
  };
}

describe('the App Home at any size', () => {
  it('one environment: everything in full, the failed service first', () => {
    const { value, cuts } = cutsWhile(() => homeView({ environments: [env(0)], timezone: 'UTC', now: NOW, readAt: NOW, commands: ['/ops status <env>'] }));
    expect(cuts).toEqual([]);
    const text = JSON.stringify(value);
    expect(text.indexOf('`svc-7` 0/2')).toBeLessThan(text.indexOf('`svc-0` 2/2'));
    expect(text).toContain('…and 1,992 more');
    expect(text).toContain('…and 2 more runs in progress');
    expect(text).toContain('"action_id":"run.promote"');
  });

  it('40 environments: within 100 blocks, the rest one line each', () => {
    const environments = Array.from({ length: 40 }, (_, i) => env(i));
    const { value, cuts } = cutsWhile(() => homeView({ environments, timezone: 'UTC', now: NOW, readAt: NOW, commands: ['/ops status <env>'] }));
    expect(cuts).toEqual([]);
    expect(value.length).toBeLessThanOrEqual(100);
    const text = JSON.stringify(value);
    expect(text).toContain('*env-0*');
    expect(text).toContain('*More environments*');
    expect(text).toMatch(/\*env-39\*|…and \d+ more environments/);
  });
});
