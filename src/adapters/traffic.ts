// Connects the canary's and the cutover's ports to the Route 53 and ELBv2 gateways of one environment.
import type { CanaryConfig } from '../config/schema.js';
import type { CanaryTraffic, Weights } from '../ops/canary.js';
import type { CutoverDns } from '../ops/cutover.js';
import type { EnvironmentGateways } from './index.js';
import { ChangeStatus, type WeightedPair } from '../aws/route53.js';

const tail = (arn: string) => arn.split('/').slice(-2).join('/');

export function canaryTraffic(g: EnvironmentGateways, envName: string, target: string, cfg: CanaryConfig): CanaryTraffic {
  if (cfg.route53) {
    const r = cfg.route53;
    const hint = `check environments.${envName}.canary.${target}.route53`;
    // The pair read last is kept, so Rollback sends its one call without reading first (the run holds the lock on these records).
    let pair: WeightedPair | undefined;
    const readPair = async () => (pair = await g.route53.weightedPair(r.hostedZoneId, r.recordName, r.type, r.blue, r.green, hint));
    return {
      via: 'route53',
      async read() {
        const p = await readPair();
        const ttl = Math.max(p.blue.ttl ?? 0, p.green.ttl ?? 0);
        return { blue: p.blue.weight ?? 0, green: p.green.weight ?? 0, ...(ttl > 0 ? { ttl } : {}) };
      },
      async shift(w: Weights) {
        const p = pair ?? (await readPair());
        return { changeId: await g.route53.setWeights(r.hostedZoneId, p, w.blue, w.green, `ecs-chatops canary ${target}: green ${w.green}`) };
      },
      inSync: async (id) => (await g.route53.changeStatus(id)) === ChangeStatus.insync,
      describeShift: (w) => `route53:ChangeResourceRecordSets zone ${r.hostedZoneId} (one batch) UPSERT ${r.type} ${r.recordName} ${r.blue} weight ${w.blue}, ${r.green} weight ${w.green}`,
    };
  }
  const a = cfg.alb!;
  const hint = `check environments.${envName}.canary.${target}.alb`;
  return {
    via: 'alb',
    async read() {
      const w = await g.elbv2.forwardWeights(a.listenerArn, a.ruleArn, hint);
      return { blue: w[a.blueTargetGroupArn] ?? 0, green: w[a.greenTargetGroupArn] ?? 0 };
    },
    async shift(w: Weights) {
      await g.elbv2.setForwardWeights(a.listenerArn, a.ruleArn, { [a.blueTargetGroupArn]: w.blue, [a.greenTargetGroupArn]: w.green }, hint);
      return {};
    },
    greenHealth: () => g.elbv2.targetHealth(a.greenTargetGroupArn, hint),
    describeShift: (w) =>
      `elbv2:${a.ruleArn ? `ModifyRule ${tail(a.ruleArn)}` : `ModifyListener ${tail(a.listenerArn)}`} forward ${tail(a.blueTargetGroupArn)} weight ${w.blue}, ${tail(a.greenTargetGroupArn)} weight ${w.green}`,
  };
}

export function cutoverDns(g: EnvironmentGateways, envName: string): CutoverDns {
  const hint = `check environments.${envName}.cutover`;
  return {
    loadBalancer: (arn) => g.elbv2.loadBalancer(arn, hint),
    targetGroupsBehind: (arn) => g.elbv2.targetGroupsBehind(arn, hint),
    targetHealth: (tg) => g.elbv2.targetHealth(tg, hint),
    records: (zone, name) => g.route53.records(zone, name, undefined, hint),
    upsert: (zone, records, comment) => g.route53.upsert(zone, records, comment, hint),
    inSync: async (id) => (await g.route53.changeStatus(id)) === ChangeStatus.insync,
  };
}
