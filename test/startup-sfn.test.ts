// The stepfunctions engine of /startup end to end: the bot compiles the graph, starts one execution named after
// the run, and follows its history into the same message; the sandbox's Step Functions really runs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { DEV, devConfig, startHarness, type Harness } from './support/fast-bot.js';

describe('/startup with engine stepfunctions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: devConfig((c) => {
        c.environments.dev!.startup = { ...c.environments.dev!.startup!, engine: 'stepfunctions', stateMachineRoleArn: 'arn:aws:iam::111111111111:role/ecs-chatops-states' };
      }),
    });
  });
  afterAll(async () => h.close());

  it('starts every service through one execution, in dependency order, on the same message', async () => {
    const res = await h.client.command('/startup dev', { user: 'U0DEV0001' });
    expect(JSON.stringify(res.body)).toContain('accepted as run');
    const done = await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Startup · dev')), { timeoutMs: 30_000 });
    expect(textOf(done.blocks)).toContain('5/5 ready');
    const record = h.aws.world.record.since(0);
    expect(record.filter((c) => c.service === 'sfn' && c.op === 'CreateStateMachine' && !c.error)).toHaveLength(1);
    expect(record.filter((c) => c.service === 'sfn' && c.op === 'StartExecution' && !c.error)).toHaveLength(1);
    // The UpdateService calls are the execution's own (the bot makes none): A, then B, then C–E.
    const starts = record.filter((c) => c.op === 'UpdateService' && !c.error).map((c) => (c.input as { service: string }).service);
    expect(starts.slice(0, 2)).toEqual(['service-a', 'service-b']);
    expect(new Set(starts.slice(2))).toEqual(new Set(['service-c', 'service-d', 'service-e']));
    const thread = h.slack.thread(DEV, done.ts).map((m) => m.text);
    expect(thread.some((t) => t.includes('Step Functions execution'))).toBe(true);
    expect(thread.filter((t) => t.includes('ready:'))).toHaveLength(5);
  }, 60_000);

  it('a bot restarted mid-run re-attaches to its execution instead of starting another', async () => {
    await h.client.command('/shutdown dev', { user: 'U0DEV0001' });
    await h.slack.waitFor(() => h.slack.messages(DEV).find((m) => textOf(m.blocks).includes('✅ Shutdown · dev')), { timeoutMs: 30_000 });
    const mark = h.aws.world.record.mark();
    await h.client.command('/startup dev', { user: 'U0DEV0001' });
    await h.slack.waitFor(() => h.aws.world.record.since(mark).some((c) => c.op === 'StartExecution' && !c.error), { timeoutMs: 10_000 });
    await h.restart();
    const done = await h.slack.waitFor(() => h.slack.messages(DEV).filter((m) => textOf(m.blocks).includes('✅ Startup · dev')).at(1), { timeoutMs: 30_000 });
    expect(textOf(done.blocks)).toContain('5/5 ready');
    const after = h.aws.world.record.since(mark);
    expect(after.filter((c) => c.op === 'StartExecution' && !c.error)).toHaveLength(1);
    expect(after.filter((c) => c.op === 'UpdateService' && !c.error)).toHaveLength(5);
  }, 60_000);
});
