// The sandbox's CloudWatch: alarms people set by hand, and ALB metrics that follow simulated traffic through the listeners' rules.
import { z } from 'zod';
import type { Environment } from '../src/config/schema.js';
import { AwsError } from './errors.js';
import type { JsonHandlers } from './protocol.js';
import type { Evaluation } from './elbv2.js';
import type { World } from './world.js';

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type SimAlarmState = (typeof ALARM_STATES)[number];

interface SimAlarm {
  name: string;
  arn: string;
  state: SimAlarmState;
  reason: string;
  updatedAt: number;
  transitionedAt: number;
  namespace: string;
  metricName: string;
}

/** One minute of one metric: enough to answer Sum, SampleCount, Average, Minimum, Maximum and p99. */
interface Bucket {
  sum: number;
  count: number;
  min: number;
  max: number;
  /** A percentile as it was observed (latency): the largest seen in the minute. */
  p99?: number;
}

/** How a target group's targets answer: the share of 5XX and the p99 response time. */
export interface TargetQuality {
  errorRate: number;
  p99Ms: number;
}

/** The body of `POST /_sandbox/traffic`: how much traffic flows, and how well a target group answers it. */
export const TrafficSchema = z
  .object({
    requestsPerMinute: z.number().min(0).max(1_000_000).optional(),
    targetGroup: z.string().min(1, 'targetGroup: a target group ARN or name').optional(),
    errorRate: z.number().min(0, 'errorRate is a fraction 0–1, e.g. 0.2 for 20 % 5XX').max(1, 'errorRate is a fraction 0–1, e.g. 0.2 for 20 % 5XX').optional(),
    p99Ms: z.number().min(0).max(600_000).optional(),
  })
  .strict()
  .refine((t) => t.targetGroup !== undefined || (t.errorRate === undefined && t.p99Ms === undefined), { message: 'errorRate and p99Ms need a targetGroup' });

const MINUTE = 60_000;
export const HEALTHY: TargetQuality = { errorRate: 0.002, p99Ms: 120 };

/** The synthetic requests every listener receives, in equal shares; office requests come from the allowlisted CIDRs. */
const PATHS = ['/', '/api/orders', '/api/cart', '/static/app.js', '/login', '/products/42', '/search', '/api/me', '/checkout', '/health'];
const PUBLIC_IP = '198.51.100.7';

