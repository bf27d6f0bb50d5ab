// Schedules fire once by key, remind before, honour Skip once and Cancel, and report missed fires.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../src/config/load.js';
import { createLog } from '../src/log.js';
import { RunEngine } from '../src/runs/engine.js';
import type { Operation } from '../src/runs/operation.js';
import { Access } from '../src/runs/permissions.js';
import { Scheduler } from '../src/runs/scheduler.js';
import { parseDateTime } from '../src/runs/when.js';
import { Store } from '../src/store/store.js';
import { TestClock } from './support/clock.js';
import { onEmitter, until } from './support/wait.js';
import { backends } from './support/postgres.js';

const config = parseConfig(`
timezone: Asia/Tokyo
environments:
  dev:
    region: ap-northeast-1
    channel: C0DEV0001
    cluster: c
    services: { a: {} }
    startup: { schedule: { start: "0 8 * * 1-5", remindMinutesBefore: 10 } }
`);

const fired: string[] = [];
const op = (kind: string): Operation<Record<string, unknown>> => ({
  kind,
  params: z.record(z.string(), z.unknown()),
  lockTarget: (env) => `${env}:${kind}`,
  title: () => kind,
  async run(ctx) {
    fired.push(`${kind}:${JSON.stringify(ctx.params)}`);
    return 'succeeded';
  },
});

describe.each(backends())('scheduler on $name', (backend) => {
  let store: Store;
  let url: string;
  const extra: Store[] = [];
  let clock: TestClock;
  let engines: RunEngine[];
  let posts: string[];
  const make = (owner: string, on = store) => {
    const engine = new RunEngine({ store: on, clock, log: createLog({ level: 'silent' }), config, access: new Access(async () => [], () => clock.now()), ops: { maintenance: op('maintenance'), startup: op('startup') }, owner, leaseMs: 5000 });
    engines.push(engine);
    return new Scheduler({ store: on, engine, clock, config, log: createLog({ level: 'silent' }), post: async (_c, m) => void posts.push(m.text), reminder: (s, at) => ({ text: `reminder ${s.id} ${at}`, blocks: [] }) });
  };
  /** Barrier after a tick: every run it started has finished (the store says so); then what fired is a fact. */
  const settle = () =>
    until(async () => (await store.listRuns({ active: true })).length === 0 || undefined, { what: 'the runs the tick started to finish', on: engines.map((e) => onEmitter(e)) });
  const open = async () => {
    const s = await Store.open(url);
    extra.push(s);
    return s;
  };

  beforeEach(async (t) => {
    if (backend.skip) {
      t.skip(backend.skip);
      return;
    }
    fired.length = 0;
    posts = [];
    engines = [];
    url = await backend.freshUrl();
    store = await Store.open(url);
    clock = new TestClock(parseDateTime('2026-11-30 07:00', 'Asia/Tokyo')); // a Monday, 07:00 JST
  });
  afterEach(async () => {
    if (backend.skip) return;
    for (const e of engines) await e.stop();
    for (const s of extra.splice(0)) await s.close();
    await store.close();
  });
  afterAll(() => backend.close());

  it('three replicas, each with its own connection, fire a schedule once', async () => {
    const schedulers = [make('a'), make('b', await open()), make('c', await open())];
    const start = parseDateTime('2026-11-30 09:00', 'Asia/Tokyo')!;
    await schedulers[0]!.addWindow('dev', start, start + 3_600_000, 'U0OPS0001');
    clock.set(start);
    await Promise.all(schedulers.map((s) => s.tick()));
    await settle();
    expect(fired).toEqual(['maintenance:{"action":"start"}']);
    expect(await store.listRuns({ kind: 'maintenance' })).toHaveLength(1);
  });

  it('fires a maintenance window start and end once each, even with three schedulers ticking', async () => {
    const schedulers = [make('a'), make('b'), make('c')];
    const start = parseDateTime('2026-11-30 09:00', 'Asia/Tokyo')!;
    const id = await schedulers[0]!.addWindow('dev', start, start + 2 * 3_600_000, 'U0OPS0001');
    clock.set(start - 14 * 60_000);
    await Promise.all(schedulers.map((s) => s.tick()));
    expect(posts.filter((p) => p.startsWith(`reminder ${id}:start`))).toHaveLength(1);
    clock.set(start);
    await Promise.all(schedulers.map((s) => s.tick()));
    await settle();
    expect(fired).toEqual(['maintenance:{"action":"start"}']);
    clock.set(start + 2 * 3_600_000);
    await Promise.all(schedulers.map((s) => s.tick()));
    await settle();
    expect(fired).toEqual(['maintenance:{"action":"start"}', 'maintenance:{"action":"end"}']);
    expect(await schedulers[0]!.list('dev')).toHaveLength(0); // both fires done, nothing pending
  });

  it('skips one fire of a cron schedule from ops.yml, then fires the next', async () => {
    const s = make('a');
    await s.syncConfig(['startup']);
    const [cron] = await s.list('dev');
    expect(cron?.id).toBe('cfg:dev:startup');
    const at = parseDateTime('2026-11-30 08:00', 'Asia/Tokyo')!;
    expect(cron?.nextAt).toBe(at);
    expect(await s.skipOnce('cfg:dev:startup', at, 'U0OPS0001')).toBe(true);
    clock.set(at);
    await s.tick();
    await settle();
    expect(fired).toEqual([]);
    expect(posts.some((p) => p.includes('Skipped once'))).toBe(true);
    const next = parseDateTime('2026-12-01 08:00', 'Asia/Tokyo')!;
    expect((await s.list('dev'))[0]?.nextAt).toBe(next);
    clock.set(next);
    await s.tick();
    await settle();
    expect(fired).toEqual(['startup:{}']);
  });

  it('a cancelled window does not fire; a fire hours late is reported as missed', async () => {
    const s = make('a');
    const start = parseDateTime('2026-11-30 09:00', 'Asia/Tokyo')!;
    const w1 = await s.addWindow('dev', start, start + 3_600_000, 'U0OPS0001');
    await s.addWindow('dev', start + 60_000, start + 120_000, 'U0OPS0001');
    expect(await s.cancel(w1, 'U0OPS0001')).toBe(2);
    clock.set(start + 3 * 3_600_000);
    await s.tick();
    await settle();
    expect(fired).toEqual([]);
    expect(posts.filter((p) => p.startsWith('⚠️ Missed'))).toHaveLength(2);
  });
});
