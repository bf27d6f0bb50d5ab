// The stepfunctions engine's state machine: valid ASL, and really executed by the sandbox against the simulated ECS,
// each service starting only once its own dependencies run.
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SfnGateway } from '../src/aws/sfn.js';
import { compileStartup, type StartupPlan } from '../src/ops/startup-asl.js';
import { seededRandom } from '../sandbox/faults.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const validate = createRequire(import.meta.url)('asl-validator') as (def: unknown) => { isValid: boolean; errorsText: (sep?: string) => string };

const seed003: StartupPlan = {
  cluster: 'dev-cluster',
  pollSeconds: 3,
  timeoutSeconds: 600,
  services: {
    'service-a': { dependsOn: [], desiredCount: 1 },
    'service-b': { dependsOn: ['service-a'], desiredCount: 2 },
    'service-c': { dependsOn: ['service-b'], desiredCount: 1 },
    'service-d': { dependsOn: ['service-b'], desiredCount: 1 },
    'service-e': { dependsOn: ['service-b'], desiredCount: 1 },
  },
};

function randomDag(n: number, seed: number): StartupPlan {
  const random = seededRandom(seed);
  const services: StartupPlan['services'] = {};
  for (let i = 0; i < n; i += 1) {
    const deps = Array.from({ length: i === 0 ? 0 : Math.floor(random() * 3) }, () => `svc-${Math.floor(random() * i)}`);
    services[`svc-${i}`] = { dependsOn: [...new Set(deps)], desiredCount: 1 + Math.floor(random() * 3) };
  }
  return { cluster: 'c', pollSeconds: 3, timeoutSeconds: 600, services };
}

describe('compileStartup', () => {
  it('produces valid ASL for seed 003 and a 30-service random DAG', () => {
    for (const plan of [seed003, randomDag(30, 3)]) {
      const result = validate(compileStartup(plan));
      expect(result.isValid, result.errorsText('\n')).toBe(true);
    }
  });
});

describe('the sandbox runs it against the simulated ECS', () => {
  let sb: TestSandbox;
  beforeEach(async () => {
    sb = await startSandbox({ startDelays: { 'service-a': 30, 'service-b': 45, 'service-c': 20, 'service-d': 35, 'service-e': 25 } });
  });
  afterEach(async () => sb.close());

  it('starts A, then B once A runs, then C, D and E together, and succeeds when all run', async () => {
    const sfn = new SfnGateway(sb.clients.sfn, { envName: 'dev', region: 'ap-northeast-1' });
    const arn = await sfn.ensureStateMachine('ecs-chatops-startup-dev', compileStartup(seed003), 'arn:aws:iam::111111111111:role/ecs-chatops-states');
    const exec = await sfn.startExecution(arn, 'r-test-000001', {});
    for (let i = 0; i < 200 && (await sfn.execution(exec)).status === 'RUNNING'; i += 1) sb.world.clock.advance(1000);
    expect((await sfn.execution(exec)).status).toBe('SUCCEEDED');
    const starts = sb.world.record
      .since(0)
      .filter((c) => c.op === 'UpdateService' && c.error === undefined)
      .map((c) => ({ service: (c.input as { service: string }).service, at: c.at }));
    expect(starts.map((s) => s.service).slice(0, 2)).toEqual(['service-a', 'service-b']);
    expect(new Set(starts.slice(2).map((s) => s.service))).toEqual(new Set(['service-c', 'service-d', 'service-e']));
    const at = Object.fromEntries(starts.map((s) => [s.service, s.at]));
    // B waits for A's 30 s start, the others for B's 45 s; each within one 3 s poll of its dependency running.
    expect(at['service-b']! - at['service-a']!).toBeGreaterThanOrEqual(30_000);
    expect(at['service-b']! - at['service-a']!).toBeLessThanOrEqual(34_000);
    expect(Math.max(at['service-c']!, at['service-d']!, at['service-e']!) - Math.min(at['service-c']!, at['service-d']!, at['service-e']!)).toBeLessThanOrEqual(3_000);
    expect(starts).toHaveLength(5);
  });

  it('a service whose rollout fails fails the execution, and its dependents never start', async () => {
    const sfn = new SfnGateway(sb.clients.sfn, { envName: 'dev', region: 'ap-northeast-1' });
    // A forced new deployment whose tasks fail trips ECS's circuit breaker: rollout FAILED.
    sb.world.ecs.failTasks('dev-cluster', 'service-a', true);
    const plan: StartupPlan = { ...seed003, services: { ...seed003.services } };
    const arn = await sfn.ensureStateMachine('ecs-chatops-startup-dev-fail', compileStartup(plan), 'arn:aws:iam::111111111111:role/ecs-chatops-states');
    const exec = await sfn.startExecution(arn, 'r-test-000002', {});
    for (let i = 0; i < 400 && (await sfn.execution(exec)).status === 'RUNNING'; i += 1) sb.world.clock.advance(1000);
    const started = sb.world.record.since(0).filter((c) => c.op === 'UpdateService').map((c) => (c.input as { service: string }).service);
    expect(started).toEqual(['service-a']);
    expect((await sfn.execution(exec)).status).not.toBe('SUCCEEDED');
  });
});
