// Cancelling a window matches its id letter for letter: `_` and `%` in an id are not SQL wildcards that reach
// another window (the window's halves were found with LIKE `<id>:%`).
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../src/config/load.js';
import { createLog } from '../src/log.js';
import { RunEngine } from '../src/runs/engine.js';
import { Access } from '../src/runs/permissions.js';
import { Scheduler } from '../src/runs/scheduler.js';
import { Store } from '../src/store/store.js';
import { TestClock } from './support/clock.js';
import { backends } from './support/postgres.js';

const config = parseConfig(`
timezone: Asia/Tokyo
environments:
  dev: { region: ap-northeast-1, channel: C0DEV0001, cluster: c, services: { a: {} } }
`);

describe.each(backends())('cancelling a window on $name', (backend) => {
  let store: Store;
  let engine: RunEngine;
  let scheduler: Scheduler;
  beforeEach(async (t) => {
    if (backend.skip) return t.skip(backend.skip);
    store = await Store.open(await backend.freshUrl());
    const clock = new TestClock();
    const log = createLog({ level: 'silent' });
    const op = { kind: 'maintenance', params: z.record(z.string(), z.unknown()), lockTarget: (env: string) => `${env}:maintenance`, title: () => 'maintenance', run: async () => 'succeeded' as const };
    engine = new RunEngine({ store, clock, log, config, access: new Access(async () => [], () => clock.now()), ops: { maintenance: op }, owner: 'a', leaseMs: 5000 });
    scheduler = new Scheduler({ store, engine, clock, config, log, post: async () => undefined, reminder: () => ({ text: '', blocks: [] }) });
  });
  afterEach(async () => {
    if (backend.skip) return;
    await engine.stop();
    await store.close();
  });
  afterAll(() => backend.close());

  it('an id with `_` or `%` in place of a letter cancels nothing, and the window still fires', async () => {
    const start = Date.parse('2099-01-01T00:00:00Z');
    const id = await scheduler.addWindow('dev', start, start + 3_600_000, 'U0OPS0001');
    const lookalike = id.replace(/-([0-9a-z]+)$/, '_$1');
    expect(lookalike).not.toBe(id);
    expect(await scheduler.cancel(lookalike, 'U0OPS0001')).toBe(0);
    expect(await scheduler.cancel('w-%', 'U0OPS0001')).toBe(0);
    expect((await scheduler.list('dev')).map((s) => s.id)).toEqual([`${id}:start`, `${id}:end`]);
    expect(await scheduler.cancel(id, 'U0OPS0001')).toBe(2);
    expect(await scheduler.list('dev')).toEqual([]);
  });
});
