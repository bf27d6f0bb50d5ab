// The run engine on its own: locks, durable steps, approvals, interrupts and resume, against a real SQLite store and a real PostgreSQL.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../src/config/load.js';
import { createLog } from '../src/log.js';
import { RunEngine } from '../src/runs/engine.js';
import type { Operation } from '../src/runs/operation.js';
import { Access } from '../src/runs/permissions.js';
import type { Run } from '../src/runs/run.js';
import { Store } from '../src/store/store.js';
import { databaseOf } from '../src/store/testing.js';
import { TestClock } from './support/clock.js';
import { backends } from './support/postgres.js';
import { onEmitter, until } from './support/wait.js';

const config = parseConfig(`
environments:
  prod:
    region: ap-northeast-1
    channel: C0PROD001
    cluster: c
    permissions: { operate: [U0OPS0001, U0OPS0002, S0LEADS01], approve: [S0LEADS01], requireApproval: true }
`);

const calls: string[] = [];
let verifyAnswer: 'done' | 'not-done' = 'not-done';

const testOp: Operation<{ steps: number; approve?: boolean; sleepMs?: number }> = {
  kind: 'test',
  params: z.object({ steps: z.number().int(), approve: z.boolean().optional(), sleepMs: z.number().optional() }),
  lockTarget: (env) => `${env}:test`,
  title: (env) => `Test · ${env}`,
  interrupts: ['rollback'],
  anytime: { rollback: ['running', 'awaiting_approval'] },
  async run(ctx) {
    if (ctx.params.approve) {
      const a = await ctx.pause('go', { reason: 'approval', intents: ['approve'] });
      if (a === 'timeout') return 'cancelled';
    }
    for (let i = 0; i < ctx.params.steps; i += 1) {
      await ctx.step(`do-thing:${i}`, async () => {
        calls.push(`do-thing:${i}`);
        return i * 10;
      }, { verify: async () => (verifyAnswer === 'done' ? { done: true, result: i * 10 } : { done: false }) });
    }
    if (ctx.params.sleepMs) await ctx.sleep(ctx.params.sleepMs);
    return 'succeeded';
  },
  async onInterrupt(ctx) {
    await ctx.step('undo', async () => {
      calls.push('undo');
    });
    return 'rolled_back';
  },
};

/** Every engine's changes, and every log line, wake the waiters (a run driven by another replica changes there). */
const changes = new EventEmitter();
const logLines: string[] = [];

async function waitForRun(engine: RunEngine, id: string, pred: (r: Run) => boolean, ms = 10_000): Promise<Run> {
  return until(
    async () => {
      const run = await engine.getRun(id);
      return run && pred(run) ? run : undefined;
    },
    { what: `run ${id} to reach the condition`, on: onEmitter(changes), timeoutMs: ms },
  );
}

