// The canary's decisions come from what it remembered, never from its status message's view: with the view wiped
// while it waits for Promote, an alarm before the next step still puts the traffic already on green back on blue.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { databaseOf } from '../src/store/testing.js';

const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';
const BLUE_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/3333333333333301';
const GREEN_TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-green/3333333333333302';
const CH = 'C0PROD001';

const CONFIG = parseConfig(`
timezone: Asia/Tokyo
environments:
  prod:
    region: ap-northeast-1
    channel: ${CH}
    permissions: { operate: [S0SRE0001], approve: [S0LEADS01], requireApproval: false, confirm: false }
    cluster: prod-cluster
    canary:
      web:
        alb: { listenerArn: ${LISTENER}, blueTargetGroupArn: ${BLUE_TG}, greenTargetGroupArn: ${GREEN_TG} }
        steps: [10, 100]
        alarms: [web-5xx-high]
        analysis: { enabled: false }
`);

describe('a canary whose view is lost', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: CONFIG, userGroups: { S0SRE0001: ['U0SRE0001', 'U0LEAD001'], S0LEADS01: ['U0LEAD001'] } });
  });
  afterAll(async () => t.close());

  const message = (needle: string) =>
    t.slack.waitFor(() => t.slack.messages(CH).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs: 15_000, message: `no status message with "${needle}"` });
  const weights = () => t.aws.world.elbv2.evaluate(LISTENER, { path: '/', sourceIp: '198.51.100.7' }).targetGroups;

  it('an alarm before step 2 rolls green back to blue in one call, though the view no longer says green has traffic', async () => {
    // Prepare: a canary at green 10 %, waiting for Promote; then its view is wiped, as a message-only record would be.
    t.aws.world.setAlarm('web-5xx-high', 'OK');
    await t.client.command('/canary prod web start', { user: 'U0SRE0001' });
    const waiting = await message('Step 1/2 · green 10 % — Promote to continue');
    expect(weights()).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });
    const [run] = await t.bot.deps.store.listRuns({ env: 'prod', kind: 'canary', active: true, limit: 5 });
    await sql`update runs set view = '{}', version = version + 1 where id = ${run!.id}`.execute(databaseOf(t.bot.deps.store));
    expect(JSON.parse((await t.bot.deps.store.getRun(run!.id))!.view)).toEqual({});
    t.aws.world.setAlarm('web-5xx-high', 'ALARM', 'Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).');
    const mark = t.aws.world.record.mark();

    // Act
    await t.client.press(waiting, 'run.promote', { user: 'U0LEAD001' });

    // Assess: the gate fails before step 2, and the 10 % already on green goes back with the rollback's one call.
    const failed = await message('Retry');
    expect(textOf(failed.blocks)).toContain('all traffic is back on blue');
    expect(textOf(failed.blocks)).not.toContain('nothing was moved');
    expect(t.aws.world.record.mutations(mark)).toEqual(['elbv2:ModifyListener']);
    expect(weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  });
});
