// /scale end to end: signed Slack requests to the real Bolt receiver, the sandbox's ECS and its call record as evidence.
// It is also the proof of docs/architecture.md "How to add an operation": the operation, its body, its command, one
// registry entry — and this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type SlackMessage } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { prodConfig } from './guardrails-fixtures.js';

const PROD = 'C0PROD001';
const DEV = 'C0DEV0001';
const GROUPS = { S0SRE0001: ['U0SRE0001', 'U0SRE0002'], S0LEADS01: ['U0LEAD001'] };

describe('/scale <env> <service> <count>', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: prodConfig(), userGroups: GROUPS, world: { startDelaySeconds: 0 } });
  });
  afterAll(async () => t.close());

  const ecs = (cluster: string, service: string) => t.aws.world.ecs.snapshot()[cluster]![service]!;
  async function command(text: string, user = 'U0SRE0001'): Promise<string> {
    const res = await t.client.command(text, { user });
    const m = /accepted as run `(r-[0-9a-z]+-[0-9a-z]+)`/.exec(JSON.stringify(res.body));
    if (!m) throw new Error(`${text} was not accepted: ${JSON.stringify(res.body)}`);
    return m[1]!;
  }
  const shows = (channel: string, runId: string, needle: string): Promise<SlackMessage> =>
    t.slack.waitFor(() => t.slack.messages(channel).find((m) => textOf(m.blocks).includes(`run \`${runId}\``) && textOf(m.blocks).includes(needle)), { timeoutMs: 15_000, message: `run ${runId} never showed "${needle}"` });
  const updates = (mark: number) => t.aws.world.record.since(mark).filter((e) => e.op === 'UpdateService' && e.error === undefined).map((e) => e.input);

  it('refuses bad forms with the right form and touches nothing', async () => {
    const mark = t.aws.world.record.mark();
    const cases: [string, string][] = [
      ['/scale', '/scale <env> <service> <count>'],
      ['/scale dev', 'service'],
      ['/scale dev service-x 2', 'service-a'],
      ['/scale dev service-b', 'whole number of tasks from 0 to 5000'],
      ['/scale dev service-b -1', 'whole number of tasks from 0 to 5000'],
      ['/scale dev service-b 2.5', 'whole number of tasks from 0 to 5000'],
      ['/scale dev service-b 99999', 'whole number of tasks from 0 to 5000'],
      ['/scale dev service-b 2 now', '/scale <env> <service> <count>'],
    ];
    for (const [text, hint] of cases) {
      const res = await t.client.command(text, { user: 'U0DEV0001' });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body), text).toContain(hint);
    }
    await t.settled();
    expect(t.aws.world.record.since(mark)).toEqual([]);
    expect(t.slack.messages(DEV)).toEqual([]);
  });

  it('--dry-run reads the count and shows the one call, changing nothing', async () => {
    const before = ecs('dev-cluster', 'service-b').desired;
    const mark = t.aws.world.record.mark();
    await t.client.command('/scale dev service-b 3 --dry-run', { user: 'U0DEV0001' });
    const answer = await t.slack.waitFor(() => t.slack.ephemerals('U0DEV0001').find((e) => e.text.includes('Dry run: /scale dev service-b 3')), { timeoutMs: 5000, message: 'no dry run answer' });
    expect(answer.text).toContain(`desiredCount ${before} → 3`);
    expect(answer.text).toContain('nothing was changed');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });

  it('scales up without waiting, one UpdateService with only the count, and shows running / desired until there', async () => {
    const mark = t.aws.world.record.mark();
    const from = ecs('dev-cluster', 'service-b').desired;
    const id = await command('/scale dev service-b 3', 'U0DEV0001');
    const done = await shows(DEV, id, '✅');
    const text = textOf(done.blocks);
    expect(text).toContain(`${from} → *3* tasks`);
    expect(text).toContain('*3* running / 3 desired');
    expect(updates(mark)).toEqual([{ cluster: 'dev-cluster', service: 'service-b', desiredCount: 3 }]);
    expect(ecs('dev-cluster', 'service-b')).toMatchObject({ desired: 3, running: 3 });
    // The same count again is no call at all.
    const again = await command('/scale dev service-b 3', 'U0DEV0001');
    expect(textOf((await shows(DEV, again, '✅')).blocks)).toContain('Already at 3 — nothing changed.');
    expect(updates(mark)).toHaveLength(1);
  });

  it('on prod (requireApproval) fewer tasks waits for a second person; an operator who is no approver cannot approve; more tasks never waits', async () => {
    const mark = t.aws.world.record.mark();
    const id = await command('/scale prod api 1');
    const msg = await shows(PROD, id, 'waiting for a second person to approve');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    await t.client.press(msg, 'run.approve', { user: 'U0SRE0001' });
    await t.slack.waitFor(() => t.slack.ephemerals('U0SRE0001').find((e) => e.text.includes('you may not approve in *prod*')), { timeoutMs: 5000, message: 'the presser was not told' });
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    await t.client.press(msg, 'run.approve', { user: 'U0LEAD001' });
    const done = await shows(PROD, id, '✅');
    expect(textOf(done.blocks)).toContain('*1* running / 1 desired');
    expect(updates(mark)).toEqual([{ cluster: 'prod-cluster', service: 'api', desiredCount: 1 }]);

    const up = await command('/scale prod api 3');
    const upDone = await shows(PROD, up, '✅');
    expect(textOf(upDone.blocks)).not.toContain('waiting for a second person');
    expect(ecs('prod-cluster', 'api')).toMatchObject({ desired: 3, running: 3 });
  });

  it('is refused while another run touches the service, and holds the service against others while it waits', async () => {
    const id = await command('/scale prod payment 1');
    const msg = await shows(PROD, id, 'waiting for a second person to approve');
    const mark = t.aws.world.record.mark();
    // /shutdown of that service is another operation on the same ECS service: refused, naming the holder.
    const res = await t.client.command('/shutdown prod payment', { user: 'U0SRE0002' });
    expect(JSON.stringify(res.body)).toContain('service `prod-cluster/payment`');
    expect(JSON.stringify(res.body)).toContain(id);
    const second = await t.client.command('/scale prod payment 4', { user: 'U0SRE0002' });
    expect(JSON.stringify(second.body)).toContain(id);
    await t.settled();
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    await t.client.press(msg, 'run.cancel', { user: 'U0SRE0001' });
    const cancelled = await shows(PROD, id, '⏹');
    expect(textOf(cancelled.blocks)).toContain('nothing changed');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });
});
