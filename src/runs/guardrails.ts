// What a run touches on AWS (its locks) and which way it moves (whether it waits for a second person): one table each.
import type { Environment } from '../config/schema.js';

/**
 * The AWS resources a run changes, as lock names: `listener:<arn>`, `rule:<arn>`, `dns:<zone>:<name>`,
 * `service:<cluster>/<name>`.
 * Two runs that list one same resource cannot be active together, whatever their commands (a /canary and a
 * task-set /deploy moving the same weighted records are one lock). Unknown kinds and config gaps give [].
 */
export function resourcesOf(kind: string, env: Environment, params: unknown): string[] {
  const p = (params ?? {}) as Record<string, unknown>;
  const out = new Set<string>();
  const listener = (arn: string) => out.add(`listener:${arn}`);
  const rule = (arn: string) => out.add(`rule:${arn}`);
  const dns = (zone: string, name: string) => out.add(`dns:${zone}:${name.toLowerCase().replace(/\.?$/, '.')}`);
  const canary = (target: string) => {
    const c = env.canary[target];
    // Weights on a rule are that rule's; weights on the default action are the listener's.
    if (c?.alb) {
      if (c.alb.ruleArn) rule(c.alb.ruleArn);
      else listener(c.alb.listenerArn);
    }
    if (c?.route53) dns(c.route53.hostedZoneId, c.route53.recordName);
  };
  switch (kind) {
    case 'maintenance':
      for (const l of env.maintenance?.listeners ?? []) listener(l.listenerArn);
      break;
    case 'canary':
      canary(String(p.target));
      break;
    case 'cutover': {
      const c = env.cutover[String(p.name)];
      if (c) dns(c.hostedZoneId, c.recordName);
      break;
    }
    // deploy, startup, shutdown: their operations' own resources() (src/ops/deploy.ts, src/ops/startup.ts).
  }
  return [...out];
}

/** A lock name as people read it. */
export function describeResource(r: string): string {
  if (r.startsWith('listener:')) return `listener \`${r.slice('listener:'.length).split(':listener/').pop()}\``;
  if (r.startsWith('dns:')) {
    const [, zone, name] = r.split(':');
    return `records \`${name}\` in zone \`${zone}\``;
  }
  if (r.startsWith('rule:')) return `listener rule \`${r.slice('rule:'.length).split(':listener-rule/').pop()}\``;
  if (r.startsWith('service:')) return `service \`${r.slice('service:'.length)}\``;
  return `\`${r}\``;
}

/**
 * Approval is a property of the direction, not of the command (docs/decisions.md, "Issue 17", has the table).
 * Where `requireApproval`, a run toward risk — traffic toward new code, less capacity, a deploy — waits for a second
 * person before its first AWS change; the way back to safety never waits.
 * - `before-start`: the engine holds the run at an Approve / Cancel pause before the operation's first step;
 * - `own`: the operation asks itself before its first change of traffic (maintenance start after its read,
 *   cutover, a deploy whose strategy waits with green at 0 %);
 * - `never`: the safe direction (startup, maintenance end, Switch back, canary set 0).
 */
export type ApprovalPoint = 'before-start' | 'own' | 'never';

const EARLY_PAUSES = ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT'];

export function approvalPoint(kind: string, env: Environment, params: unknown): ApprovalPoint {
  const p = (params ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'maintenance':
      return p.action === 'start' ? 'own' : 'never';
    case 'cutover':
      return p.back ? 'never' : 'own';
    case 'canary':
      return p.action === 'set' && p.pct === 0 ? 'never' : 'before-start';
    case 'shutdown':
      return 'before-start';
    case 'startup':
      return 'never';
    case 'deploy': {
      const d = env.deploy[String(p.target)];
      if (!d) return 'before-start';
      if (d.strategy === 'tasksets') return 'own';
      if (d.strategy === 'codedeploy') return d.waitForReroute ? 'own' : 'before-start';
      return d.pauseAt.some((s) => EARLY_PAUSES.includes(s)) ? 'own' : 'before-start';
    }
    default:
      // A kind without a row here decides for itself (the engine's own tests use such operations); every kind the
      // bot ships has a row, which test/approval-by-direction.test.ts checks against the operations registry.
      return 'own';
  }
}

/** The kinds the table above has a row for. */
export const APPROVAL_TABLE_KINDS = ['maintenance', 'cutover', 'canary', 'shutdown', 'startup', 'deploy'] as const;
