// Ordered startup's pure logic: who may start or stop now, and the waves a dry run shows.
import { describe, expect, it } from 'vitest';
import { isReady, planWaves, startable, stoppable } from '../src/ops/startup.js';

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
