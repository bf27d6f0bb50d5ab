// Connects the gates' port (src/ops/gates.ts) to the CloudWatch gateway: the alarms a target names, and green against blue.
import type { CanaryConfig } from '../config/schema.js';
import type { MetricRefConfig } from '../config/cloudwatch.js';
import type { Comparison, SideSeries, TrafficWatch } from '../ops/gates.js';
import { messages, type Lang } from '../i18n/index.js';
import type { MaintenanceAlb } from '../ops/maintenance.js';
import type { MaintenanceMetrics, Minute } from '../ops/maintenance-report.js';
import { loadBalancerDimension, targetGroupDimension, type CloudWatchGateway, type MetricRef, type Series } from '../aws/cloudwatch.js';

interface SideMetrics {
  requests: MetricRef;
  errors: MetricRef;
  p99?: MetricRef;
}

const tgName = (arn: string) => targetGroupDimension(arn).split('/')[1] ?? arn;

/** ALB metrics of one target group behind one load balancer (the dimensions ALB publishes them under). */
export function targetGroupMetrics(listenerArn: string, targetGroupArn: string): SideMetrics {
  const dimensions = { TargetGroup: targetGroupDimension(targetGroupArn), LoadBalancer: loadBalancerDimension(listenerArn) };
  const m = (name: string, stat: string): MetricRef => ({ namespace: 'AWS/ApplicationELB', name, dimensions, stat });
  return { requests: m('RequestCount', 'Sum'), errors: m('HTTPCode_Target_5XX_Count', 'Sum'), p99: m('TargetResponseTime', 'p99') };
}

const fromConfig = (m: MetricRefConfig): MetricRef => ({ namespace: m.namespace, name: m.name, dimensions: m.dimensions, stat: m.stat });

/** Lines per minute on the requests' timestamps: a minute with requests but no 5XX datapoint had no 5XX (ALB omits zero counts). */
function side(requests: Series, errors: Series, p99: Series | undefined): SideSeries {
  const at = (s: Series | undefined, t: number) => {
    if (!s) return undefined;
    const i = s.timestamps.indexOf(t);
    return i < 0 ? undefined : s.values[i];
  };
  return {
    timestamps: [...requests.timestamps],
    requests: [...requests.values],
    errors: requests.timestamps.map((t) => at(errors, t) ?? 0),
    p99Ms: requests.timestamps.map((t) => {
      const v = at(p99, t);
      return v === undefined ? undefined : v * 1000;
    }),
  };
}

/** The watch of any run moving traffic between two sides read from CloudWatch. */
export function trafficWatch(cw: CloudWatchGateway, alarmNames: readonly string[], sides: { blue: SideMetrics; green: SideMetrics; what: string | ((lang: Lang) => string); errorWord?: '5XX' | 'error' } | undefined, hint: string): TrafficWatch {
  const watch: TrafficWatch = { alarmNames, alarms: () => cw.alarms(alarmNames, hint) };
  if (!sides) return watch;
  const what = sides.what;
  watch.compareWhat = typeof what === 'string' ? () => what : what;
  watch.compare = async (fromMs: number, toMs: number): Promise<Comparison> => {
    const q: Record<string, MetricRef> = { bReq: sides.blue.requests, bErr: sides.blue.errors, gReq: sides.green.requests, gErr: sides.green.errors };
    if (sides.blue.p99) q.bP99 = sides.blue.p99;
    if (sides.green.p99) q.gP99 = sides.green.p99;
    const r = await cw.series(q, fromMs, toMs, 60, hint);
    return { blue: side(r.bReq!, r.bErr!, r.bP99), green: side(r.gReq!, r.gErr!, r.gP99), ...(sides.errorWord ? { errorWord: sides.errorWord } : {}) };
  };
  return watch;
}

