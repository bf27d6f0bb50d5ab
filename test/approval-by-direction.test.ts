// Approval is a property of the direction (docs/decisions.md, Issue 17): each row of the table through the Slack edge.
// Toward risk waits for a second person before the first AWS change; the way back never waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type SlackMessage } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { buildOperations } from '../src/registry.js';
import { APPROVAL_TABLE_KINDS } from '../src/runs/guardrails.js';
import { prodConfig } from './guardrails-fixtures.js';

const CH = 'C0PROD001';
// U0LEAD001 approves through the S0LEADS01 user group only: not an operator, not named anywhere in ops.yml.
const GROUPS = { S0SRE0001: ['U0SRE0001', 'U0SRE0002'], S0LEADS01: ['U0LEAD001'] };
const IMAGE = '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v2';

describe('the approval table', () => {
  it('has a row for every operation the bot ships', () => {
    const ops = buildOperations({ aws: {} as never });
    // A kind decides its direction itself (Operation.approval) or has a row in the table: never neither.
    const undecided = Object.values(ops).filter((op) => !op.approval && !(APPROVAL_TABLE_KINDS as readonly string[]).includes(op.kind));
    expect(undecided.map((op) => op.kind)).toEqual([]);
  });
});

describe('approval by direction, where requireApproval', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: prodConfig(), userGroups: GROUPS, world: { route53SyncSeconds: 0, startDelaySeconds: 0 } });
  });
  afterAll(async () => t.close());

  /** Types a command, expects it accepted, and returns the run id. */
  async function command(text: string, user = 'U0SRE0001'): Promise<string> {
    const res = await t.client.command(text, { user });
    const m = /accepted as run `(r-[0-9a-z]+-[0-9a-z]+)`/.exec(JSON.stringify(res.body));
    if (!m) throw new Error(`${text} was not accepted: ${JSON.stringify(res.body)}`);
    return m[1]!;
  }
  /** The run's status message once it shows `needle`. */
  const shows = (runId: string, needle: string, timeoutMs = 15_000): Promise<SlackMessage> =>
    t.slack.waitFor(() => t.slack.messages(CH).find((m) => textOf(m.blocks).includes(`run \`${runId}\``) && textOf(m.blocks).includes(needle)), { timeoutMs, message: `run ${runId} never showed "${needle}"` });
  const replied = (user: string, needle: string) => t.slack.waitFor(() => t.slack.ephemerals(user).find((e) => e.text.includes(needle)), { timeoutMs: 5000, message: `no ephemeral with "${needle}"` });
  const WAITS = 'Waiting for a second person to approve';

  it('/canary start waits before its first change; a group-only approver approves and promotes; Rollback never waits', async () => {
    const mark = t.aws.world.record.mark();
    const id = await command('/canary prod api-internal start');
    const msg = await shows(id, WAITS);
    expect(textOf(msg.blocks)).toContain('[Approve]');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    // An operator who is no approver may not approve.
    await t.client.press(msg, 'run.approve', { user: 'U0SRE0002' });
    await replied('U0SRE0002', 'you may not approve in *prod*');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    await t.client.press(msg, 'run.approve', { user: 'U0LEAD001' });
    await shows(id, 'Step 1/3 · green 10 % — Promote to continue');
    expect(t.aws.world.record.mutations(mark)).toEqual(['route53:ChangeResourceRecordSets']);
    // Promote from the approver who is only in the approvers' user group.
    await t.client.press(msg, 'run.promote', { user: 'U0LEAD001' });
    await shows(id, 'Step 2/3 · green 50 % — Promote to continue');
    // Rollback by an operator who is no approver: taken at once.
    await t.client.press(msg, 'run.rollback', { user: 'U0SRE0002' });
    await shows(id, '↩️');
    expect(t.aws.world.record.mutations(mark)).toEqual(Array(3).fill('route53:ChangeResourceRecordSets'));
  });

  it('/canary set 100 waits and Cancel leaves the listener untouched; /canary set 0 never waits', async () => {
    const mark = t.aws.world.record.mark();
    const id = await command('/canary prod web set 100');
    const msg = await shows(id, WAITS);
    await t.client.press(msg, 'run.cancel', { user: 'U0SRE0002' });
    await shows(id, '⏹');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    const back = await command('/canary prod web set 0');
    const done = await shows(back, '✅');
    expect(textOf(done.blocks)).not.toContain(WAITS);
  });

  it('/deploy (CodeDeploy, no reroute wait of its own) waits before even registering the revision', async () => {
    const mark = t.aws.world.record.mark();
    const id = await command(`/deploy prod payment ${IMAGE}`);
    const msg = await shows(id, WAITS);
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    await t.client.press(msg, 'run.cancel', { user: 'U0SRE0001' });
    await shows(id, '⏹');
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
  });
  it('/shutdown waits before scaling anything down; /startup never waits', async () => {
    const mark = t.aws.world.record.mark();
    const updated = (n: number) => t.slack.waitFor(() => t.aws.world.record.mutations(mark).filter((c) => c === 'ecs:UpdateService').length >= n || undefined, { timeoutMs: 10_000, message: 'no UpdateService' });
    const id = await command('/shutdown prod payment');
    const msg = await shows(id, WAITS);
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    await t.client.press(msg, 'run.approve', { user: 'U0LEAD001' });
    await updated(1);
    t.aws.world.clock.advance(10_000); // the sandbox's tasks finish stopping
    await shows(id, '✅');
    // Startup puts capacity back: UpdateService comes without anyone pressing anything.
    const up = await command('/startup prod payment');
    await updated(2);
    const started = await shows(up, 'payment');
    expect(textOf(started.blocks)).not.toContain(WAITS);
  });

  it('/maintenance start waits; /maintenance end (the way back) never waits', async () => {
    const id = await command('/maintenance start prod');
    const msg = await shows(id, WAITS);
    await t.client.press(msg, 'run.approve', { user: 'U0LEAD001' });
    await shows(id, '✅');
    const mark = t.aws.world.record.mark();
    const end = await command('/maintenance end prod', 'U0SRE0002');
    const ended = await shows(end, '✅');
    expect(textOf(ended.blocks)).not.toContain(WAITS);
    expect(t.aws.world.record.mutations(mark).length).toBeGreaterThan(0);
  });

});
