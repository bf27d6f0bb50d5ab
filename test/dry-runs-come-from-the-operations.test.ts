// Dry runs and status read through the operations (engine.plan / engine.status), not the handlers: through Slack they
// answer word for word what the handlers answered before (captured from the code before issue 20), and make no AWS
// change — the canary's plans make no AWS call at all, since they are written from the config alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './support/bot.js';
import { prodConfig } from './guardrails-fixtures.js';

const USER = 'U0SRE0001';
const MAINTENANCE_START = [
  "*frontend*: SetRulePriorities c12e2385c84abf2a 2 → 11",
  "*frontend*: SetRulePriorities afb860fc3258c703 1 → 10",
  "*frontend*: CreateRule priority 1 source-ip 0.0.0.0/1, 128.0.0.0/2, 192.0.0.0/5 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: CreateRule priority 2 source-ip 200.0.0.0/7, 202.0.0.0/8, 203.0.0.0/18 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: CreateRule priority 3 source-ip 203.0.64.0/19, 203.0.96.0/20, 203.0.112.0/24 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: CreateRule priority 4 source-ip 203.0.114.0/23, 203.0.116.0/22, 203.0.120.0/21 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: CreateRule priority 5 source-ip 203.0.128.0/17, 203.1.0.0/16, 203.2.0.0/15 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: CreateRule priority 6 source-ip 203.4.0.0/14, 203.8.0.0/13, 203.16.0.0/12 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: CreateRule priority 7 source-ip 203.32.0.0/11, 203.64.0.0/10, 203.128.0.0/9 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: CreateRule priority 8 source-ip 204.0.0.0/6, 208.0.0.0/4, 224.0.0.0/3 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: CreateRule priority 9 source-ip ::/0 → redirect 302 to https://example.com/maintenance (tagged ecs-chatops:owner)",
  "*frontend*: 203.0.113.0/24 match none of these rules and reach the listener's own rules, unchanged",
  "*bff*: SetRulePriorities a8b483220f09ad76 2 → 3",
  "*bff*: SetRulePriorities b85b127aabdf00e9 1 → 2",
  "*bff*: SetRulePriorities 00000000000000b1 → 1",
  "*api*: SetRulePriorities a238a53555633cdb 2 → 3",
  "*api*: SetRulePriorities 7b10c5581fb632c7 1 → 2",
  "*api*: CreateRule priority 1 path /* → 503 application/json (tagged ecs-chatops:owner)",
];