/** A canary's watch: its alarms, and green against blue from the ALB's target groups or the metrics ops.yml names. */
export function canaryWatch(cw: CloudWatchGateway, envName: string, target: string, cfg: CanaryConfig): TrafficWatch {
  const hint = `check environments.${envName}.canary.${target}`;
  if (cfg.alb) {
    const a = cfg.alb;
    return trafficWatch(cw, cfg.alarms, { blue: targetGroupMetrics(a.listenerArn, a.blueTargetGroupArn), green: targetGroupMetrics(a.listenerArn, a.greenTargetGroupArn), what: (lang) => messages(lang).gates.compareAlb({ blue: tgName(a.blueTargetGroupArn), green: tgName(a.greenTargetGroupArn) }) }, hint);
  }
  const m = cfg.analysis.metrics;
  const sides = m
    ? {
        blue: { requests: fromConfig(m.blue.requests), errors: fromConfig(m.blue.errors), ...(m.blue.p99 ? { p99: fromConfig(m.blue.p99) } : {}) },
        green: { requests: fromConfig(m.green.requests), errors: fromConfig(m.green.errors), ...(m.green.p99 ? { p99: fromConfig(m.green.p99) } : {}) },
        what: (lang: Lang) => messages(lang).gates.compareMetrics({ namespace: m.blue.requests.namespace }),
        errorWord: 'error' as const,
      }
    : undefined;
  return trafficWatch(cw, cfg.alarms, sides, hint);
}

/** Maintenance's counts per load balancer: fixed responses and redirects, and what the bypass rules' target groups served. */
export function maintenanceMetrics(cw: CloudWatchGateway, alb: MaintenanceAlb, envName: string): MaintenanceMetrics {
  return {
    async read(listeners, fromMs, toMs) {
      const byLb = new Map<string, { arn: string; listeners: typeof listeners }>();
      for (const l of listeners) {
        const dim = loadBalancerDimension(l.listenerArn);
        const e = byLb.get(dim) ?? { arn: l.listenerArn, listeners: [] };
        e.listeners.push(l);
        byLb.set(dim, e);
      }
      const queries: Record<string, MetricRef> = {};
      const bypassIds = new Map<string, string[]>();
      let i = 0;
      for (const [dim, e] of byLb) {
        const m = (name: string): MetricRef => ({ namespace: 'AWS/ApplicationELB', name, dimensions: { LoadBalancer: dim }, stat: 'Sum' });
        queries[`f${i}`] = m('HTTP_Fixed_Response_Count');
        queries[`r${i}`] = m('HTTP_Redirect_Count');
        // The bypass forwards "as today": to the target groups of the listener's default rule (the bypass rule itself is gone after the end).
        const tgs = new Set<string>();
        for (const l of e.listeners.filter((x) => x.bypass)) {
          const rules = await alb.rules(l.listenerArn, `check environments.${envName}.maintenance.listeners (${l.name})`);
          const bypassRule = rules.find((r) => r.conditions.some((c) => c.field === 'source-ip') && r.action?.type === 'forward');
          const source = bypassRule ?? rules.find((r) => r.priority === undefined);
          if (source?.action?.type === 'forward') for (const tg of Object.keys(source.action.targetGroups)) tgs.add(tg);
        }
        const ids = [...tgs].map((tg, j) => {
          const id = `b${i}_${j}`;
          queries[id] = { namespace: 'AWS/ApplicationELB', name: 'RequestCount', dimensions: { TargetGroup: targetGroupDimension(tg), LoadBalancer: dim }, stat: 'Sum' };
          return id;
        });
        if (e.listeners.some((x) => x.bypass)) bypassIds.set(dim, ids);
        i += 1;
      }
      const r = await cw.series(queries, fromMs, toMs, 60, `check environments.${envName}.maintenance.listeners`);
      const minutes = (s: Series | undefined): Minute[] => (s ? s.timestamps.map((t, j) => [t, s.values[j] ?? 0]) : []);
      return [...byLb.keys()].map((dim, k) => {
        const ids = bypassIds.get(dim);
        const bypass = ids ? sumMinutes(ids.map((id) => minutes(r[id]))) : undefined;
        return { loadBalancer: dim.split('/')[1] ?? dim, listeners: byLb.get(dim)!.listeners.map((l) => l.name), fixed: minutes(r[`f${k}`]), redirect: minutes(r[`r${k}`]), ...(bypass ? { bypass } : {}) };
      });
    },
  };
}

function sumMinutes(all: Minute[][]): Minute[] {
  const at = new Map<number, number>();
  for (const list of all) for (const [t, v] of list) at.set(t, (at.get(t) ?? 0) + v);
  return [...at.entries()].sort((a, b) => a[0] - b[0]);
}
