// CloudWatch as the operations see it: the state of named alarms, and metric series read with GetMetricData.
import type { CloudWatchClient, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { sdk } from './sdk.js';
import { translate } from './errors.js';
import { messages, type Lang } from '../i18n/index.js';

/** The gateway's words for what a call was about, in a language (src/i18n/resources.ts). */
const said = (lang: Lang) => messages(lang).resources;

export const AlarmStateValue = { ok: 'OK', alarm: 'ALARM', insufficient: 'INSUFFICIENT_DATA' } as const;
export type AlarmStateValue = (typeof AlarmStateValue)[keyof typeof AlarmStateValue];

/** One alarm as a gate reads it. `since` is when it entered its state (StateTransitionedTimestamp, else StateUpdatedTimestamp). */
export interface AlarmReading {
  name: string;
  state: AlarmStateValue;
  reason: string;
  since: number;
}

/** A metric and the statistic to read: `Sum`, `Average`, `Maximum`, `p99`… */
export interface MetricRef {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  stat: string;
}

/** Datapoints in time order (ms epoch), one per period that had data: CloudWatch sends nothing for a period without data. */
export interface Series {
  timestamps: number[];
  values: number[];
}

// DescribeAlarms takes at most 100 names per call; GetMetricData at most 500 queries (CloudWatch API reference).
const NAMES_PER_CALL = 100;
const QUERIES_PER_CALL = 500;

/** `app/prod-web/2222…` from a load balancer or listener ARN: the value of the ALB metrics' `LoadBalancer` dimension. */
export function loadBalancerDimension(arn: string): string {
  const m = /:(?:loadbalancer|listener)\/(app|net)\/([^/]+)\/([^/]+)/.exec(arn);
  if (!m) throw new Error(`not a load balancer or listener ARN: ${arn}`);
  return `${m[1]}/${m[2]}/${m[3]}`;
}

/** `targetgroup/web-blue/3333…` from a target group ARN: the value of the `TargetGroup` dimension. */
export function targetGroupDimension(arn: string): string {
  const m = /:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn);
  if (!m) throw new Error(`not a target group ARN: ${arn}`);
  return m[1]!;
}

export class CloudWatchGateway {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly ctx: { envName: string; region: string },
  ) {}

  /**
   * The named alarms, metric and composite alike; a name CloudWatch does not know is listed in `missing`
   * (DescribeAlarms answers unknown names with nothing, not with an error).
   */
  async alarms(names: readonly string[], hint = `check the alarms of environments.${this.ctx.envName}`): Promise<{ found: AlarmReading[]; missing: string[] }> {
    const found = new Map<string, AlarmReading>();
    const unique = [...new Set(names)];
    for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
      const batch = unique.slice(i, i + NAMES_PER_CALL);
      let token: string | undefined;
      do {
        let out;
        try {
          out = await this.client.send(new sdk.cloudwatch.DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], ...(token ? { NextToken: token } : {}) }));
        } catch (err) {
          throw translate(err, (l) => said(l).inRegion({ what: said(l).alarms({ names: batch.join(', ') }), region: this.ctx.region }), hint);
        }
        for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
          if (!a.AlarmName) continue;
          const at = a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp;
          found.set(a.AlarmName, {
            name: a.AlarmName,
            state: (a.StateValue ?? AlarmStateValue.insufficient) as AlarmStateValue,
            reason: a.StateReason ?? '',
            since: at ? at.getTime() : 0,
          });
        }
        token = out.NextToken;
      } while (token);
    }
    return { found: unique.flatMap((n) => (found.has(n) ? [found.get(n)!] : [])), missing: unique.filter((n) => !found.has(n)) };
  }

  /** Reads each metric over [fromMs, toMs) in `periodSeconds` periods; every id of `queries` is in the answer. */
  async series(queries: Record<string, MetricRef>, fromMs: number, toMs: number, periodSeconds = 60, hint = `check the metrics of environments.${this.ctx.envName}`): Promise<Record<string, Series>> {
    const ids = Object.keys(queries);
    const out: Record<string, Series> = Object.fromEntries(ids.map((id) => [id, { timestamps: [], values: [] }]));
    for (let i = 0; i < ids.length; i += QUERIES_PER_CALL) {
      const batch: MetricDataQuery[] = ids.slice(i, i + QUERIES_PER_CALL).map((id) => {
        const q = queries[id]!;
        return {
          Id: id,
          MetricStat: {
            Metric: { Namespace: q.namespace, MetricName: q.name, Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })) },
            Period: periodSeconds,
            Stat: q.stat,
          },
          ReturnData: true,
        };
      });
      let token: string | undefined;
      do {
        let res;
        try {
          res = await this.client.send(
            new sdk.cloudwatch.GetMetricDataCommand({ MetricDataQueries: batch, StartTime: new Date(fromMs), EndTime: new Date(toMs), ScanBy: 'TimestampAscending', ...(token ? { NextToken: token } : {}) }),
          );
        } catch (err) {
          throw translate(err, (l) => said(l).inRegion({ what: said(l).metrics({ names: batch.map((b) => b.MetricStat?.Metric?.MetricName).join(', ') }), region: this.ctx.region }), hint);
        }
        for (const r of res.MetricDataResults ?? []) {
          const s = r.Id ? out[r.Id] : undefined;
          if (!s) continue;
          (r.Timestamps ?? []).forEach((t, j) => {
            s.timestamps.push(t.getTime());
            s.values.push(r.Values?.[j] ?? 0);
          });
        }
        token = res.NextToken;
      } while (token);
    }
    // Pages and the scan order are CloudWatch's business: the caller gets time order.
    for (const s of Object.values(out)) {
      const order = s.timestamps.map((t, j) => [t, s.values[j]!] as const).sort((a, b) => a[0] - b[0]);
      s.timestamps = order.map((o) => o[0]);
      s.values = order.map((o) => o[1]);
    }
    return out;
  }
}
