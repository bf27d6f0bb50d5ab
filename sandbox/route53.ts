// Simulated Route 53 (REST-XML): hosted zones, record sets, all-or-nothing change batches that go INSYNC after a delay.
import { createHash } from 'node:crypto';
import type { Environment } from '../src/config/schema.js';
import { loadBalancerDns, oldLoadBalancerArn } from './elbv2.js';
import { AwsError } from './errors.js';
import type { RestRequest, RestResponse, RestRouter } from './protocol.js';
import { xmlEl } from './protocol.js';
import type { World } from './world.js';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const MAX_WEIGHT = 255;
const DEFAULT_SYNC_SECONDS = 10;

export interface SimRecordSet {
  name: string;
  type: string;
  setIdentifier?: string;
  weight?: number;
  ttl?: number;
  values: string[];
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  healthCheckId?: string;
  /** Routing policies other than weighted: each one alone makes a set identifier valid. */
  region?: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  multiValueAnswer?: boolean;
  geoLocation?: { continentCode?: string; countryCode?: string; subdivisionCode?: string };
}

interface SimZone {
  id: string;
  name: string;
  privateZone: boolean;
  callerReference: string;
  records: SimRecordSet[];
}

interface SimChange {
  id: string;
  submittedAt: number;
  status: 'PENDING' | 'INSYNC';
  comment?: string;
}

// ── a small XML reader: enough for the documents the SDK serialises (no attributes needed, no CDATA) ─────

export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const unescape = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_m, e: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[e] ?? '';
  });

export function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#root', children: [], text: '' };
  const stack = [root];
  const re = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->|([^<]+)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const top = stack[stack.length - 1]!;
    if (m[4] !== undefined) {
      top.text += unescape(m[4]);
    } else if (m[2] === undefined) {
      continue; // declaration or comment
    } else if (m[1] === '/') {
      if (stack.length <= 1 || top.name !== m[2]) throw new AwsError('InvalidInput', `Malformed XML: unexpected </${m[2]}>`);
      stack.pop();
    } else {
      const node: XmlNode = { name: m[2], children: [], text: '' };
      top.children.push(node);
      if (m[3] !== '/') stack.push(node);
    }
  }
  if (stack.length !== 1) throw new AwsError('InvalidInput', 'Malformed XML: unclosed element');
  return root;
}

const child = (n: XmlNode | undefined, name: string) => n?.children.find((c) => c.name === name);
const childText = (n: XmlNode | undefined, name: string) => {
  const c = child(n, name);
  return c === undefined ? undefined : c.text.trim();
};

// ── names ────────────────────────────────────────────────────────────────────

/** Route 53 stores names lower-case, fully qualified, with `*` as `\052`. */
function normalName(name: string): string {
  const n = name.toLowerCase().replace(/^\*(?=\.)/, '\\052');
  return n.endsWith('.') ? n : `${n}.`;
}

/** The order ListResourceRecordSets returns: labels compared from the right, then type, then set identifier. */
function recordKey(name: string, type: string, setIdentifier?: string): string {
  return `${normalName(name).split('.').reverse().join('\u0001')}\u0000${type}\u0000${setIdentifier ?? ''}`;
}

function describe(r: { name: string; type: string; setIdentifier?: string }): string {
  return `[name='${r.name}', type='${r.type}'${r.setIdentifier !== undefined ? `, set-identifier='${r.setIdentifier}'` : ''}]`;
}

/** DELETE must name the record exactly as it is: every field, values in any order. */
const canonical = (r: SimRecordSet) =>
  JSON.stringify([
    r.name,
    r.type,
    r.setIdentifier ?? null,
    r.weight ?? null,
    r.ttl ?? null,
    [...r.values].sort(),
    r.aliasTarget ? [r.aliasTarget.hostedZoneId, r.aliasTarget.dnsName, r.aliasTarget.evaluateTargetHealth] : null,
    r.healthCheckId ?? null,
    r.region ?? null,
    r.failover ?? null,
    r.multiValueAnswer ?? null,
    r.geoLocation ? [r.geoLocation.continentCode ?? null, r.geoLocation.countryCode ?? null, r.geoLocation.subdivisionCode ?? null] : null,
  ]);
