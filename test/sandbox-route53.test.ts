// The Route 53 gateway against the sandbox over HTTP: real SDK client, REST-XML, all-or-nothing batches, PENDING → INSYNC on the sandbox clock.
import { ChangeResourceRecordSetsCommand, GetHostedZoneCommand, InvalidChangeBatch, ListHostedZonesCommand, ListResourceRecordSetsCommand, NoSuchHostedZone } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsGatewayError } from '../src/aws/errors.js';
import { Elbv2Gateway } from '../src/aws/elbv2.js';
import { Route53Gateway, type RecordSet } from '../src/aws/route53.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const PRIVATE = 'Z0PRIVATE0001';
const PUBLIC = 'Z0PUBLIC00001';
const NEW_LB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/fargate-web/5555555555555555';
const OLD_DNS = 'dualstack.ec2-web-6666666666666666.ap-northeast-1.elb.amazonaws.com.';

describe('Route 53 sandbox through the gateway', () => {
  let s: TestSandbox;
  let dns: Route53Gateway;
  beforeAll(async () => {
    s = await startSandbox({ route53SyncSeconds: 20 });
    dns = new Route53Gateway(s.clients.route53, { envName: 'prod' });
  });
  afterAll(async () => s.close());

  it('reads the weighted pair of the canary', async () => {
    const pair = await dns.weightedPair(PRIVATE, 'api.internal.example.', 'CNAME', 'api-blue', 'api-green');
    expect(pair.blue).toEqual({ name: 'api.internal.example.', type: 'CNAME', setIdentifier: 'api-blue', weight: 100, ttl: 60, values: ['blue.api.internal.example'] });
    expect(pair.green).toMatchObject({ setIdentifier: 'api-green', weight: 0, values: ['green.api.internal.example'] });

    const err = await dns.weightedPair(PRIVATE, 'api.internal.example.', 'CNAME', 'api-blue', 'api-purple').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsGatewayError);
    expect(err).toMatchObject({ code: 'not_found' });
    expect((err as Error).message).toContain('"api-purple"');
    await expect(dns.records('Z0NOSUCHZONE1', 'x.example.')).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.clients.route53.send(new GetHostedZoneCommand({ Id: 'Z0NOSUCHZONE1' }))).rejects.toBeInstanceOf(NoSuchHostedZone);
    const zone = await s.clients.route53.send(new GetHostedZoneCommand({ Id: PRIVATE }));
    expect(zone.HostedZone).toMatchObject({ Id: `/hostedzone/${PRIVATE}`, Name: 'internal.example.', Config: { PrivateZone: true } });
  });

  it('setWeights is one ChangeResourceRecordSets with two UPSERTs; GetChange is PENDING, then INSYNC after the sync delay', async () => {
    const pair = await dns.weightedPair(PRIVATE, 'api.internal.example.', 'CNAME', 'api-blue', 'api-green');
    const mark = s.world.record.mark();
    const changeId = await dns.setWeights(PRIVATE, pair, 90, 10);
    expect(s.world.record.mutations(mark)).toEqual(['route53:ChangeResourceRecordSets']);
    const body = (s.world.record.since(mark)[0]?.input as { body: string }).body;
    expect(body.match(/<Action>UPSERT<\/Action>/g)).toHaveLength(2);
    expect(changeId).toMatch(/^C[0-9A-Z]+$/);

    expect(await dns.changeStatus(changeId)).toBe('PENDING');
    s.world.clock.advance(19_000);
    expect(await dns.changeStatus(changeId)).toBe('PENDING');
    s.world.clock.advance(1_000);
    expect(await dns.changeStatus(changeId)).toBe('INSYNC');

    const after = await dns.weightedPair(PRIVATE, 'api.internal.example.', 'CNAME', 'api-blue', 'api-green');
    expect([after.blue.weight, after.green.weight]).toEqual([90, 10]);
    expect({ ...after.blue, weight: 100 }).toEqual(pair.blue);
    await expect(dns.changeStatus('CNOSUCHCHANGE')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('setWeights refuses 0/0 and weights outside 0–255 before calling AWS; Route 53 itself refuses 256', async () => {
    const pair = await dns.weightedPair(PRIVATE, 'api.internal.example.', 'CNAME', 'api-blue', 'api-green');
    const mark = s.world.record.mark();
    await expect(dns.setWeights(PRIVATE, pair, 0, 0)).rejects.toMatchObject({ code: 'invalid' });
    await expect(dns.setWeights(PRIVATE, pair, 256, 0)).rejects.toMatchObject({ code: 'invalid' });
    expect(s.world.record.since(mark)).toEqual([]);
    const raw = await s.clients.route53
      .send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: PRIVATE,
          ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'api.internal.example.', Type: 'CNAME', SetIdentifier: 'api-blue', Weight: 256, TTL: 60, ResourceRecords: [{ Value: 'x' }] } }] },
        }),
      )
      .catch((e: unknown) => e);
    expect(raw).toMatchObject({ name: 'InvalidInput' });
  });

  it('a DELETE that does not match the current record is an InvalidChangeBatch, and nothing in the batch is applied', async () => {
    const before = s.world.route53.records(PRIVATE);
    const raw = await s.clients.route53
      .send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: PRIVATE,
          ChangeBatch: {
            Changes: [
              { Action: 'UPSERT', ResourceRecordSet: { Name: 'new.internal.example.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '10.0.0.1' }] } },
              { Action: 'DELETE', ResourceRecordSet: { Name: 'api.internal.example.', Type: 'CNAME', SetIdentifier: 'api-green', Weight: 0, TTL: 300, ResourceRecords: [{ Value: 'green.api.internal.example' }] } },
            ],
          },
        }),
      )
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(InvalidChangeBatch);
    expect((raw as Error).message).toBe(
      "Tried to delete resource record set [name='api.internal.example.', type='CNAME', set-identifier='api-green'] but the values provided do not match the current values",
    );
    expect(s.world.route53.records(PRIVATE)).toEqual(before);

    const green = (await dns.records(PRIVATE, 'api.internal.example.', 'CNAME')).find((r) => r.setIdentifier === 'api-green')!;
    const err = await dns.delete(PRIVATE, [{ ...green, ttl: 300 }], 'bad delete').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid' });
    expect((err as Error).message).toMatch(/^Route 53 refused the change to CNAME api\.internal\.example\. \(api-green\) in zone Z0PRIVATE0001: Tried to delete .* — nothing was changed/);

    const dup = await s.clients.route53
      .send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: PRIVATE,
          ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: green.name, Type: 'CNAME', SetIdentifier: 'api-green', Weight: 0, TTL: 60, ResourceRecords: [{ Value: 'x.example' }] } }] },
        }),
      )
      .catch((e: unknown) => e);
    expect((dup as Error).message).toBe("Tried to create resource record set [name='api.internal.example.', type='CNAME', set-identifier='api-green'] but it already exists");
  });

  it('cutover: alias records read, upserted to the new load balancer, and restored exactly', async () => {
    const original = await dns.records(PUBLIC, 'www.example.com.');
    expect(original.map((r) => r.type)).toEqual(['A', 'AAAA']);
    expect(original[0]).toEqual({ name: 'www.example.com.', type: 'A', values: [], aliasTarget: { hostedZoneId: 'Z14GRHDCWA56QT', dnsName: OLD_DNS, evaluateTargetHealth: true } });

    const lb = await new Elbv2Gateway(s.clients.elbv2, { envName: 'prod', region: 'ap-northeast-1' }).loadBalancer(NEW_LB);
    const moved: RecordSet[] = original.map((r) => ({ ...r, aliasTarget: { hostedZoneId: lb.canonicalHostedZoneId, dnsName: `dualstack.${lb.dnsName}.`, evaluateTargetHealth: true } }));
    const change = await dns.upsert(PUBLIC, moved, 'cutover www to fargate-web');
    expect((await dns.records(PUBLIC, 'www.example.com.', 'A'))[0]?.aliasTarget?.dnsName).toBe('dualstack.fargate-web-5555555555555555.ap-northeast-1.elb.amazonaws.com.');
    s.world.clock.advance(20_000);
    expect(await dns.changeStatus(change)).toBe('INSYNC');

    // An alias to a load balancer that does not exist is refused as Route 53 does.
    const bogus = moved.map((r) => ({ ...r, aliasTarget: { ...r.aliasTarget!, dnsName: 'dualstack.gone-0000.ap-northeast-1.elb.amazonaws.com.' } }));
    await expect(dns.upsert(PUBLIC, bogus, 'bogus')).rejects.toThrow(/alias target name does not lie within the target zone/);

    await dns.upsert(PUBLIC, original, 'switch back');
    expect(await dns.records(PUBLIC, 'www.example.com.')).toEqual(original);
  });

  it('lists in Route 53 order and pages with NextRecord*', async () => {
    const first = await s.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: PUBLIC, MaxItems: 2 }));
    expect(first.ResourceRecordSets?.map((r) => `${r.Name} ${r.Type}`)).toEqual(['example.com. NS', 'example.com. SOA']);
    expect(first).toMatchObject({ IsTruncated: true, NextRecordName: 'www.example.com.', NextRecordType: 'A' });
    const next = await s.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: PUBLIC, StartRecordName: first.NextRecordName, StartRecordType: first.NextRecordType, MaxItems: 2 }));
    expect(next.ResourceRecordSets?.map((r) => r.Type)).toEqual(['A', 'AAAA']);
    expect(next.IsTruncated).toBe(false);
    const zones = await s.clients.route53.send(new ListHostedZonesCommand({}));
    expect(zones.HostedZones?.map((z) => [z.Id, z.Name])).toEqual([
      [`/hostedzone/${PRIVATE}`, 'internal.example.'],
      [`/hostedzone/${PUBLIC}`, 'example.com.'],
    ]);
  });

  it('retries injected throttling and keeps going', async () => {
    s.world.faults.add({ service: 'route53', op: 'ListResourceRecordSets', kind: 'throttle', count: 2 });
    const mark = s.world.record.mark();
    const pair = await dns.weightedPair(PRIVATE, 'api.internal.example.', 'CNAME', 'api-blue', 'api-green');
    expect(pair.blue.setIdentifier).toBe('api-blue');
    // The fault fired: two throttled answers, then the retry that got through.
    const lists = s.world.record.since(mark).filter((c) => c.op === 'ListResourceRecordSets');
    expect(lists.map((c) => c.error ?? 'ok')).toEqual([expect.stringMatching(/throttl/i), expect.stringMatching(/throttl/i), 'ok']);
  });
});
