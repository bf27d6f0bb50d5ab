// Shared by the guardrail suites (Issue 17): the example's prod, with approval required and no confirmation modal.
import { loadConfig } from '../src/config/load.js';
import { EXAMPLE_CONFIG } from './support/sandbox.js';

export function prodConfig() {
  const c = structuredClone(loadConfig(EXAMPLE_CONFIG));
  const prod = c.environments.prod!;
  prod.permissions = { ...prod.permissions, confirm: false, requireApproval: true };
  for (const k of Object.keys(prod.canary)) prod.canary[k] = { ...prod.canary[k]!, bakeSeconds: 0 };
  const pay = prod.deploy.payment!;
  if (pay.strategy === 'codedeploy') prod.deploy.payment = { ...pay, waitForReroute: false };
  return c;
}
