// The simulated AWS account: every service's state, one clock, one call record, one fault list, one alarm table.
import { z } from 'zod';
import type { OpsConfig } from '../src/config/schema.js';
import { SimClock } from './clock.js';
import { ALARM_STATES, CloudWatchSim } from './cloudwatch.js';
import { CodeDeploySim } from './codedeploy.js';
import { EcsSim } from './ecs.js';
import { Elbv2Sim } from './elbv2.js';
import { Faults } from './faults.js';
import { CallRecord } from './record.js';
import { Route53Sim } from './route53.js';
import { SfnSim } from './sfn.js';

export const SANDBOX_ACCOUNT = '111111111111';

/** A CloudWatch alarm's state as the sandbox knows it; an alarm nobody set is OK. */
export type AlarmState = (typeof ALARM_STATES)[number];
/** The body of `POST /_sandbox/alarms`. */
export const AlarmSchema = z
  .object({
    name: z.string({ error: 'name: the CloudWatch alarm name is required' }).min(1, 'name must not be empty').max(255, 'name is at most 255 characters'),
    state: z.enum(ALARM_STATES, { error: 'state must be "OK", "ALARM" or "INSUFFICIENT_DATA"' }).optional(),
    reason: z.string().max(1023, 'reason is at most 1023 characters').optional(),
    /** false: the alarm is deleted (a gate naming it must refuse). */
    exists: z.boolean().optional(),
  })
  .refine((a) => a.exists === false || a.state !== undefined, { message: 'state is required unless exists is false' })
  .strict();

export interface WorldOptions {
  clock?: SimClock;
  /** Seconds a task of a service takes from PENDING to RUNNING (default 5; per service override). */
  startDelaySeconds?: number;
  startDelays?: Record<string, number>;
  /** Seconds a Route 53 change takes to go INSYNC (default 10). */
  route53SyncSeconds?: number;
}

export class World {
  readonly clock: SimClock;
  readonly record = new CallRecord();
  readonly faults = new Faults();
  readonly account = SANDBOX_ACCOUNT;
  readonly ecs: EcsSim;
  readonly elbv2: Elbv2Sim;
  readonly route53: Route53Sim;
  readonly codedeploy: CodeDeploySim;
  readonly sfn: SfnSim;
  readonly cloudwatch: CloudWatchSim;

  constructor(readonly options: WorldOptions = {}) {
    this.clock = options.clock ?? new SimClock();
    this.ecs = new EcsSim(this);
    this.elbv2 = new Elbv2Sim(this);
    this.route53 = new Route53Sim(this);
    this.codedeploy = new CodeDeploySim(this);
    this.sfn = new SfnSim(this);
    this.cloudwatch = new CloudWatchSim(this);
    this.clock.onAdvance((now) => this.settle(now));
  }

  /** Lets every time-driven process (task starts, DNS sync, deployments, executions) catch up to `now`. */
  settle(now = this.clock.now()): void {
    this.ecs.settle(now);
    this.route53.settle(now);
    this.codedeploy.settle(now);
    this.sfn.settle(now);
    this.cloudwatch.settle(now);
  }

  /** Sets a CloudWatch alarm's state (tests, `POST /_sandbox/alarms`); deployments watching it react at once. */
  setAlarm(name: string, state: AlarmState, reason?: string): void {
    this.settle();
    this.cloudwatch.setAlarm(name, state, reason);
    this.settle();
  }

  /** Deletes an alarm (a gate naming it must refuse, not pass). */
  deleteAlarm(name: string): void {
    this.cloudwatch.deleteAlarm(name);
  }

  alarmState(name: string): AlarmState {
    return this.cloudwatch.alarmState(name) ?? 'OK';
  }

  /** Every alarm, name → state. */
  alarms(): Record<string, AlarmState> {
    return this.cloudwatch.alarms();
  }

  /** Creates every resource an ops.yml names, in a state that makes sense for a running system. */
  seed(config: OpsConfig): this {
    for (const [name, env] of Object.entries(config.environments)) {
      this.ecs.seed(name, env);
      this.elbv2.seed(name, env);
      this.route53.seed(name, env);
      this.codedeploy.seed(name, env);
      this.sfn.seed(name, env);
      this.cloudwatch.seed(name, env);
    }
    return this;
  }
}
