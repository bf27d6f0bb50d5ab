// Rollback latency: from a signed Rollback press leaving Slack's side to the traffic-restoring AWS call reaching AWS.
// Goal: ≤ 150 ms p99. The bot, the fake Slack and the sandbox share this process, so the figure includes their work too.
import { parseConfig } from '../src/config/load.js';
import { textOf } from '../playground/fake-slack.js';
import { SimClock } from '../sandbox/clock.js';
import { startBot } from '../test/support/bot.js';
import { summary } from './measure.js';

const LISTENER = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';
const config = parseConfig(`
environments:
  prod:
    region: ap-northeast-1
    channel: C0PROD001
    cluster: prod-cluster
    canary:
      web:
        alb:
          listenerArn: ${LISTENER}
          blueTargetGroupArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-blue/3333333333333301
          greenTargetGroupArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/web-green/3333333333333302
        steps: [10, 100]
      api-internal:
        route53: { hostedZoneId: Z0PRIVATE0001, recordName: api.internal.example., type: CNAME, blue: api-blue, green: api-green }
        steps: [10, 100]
    services:
      checkout: { desiredCount: 2 }
    deploy:
      checkout:
        strategy: ecs
        container: web
        port: 8080
        type: CANARY
        targetGroupArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/checkout-blue/7777777777777701
        alternateTargetGroupArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/checkout-green/7777777777777702
        productionListenerRuleArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener-rule/app/prod-shop/7777777777777777/7777777777777701/00000000000000c1
        roleArn: arn:aws:iam::111111111111:role/ecsInfrastructureRoleForLoadBalancers
`);

/** /deploy through ECS, Rollback pressed while the deployment runs: press → StopServiceDeployment reaching the sandbox. */
async function ecsNative(t: Awaited<ReturnType<typeof startBot>>, runs: number): Promise<string> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const before = t.slack.messages('C0PROD001').length;
    await t.client.command(`/deploy prod checkout 111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/checkout:bench-${i}`, { user: 'U0OPS0001' });
    const msg = await t.slack.waitFor(() => t.slack.messages('C0PROD001').slice(before).find((m) => textOf(m.blocks).includes('IN_PROGRESS')), { timeoutMs: 20_000 });
    const mark = t.aws.world.record.mark();
    const pressed = performance.now();
    await t.client.press(msg, 'run.rollback', { user: 'U0OPS0001' });
    await t.slack.waitFor(() => t.slack.messages('C0PROD001').slice(before).some((m) => m.text.includes('Rolled back')), { timeoutMs: 30_000 });
    const call = t.aws.world.record.since(mark).find((c) => c.op === 'StopServiceDeployment' && c.error === undefined);
    if (call?.receivedAt !== undefined) samples.push(call.receivedAt - pressed);
  }
  const s = summary(samples);
  return `p50 ${s.p50} · p99 ${s.p99} · max ${s.max} (n=${s.n})`;
}

export async function run(): Promise<Record<string, unknown>> {
  // The sandbox follows the wall clock, so ECS's deployment (and its rollback) moves while the bot waits.
  const t = await startBot({ config, world: { route53SyncSeconds: 0, clock: new SimClock(Date.now(), 'real', 1) } });
  const out: Record<string, unknown> = {};
  try {
    for (const [target, op] of [['web', 'ModifyListener'], ['api-internal', 'ChangeResourceRecordSets']] as const) {
      const samples: number[] = [];
      for (let i = 0; i < 40; i += 1) {
        const before = t.slack.messages('C0PROD001').length;
        await t.client.command(`/canary prod ${target} start`, { user: 'U0OPS0001' });
        const msg = await t.slack.waitFor(
          () => t.slack.messages('C0PROD001').slice(before).find((m) => textOf(m.blocks).includes('[Rollback]') && textOf(m.blocks).includes('Promote')),
          { timeoutMs: 10_000 },
        );
        const mark = t.aws.world.record.mark();
        const pressed = performance.now();
        await t.client.press(msg, 'run.rollback', { user: 'U0OPS0001' });
        await t.slack.waitFor(() => t.slack.messages('C0PROD001').slice(before).some((m) => m.text.includes('Rolled back')), { timeoutMs: 10_000 });
        const call = t.aws.world.record.since(mark).find((c) => c.op === op && c.error === undefined);
        if (call?.receivedAt !== undefined) samples.push(call.receivedAt - pressed);
      }
      const s = summary(samples);
      out[`${target} press → ${op} (ms)`] = `p50 ${s.p50} · p99 ${s.p99} · max ${s.max} (n=${s.n})`;
    }
    out['deploy (ECS native) press → StopServiceDeployment (ms)'] = await ecsNative(t, 15);
  } finally {
    await t.close();
  }
  return out;
}