const sameRecord = (a: SimRecordSet, b: SimRecordSet) => canonical(a) === canonical(b);

function recordXml(r: SimRecordSet): string {
  let inner = xmlEl('Name', r.name) + xmlEl('Type', r.type) + xmlEl('SetIdentifier', r.setIdentifier) + xmlEl('Weight', r.weight) + xmlEl('Region', r.region);
  if (r.geoLocation) {
    const g = r.geoLocation;
    inner += `<GeoLocation>${xmlEl('ContinentCode', g.continentCode)}${xmlEl('CountryCode', g.countryCode)}${xmlEl('SubdivisionCode', g.subdivisionCode)}</GeoLocation>`;
  }
  inner += xmlEl('Failover', r.failover) + xmlEl('MultiValueAnswer', r.multiValueAnswer) + xmlEl('TTL', r.ttl);
  if (r.values.length) inner += `<ResourceRecords>${r.values.map((v) => `<ResourceRecord>${xmlEl('Value', v)}</ResourceRecord>`).join('')}</ResourceRecords>`;
  if (r.aliasTarget) {
    const a = r.aliasTarget;
    inner += `<AliasTarget>${xmlEl('HostedZoneId', a.hostedZoneId)}${xmlEl('DNSName', a.dnsName)}${xmlEl('EvaluateTargetHealth', a.evaluateTargetHealth)}</AliasTarget>`;
  }
  inner += xmlEl('HealthCheckId', r.healthCheckId);
  return `<ResourceRecordSet>${inner}</ResourceRecordSet>`;
}

const doc = (root: string, inner: string): RestResponse => ({
  status: 200,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">${inner}</${root}>`,
});

