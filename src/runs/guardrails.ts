// How a lock reads to people, and which way a run moves (whether it waits for a second person).
import type { Environment } from '../config/schema.js';
import type { ApprovalPoint } from './operation.js';

// The AWS resources a run changes are each operation's own (Operation.resources: `listener:<arn>`, `rule:<arn>`,
// `dns:<zone>:<name>`, `service:<cluster>/<name>`); two runs that list one same resource cannot be active together.

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
export type { ApprovalPoint } from './operation.js';

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