const dimKey = (namespace: string, name: string, dims: Record<string, string>) =>
  `${namespace}|${name}|${Object.entries(dims)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

const seconds = (v: unknown, what: string): number => {
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  throw new AwsError('InvalidParameterValue', `${what} must be a timestamp`);
};

/** The first address of a CIDR, plus one: a client inside an allowlist. */
function hostIn(cidr: string): string {
  const [net = ''] = cidr.split('/');
  const parts = net.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => Number.isNaN(p))) return net;
  parts[3] = Math.min(254, (parts[3] ?? 0) + 1);
  return parts.join('.');
}

export class CloudWatchSim {
  private readonly alarmsByName = new Map<string, SimAlarm>();
  private readonly metrics = new Map<string, { namespace: string; name: string; dims: Record<string, string>; buckets: Map<number, Bucket> }>();
  private readonly quality = new Map<string, TargetQuality>();
  private readonly officeIps = new Set<string>();
  private lastSettle: number;
  requestsPerMinute = 600;
  /** Share of each listener's requests that come from allowlisted (bypass) addresses. */
  officeShare = 0.05;

  constructor(private readonly world: World) {
    this.lastSettle = world.clock.now();
  }

  // ── alarms ───────────────────────────────────────────────────────────────────

  setAlarm(name: string, state: SimAlarmState, reason?: string): void {
    const now = this.world.clock.now();
    const a = this.alarmsByName.get(name) ?? this.newAlarm(name, now);
    if (a.state !== state) a.transitionedAt = now;
    a.state = state;
    a.updatedAt = now;
    a.reason = reason ?? defaultReason(state);
    this.alarmsByName.set(name, a);
  }

  deleteAlarm(name: string): void {
    this.alarmsByName.delete(name);
  }

  alarmState(name: string): SimAlarmState | undefined {
    return this.alarmsByName.get(name)?.state;
  }

  alarms(): Record<string, SimAlarmState> {
    return Object.fromEntries([...this.alarmsByName.values()].map((a) => [a.name, a.state]));
  }

  private newAlarm(name: string, now: number): SimAlarm {
    return {
      name,
      arn: `arn:aws:cloudwatch:ap-northeast-1:${this.world.account}:alarm:${name}`,
      state: 'OK',
      reason: defaultReason('OK'),
      updatedAt: now,
      transitionedAt: now,
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
    };
  }

  // ── traffic ──────────────────────────────────────────────────────────────────

  /** How a target group answers from now on (a fault: green worse than blue). */
  setQuality(targetGroupArn: string, q: Partial<TargetQuality>): void {
    this.settle(this.world.clock.now());
    this.quality.set(targetGroupArn, { ...(this.quality.get(targetGroupArn) ?? HEALTHY), ...q });
  }

  qualityOf(targetGroupArn: string): TargetQuality {
    return this.quality.get(targetGroupArn) ?? HEALTHY;
  }

  setRequestsPerMinute(rpm: number): void {
    this.settle(this.world.clock.now());
    this.requestsPerMinute = rpm;
  }

  /**
   * Lets traffic flow from the last settle to `now` through the listeners as they are (the server settles before
   * every API call, so a rule change takes effect for the traffic after it), minute bucket by minute bucket.
   */
  settle(now: number): void {
    let from = this.lastSettle;
    // The server settles before every API call: sub-second slices are folded into the next one (cheap, and
    // at most a second of traffic is counted under the rules that follow it).
    if (now - from < 1000) return;
    this.lastSettle = now;
    if (this.requestsPerMinute === 0) return;
    // The rules do not change inside one settle: route each kind of request once, then count minute by minute.
    const routes = this.world.elbv2.listenerArns().map((l) => ({ lb: albDim(l), outcomes: this.route(l) }));
    if (routes.length === 0) return;
    while (from < now) {
      const minute = Math.floor(from / MINUTE) * MINUTE;
      const to = Math.min(now, minute + MINUTE);
      const n = (this.requestsPerMinute * (to - from)) / MINUTE;
      for (const r of routes) this.count(r.lb, r.outcomes, minute, n);
      from = to;
    }
  }

  private requestMix(): { path: string; sourceIp: string; share: number }[] {
    const office = [...this.officeIps];
    const publicShare = office.length ? 1 - this.officeShare : 1;
    const out = PATHS.map((path) => ({ path, sourceIp: PUBLIC_IP, share: publicShare / PATHS.length }));
    for (const ip of office) out.push({ path: '/', sourceIp: ip, share: this.officeShare / office.length });
    return out;
  }

  /** Where each kind of request goes on this listener now: its share, and the rule's answer. */
  private route(listenerArn: string): { share: number; e: Evaluation }[] {
    const out: { share: number; e: Evaluation }[] = [];
    for (const req of this.requestMix()) {
      try {
        out.push({ share: req.share, e: this.world.elbv2.evaluate(listenerArn, { path: req.path, sourceIp: req.sourceIp }) });
      } catch {
        // A listener with no terminal action answers nothing the sandbox models.
      }
    }
    return out;
  }

  private count(lbDim: string, outcomes: { share: number; e: Evaluation }[], minute: number, n: number): void {
    const lb = { LoadBalancer: lbDim };
    const ns = 'AWS/ApplicationELB';
    for (const { share, e } of outcomes) {
      const count = n * share;
      if (count <= 0) continue;
      this.add(ns, 'RequestCount', lb, minute, count);
      if (e.kind === 'fixed-response') this.add(ns, 'HTTP_Fixed_Response_Count', lb, minute, count);
      else if (e.kind === 'redirect') this.add(ns, 'HTTP_Redirect_Count', lb, minute, count);
      else {
        const tgs = Object.entries(e.targetGroups ?? {});
        const total = tgs.reduce((s, [, w]) => s + w, 0);
        if (total === 0) {
          this.add(ns, 'HTTPCode_ELB_5XX_Count', lb, minute, count);
          continue;
        }
        for (const [tg, w] of tgs) {
          if (w === 0) continue;
          const m = (count * w) / total;
          const q = this.qualityOf(tg);
          const dims = { TargetGroup: tgDim(tg), ...lb };
          this.add(ns, 'RequestCount', dims, minute, m);
          // ALB publishes a count metric only for periods where it is not zero.
          if (q.errorRate > 0) {
            this.add(ns, 'HTTPCode_Target_5XX_Count', dims, minute, m * q.errorRate);
            this.add(ns, 'HTTPCode_Target_5XX_Count', lb, minute, m * q.errorRate);
          }
          this.add(ns, 'TargetResponseTime', dims, minute, (m * q.p99Ms) / 2000, m, q.p99Ms / 1000);
          this.add(ns, 'TargetResponseTime', lb, minute, (m * q.p99Ms) / 2000, m, q.p99Ms / 1000);
        }
      }
    }
  }

  /** Adds `sum` (over `count` samples) to a metric's minute bucket. */
  add(namespace: string, name: string, dims: Record<string, string>, minute: number, sum: number, count = sum, p99?: number): void {
    const key = dimKey(namespace, name, dims);
    let m = this.metrics.get(key);
    if (!m) this.metrics.set(key, (m = { namespace, name, dims, buckets: new Map() }));
    const at = Math.floor(minute / MINUTE) * MINUTE;
    const b = m.buckets.get(at) ?? { sum: 0, count: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    b.sum += sum;
    b.count += count;
    const each = count > 0 ? sum / count : sum;
    b.min = Math.min(b.min, each);
    b.max = Math.max(b.max, p99 ?? each);
    if (p99 !== undefined) b.p99 = Math.max(b.p99 ?? 0, p99);
    m.buckets.set(at, b);
  }

  /** The metric's value per period in [from, to), for one statistic; periods without data are absent. */
  read(namespace: string, name: string, dims: Record<string, string>, stat: string, from: number, to: number, periodMs: number): { timestamps: number[]; values: number[] } {
    const m = this.metrics.get(dimKey(namespace, name, dims));
    const timestamps: number[] = [];
    const values: number[] = [];
    if (!m) return { timestamps, values };
    const start = Math.floor(from / periodMs) * periodMs;
    for (let t = start; t < to; t += periodMs) {
      let agg: Bucket | undefined;
      for (let u = t; u < t + periodMs; u += MINUTE) {
        const b = m.buckets.get(u);
        if (!b) continue;
        agg = agg
          ? { sum: agg.sum + b.sum, count: agg.count + b.count, min: Math.min(agg.min, b.min), max: Math.max(agg.max, b.max), ...(b.p99 !== undefined || agg.p99 !== undefined ? { p99: Math.max(agg.p99 ?? 0, b.p99 ?? 0) } : {}) }
          : { ...b };
      }
      if (!agg) continue;
      const isCount = name.endsWith('Count');
      const round = (v: number) => (isCount ? Math.round(v) : v);
      let v: number;
      if (stat === 'Sum') v = round(agg.sum);
      else if (stat === 'SampleCount') v = Math.round(agg.count);
      else if (stat === 'Average') v = agg.count > 0 ? agg.sum / agg.count : 0;
      else if (stat === 'Minimum') v = agg.min;
      else if (stat === 'Maximum') v = agg.max;
      else if (/^p\d+(\.\d+)?$/.test(stat)) v = agg.p99 ?? agg.max;
      else throw new AwsError('InvalidParameterValue', `The value ${stat} for parameter MetricDataQueries.member.1.MetricStat.Stat is not supported by the sandbox.`);
      timestamps.push(t);
      values.push(v);
    }
    return { timestamps, values };
  }

  // ── seeding from ops.yml ──────────────────────────────────────────────────────

  seed(_envName: string, env: Environment): void {
    const names = new Set<string>();
    for (const c of Object.values(env.canary)) for (const a of c.alarms) names.add(a);
    for (const d of Object.values(env.deploy)) for (const a of ('alarms' in d ? d.alarms : undefined) ?? []) names.add(a);
    for (const c of Object.values(env.cutover)) for (const a of c.alarms) names.add(a);
    for (const n of names) if (!this.alarmsByName.has(n)) this.alarmsByName.set(n, this.newAlarm(n, this.world.clock.now() - 3_600_000));
    for (const l of env.maintenance?.listeners ?? []) for (const cidr of l.bypass?.sourceIps ?? []) this.officeIps.add(hostIn(cidr));
  }

  snapshot(): unknown {
    return {
      alarms: [...this.alarmsByName.values()].map((a) => ({ name: a.name, state: a.state, reason: a.reason, since: new Date(a.transitionedAt).toISOString() })),
      requestsPerMinute: this.requestsPerMinute,
      targetGroups: Object.fromEntries(this.quality),
    };
  }

  // ── API handlers (JSON 1.0, GraniteServiceVersion20100801) ────────────────────

  handlers(): JsonHandlers {
    return {
      DescribeAlarms: (input) => {
        const names = (input.AlarmNames as string[] | undefined) ?? [];
        if (names.length > 100) throw new AwsError('InvalidParameterValue', 'AlarmNames: at most 100 names');
        const types = (input.AlarmTypes as string[] | undefined) ?? ['MetricAlarm'];
        const prefix = input.AlarmNamePrefix as string | undefined;
        const state = input.StateValue as string | undefined;
        const list = [...this.alarmsByName.values()].filter(
          (a) => (names.length === 0 || names.includes(a.name)) && (prefix === undefined || a.name.startsWith(prefix)) && (state === undefined || a.state === state),
        );
        return {
          MetricAlarms: types.includes('MetricAlarm')
            ? list.map((a) => ({
                AlarmName: a.name,
                AlarmArn: a.arn,
                StateValue: a.state,
                StateReason: a.reason,
                StateUpdatedTimestamp: a.updatedAt / 1000,
                StateTransitionedTimestamp: a.transitionedAt / 1000,
                Namespace: a.namespace,
                MetricName: a.metricName,
                Statistic: 'Sum',
                Period: 60,
                EvaluationPeriods: 1,
                Threshold: 10,
                ComparisonOperator: 'GreaterThanThreshold',
                ActionsEnabled: true,
              }))
            : [],
          CompositeAlarms: [],
        };
      },
      SetAlarmState: (input) => {
        const name = String(input.AlarmName ?? '');
        if (!this.alarmsByName.has(name)) throw new AwsError('ResourceNotFound', `Alarm ${name} not found`, 404);
        const state = String(input.StateValue) as SimAlarmState;
        if (!ALARM_STATES.includes(state)) throw new AwsError('InvalidParameterValue', `StateValue must be one of ${ALARM_STATES.join(', ')}`);
        this.setAlarm(name, state, String(input.StateReason ?? defaultReason(state)));
        return {};
      },
      GetMetricData: (input) => {
        const queries = (input.MetricDataQueries as Record<string, unknown>[] | undefined) ?? [];
        if (queries.length === 0) throw new AwsError('InvalidParameterValue', 'MetricDataQueries must not be empty');
        if (queries.length > 500) throw new AwsError('InvalidParameterValue', 'MetricDataQueries: at most 500');
        const from = seconds(input.StartTime, 'StartTime');
        const to = seconds(input.EndTime, 'EndTime');
        if (to <= from) throw new AwsError('InvalidParameterCombination', 'The parameter StartTime must be less than the parameter EndTime.');
        const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
        return {
          MetricDataResults: queries.map((q) => {
            const stat = q.MetricStat as { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value: string }[] }; Period?: number; Stat?: string } | undefined;
            if (!stat?.Metric?.MetricName || !stat.Period || !stat.Stat) throw new AwsError('InvalidParameterValue', `query ${String(q.Id)}: the sandbox answers MetricStat queries only (Metric, Period, Stat)`);
            const dims = Object.fromEntries((stat.Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
            const s = this.read(stat.Metric.Namespace ?? '', stat.Metric.MetricName, dims, stat.Stat, from, to, stat.Period * 1000);
            const order = s.timestamps.map((t, i) => [t, s.values[i]!] as const);
            if (descending) order.reverse();
            return { Id: q.Id, Label: stat.Metric.MetricName, Timestamps: order.map((o) => o[0] / 1000), Values: order.map((o) => o[1]), StatusCode: 'Complete' };
          }),
          Messages: [],
        };
      },
      PutMetricData: (input) => {
        const namespace = String(input.Namespace ?? '');
        if (!namespace || namespace.startsWith('AWS/')) throw new AwsError('InvalidParameterValue', 'The value AWS/ for parameter Namespace is invalid.');
        for (const d of (input.MetricData as Record<string, unknown>[] | undefined) ?? []) {
          const dims = Object.fromEntries(((d.Dimensions as { Name: string; Value: string }[] | undefined) ?? []).map((x) => [x.Name, x.Value]));
          const at = d.Timestamp !== undefined ? seconds(d.Timestamp, 'Timestamp') : this.world.clock.now();
          const values = (d.Values as number[] | undefined) ?? (d.Value !== undefined ? [Number(d.Value)] : []);
          const counts = (d.Counts as number[] | undefined) ?? values.map(() => 1);
          values.forEach((v, i) => this.add(namespace, String(d.MetricName), dims, at, v * (counts[i] ?? 1), counts[i] ?? 1));
        }
        return {};
      },
    };
  }
}

function defaultReason(state: SimAlarmState): string {
  if (state === 'ALARM') return 'Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).';
  if (state === 'INSUFFICIENT_DATA') return 'Insufficient Data: 1 datapoint was unknown.';
  return 'Threshold Crossed: no datapoints were greater than the threshold (10.0).';
}

function albDim(listenerOrLbArn: string): string {
  const m = /:(?:loadbalancer|listener)\/(app|net)\/([^/]+)\/([^/]+)/.exec(listenerOrLbArn);
  return m ? `${m[1]}/${m[2]}/${m[3]}` : listenerOrLbArn;
}

function tgDim(arn: string): string {
  const m = /:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn);
  return m ? m[1]! : arn;
}
