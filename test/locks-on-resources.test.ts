// Locks name the AWS resources a run changes, not its command: one test per pair of operations sharing a resource.
// The second run is refused before anything changes, told which run holds what, with a link to its message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { prodConfig } from './guardrails-fixtures.js';

const CH = 'C0PROD001';
const GROUPS = { S0SRE0001: ['U0SRE0001', 'U0SRE0002'], S0LEADS01: ['U0LEAD001'] };
const IMAGE = '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v2';
const SHOP_LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-shop/7777777777777777/7777777777777701';

function config() {
  const c = prodConfig();
  const prod = c.environments.prod!;
  // A second name for the canary's records, and a canary on the production rule ECS's blue/green of checkout drives.
  prod.cutover.internal = { ...prod.cutover.www!, hostedZoneId: 'Z0PRIVATE0001', recordName: 'API.internal.example.', alarms: [] };
  const checkout = prod.deploy.checkout!;
  if (checkout.strategy !== 'ecs') throw new Error('the example changed: checkout is no longer an ECS blue/green target');
  prod.canary.shop = { ...prod.canary.web!, alb: { listenerArn: SHOP_LISTENER, ruleArn: checkout.productionListenerRuleArn, blueTargetGroupArn: checkout.targetGroupArn, greenTargetGroupArn: checkout.alternateTargetGroupArn } };
  return c;
}

describe('locks on what a run touches', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: config(), userGroups: GROUPS, world: { route53SyncSeconds: 0, startDelaySeconds: 0 } });
  });
  afterAll(async () => t.close());

  async function accepted(text: string): Promise<string> {
    const res = await t.client.command(text, { user: 'U0SRE0001' });
    const m = /accepted as run `(r-[0-9a-z]+-[0-9a-z]+)`/.exec(JSON.stringify(res.body));
    if (!m) throw new Error(`${text} was not accepted: ${JSON.stringify(res.body)}`);
    return m[1]!;
  }
  const messageOf = (id: string, needle: string) =>
    t.slack.waitFor(() => t.slack.messages(CH).find((m) => textOf(m.blocks).includes(`run \`${id}\``) && textOf(m.blocks).includes(needle)), { timeoutMs: 15_000, message: `run ${id} never showed "${needle}"` });

  /** `first` holds its resources (waiting for approval); `second` is refused, naming `what` and the holder; nothing changes. */
  async function refused(first: string, second: string, what: string, opts: { firstWaits?: string; release?: boolean } = {}) {
    const holder = await accepted(first);
    const msg = await messageOf(holder, opts.firstWaits ?? 'Waiting for a second person to approve');
    const mark = t.aws.world.record.mark();
    const res = await t.client.command(second, { user: 'U0SRE0002' });
    const text = (res.body as { text: string }).text;
    expect(text).toContain(`⛔ ${what}`);
    expect(text).toContain(`is busy: run \`${holder}\``);
    // The workspace's own URL, from auth.test (the fake Slack names its origin), as Slack's permalinks have it.
    expect(text).toContain(`<${t.slack.origin}/archives/${CH}/p${msg.ts.replace('.', '')}|its message>`);
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    if (opts.release !== false) {
      await t.client.press(msg, 'run.cancel', { user: 'U0SRE0001' });
      await messageOf(holder, '⏹');
    }
  }

  it('/canary on ALB weights and /maintenance share the front-end listener', async () => {
    await refused('/canary prod web start', '/maintenance start prod', 'listener `app/prod-web/2222222222222222/2222222222222201`');
  });

  it('/canary on the weights of a rule and /deploy through ECS blue/green share the production rule', async () => {
    await refused('/canary prod shop start', '/deploy prod checkout ' + IMAGE.replace('payment', 'checkout'), 'listener rule `app/prod-shop/7777777777777777/7777777777777701/00000000000000c1`');
  });

  it('/shutdown and /deploy share the ECS service', async () => {
    await refused('/shutdown prod payment', `/deploy prod payment ${IMAGE}`, 'service `prod-cluster/payment`');
  });

  it('/canary on Route 53 and /cutover of the same name (whatever its case) share the records', async () => {
    await refused('/canary prod api-internal start', '/cutover prod internal', 'records `api.internal.example.` in zone `Z0PRIVATE0001`');
  });

  it('/deploy with task sets waiting for Approve at green 0 % keeps /canary off its records', async () => {
    await refused(`/deploy prod api-internal ${IMAGE.replace('payment', 'api')}`, '/canary prod api-internal start 5,25,100', 'records `api.internal.example.` in zone `Z0PRIVATE0001`', { firstWaits: 'Deploy', release: false });
  });
});
