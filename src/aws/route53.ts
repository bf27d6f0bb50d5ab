// Route 53 as the operations see it: record sets kept exactly enough to restore, weighted pairs, change batches and their sync.
import type { ListResourceRecordSetsCommandOutput, ResourceRecordSet, RRType, Route53Client } from '@aws-sdk/client-route-53';
import { sdk } from './sdk.js';
import { AwsErrorCode, AwsGatewayError, awsErrorName, translate } from './errors.js';
import { messages, type Lang } from '../i18n/index.js';

/** The gateway's words for what a call was about, in a language (src/i18n/resources.ts). */
const said = (lang: Lang) => messages(lang).resources;

/** A record set with every field the operations change or must put back. */
export interface RecordSet {
  name: string;
  type: string;
  setIdentifier?: string;
  weight?: number;
  ttl?: number;
  values: string[];
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  /** The health check Route 53 consults before answering with this record (weighted canaries often have one). */
  healthCheckId?: string;
  /** Every other field AWS returned (Failover, Region, GeoLocation, MultiValueAnswer, CidrRoutingConfig, …), sent back as it came. */
  extra?: Partial<ResourceRecordSet>;
}

export interface WeightedPair {
  blue: RecordSet;
  green: RecordSet;
}

export const ChangeStatus = { pending: 'PENDING', insync: 'INSYNC' } as const;
export type ChangeStatus = (typeof ChangeStatus)[keyof typeof ChangeStatus];

// Route 53 weights are 0–255 (Route 53 developer guide, "Weighted routing").
const MAX_WEIGHT = 255;

/** Route 53 answers names lower-case, fully qualified, with `*` escaped as `\052`. */
export function normalName(name: string): string {
  const n = name.toLowerCase().replace(/^\*(?=\.)/, '\\052');
  return n.endsWith('.') ? n : `${n}.`;
}

