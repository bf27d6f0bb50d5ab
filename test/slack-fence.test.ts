// Issue 18 item 8: a frozen owner that wakes up after another replica took its run writes nothing people see —
// no thread note, no render (view) and no final state — the way it makes no AWS call.
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config/load.js';
import { createLog } from '../src/log.js';
import { RunEngine } from '../src/runs/engine.js';
import type { Operation } from '../src/runs/operation.js';
import { Access } from '../src/runs/permissions.js';
import { Store } from '../src/store/store.js';
import { databaseOf } from '../src/store/testing.js';
import { until } from './support/wait.js';
import { backends } from './support/postgres.js';

const config = parseConfig(`
environments:
  dev:
    region: ap-northeast-1
    channel: C0DEV0001
    cluster: c
    permissions: { operate: [U0OPS0001] }
`);

describe.each(backends())('Slack writes fenced by the lease on $name', (backend) => {
  afterAll(() => backend.close());

  it('an owner frozen past its lease, woken after a takeover, posts no note, pushes no view and does not end the run', async (t) => {
    if (backend.skip) return t.skip(backend.skip);
    const store = await Store.open(await backend.freshUrl());
    const lines: string[] = [];
    // The "freeze": the operation waits here, between two things it shows people, until the test lets it go on.
    let wake!: () => void;
    const frozen = new Promise<void>((r) => (wake = r));
    let reachedFreeze!: () => void;
    const atFreeze = new Promise<void>((r) => (reachedFreeze = r));
    const op: Operation<Record<string, never>> = {
      kind: 'fenced',
      params: z.object({}),
      lockTarget: (env) => `${env}:fenced`,
      title: (env) => `Fenced · ${env}`,
      async run(ctx) {
        await ctx.view({ ready: 2 });
        reachedFreeze();
        await frozen;
        await ctx.note('stale note from the old owner');
        await ctx.view({ ready: 1 });
        return 'succeeded';
      },
    };
    const engine = new RunEngine({
      store,
      clock: systemClock,
      log: createLog({ level: 'info', destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }) }),
      config,
      access: new Access(async () => [], () => Date.now()),
      ops: { fenced: op },
      owner: 'frozen-owner',
      leaseMs: 60_000,
    });
    const notes: string[] = [];
    engine.on('note', ({ text }: { text: string }) => notes.push(text));
    try {
      const answer = await engine.request({ kind: 'fenced', envName: 'dev', params: {}, by: 'U0OPS0001' });
      if (!answer.accepted) throw new Error(answer.reason);
      engine.start(answer.run.id);
      await atFreeze;
      // Meanwhile another replica took the run over (its lease ran out while this one was frozen).
      await databaseOf(store).updateTable('runs').set({ owner: 'new-owner', lease_until: Date.now() + 60_000 }).where('id', '=', answer.run.id).execute();
      const viewBefore = (await store.getRun(answer.run.id))!.view;
      wake();
      // Barrier: the old owner's driver has let go of the run, or (unfenced) finished it.
      await until(async () => lines.some((l) => l.includes('stopped driving')) || (await store.getRun(answer.run.id))!.state !== 'running', {
        what: "the old owner's driver to let go of the run (or, unfenced, finish it)",
        timeoutMs: 5000,
      }).catch(() => undefined);
      const after = (await store.getRun(answer.run.id))!;
      expect(notes).toEqual([]);
      expect(after.view).toBe(viewBefore);
      expect(JSON.parse(after.view)).toEqual({ ready: 2 });
      expect(after.state).toBe('running');
      expect(after.owner).toBe('new-owner');
    } finally {
      await engine.stop({ graceMs: 1000 });
      await store.close();
    }
  });
});