describe.each(backends())('run engine on $name', (backend) => {
  let store: Store;
  let url: string;
  let engine: RunEngine;
  // Time stands still unless a test moves it: a run's 60 s sleep never ends by itself, and no lease runs out.
  let clock: TestClock;
  const others: { engine: RunEngine; store: Store }[] = [];
  const make = (owner = 'a', on = store) => {
    const log = createLog({
      level: 'info',
      destination: new Writable({
        write: (c: Buffer, _e, cb) => {
          logLines.push(c.toString());
          changes.emit('changed');
          cb();
        },
      }),
    });
    const e = new RunEngine({
      store: on,
      clock,
      log,
      config,
      access: new Access(async (g) => (g === 'S0LEADS01' ? ['U0LEAD001'] : []), () => clock.now()),
      ops: { test: testOp },
      owner,
      leaseMs: 2000,
    });
    e.on('changed', () => changes.emit('changed'));
    return e;
  };

  beforeEach(async (t) => {
    if (backend.skip) {
      t.skip(backend.skip);
      return;
    }
    calls.length = 0;
    logLines.length = 0;
    verifyAnswer = 'not-done';
    clock = new TestClock();
    url = await backend.freshUrl();
    store = await Store.open(url);
    engine = make();
  });
  afterEach(async () => {
    if (backend.skip) return;
    for (const o of others.splice(0)) {
      await o.engine.stop();
      await o.store.close();
    }
    await engine.stop();
    await store.close();
  });
  afterAll(() => backend.close());

  /** A second replica: its own engine on its own connection to the same database. */
  const replica = async (owner: string) => {
    const s = await Store.open(url);
    await s.signalsReady();
    const e = make(owner, s);
    others.push({ engine: e, store: s });
    return e;
  };

  it('holds one active run per target and says who holds it', async () => {
    const first = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1, approve: true }, by: 'U0OPS0001' });
    expect(first.accepted).toBe(true);
    const second = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1 }, by: 'U0OPS0002' });
    expect(second.accepted).toBe(false);
    if (!second.accepted && first.accepted) {
      expect(second.reason).toContain(first.run.id);
      expect(second.reason).toContain('<@U0OPS0001>');
    }
  });

  it('refuses people who may not operate, and records the refusal', async () => {
    const answer = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1 }, by: 'U0STRANGER' });
    expect(answer).toMatchObject({ accepted: false });
    expect((await store.listAudit({ env: 'prod' }))[0]).toMatchObject({ actor: 'U0STRANGER', action: 'refused' });
  });

  it('runs durable steps once and audits command, mutations and decision', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 3 }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    const run = await waitForRun(engine, a.run.id, (r) => r.state === 'succeeded');
    expect(calls).toEqual(['do-thing:0', 'do-thing:1', 'do-thing:2']);
    expect((await store.listSteps(run.id)).map((s) => [s.step_id, s.status])).toEqual([
      ['do-thing:0', 'done'],
      ['do-thing:1', 'done'],
      ['do-thing:2', 'done'],
    ]);
    const actions = (await store.listAudit({ runId: run.id, limit: 50 })).map((e) => e.action).reverse();
    expect(actions).toEqual(['command', 'aws', 'aws', 'aws', 'decision']);
    // The lock is free again.
    expect((await engine.request({ kind: 'test', envName: 'prod', params: { steps: 0 }, by: 'U0OPS0001' })).accepted).toBe(true);
  });

  it('needs a second person to approve; two presses are one intent', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1, approve: true }, by: 'U0LEAD001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    const paused = await waitForRun(engine, a.run.id, (r) => r.state === 'awaiting_approval');
    const nonce = paused.pause!.nonce;
    const own = await engine.press({ runId: a.run.id, intent: 'approve', nonce, by: 'U0LEAD001' });
    expect(own).toMatchObject({ accepted: false });
    if (!own.accepted) expect(own.reason).toMatch(/someone other than the requester/);
    const notApprover = await engine.press({ runId: a.run.id, intent: 'approve', nonce, by: 'U0OPS0002' });
    expect(notApprover).toMatchObject({ accepted: false });
    expect(calls).toEqual([]);

    const [p1, p2] = await Promise.all([
      engine.press({ runId: a.run.id, intent: 'approve', nonce, by: 'U0OPS0001' }),
      engine.press({ runId: a.run.id, intent: 'approve', nonce, by: 'U0OPS0001' }),
    ]);
    // U0OPS0001 is an operator but not an approver: both refused, nothing moves.
    expect([p1.accepted, p2.accepted]).toEqual([false, false]);
  });

  it('an approver other than the requester releases the pause, once', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1, approve: true }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    const paused = await waitForRun(engine, a.run.id, (r) => r.state === 'awaiting_approval');
    const [p1, p2] = await Promise.all([
      engine.press({ runId: a.run.id, intent: 'approve', nonce: paused.pause!.nonce, by: 'U0LEAD001' }),
      engine.press({ runId: a.run.id, intent: 'approve', nonce: paused.pause!.nonce, by: 'U0LEAD001' }),
    ]);
    expect([p1.accepted, p2.accepted]).toEqual([true, true]);
    expect([p1, p2].filter((p) => p.accepted && p.duplicate)).toHaveLength(1);
    await waitForRun(engine, a.run.id, (r) => r.state === 'succeeded');
    expect(calls).toEqual(['do-thing:0']);
    // A press on the finished run is stale and changes nothing.
    const late = await engine.press({ runId: a.run.id, intent: 'approve', nonce: paused.pause!.nonce, by: 'U0LEAD001' });
    expect(late.accepted === false || late.duplicate).toBe(true);
  });

  it('a rollback interrupts a sleeping run at once', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1, sleepMs: 60_000 }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    await waitForRun(engine, a.run.id, () => calls.length === 1);
    const p = await engine.press({ runId: a.run.id, intent: 'rollback', nonce: 'anytime', by: 'U0OPS0002' });
    expect(p.accepted).toBe(true);
    // The clock never moves here: the run's 60 s sleep can only have ended because the press woke it.
    const run = await waitForRun(engine, a.run.id, (r) => r.state === 'rolled_back');
    expect(calls).toEqual(['do-thing:0', 'undo']);
    expect(run.endedAt).not.toBeNull();
  });

  it('two Rollbacks pressed from two renders of the message roll back once', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1, sleepMs: 60_000 }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    await waitForRun(engine, a.run.id, () => calls.length === 1);
    const [p1, p2] = await Promise.all([
      engine.press({ runId: a.run.id, intent: 'rollback', nonce: 'anytime:3', by: 'U0OPS0002' }),
      engine.press({ runId: a.run.id, intent: 'rollback', nonce: 'anytime:5', by: 'U0OPS0001' }),
    ]);
    expect([p1.accepted, p2.accepted]).toEqual([true, true]);
    await waitForRun(engine, a.run.id, (r) => r.state === 'rolled_back');
    expect(calls).toEqual(['do-thing:0', 'undo']);
  });

  it('a Rollback from another render pressed after the first was carried out is the same intent, not "out of date"', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1, sleepMs: 60_000 }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    await waitForRun(engine, a.run.id, () => calls.length === 1);
    expect((await engine.press({ runId: a.run.id, intent: 'rollback', nonce: 'anytime:3', by: 'U0OPS0002' })).accepted).toBe(true);
    await waitForRun(engine, a.run.id, (r) => r.state === 'rolled_back');
    const late = await engine.press({ runId: a.run.id, intent: 'rollback', nonce: 'anytime:5', by: 'U0OPS0001' });
    expect(late).toMatchObject({ accepted: true, duplicate: true });
    expect(calls).toEqual(['do-thing:0', 'undo']);
  });

  it('resumes an unfinished run without repeating a step that took effect', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 2 }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    // As if a crash hit between the AWS call of step 0 and its record: started, never ended.
    await store.startStep(a.run.id, 'do-thing:0', clock.now());
    verifyAnswer = 'done';
    expect(await engine.resumeAll()).toBe(1);
    await waitForRun(engine, a.run.id, (r) => r.state === 'succeeded');
    expect(calls).toEqual(['do-thing:1']);
  });

  it('a run owned by a live replica is not taken over; an expired lease is', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1 }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    expect(await store.claimRun(a.run.id, 'other', clock.now(), 60_000)).toBe(true);
    expect(await engine.resumeAll()).toBe(1);
    // Barrier: stop() returns once every attempt this engine began has ended; only then is "no call" a fact.
    await engine.stop();
    expect(calls).toEqual([]);
    expect((await store.getRun(a.run.id))?.owner).toBe('other');
    expect(await store.claimRun(a.run.id, 'other', clock.now() - 120_000, 1)).toBe(true); // lease now in the past
    const b = await replica('b');
    expect(await b.resumeAll()).toBe(1);
    await waitForRun(b, a.run.id, (r) => r.state === 'succeeded');
    expect(calls).toEqual(['do-thing:0']);
  });

  it('a press recorded by another replica wakes the owner at once', async () => {
    await store.signalsReady();
    const b = await replica('b');
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1, sleepMs: 60_000 }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    await waitForRun(engine, a.run.id, () => calls.length === 1);
    const p = await b.press({ runId: a.run.id, intent: 'rollback', nonce: 'anytime', by: 'U0OPS0002' });
    expect(p.accepted).toBe(true);
    // The clock stands still, so the 60 s sleep ends only because the press reached the owner. How fast that is
    // (the 150 ms goal from press to AWS call) is measured by `npm run bench -- rollback`, not asserted here.
    await waitForRun(engine, a.run.id, () => calls.includes('undo'));
    await waitForRun(engine, a.run.id, (r) => r.state === 'rolled_back');
  });

  it('two replicas racing for one target: one run, the other told who holds it', async () => {
    const b = await replica('b');
    const answers = await Promise.all([
      engine.request({ kind: 'test', envName: 'prod', params: { steps: 1 }, by: 'U0OPS0001' }),
      b.request({ kind: 'test', envName: 'prod', params: { steps: 1 }, by: 'U0OPS0002' }),
    ]);
    expect(answers.filter((x) => x.accepted)).toHaveLength(1);
    expect(answers.find((x) => !x.accepted)).toMatchObject({ reason: expect.stringContaining('is busy') });
    expect(await store.listRuns({ active: true })).toHaveLength(1);
  });

  it('a stopping replica hands its run back and another carries on at once, without repeating a step', async () => {
    const b = await replica('b');
    b.startSweeping();
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 2, sleepMs: 1500 }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    await waitForRun(engine, a.run.id, () => calls.length === 2);
    await engine.stop();
    // Handed back, not left to expire: the lease is released in the store, and with the clock standing still
    // no lease can run out, so b can only take the run because it was handed back. b sweeps on its own timer and
    // may already hold it by the time this reads (a stress run saw 'b'): never a, and b or nobody.
    expect([null, 'b']).toContain((await store.getRun(a.run.id))?.owner ?? null);
    await until(() => clock.sleeping() > 0, { what: 'b to take the run over and sleep', on: (wake) => clock.onSleep(wake) });
    clock.advance(1500);
    await waitForRun(engine, a.run.id, (r) => r.state === 'succeeded');
    expect(calls).toEqual(['do-thing:0', 'do-thing:1']);
  });

  it('a replica that lost its lease makes no AWS call', async () => {
    const a = await engine.request({ kind: 'test', envName: 'prod', params: { steps: 1, approve: true }, by: 'U0OPS0001' });
    if (!a.accepted) throw new Error(a.reason);
    engine.start(a.run.id);
    const paused = await waitForRun(engine, a.run.id, (r) => r.state === 'awaiting_approval');
    // Another replica takes the run over (as after a partition longer than the lease).
    await databaseOf(store).updateTable('runs').set({ owner: 'z', lease_until: clock.now() + 60_000 }).where('id', '=', a.run.id).execute();
    await engine.press({ runId: a.run.id, intent: 'approve', nonce: paused.pause!.nonce, by: 'U0LEAD001' });
    // Barrier: the driver woke on the press and stopped by itself at the fence (not by our stop()).
    // (Or it made its call, which the assertion below then shows.)
    await until(() => calls.length > 0 || logLines.some((l) => l.includes(a.run.id) && l.includes('stopped driving')), { what: 'the driver to stop at the fence', on: onEmitter(changes) });
    expect(calls).toEqual([]);
    expect((await store.getRun(a.run.id))?.owner).toBe('z');
  });
});
