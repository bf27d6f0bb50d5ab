// Ordered startup's pure logic: who may start or stop now, and the waves a dry run shows.
import { describe, expect, it } from 'vitest';
import { failureOf, isReady, nextPollDelay, planWaves, startable, stoppable } from '../src/ops/startup.js';

const seed003 = { 'service-a': [], 'service-b': ['service-a'], 'service-c': ['service-b'], 'service-d': ['service-b'], 'service-e': ['service-b'] };

describe('ordered startup', () => {
  it('starts each service as soon as its own dependencies are ready, not level by level', () => {
    const g = { a: [], b: [], slow: ['a'], fast: ['b'] };
    // b is ready while a is still starting: fast may start now, slow may not.
    expect(startable(g, { a: 'starting', b: 'ready', slow: 'waiting', fast: 'waiting' })).toEqual(['fast']);
  });

  it('plans seed 003 as A, then B, then C–E together; shutdown in reverse', () => {
    const all = Object.keys(seed003);
    expect(planWaves(seed003, all, 'up')).toEqual([['service-a'], ['service-b'], ['service-c', 'service-d', 'service-e']]);
    expect(planWaves(seed003, all, 'down')).toEqual([['service-c', 'service-d', 'service-e'], ['service-b'], ['service-a']]);
  });

  it('stops a service only once everything that depends on it has stopped', () => {
    expect(stoppable(seed003, { 'service-a': 'waiting', 'service-b': 'waiting', 'service-c': 'stopped', 'service-d': 'stopping', 'service-e': 'stopped' })).toEqual([]);
  });

  it('ready means one deployment, rollout completed, running ≥ desired', () => {
    const s = { name: 'a', desired: 2, running: 2, pending: 0, failedTasks: 0, rolloutState: 'COMPLETED', deploymentCount: 1 };
    expect(isReady(s, 2)).toBe(true);
    expect(isReady({ ...s, rolloutState: 'IN_PROGRESS' }, 2)).toBe(false);
    expect(isReady({ ...s, running: 1 }, 2)).toBe(false);
    expect(isReady({ ...s, deploymentCount: 2 }, 2)).toBe(false);
    expect(isReady(s, 3)).toBe(false);
  });
});

describe('failure and polling rules', () => {
  const st = { name: 'b', desired: 1, running: 0, pending: 1, failedTasks: 0, rolloutState: 'COMPLETED', deploymentCount: 1 };
  const cfg = { timeoutSeconds: 600, failedTasksThreshold: 3 };
  it('a crash loop without failedTasks fails on ECS throttling event, but only one newer than the start', () => {
    const ev = { at: 5_000, message: '(service b) is unable to consistently start tasks successfully. For more information, see …' };
    expect(failureOf({ ...st, recentEvents: [{ at: 6_000, message: '(service b) has started 1 tasks' }, ev] }, cfg, 1_000, 7_000)).toBe('ECS is unable to consistently start tasks successfully');
    expect(failureOf({ ...st, recentEvents: [ev] }, cfg, 9_000, 10_000)).toBeUndefined();
    expect(failureOf({ ...st, rolloutState: 'FAILED' }, cfg, 0, 1)).toBe('rollout FAILED');
    expect(failureOf({ ...st, failedTasks: 3 }, cfg, 0, 1)).toBe('3 failed tasks (threshold 3)');
    expect(failureOf(st, cfg, 0, 601_000)).toBe('not ready after 600s');
  });
  it('polls at the interval while things move, backs off after a quiet minute, and spreads 100 services', () => {
    expect(nextPollDelay({ baseMs: 3000, previousMs: 3000, unchangedForMs: 10_000, calls: 1 })).toBe(3000);
    expect(nextPollDelay({ baseMs: 3000, previousMs: 3000, unchangedForMs: 61_000, calls: 1 })).toBe(4500);
    expect(nextPollDelay({ baseMs: 3000, previousMs: 11_000, unchangedForMs: 600_000, calls: 1 })).toBe(12_000);
    // 100 services = 10 DescribeServices a round: at most CALLS_PER_SECOND of them a second.
    expect(nextPollDelay({ baseMs: 1000, previousMs: 1000, unchangedForMs: 0, calls: 10 })).toBe(2500);
  });
});
