// Connects the gates' port (src/ops/gates.ts) to the CloudWatch gateway: the alarms a target names, and green against blue.
import type { CanaryConfig } from '../config/schema.js';
import type { MetricRefConfig } from '../config/cloudwatch.js';
import type { Comparison, SideSeries, TrafficWatch } from '../ops/gates.js';
import { loadBalancerDimension, targetGroupDimension, type CloudWatchGateway, type MetricRef, type Series } from './cloudwatch.js';

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
export function trafficWatch(cw: CloudWatchGateway, alarmNames: readonly string[], sides: { blue: SideMetrics; green: SideMetrics; what: string } | undefined, hint: string): TrafficWatch {
  const watch: TrafficWatch = { alarmNames, alarms: () => cw.alarms(alarmNames, hint) };
  if (!sides) return watch;
  watch.compareWhat = sides.what;
  watch.compare = async (fromMs: number, toMs: number): Promise<Comparison> => {
    const q: Record<string, MetricRef> = { bReq: sides.blue.requests, bErr: sides.blue.errors, gReq: sides.green.requests, gErr: sides.green.errors };
    if (sides.blue.p99) q.bP99 = sides.blue.p99;
    if (sides.green.p99) q.gP99 = sides.green.p99;
    const r = await cw.series(q, fromMs, toMs, 60, hint);
    return { blue: side(r.bReq!, r.bErr!, r.bP99), green: side(r.gReq!, r.gErr!, r.gP99) };
  };
  return watch;
}

/** A canary's watch: its alarms, and green against blue from the ALB's target groups or the metrics ops.yml names. */
export function canaryWatch(cw: CloudWatchGateway, envName: string, target: string, cfg: CanaryConfig): TrafficWatch {
  const hint = `check environments.${envName}.canary.${target}`;
  if (cfg.alb) {
    const a = cfg.alb;
    return trafficWatch(cw, cfg.alarms, { blue: targetGroupMetrics(a.listenerArn, a.blueTargetGroupArn), green: targetGroupMetrics(a.listenerArn, a.greenTargetGroupArn), what: `ALB target groups ${tgName(a.blueTargetGroupArn)} vs ${tgName(a.greenTargetGroupArn)}` }, hint);
  }
  const m = cfg.analysis.metrics;
  const sides = m
    ? {
        blue: { requests: fromConfig(m.blue.requests), errors: fromConfig(m.blue.errors), ...(m.blue.p99 ? { p99: fromConfig(m.blue.p99) } : {}) },
        green: { requests: fromConfig(m.green.requests), errors: fromConfig(m.green.errors), ...(m.green.p99 ? { p99: fromConfig(m.green.p99) } : {}) },
        what: `${m.blue.requests.namespace} metrics blue vs green`,
      }
    : undefined;
  return trafficWatch(cw, cfg.alarms, sides, hint);
}