const bareId = (id: string) => id.replace(/^\/(hostedzone|change)\//, '');

function toRecord(r: ResourceRecordSet): RecordSet {
  const out: RecordSet = { name: r.Name ?? '', type: r.Type ?? '', values: (r.ResourceRecords ?? []).map((v) => v.Value ?? '') };
  const { Name: _n, Type: _t, SetIdentifier: _s, Weight: _w, TTL: _ttl, ResourceRecords: _rr, AliasTarget: _a, HealthCheckId, ...rest } = r;
  if (HealthCheckId !== undefined) out.healthCheckId = HealthCheckId;
  const extra = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<ResourceRecordSet>;
  if (Object.keys(extra).length) out.extra = extra;
  if (r.SetIdentifier !== undefined) out.setIdentifier = r.SetIdentifier;
  if (r.Weight !== undefined) out.weight = r.Weight;
  if (r.TTL !== undefined) out.ttl = r.TTL;
  if (r.AliasTarget) {
    out.aliasTarget = { hostedZoneId: r.AliasTarget.HostedZoneId ?? '', dnsName: r.AliasTarget.DNSName ?? '', evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth ?? false };
  }
  return out;
}

function fromRecord(r: RecordSet): ResourceRecordSet {
  return {
    ...(r.extra ?? {}),
    Name: r.name,
    Type: r.type as RRType,
    ...(r.setIdentifier !== undefined ? { SetIdentifier: r.setIdentifier } : {}),
    ...(r.weight !== undefined ? { Weight: r.weight } : {}),
    ...(r.ttl !== undefined ? { TTL: r.ttl } : {}),
    ...(r.values.length ? { ResourceRecords: r.values.map((Value) => ({ Value })) } : {}),
    ...(r.aliasTarget
      ? { AliasTarget: { HostedZoneId: r.aliasTarget.hostedZoneId, DNSName: r.aliasTarget.dnsName, EvaluateTargetHealth: r.aliasTarget.evaluateTargetHealth } }
      : {}),
    ...(r.healthCheckId !== undefined ? { HealthCheckId: r.healthCheckId } : {}),
  };
}

export class Route53Gateway {
  constructor(
    private readonly client: Route53Client,
    private readonly ctx: { envName: string },
  ) {}

  private zoneHint(hint?: string): string {
    return hint ?? `check the hostedZoneId under environments.${this.ctx.envName} (canary.<name>.route53 or cutover.<name>)`;
  }

  /** The record sets of one name (and type), every set identifier, following pagination. */
  async records(zoneId: string, name: string, type?: string, hint?: string): Promise<RecordSet[]> {
    const want = normalName(name);
    const out: RecordSet[] = [];
    let start: { name: string; type?: string; identifier?: string } | undefined = { name: want, ...(type ? { type } : {}) };
    try {
      while (start) {
        const page: ListResourceRecordSetsCommandOutput = await this.client.send(
          new sdk.route53.ListResourceRecordSetsCommand({
            HostedZoneId: bareId(zoneId),
            StartRecordName: start.name,
            ...(start.type ? { StartRecordType: start.type as RRType } : {}),
            ...(start.identifier ? { StartRecordIdentifier: start.identifier } : {}),
          }),
        );
        let passed = false;
        for (const r of page.ResourceRecordSets ?? []) {
          // Listing starts at the name and runs on in Route 53's order; stop at the first other name or type.
          if (normalName(r.Name ?? '') !== want || (type !== undefined && r.Type !== type)) {
            passed = true;
            break;
          }
          out.push(toRecord(r));
        }
        start =
          page.IsTruncated && !passed && page.NextRecordName
            ? { name: page.NextRecordName, ...(page.NextRecordType ? { type: page.NextRecordType } : {}), ...(page.NextRecordIdentifier ? { identifier: page.NextRecordIdentifier } : {}) }
            : undefined;
      }
    } catch (err) {
      throw translate(err, (l) => said(l).hostedZone({ id: zoneId }), this.zoneHint(hint), ['NoSuchHostedZone']);
    }
    return out;
  }

  /** The two weighted records of a canary; not_found names whichever set identifier is missing. */
  async weightedPair(zoneId: string, name: string, type: string, blueId: string, greenId: string, hint?: string): Promise<WeightedPair> {
    const all = await this.records(zoneId, name, type, hint);
    const blue = all.find((r) => r.setIdentifier === blueId);
    const green = all.find((r) => r.setIdentifier === greenId);
    const missing = [!blue && blueId, !green && greenId].filter(Boolean);
    if (!blue || !green) {
      const found = all.map((r) => r.setIdentifier ?? '(simple)').join(', ') || 'none';
      throw new AwsGatewayError(
        AwsErrorCode.notFound,
        `no ${type} record ${normalName(name)} with set identifier ${missing.map((m) => `"${m}"`).join(' and ')} in zone ${bareId(zoneId)} (found: ${found}) — ${hint ?? `check blue/green under environments.${this.ctx.envName}.canary.<name>.route53`}`,
      );
    }
    return { blue, green };
  }

  /** Both weights in ONE change batch (two UPSERTs), so no reader ever sees a half-shifted pair. Returns the change id. */
  async setWeights(zoneId: string, pair: WeightedPair, blueWeight: number, greenWeight: number, comment = 'ecs-chatops canary'): Promise<string> {
    for (const w of [blueWeight, greenWeight]) {
      if (!Number.isInteger(w) || w < 0 || w > MAX_WEIGHT) throw new AwsGatewayError(AwsErrorCode.invalid, `weight ${w} is outside 0–${MAX_WEIGHT} (Route 53 limit)`);
    }
    // Route 53 would accept 0/0 (and split traffic evenly); a canary that means "no traffic" must not send it.
    if (blueWeight === 0 && greenWeight === 0) throw new AwsGatewayError(AwsErrorCode.invalid, 'blue and green cannot both have weight 0 — Route 53 would then split traffic evenly');
    return this.upsert(zoneId, [{ ...pair.blue, weight: blueWeight }, { ...pair.green, weight: greenWeight }], comment);
  }

  /** UPSERTs the records in one all-or-nothing change batch; returns the change id (without `/change/`). */
  async upsert(zoneId: string, records: RecordSet[], comment: string, hint?: string): Promise<string> {
    try {
      const res = await this.client.send(
        new sdk.route53.ChangeResourceRecordSetsCommand({
          HostedZoneId: bareId(zoneId),
          ChangeBatch: { Comment: comment, Changes: records.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: fromRecord(r) })) },
        }),
      );
      return bareId(res.ChangeInfo?.Id ?? '');
    } catch (err) {
      throw this.changeError(err, zoneId, records, hint);
    }
  }

  /** DELETEs record sets exactly as given (Route 53 refuses when any field differs from the current record). */
  async delete(zoneId: string, records: RecordSet[], comment: string, hint?: string): Promise<string> {
    try {
      const res = await this.client.send(
        new sdk.route53.ChangeResourceRecordSetsCommand({
          HostedZoneId: bareId(zoneId),
          ChangeBatch: { Comment: comment, Changes: records.map((r) => ({ Action: 'DELETE', ResourceRecordSet: fromRecord(r) })) },
        }),
      );
      return bareId(res.ChangeInfo?.Id ?? '');
    } catch (err) {
      throw this.changeError(err, zoneId, records, hint);
    }
  }

  async changeStatus(changeId: string): Promise<ChangeStatus> {
    try {
      const res = await this.client.send(new sdk.route53.GetChangeCommand({ Id: bareId(changeId) }));
      return res.ChangeInfo?.Status === 'INSYNC' ? ChangeStatus.insync : ChangeStatus.pending;
    } catch (err) {
      throw translate(err, (l) => said(l).route53Change({ id: changeId }), (l) => said(l).hint.changesExpire, ['NoSuchChange']);
    }
  }

  private changeError(err: unknown, zoneId: string, records: RecordSet[], hint?: string): AwsGatewayError {
    const name = awsErrorName(err);
    const which = records.map((r) => `${r.type} ${r.name}${r.setIdentifier ? ` (${r.setIdentifier})` : ''}`).join(', ');
    if (name === 'InvalidChangeBatch' || name === 'InvalidInput') {
      const detail = err instanceof Error ? err.message : String(err);
      return new AwsGatewayError(AwsErrorCode.invalid, `Route 53 refused the change to ${which} in zone ${bareId(zoneId)}: ${detail} — nothing was changed (a batch is all-or-nothing)`, { cause: err });
    }
    if (name === 'PriorRequestNotComplete') {
      return new AwsGatewayError(AwsErrorCode.throttled, `zone ${bareId(zoneId)} is still applying an earlier change — retry in a few seconds`, { cause: err });
    }
    return translate(err, (l) => said(l).hostedZone({ id: zoneId }), this.zoneHint(hint), ['NoSuchHostedZone']);
  }
}
