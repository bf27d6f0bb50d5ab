// Issue 20: the scheduler and the engine reach the store only through named methods; each keeps the guarantee the
// raw SQL used to give (compare-and-set on next_at, one claim per fire, a window added whole), on both backends.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { backends } from './support/postgres.js';

const T = Date.parse('2026-11-30T00:00:00Z');
const once = (id: string, nextAt: number) => ({ id, env: 'dev', kind: 'maintenance', spec: String(nextAt), params: '{"action":"start"}', created_by: 'U0OPS0001', created_at: T, next_at: nextAt });

describe.each(backends())('the store behind its interface, on $name', (backend) => {
  let url: string;
  let store: Store;
  const others: Store[] = [];
  const another = async () => {
    const s = await Store.open(url);
    others.push(s);
    return s;
  };

  beforeEach(async (t) => {
    if (backend.skip) return t.skip(backend.skip);
    url = await backend.freshUrl();
    store = await Store.open(url);
  });
  afterEach(async () => {
    if (backend.skip) return;
    for (const s of others.splice(0)) await s.close();
    await store.close();
  });
  afterAll(() => backend.close());

  it('keeps its query builder to itself: `store.db` is neither typed nor there', () => {
    // @ts-expect-error — the query builder is private to src/store; a new leak must fail the type-check.
    const leaked: unknown = store.db;
    expect(leaked).toBeUndefined();
    expect(Object.keys(store)).not.toContain('db');
  });

  it('advances a schedule once when two replicas finish the same fire (compare-and-set on next_at)', async () => {
    await store.addOnceSchedules([once('w-a:start', T)]);
    expect(await store.skipScheduleOnce('w-a:start', T)).toBe(true);
    const b = await another();
    const moved = await Promise.all([store.advanceSchedule('w-a:start', T, T + 60_000), b.advanceSchedule('w-a:start', T, T + 120_000)]);
    expect(moved.filter(Boolean)).toHaveLength(1);
    const row = await store.getSchedule('w-a:start');
    expect(row?.next_at).toBe(moved[0] ? T + 60_000 : T + 120_000);
    expect(row?.skip_at).toBeNull();
    // A late replica still holding the old time changes nothing, and cannot skip a fire that has passed.
    expect(await store.advanceSchedule('w-a:start', T, null)).toBe(false);
    expect(await store.skipScheduleOnce('w-a:start', T)).toBe(false);
    expect((await store.getSchedule('w-a:start'))?.next_at).toBe(row?.next_at);
  });

  it('claims a fire once, and a fire given back can be claimed again', async () => {
    const b = await another();
    const claims = await Promise.all([store.claimFire('w-a:start@1', T), b.claimFire('w-a:start@1', T), store.claimFire('w-a:start@1', T)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await b.releaseFire('w-a:start@1');
    expect(await store.claimFire('w-a:start@1', T + 1)).toBe(true);
    expect(await b.claimFire('w-a:start@1', T + 2)).toBe(false);
  });

  it('adds a window whole or not at all', async () => {
    await store.addOnceSchedules([once('w-b:end', T + 1)]);
    await expect(store.addOnceSchedules([once('w-b:start', T), once('w-b:end', T + 2)])).rejects.toBeDefined();
    expect(await store.getSchedule('w-b:start')).toBeUndefined();
    expect((await store.getSchedule('w-b:end'))?.next_at).toBe(T + 1);
  });

  it('cancels a window by its id, both halves, once; pending lists only what is left, soonest first', async () => {
    await store.addOnceSchedules([once('w-c:start', T + 2), once('w-c:end', T + 3)]);
    await store.addOnceSchedules([once('w-d:start', T + 1)]);
    expect(await store.cancelSchedules('w-c', T)).toBe(2);
    expect(await store.cancelSchedules('w-c', T)).toBe(0);
    expect((await store.pendingSchedules('dev')).map((s) => s.id)).toEqual(['w-d:start']);
    expect(await store.pendingSchedules('prod')).toEqual([]);
  });

  it('writes a cron schedule from ops.yml afresh: new expression and time, skip and cancel forgotten, author kept', async () => {
    await store.putCronSchedule({ id: 'cfg:dev:startup', env: 'dev', kind: 'startup', spec: '0 8 * * *', params: '{}', created_by: 'ops.yml', created_at: T, next_at: T + 10 });
    expect(await store.skipScheduleOnce('cfg:dev:startup', T + 10)).toBe(true);
    expect(await store.cancelSchedules('cfg:dev:startup', T)).toBe(1);
    await store.putCronSchedule({ id: 'cfg:dev:startup', env: 'dev', kind: 'startup', spec: '0 9 * * *', params: '{}', created_by: 'someone-else', created_at: T + 5, next_at: T + 20 });
    expect(await store.getSchedule('cfg:dev:startup')).toMatchObject({ type: 'cron', spec: '0 9 * * *', next_at: T + 20, skip_at: null, cancelled_at: null, created_by: 'ops.yml', created_at: T });
  });

  it('counts the intents of one name on one run, consumed or not (the attempt number of a Retry)', async () => {
    expect(await store.countIntents('r-1', 'retry')).toBe(0);
    for (const dedupe of ['n1', 'n2', 'n2']) await store.addIntent({ run_id: 'r-1', name: 'retry', by: 'U0OPS0001', at: T, dedupe });
    await store.addIntent({ run_id: 'r-1', name: 'approve', by: 'U0OPS0001', at: T, dedupe: 'n3' });
    await store.addIntent({ run_id: 'r-2', name: 'retry', by: 'U0OPS0001', at: T, dedupe: 'n1' });
    const [first] = await store.pendingIntents('r-1');
    await store.consumeIntent(first!.id, T);
    expect(await store.countIntents('r-1', 'retry')).toBe(2);
  });
});
