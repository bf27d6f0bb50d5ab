// Issue 16 item 2: a Route 53 canary step, its Rollback and a cutover's Switch back keep HealthCheckId and every
// field of the records the bot does not own (real SDK, REST-XML against the sandbox).
import { randomUUID } from 'node:crypto';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentGateways } from '../src/adapters/index.js';
import { Route53Gateway } from '../src/aws/route53.js';
import { canaryTraffic } from '../src/adapters/traffic.js';
import type { CanaryConfig } from '../src/config/schema.js';
import { switched } from '../src/ops/cutover.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const PRIVATE = 'Z0PRIVATE0001';
const PUBLIC = 'Z0PUBLIC00001';

describe('Route 53 keeps what the bot does not own', () => {
  let s: TestSandbox;
  let dns: Route53Gateway;
  beforeAll(async () => {
    s = await startSandbox({ route53SyncSeconds: 0 });
    dns = new Route53Gateway(s.clients.route53, { envName: 'prod' });
  });
  afterAll(async () => s.close());

  const zone = async (id: string): Promise<ResourceRecordSet[]> => (await s.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id }))).ResourceRecordSets ?? [];
  const upsert = (id: string, records: ResourceRecordSet[]) =>
    s.clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: records.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: r })) } }));

  it('the canary pair keeps its HealthCheckIds through a step and the Rollback; only Weight moves', async () => {
    const [blueCheck, greenCheck] = [randomUUID(), randomUUID()];
    const pair = (await zone(PRIVATE)).filter((r) => r.SetIdentifier === 'api-blue' || r.SetIdentifier === 'api-green');
    await upsert(PRIVATE, pair.map((r) => ({ ...r, HealthCheckId: r.SetIdentifier === 'api-blue' ? blueCheck : greenCheck })));
    const before = await zone(PRIVATE);
    expect(before.filter((r) => r.HealthCheckId).length).toBe(2);

    const cfg = { route53: { hostedZoneId: PRIVATE, recordName: 'api.internal.example.', type: 'CNAME', blue: 'api-blue', green: 'api-green' }, steps: [10], bakeSeconds: 0, auto: false, alarms: [] } as unknown as CanaryConfig;
    const traffic = canaryTraffic({ route53: dns } as EnvironmentGateways, 'prod', 'api-internal', cfg);
    await traffic.read();
    await traffic.shift({ blue: 90, green: 10 });
    const mid = await zone(PRIVATE);
    expect(mid.map((r) => ({ ...r, Weight: undefined }))).toEqual(before.map((r) => ({ ...r, Weight: undefined })));
    expect(mid.find((r) => r.SetIdentifier === 'api-green')).toMatchObject({ Weight: 10, HealthCheckId: greenCheck });

    await traffic.shift({ blue: 100, green: 0 });
    expect(await zone(PRIVATE)).toEqual(before);
  });

  it('a cutover Switch back restores the stored records with their HealthCheckId, byte for byte', async () => {
    const check = randomUUID();
    const apex = (await zone(PUBLIC)).filter((r) => r.Name === 'www.example.com.' && (r.Type === 'A' || r.Type === 'AAAA'));
    await upsert(PUBLIC, apex.map((r) => ({ ...r, HealthCheckId: check })));
    const before = await zone(PUBLIC);

    // What the cutover stores (a JSON step result), what it writes, and what Switch back writes from the stored copy.
    const stored = JSON.parse(JSON.stringify(await dns.records(PUBLIC, 'www.example.com.'))) as Awaited<ReturnType<Route53Gateway['records']>>;
    const lb = s.world.elbv2.loadBalancer('arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/fargate-web/5555555555555555')!;
    await dns.upsert(PUBLIC, switched(stored, lb), 'cutover');
    expect(await zone(PUBLIC)).not.toEqual(before);
    await dns.upsert(PUBLIC, stored, 'switch back');
    expect(await zone(PUBLIC)).toEqual(before);
  });

  it('the sandbox takes other routing policies and refuses a set identifier with two of them, as Route 53 does', async () => {
    const rec = (extra: Partial<ResourceRecordSet>): ResourceRecordSet => ({ Name: 'failover.internal.example.', Type: 'A', TTL: 30, ResourceRecords: [{ Value: '10.0.9.9' }], SetIdentifier: 'primary', ...extra });
    await upsert(PRIVATE, [rec({ Failover: 'PRIMARY', HealthCheckId: randomUUID() })]);
    const read = await dns.records(PRIVATE, 'failover.internal.example.');
    expect(read[0]).toMatchObject({ setIdentifier: 'primary', extra: { Failover: 'PRIMARY' } });
    // Written back through the gateway, the failover policy and the health check stay.
    const before = await zone(PRIVATE);
    await dns.upsert(PRIVATE, read, 'same');
    expect(await zone(PRIVATE)).toEqual(before);
    await expect(upsert(PRIVATE, [rec({ Failover: 'PRIMARY', Weight: 1 })])).rejects.toMatchObject({ name: 'InvalidChangeBatch' });
    await expect(upsert(PRIVATE, [rec({ Failover: 'PRIMARY', HealthCheckId: 'not-a-health-check' })])).rejects.toMatchObject({ name: 'NoSuchHealthCheck' });
  });
});
