// Issue 16, "done when": a cutover and its Switch back, end to end, on records that carry health checks — the zone's
// full ListResourceRecordSets afterwards is identical to the one before the cutover.
import { randomUUID } from 'node:crypto';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { OPEN, opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const ZONE = 'Z0PUBLIC00001';
const CONFIG = opsConfig({
  prod: prodEnv({
    permissions: OPEN,
    cutover: { www: { hostedZoneId: ZONE, recordName: 'www.example.com.', to: { loadBalancerArn: 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/fargate-web/5555555555555555' } } },
  }),
});

describe('/cutover and Switch back over records with health checks', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: CONFIG, world: { route53SyncSeconds: 0 } });
  });
  afterAll(async () => t.close());

  const zone = async (): Promise<ResourceRecordSet[]> => (await t.aws.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE }))).ResourceRecordSets ?? [];
  const latest = () => t.slack.messages(CH).at(-1)!;
  const waitLatest = (needle: string) => t.slack.waitFor(() => (textOf(latest()?.blocks).includes(needle) ? latest() : undefined), { timeoutMs: 15_000, message: needle });

  it('Switch back puts HealthCheckId back with everything else', async () => {
    const www = (await zone()).filter((r) => r.Name === 'www.example.com.');
    const check = randomUUID();
    await t.aws.clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: www.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: { ...r, HealthCheckId: check } })) } }));
    const before = await zone();
    expect(before.filter((r) => r.HealthCheckId === check)).toHaveLength(2);

    await t.client.command('/cutover prod www', { user: 'U0SRE0001' });
    await waitLatest('✅ DNS cutover · www · prod');
    expect(await zone()).not.toEqual(before);
    await t.client.press(latest(), 'cutover.back', { user: 'U0SRE0001' });
    await waitLatest('✅ Switch back · www · prod');
    expect(await zone()).toEqual(before);
  });
});