describe('dry runs and status come from the operations', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: prodConfig(), userGroups: { S0SRE0001: [USER], S0LEADS01: ['U0LEAD001'] }, world: { route53SyncSeconds: 0 } });
  });
  afterAll(async () => t.close());

  /** Types a command and returns the ephemeral answer and every AWS call the sandbox answered meanwhile. */
  async function ask(command: string): Promise<{ text: string; calls: string[]; mutations: string[] }> {
    const seen = t.slack.ephemerals(USER).length;
    const mark = t.aws.world.record.mark();
    await t.client.command(command, { user: USER });
    const answer = await t.slack.waitFor(() => t.slack.ephemerals(USER).slice(seen)[0], { timeoutMs: 10_000, message: `no answer to ${command}` });
    // Barrier: the handler is done, so every call it caused is on the record.
    await t.settled();
    return { text: answer.text, calls: t.aws.world.record.since(mark).map((c) => `${c.service}:${c.op}`), mutations: t.aws.world.record.mutations(mark) };
  }

  it('/maintenance start --dry-run: the same plan, from reads only, line for line the operation plan', async () => {
    const a = await ask('/maintenance start prod --dry-run');
    expect(a.text).toBe(`*Dry run: /maintenance start prod* — nothing was changed. The calls it would make:\n${MAINTENANCE_START.join('\n')}`);
    expect(a.mutations).toEqual([]);
    expect(a.calls.sort()).toEqual([...Array(3).fill('elbv2:DescribeRules'), ...Array(3).fill('elbv2:DescribeTags')]);
    expect(await t.bot.deps.engine.plan('maintenance', 'prod', { action: 'start' })).toEqual(MAINTENANCE_START);
  });

  it('/maintenance end --dry-run and /maintenance status read the listeners and change nothing', async () => {
    const end = await ask('/maintenance end prod --dry-run');
    expect(end.text).toBe("*Dry run: /maintenance end prod* — nothing was changed. The calls it would make:\n*frontend*: not in maintenance — no call\n*bff*: not in maintenance — no call\n*api*: not in maintenance — no call");
    expect(end.mutations).toEqual([]);
    const status = await ask('/maintenance status prod');
    expect(status.text).toBe("*Maintenance · prod* (read from AWS)\n🟢 *frontend*: serving normally\n🟢 *bff*: serving normally\n🟢 *api*: serving normally");
    expect(status.mutations).toEqual([]);
  });

  it('/canary start and set --dry-run are written from the config: no AWS call at all', async () => {
    const start = await ask('/canary prod web start 10,100 --dry-run');
    expect(start.text).toBe("*Dry run: /canary prod web start 10,100* — nothing was changed. The calls it would make:\nStep 1/2 · green 10 %: elbv2:ModifyListener 2222222222222222/2222222222222201 forward web-blue/3333333333333301 weight 90, web-green/3333333333333302 weight 10\n    gates: green targets healthy (DescribeTargetHealth), alarms web-5xx-high (DescribeAlarms before every step and every 15 s of a bake; ALARM rolls back)\n    wait for Promote\nStep 2/2 · green 100 %: elbv2:ModifyListener 2222222222222222/2222222222222201 forward web-blue/3333333333333301 weight 0, web-green/3333333333333302 weight 100\n    gates: green targets healthy (DescribeTargetHealth), alarms web-5xx-high (DescribeAlarms before every step and every 15 s of a bake; ALARM rolls back)\nRollback at any moment: elbv2:ModifyListener 2222222222222222/2222222222222201 forward web-blue/3333333333333301 weight 100, web-green/3333333333333302 weight 0");
    expect(start.calls).toEqual([]);
    const set = await ask('/canary prod api-internal set 30 --dry-run');
    expect(set.text).toBe("*Dry run: /canary prod api-internal set 30* — nothing was changed. The calls it would make:\nStep 1/1 · green 30 %: route53:ChangeResourceRecordSets zone Z0PRIVATE0001 (one batch) UPSERT CNAME api.internal.example. api-blue weight 70, api-green weight 30\n    then GetChange until INSYNC\nRollback at any moment: route53:ChangeResourceRecordSets zone Z0PRIVATE0001 (one batch) UPSERT CNAME api.internal.example. api-blue weight 100, api-green weight 0");
    expect(set.calls).toEqual([]);
  });

  it('/canary status reads the weights once', async () => {
    const status = await ask('/canary prod web status');
    expect(status.text).toBe("*Canary · web · prod* (read from AWS)\n🔵 blue 100 % · 🟢 green 0 % (weights 1 / 0)\nNo canary run is active.");
    expect(status.calls).toEqual(['elbv2:DescribeListeners']);
  });

  it('/cutover --dry-run checks the new load balancer and reads the records, and changes nothing', async () => {
    const dry = await ask('/cutover prod www --dry-run');
    expect(dry.text).toBe("*Dry run: /cutover prod www* — nothing was changed. Checks and the calls it would make:\n✅ load balancer *fargate-web* is active\n✅ target group *fargate-web-tg*: 2/2 healthy\nroute53:ChangeResourceRecordSets (one batch) UPSERT A www.example.com. alias → dualstack.fargate-web-5555555555555555.ap-northeast-1.elb.amazonaws.com. (zone Z14GRHDCWA56QT, evaluate health yes); UPSERT AAAA www.example.com. alias → dualstack.fargate-web-5555555555555555.ap-northeast-1.elb.amazonaws.com. (zone Z14GRHDCWA56QT, evaluate health yes)\nthen GetChange until INSYNC; Switch back restores: A www.example.com. alias → dualstack.ec2-web-6666666666666666.ap-northeast-1.elb.amazonaws.com. (zone Z14GRHDCWA56QT, evaluate health yes); AAAA www.example.com. alias → dualstack.ec2-web-6666666666666666.ap-northeast-1.elb.amazonaws.com. (zone Z14GRHDCWA56QT, evaluate health yes)");
    expect(dry.calls).toEqual(["elbv2:DescribeLoadBalancers", "elbv2:DescribeTargetGroups", "elbv2:DescribeTargetHealth", "route53:ListResourceRecordSets"]);
  });
});