function invalidInput(field: string, value: string, constraint: string): AwsError {
  return new AwsError('InvalidInput', `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

export class Route53Sim {
  private readonly zones = new Map<string, SimZone>();
  private readonly changes = new Map<string, SimChange>();
  private changeCounter = 0;

  constructor(readonly world: World) {}

  /** Test helper: the current record sets of a zone, in Route 53's order. */
  records(zoneId: string): SimRecordSet[] {
    const zone = this.zones.get(zoneId.replace(/^\/hostedzone\//, ''));
    return zone ? structuredClone(this.sorted(zone.records)) : [];
  }

  seed(_envName: string, env: Environment): void {
    for (const c of Object.values(env.canary)) {
      if (!c.route53) continue;
      const r = c.route53;
      const zone = this.ensureZone(r.hostedZoneId, r.recordName);
      const name = normalName(r.recordName);
      for (const [setIdentifier, weight, color] of [[r.blue, 100, 'blue'], [r.green, 0, 'green']] as const) {
        if (zone.records.some((x) => x.name === name && x.type === r.type && x.setIdentifier === setIdentifier)) continue;
        const host = `${color}.${name.replace(/\.$/, '')}`;
        const values = r.type === 'CNAME' ? [host] : r.type === 'A' ? [color === 'blue' ? '10.0.1.10' : '10.0.2.10'] : [color === 'blue' ? '2001:db8::10' : '2001:db8::20'];
        zone.records.push({ name, type: r.type, setIdentifier, weight, ttl: 60, values });
      }
    }
    for (const c of Object.values(env.cutover)) {
      const zone = this.ensureZone(c.hostedZoneId, c.recordName);
      const name = normalName(c.recordName);
      const old = loadBalancerDns(oldLoadBalancerArn(env.region, this.world.account));
      for (const type of ['A', 'AAAA']) {
        if (zone.records.some((x) => x.name === name && x.type === type)) continue;
        zone.records.push({
          name,
          type,
          values: [],
          aliasTarget: { hostedZoneId: old.canonicalHostedZoneId, dnsName: `dualstack.${old.dnsName}.`, evaluateTargetHealth: true },
        });
      }
    }
  }

  /** Changes go INSYNC `route53SyncSeconds` after they were submitted. */
  settle(now: number): void {
    const delay = (this.world.options.route53SyncSeconds ?? DEFAULT_SYNC_SECONDS) * 1000;
    for (const c of this.changes.values()) if (c.status === 'PENDING' && now >= c.submittedAt + delay) c.status = 'INSYNC';
  }

  snapshot(): unknown {
    return {
      zones: [...this.zones.values()].map((z) => ({
        id: z.id,
        name: z.name,
        records: this.sorted(z.records)
          .filter((r) => r.type !== 'NS' && r.type !== 'SOA')
          .map((r) => ({
            name: r.name,
            type: r.type,
            setIdentifier: r.setIdentifier,
            weight: r.weight,
            ttl: r.ttl,
            target: r.aliasTarget ? `alias ${r.aliasTarget.dnsName}` : r.values.join(' '),
          })),
      })),
      changes: [...this.changes.values()].map((c) => ({ id: c.id, status: c.status })),
    };
  }

  router(): RestRouter {
    return (method, path) => {
      const p = path.replace(/\/+$/, '');
      let m: RegExpExecArray | null;
      if (method === 'GET' && p === '/2013-04-01/hostedzone') return { op: 'ListHostedZones', handle: (req) => this.listHostedZones(req) };
      if ((m = /^\/2013-04-01\/hostedzone\/([^/]+)$/.exec(p)) && method === 'GET') {
        const id = decodeURIComponent(m[1]!);
        return { op: 'GetHostedZone', handle: () => this.getHostedZone(id) };
      }
      if ((m = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset$/.exec(p))) {
        const id = decodeURIComponent(m[1]!);
        if (method === 'GET') return { op: 'ListResourceRecordSets', handle: (req) => this.listRecordSets(id, req) };
        if (method === 'POST') return { op: 'ChangeResourceRecordSets', handle: (req) => this.changeRecordSets(id, req) };
      }
      if ((m = /^\/2013-04-01\/change\/([^/]+)$/.exec(p)) && method === 'GET') {
        const id = decodeURIComponent(m[1]!);
        return { op: 'GetChange', handle: () => this.getChange(id) };
      }
      return undefined;
    };
  }

  // ── operations ────────────────────────────────────────────────────────────────

  private zone(id: string): SimZone {
    const zone = this.zones.get(id.replace(/^\/hostedzone\//, ''));
    if (!zone) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
    return zone;
  }

  private zoneXml(z: SimZone): string {
    return (
      `<HostedZone>${xmlEl('Id', `/hostedzone/${z.id}`)}${xmlEl('Name', z.name)}${xmlEl('CallerReference', z.callerReference)}` +
      `<Config>${xmlEl('Comment', 'seeded by the ecs-chatops sandbox')}${xmlEl('PrivateZone', z.privateZone)}</Config>` +
      `${xmlEl('ResourceRecordSetCount', z.records.length)}</HostedZone>`
    );
  }

  private getHostedZone(id: string): RestResponse {
    const z = this.zone(id);
    const extra = z.privateZone
      ? `<VPCs><VPC>${xmlEl('VPCRegion', 'ap-northeast-1')}${xmlEl('VPCId', 'vpc-0sandbox0000000')}</VPC></VPCs>`
      : `<DelegationSet><NameServers>${this.nameServers(z).map((n) => xmlEl('NameServer', n.replace(/\.$/, ''))).join('')}</NameServers></DelegationSet>`;
    return doc('GetHostedZoneResponse', this.zoneXml(z) + extra);
  }

  private listHostedZones(req: RestRequest): RestResponse {
    const max = Number(req.query.get('maxitems') ?? 100);
    const zones = [...this.zones.values()].sort((a, b) => a.id.localeCompare(b.id));
    const marker = req.query.get('marker');
    const start = marker ? Math.max(0, zones.findIndex((z) => z.id === marker)) : 0;
    const page = zones.slice(start, start + max);
    const next = zones[start + max];
    return doc(
      'ListHostedZonesResponse',
      `<HostedZones>${page.map((z) => this.zoneXml(z)).join('')}</HostedZones>${xmlEl('Marker', marker ?? undefined)}${xmlEl('IsTruncated', next !== undefined)}${xmlEl('NextMarker', next?.id)}${xmlEl('MaxItems', max)}`,
    );
  }

  private listRecordSets(id: string, req: RestRequest): RestResponse {
    const z = this.zone(id);
    const name = req.query.get('name') ?? undefined;
    const type = req.query.get('type') ?? undefined;
    const identifier = req.query.get('identifier') ?? undefined;
    if (type !== undefined && name === undefined) throw new AwsError('InvalidInput', 'The input is not valid: type requires name');
    const maxText = req.query.get('maxitems') ?? '300';
    const max = Number(maxText);
    if (!Number.isInteger(max) || max < 1) throw invalidInput('maxItems', maxText, 'Member must be a positive integer');
    const sorted = this.sorted(z.records);
    const from = name === undefined ? '' : recordKey(name, type ?? '', identifier);
    const rest = sorted.filter((r) => recordKey(r.name, r.type, r.setIdentifier) >= from);
    const page = rest.slice(0, Math.min(max, 300));
    const next = rest[page.length];
    return doc(
      'ListResourceRecordSetsResponse',
      `<ResourceRecordSets>${page.map(recordXml).join('')}</ResourceRecordSets>${xmlEl('IsTruncated', next !== undefined)}` +
        (next ? xmlEl('NextRecordName', next.name) + xmlEl('NextRecordType', next.type) + xmlEl('NextRecordIdentifier', next.setIdentifier) : '') +
        xmlEl('MaxItems', maxText),
    );
  }

  private changeRecordSets(id: string, req: RestRequest): RestResponse {
    const z = this.zone(id);
    const root = child(parseXml(req.body), 'ChangeResourceRecordSetsRequest');
    const batch = child(root, 'ChangeBatch');
    const changes = child(batch, 'Changes')?.children.filter((c) => c.name === 'Change') ?? [];
    if (changes.length === 0) throw invalidInput('changeBatch.changes', '[]', 'Member must have length greater than or equal to 1');
    const comment = childText(batch, 'Comment');

    // All or nothing: apply to a copy, collect every problem, commit only when there is none.
    const working = structuredClone(z.records);
    const problems: string[] = [];
    changes.forEach((c, i) => {
      const action = childText(c, 'Action') ?? '';
      if (!['CREATE', 'DELETE', 'UPSERT'].includes(action)) {
        throw invalidInput(`changeBatch.changes.${i + 1}.member.action`, action, 'Member must satisfy enum value set: [CREATE, DELETE, UPSERT]');
      }
      const rec = this.readRecord(child(c, 'ResourceRecordSet'), i + 1);
      const problem = this.apply(z, working, action as 'CREATE' | 'DELETE' | 'UPSERT', rec);
      if (problem) problems.push(problem);
    });
    if (problems.length) throw new AwsError('InvalidChangeBatch', problems.join('; '));
    z.records = working;

    this.changeCounter += 1;
    const changeId = `C${createHash('sha256').update(`change:${this.changeCounter}`).digest('hex').slice(0, 20).toUpperCase()}`;
    const change: SimChange = { id: changeId, submittedAt: this.world.clock.now(), status: 'PENDING', ...(comment !== undefined ? { comment } : {}) };
    this.changes.set(changeId, change);
    this.settle(this.world.clock.now());
    return doc('ChangeResourceRecordSetsResponse', this.changeInfoXml(change));
  }

  private getChange(id: string): RestResponse {
    const change = this.changes.get(id.replace(/^\/change\//, ''));
    if (!change) throw new AwsError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, 404);
    return doc('GetChangeResponse', this.changeInfoXml(change));
  }

  private changeInfoXml(c: SimChange): string {
    return `<ChangeInfo>${xmlEl('Id', `/change/${c.id}`)}${xmlEl('Status', c.status)}${xmlEl('SubmittedAt', new Date(c.submittedAt).toISOString())}${xmlEl('Comment', c.comment)}</ChangeInfo>`;
  }

  // ── change semantics ───────────────────────────────────────────────────────────

  private readRecord(n: XmlNode | undefined, index: number): SimRecordSet {
    const field = (f: string) => `changeBatch.changes.${index}.member.resourceRecordSet.${f}`;
    const name = childText(n, 'Name');
    const type = childText(n, 'Type');
    if (!name) throw invalidInput(field('name'), '', 'Member must not be null');
    if (!type) throw invalidInput(field('type'), '', 'Member must not be null');
    const rec: SimRecordSet = { name: normalName(name), type, values: [] };
    const setIdentifier = childText(n, 'SetIdentifier');
    if (setIdentifier !== undefined) rec.setIdentifier = setIdentifier;
    const weight = childText(n, 'Weight');
    if (weight !== undefined) {
      const w = Number(weight);
      if (!Number.isInteger(w) || w < 0) throw invalidInput(field('weight'), weight, 'Member must have value greater than or equal to 0');
      if (w > MAX_WEIGHT) throw invalidInput(field('weight'), weight, `Member must have value less than or equal to ${MAX_WEIGHT}`);
      rec.weight = w;
    }
    const ttl = childText(n, 'TTL');
    if (ttl !== undefined) rec.ttl = Number(ttl);
    const healthCheckId = childText(n, 'HealthCheckId');
    if (healthCheckId !== undefined) {
      // Route 53 health check ids are UUIDs; the sandbox has no health checks API, so any well-formed id exists.
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(healthCheckId)) throw new AwsError('NoSuchHealthCheck', `No health check exists with the specified ID ${healthCheckId}`, 404);
      rec.healthCheckId = healthCheckId;
    }
    const region = childText(n, 'Region');
    if (region !== undefined) rec.region = region;
    const failover = childText(n, 'Failover');
    if (failover !== undefined) {
      if (failover !== 'PRIMARY' && failover !== 'SECONDARY') throw invalidInput(field('failover'), failover, 'Member must satisfy enum value set: [PRIMARY, SECONDARY]');
      rec.failover = failover;
    }
    const multi = childText(n, 'MultiValueAnswer');
    if (multi !== undefined) rec.multiValueAnswer = multi === 'true';
    const geo = child(n, 'GeoLocation');
    if (geo) {
      const g: NonNullable<SimRecordSet['geoLocation']> = {};
      for (const [k, f] of [['ContinentCode', 'continentCode'], ['CountryCode', 'countryCode'], ['SubdivisionCode', 'subdivisionCode']] as const) {
        const v = childText(geo, k);
        if (v !== undefined) g[f] = v;
      }
      rec.geoLocation = g;
    }
    rec.values = (child(n, 'ResourceRecords')?.children ?? []).map((r) => childText(r, 'Value') ?? '');
    const alias = child(n, 'AliasTarget');
    if (alias) {
      rec.aliasTarget = {
        hostedZoneId: childText(alias, 'HostedZoneId') ?? '',
        dnsName: normalName(childText(alias, 'DNSName') ?? ''),
        evaluateTargetHealth: childText(alias, 'EvaluateTargetHealth') === 'true',
      };
    }
    return rec;
  }

  /** Applies one change to the working copy; returns the AWS message when it cannot be applied. */
  private apply(z: SimZone, records: SimRecordSet[], action: 'CREATE' | 'DELETE' | 'UPSERT', rec: SimRecordSet): string | undefined {
    if (rec.name !== z.name && !rec.name.endsWith(`.${z.name}`)) return `RRSet with DNS name ${rec.name} is not permitted in zone ${z.name}`;
    const at = records.findIndex((r) => r.name === rec.name && r.type === rec.type && r.setIdentifier === rec.setIdentifier);
    if (action === 'DELETE') {
      if (at < 0) return `Tried to delete resource record set ${describe(rec)} but it was not found`;
      if (!sameRecord(records[at]!, rec)) return `Tried to delete resource record set ${describe(rec)} but the values provided do not match the current values`;
      if (rec.type === 'SOA' || (rec.type === 'NS' && rec.name === z.name)) return `A HostedZone must contain at least one NS record for the zone itself and exactly one SOA record.`;
      records.splice(at, 1);
      return undefined;
    }
    const invalid = this.validate(z, records, rec, at);
    if (invalid) return invalid;
    if (action === 'CREATE') {
      if (at >= 0) return `Tried to create resource record set ${describe(rec)} but it already exists`;
      records.push(rec);
    } else if (at >= 0) {
      records[at] = rec;
    } else {
      records.push(rec);
    }
    return undefined;
  }

  private validate(z: SimZone, records: SimRecordSet[], rec: SimRecordSet, at: number): string | undefined {
    const policies = [rec.weight !== undefined, rec.region !== undefined, rec.failover !== undefined, rec.geoLocation !== undefined, rec.multiValueAnswer !== undefined].filter(Boolean).length;
    if (policies > 0 && rec.setIdentifier === undefined) return `Invalid request: Missing field 'SetIdentifier' in Change with ${describe(rec)}`;
    if (rec.setIdentifier !== undefined && policies !== 1) {
      return `Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer], but found ${policies === 0 ? 'none' : policies} in Change with ${describe(rec)}`;
    }
    if (rec.aliasTarget) {
      if (rec.ttl !== undefined || rec.values.length) return `Invalid request: an alias record set ${describe(rec)} cannot have TTL or ResourceRecords`;
      const target = rec.aliasTarget.dnsName.replace(/^dualstack\./, '').replace(/\.$/, '');
      if (target.endsWith('.elb.amazonaws.com')) {
        const known = this.world.elbv2.knownDnsNames();
        const zoneOfTarget = known.get(target);
        if (zoneOfTarget !== rec.aliasTarget.hostedZoneId) {
          return `Tried to create an alias that targets ${rec.aliasTarget.dnsName}, type ${rec.type} in zone ${rec.aliasTarget.hostedZoneId}, but the alias target name does not lie within the target zone`;
        }
      }
    } else {
      if (rec.ttl === undefined) return `Invalid request: Missing field 'TTL' in Change with ${describe(rec)}`;
      if (rec.values.length === 0) return `Invalid request: Missing field 'ResourceRecords' in Change with ${describe(rec)}`;
      if (rec.type === 'CNAME' && rec.values.length > 1) return `RRSet of type CNAME with DNS name ${rec.name} has more than one resource record`;
    }
    const others = records.filter((r, i) => i !== at && r.name === rec.name);
    if (rec.type === 'CNAME' && others.some((r) => r.type !== 'CNAME')) {
      const other = others.find((r) => r.type !== 'CNAME')!;
      return `RRSet of type CNAME with DNS name ${rec.name} is not permitted because a conflicting RRSet of type ${other.type} with the same DNS name already exists in zone ${z.name}`;
    }
    if (rec.type !== 'CNAME' && others.some((r) => r.type === 'CNAME')) {
      return `RRSet of type ${rec.type} with DNS name ${rec.name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${z.name}`;
    }
    const sameType = others.filter((r) => r.type === rec.type);
    if (sameType.some((r) => (r.setIdentifier === undefined) !== (rec.setIdentifier === undefined))) {
      return `RRSet with DNS name ${rec.name}, type ${rec.type}${rec.setIdentifier !== undefined ? ` and SetIdentifier ${rec.setIdentifier}` : ''} cannot be created because a ${rec.setIdentifier !== undefined ? 'non-' : ''}weighted set exists with the same name and type.`;
    }
    return undefined;
  }

  // ── seeding helpers ──────────────────────────────────────────────────────────────

  private ensureZone(id: string, recordName: string): SimZone {
    let zone = this.zones.get(id);
    if (zone) return zone;
    // The zone is the parent of the record name: www.example.com. lives in example.com.
    const name = normalName(recordName).split('.').slice(1).join('.') || normalName(recordName);
    zone = { id, name, privateZone: id.includes('PRIVATE'), callerReference: `sandbox-${id}`, records: [] };
    zone.records.push({ name, type: 'NS', ttl: 172_800, values: this.nameServers(zone) });
    zone.records.push({ name, type: 'SOA', ttl: 900, values: [`${this.nameServers(zone)[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] });
    this.zones.set(id, zone);
    return zone;
  }

  private nameServers(z: { id: string }): string[] {
    const n = parseInt(createHash('sha256').update(z.id).digest('hex').slice(0, 4), 16) % 500;
    return [`ns-${n}.awsdns-${n % 64}.com.`, `ns-${n + 512}.awsdns-${n % 64}.net.`, `ns-${n + 1024}.awsdns-${n % 64}.org.`, `ns-${n + 1536}.awsdns-${n % 64}.co.uk.`];
  }

  private sorted(records: SimRecordSet[]): SimRecordSet[] {
    return [...records].sort((a, b) => (recordKey(a.name, a.type, a.setIdentifier) < recordKey(b.name, b.type, b.setIdentifier) ? -1 : 1));
  }
}
