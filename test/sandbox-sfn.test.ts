// Step Functions sandbox + gateway: real SDK client → HTTP → simulated Step Functions running ASL on the sandbox clock.
import { createRequire } from 'node:module';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  ExecutionAlreadyExists,
  StartExecutionCommand,
  type HistoryEvent as SdkHistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsGatewayError } from '../src/aws/errors.js';
import { SfnGateway } from '../src/aws/sfn.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

// asl-validator ships CommonJS without types: a function from a definition to { isValid, errorsText }.
const validate = createRequire(import.meta.url)('asl-validator') as (def: unknown) => { isValid: boolean; errorsText: (sep?: string) => string };

const ROLE = 'arn:aws:iam::111111111111:role/sandbox-states';

const WAIT_60 = {
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Wait', Seconds: 60, Next: 'Done' },
    Done: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.result', End: true },
  },
};

/** Parallel of a Map (MaxConcurrency 2, ItemSelector with States.Format, a Wait per item) and a Choice on the input. */
const FAN_OUT = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      ResultSelector: { 'greetings.$': '$[0]', 'size.$': '$[1].size' },
      ResultPath: '$.fan',
      Next: 'Finish',
      Branches: [
        {
          StartAt: 'EachName',
          States: {
            EachName: {
              Type: 'Map',
              ItemsPath: '$.names',
              MaxConcurrency: 2,
              ItemSelector: { 'greeting.$': "States.Format('hello {} #{}', $$.Map.Item.Value, $$.Map.Item.Index)" },
              ItemProcessor: {
                StartAt: 'Pause',
                States: {
                  Pause: { Type: 'Wait', Seconds: 10, Next: 'Say' },
                  Say: { Type: 'Pass', InputPath: '$.greeting', End: true },
                },
              },
              End: true,
            },
          },
        },
        {
          StartAt: 'Size',
          States: {
            Size: {
              Type: 'Choice',
              Choices: [
                { And: [{ Variable: '$.count', IsPresent: true }, { Variable: '$.count', NumericGreaterThanEquals: 10 }], Next: 'Big' },
                { Variable: '$.count', NumericLessThanPath: '$.limit', Next: 'Small' },
              ],
              Default: 'Unknown',
            },
            Big: { Type: 'Pass', Result: { size: 'big' }, End: true },
            Small: { Type: 'Pass', Result: { size: 'small' }, End: true },
            Unknown: { Type: 'Pass', Result: { size: 'unknown' }, End: true },
          },
        },
      ],
    },
    Finish: {
      Type: 'Pass',
      Parameters: { 'summary.$': "States.Format('{} greetings, {}', States.ArrayLength($.fan.greetings), $.fan.size)", 'parsed.$': 'States.StringToJson($.raw)' },
      End: true,
    },
  },
};

/** A task that cannot succeed (no such resource in the sandbox), retried with backoff, then caught. */
const RETRY_CATCH = {
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'nope' },
      Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Recover' }],
      End: true,
    },
    Recover: { Type: 'Pass', End: true },
  },
};

/** Seed 003's loop: scale a service, then DescribeServices every 5 s until it runs the count asked for. */
const SCALE_UP = {
  StartAt: 'Update',
  States: {
    Update: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ecs:updateService',
      Parameters: { 'Cluster.$': '$.cluster', 'Service.$': '$.service', 'DesiredCount.$': '$.count' },
      ResultPath: null,
      Next: 'Wait',
    },
    Wait: { Type: 'Wait', Seconds: 5, Next: 'Describe' },
    Describe: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ecs:describeServices',
      Parameters: { 'Cluster.$': '$.cluster', 'Services.$': 'States.Array($.service)' },
      ResultSelector: { 'running.$': '$.Services[0].RunningCount', 'status.$': '$.Services[0].Status' },
      ResultPath: '$.observed',
      Next: 'Ready?',
    },
    'Ready?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.observed.running', NumericGreaterThanEqualsPath: '$.count', Next: 'Ready' }],
      Default: 'Wait',
    },
    Ready: { Type: 'Succeed' },
  },
};

const MISSING_SERVICE = {
  StartAt: 'Update',
  States: {
    Update: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ecs:updateService',
      Parameters: { Cluster: 'dev-cluster', Service: 'no-such-service', DesiredCount: 1 },
      Catch: [{ ErrorEquals: ['Ecs.ServiceNotFoundException'], Next: 'Missing' }],
      End: true,
    },
    Missing: { Type: 'Fail', Error: 'ServiceMissing', Cause: 'caught' },
  },
};

let sb: TestSandbox;
let sfn: SfnGateway;

beforeEach(async () => {
  sb = await startSandbox();
  sfn = new SfnGateway(sb.clients.sfn, { envName: 'dev', region: 'ap-northeast-1' });
});
afterEach(async () => {
  await sb.close();
});

const advance = (seconds: number) => sb.world.clock.advance(seconds * 1000);

async function run(name: string, def: object, input: unknown = {}, execName = 'run-1'): Promise<string> {
  const sm = await sfn.ensureStateMachine(name, def, ROLE);
  return sfn.startExecution(sm, execName, input);
}

describe('definitions', () => {
  it('every definition used here is valid ASL according to asl-validator', () => {
    for (const def of [WAIT_60, FAN_OUT, RETRY_CATCH, SCALE_UP, MISSING_SERVICE]) {
      const r = validate(def);
      expect(r.errorsText(), JSON.stringify(def).slice(0, 60)).toBe('');
      expect(r.isValid).toBe(true);
    }
  });

  it('an invalid definition is InvalidDefinition in the SDK and a readable gateway error', async () => {
    const bad = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } };
    expect(validate(bad).isValid).toBe(false);
    const err = await sb.clients.sfn.send(new CreateStateMachineCommand({ name: 'bad', definition: JSON.stringify(bad), roleArn: ROLE })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidDefinition);
    expect((err as Error).message).toContain("Missing 'Next' target: Nowhere at /States/A/Next");

    const notJson = await sb.clients.sfn.send(new CreateStateMachineCommand({ name: 'bad', definition: '{"StartAt":', roleArn: ROLE })).catch((e: unknown) => e);
    expect(notJson).toBeInstanceOf(InvalidDefinition);

    const gw = await sfn.ensureStateMachine('bad', bad, ROLE).catch((e: unknown) => e);
    expect(gw).toBeInstanceOf(AwsGatewayError);
    expect((gw as AwsGatewayError).code).toBe('invalid');
    expect((gw as Error).message).toMatch(/state machine bad was refused as invalid ASL.*MISSING_TRANSITION_TARGET/);
  });

  it('ensureStateMachine creates once, is idempotent, and updates when the definition changes', async () => {
    const arn = await sfn.ensureStateMachine('startup-dev', WAIT_60, ROLE);
    expect(arn).toBe('arn:aws:states:ap-northeast-1:111111111111:stateMachine:startup-dev');
    const mark = sb.world.record.mark();
    expect(await sfn.ensureStateMachine('startup-dev', structuredClone(WAIT_60), ROLE)).toBe(arn);
    expect(sb.world.record.mutations(mark)).toEqual([]);

    const changed = { ...WAIT_60, States: { ...WAIT_60.States, Hold: { ...WAIT_60.States.Hold, Seconds: 30 } } };
    expect(await sfn.ensureStateMachine('startup-dev', changed, ROLE)).toBe(arn);
    expect(sb.world.record.mutations(mark)).toEqual(['sfn:UpdateStateMachine']);
    expect((await sfn.stateMachine('startup-dev'))?.definition).toEqual(changed);
    expect(await sfn.stateMachine('absent')).toBeUndefined();
  });
});

describe('executions on the simulated clock', () => {
  it('a Wait of 60 s keeps the execution RUNNING until the clock has moved 60 s', async () => {
    const arn = await run('wait', WAIT_60, { n: 1 });
    expect((await sfn.execution(arn)).status).toBe('RUNNING');
    advance(59);
    expect((await sfn.execution(arn)).status).toBe('RUNNING');
    advance(1);
    const done = await sfn.execution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ n: 1, result: { ok: true } });
    expect(done.stoppedAt!.getTime() - done.startedAt.getTime()).toBe(60_000);

    const events = await sfn.history(arn);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const exited = events.find((e) => e.type === 'WaitStateExited')!;
    expect(exited.stateName).toBe('Hold');
    expect(exited.at.getTime() - events[0]!.at.getTime()).toBe(60_000);
  });

  it('Parallel, Map (MaxConcurrency 2) and Choice produce the right output, with intrinsics', async () => {
    const arn = await run('fan', FAN_OUT, { names: ['ann', 'bob', 'cy'], count: 3, limit: 5, raw: '{"a":[1,2]}' });
    advance(10);
    // Two iterations at a time: the third starts when the first two end, so it needs another 10 s.
    expect((await sfn.execution(arn)).status).toBe('RUNNING');
    advance(10);
    const done = await sfn.execution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ summary: '3 greetings, small', parsed: { a: [1, 2] } });

    const events = await sfn.history(arn);
    const types = events.map((e) => e.type);
    for (const t of ['ParallelStateEntered', 'ParallelStateStarted', 'ParallelStateSucceeded', 'ParallelStateExited', 'MapStateEntered', 'MapStateStarted', 'MapStateSucceeded', 'MapStateExited', 'ChoiceStateEntered', 'ChoiceStateExited']) {
      expect(types, t).toContain(t);
    }
    expect(events.find((e) => e.type === 'MapStateStarted')?.detail).toEqual({ length: 3 });
    const started = events.filter((e) => e.type === 'MapIterationStarted');
    expect(started.map((e) => [e.detail.index, e.at.getTime() - events[0]!.at.getTime()])).toEqual([
      [0, 0],
      [1, 0],
      [2, 10_000],
    ]);
    expect(events.filter((e) => e.type === 'MapIterationSucceeded')).toHaveLength(3);
    // Map results keep item order: the greetings the Finish state counted.
    const mapExit = events.find((e) => e.type === 'MapStateExited');
    expect(mapExit?.detail.output).toEqual(['hello ann #0', 'hello bob #1', 'hello cy #2']);

    const big = await sfn.startExecution(await sfn.ensureStateMachine('fan', FAN_OUT, ROLE), 'run-2', { names: [], count: 12, limit: 5, raw: '1' });
    expect((await sfn.execution(big)).output).toEqual({ summary: '0 greetings, big', parsed: 1 });
  });

  it('a legacy Map (Iterator, Parameters, nested Parallel): a failed iteration is caught on the Map, a non-array is States.Runtime', async () => {
    const def = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Parameters: { 'n.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' },
          Iterator: {
            StartAt: 'Check',
            States: {
              Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 2, Next: 'TooBig' }], Default: 'Inner' },
              Inner: { Type: 'Parallel', Branches: [{ StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } }], OutputPath: '$[0]', End: true },
              TooBig: { Type: 'Fail', Error: 'Item.TooBig', Cause: 'n > 2' },
            },
          },
          Catch: [{ ErrorEquals: ['Item.TooBig'], ResultPath: '$.caught', Next: 'After' }],
          Next: 'After',
        },
        After: { Type: 'Pass', End: true },
      },
    };
    expect(validate(def).errorsText()).toBe('');
    const ok = await run('legacy-map', def, [1, 2], 'ok');
    expect((await sfn.execution(ok)).output).toEqual([
      { n: 1, i: 0 },
      { n: 2, i: 1 },
    ]);
    const caught = await sfn.startExecution(await sfn.ensureStateMachine('legacy-map', def, ROLE), 'caught', { wrapped: true });
    expect(await sfn.execution(caught)).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    const items = await sfn.startExecution(await sfn.ensureStateMachine('legacy-map', { ...def, States: { ...def.States, Each: { ...def.States.Each, ItemsPath: '$.items' } } }, ROLE), 'bad', { items: [1, 5] });
    const done = await sfn.execution(items);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ items: [1, 5], caught: { Error: 'Item.TooBig', Cause: 'n > 2' } });
    expect((await sfn.history(items)).map((e) => e.type)).toEqual(expect.arrayContaining(['MapIterationFailed', 'MapStateFailed', 'MapStateExited']));
  });

  it('Retry backs off on simulated time (2 s, then 6 s), then Catch puts the error at its ResultPath', async () => {
    const arn = await run('retry', RETRY_CATCH, { id: 7 });
    const scheduledAt = async () => {
      const ev = await sfn.history(arn);
      return ev.filter((e) => e.type === 'TaskScheduled').map((e) => (e.at.getTime() - ev[0]!.at.getTime()) / 1000);
    };
    expect(await scheduledAt()).toEqual([0]);
    advance(1.9);
    expect(await scheduledAt()).toEqual([0]);
    advance(0.1);
    expect(await scheduledAt()).toEqual([0, 2]);
    advance(5.9);
    expect((await sfn.execution(arn)).status).toBe('RUNNING');
    advance(0.1);
    expect(await scheduledAt()).toEqual([0, 2, 8]);
    const done = await sfn.execution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toMatchObject({ id: 7, failure: { Error: 'States.TaskFailed' } });
    const events = await sfn.history(arn);
    expect(events.filter((e) => e.type === 'TaskFailed').map((e) => e.detail.error)).toEqual(['States.TaskFailed', 'States.TaskFailed', 'States.TaskFailed']);
    expect(events.map((e) => e.type).slice(-4)).toEqual(['TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('an uncaught failure fails the execution with its error and cause; StopExecution aborts', async () => {
    const failing = { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Custom.Broken', Cause: 'on purpose' } } };
    expect(validate(failing).isValid).toBe(true);
    const arn = await run('fail', failing);
    expect(await sfn.execution(arn)).toMatchObject({ status: 'FAILED', error: 'Custom.Broken', cause: 'on purpose' });

    const waiting = await run('wait', WAIT_60);
    await sfn.stop(waiting, 'operator pressed Stop');
    advance(120);
    const stopped = await sfn.execution(waiting);
    expect(stopped).toMatchObject({ status: 'ABORTED', cause: 'operator pressed Stop' });
    expect((await sfn.history(waiting)).map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
  });

  it('TimeoutSeconds ends an execution TIMED_OUT at its deadline; an execution is plain serialisable data', async () => {
    const def = { ...WAIT_60, TimeoutSeconds: 30 };
    expect(validate(def).isValid).toBe(true);
    const arn = await run('timeout', def);
    const state = sb.world.sfn.execution(arn);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    advance(29);
    expect((await sfn.execution(arn)).status).toBe('RUNNING');
    advance(31);
    const done = await sfn.execution(arn);
    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(done.stoppedAt!.getTime() - done.startedAt.getTime()).toBe(30_000);
  });

  it('a path that does not exist is States.Runtime and fails the execution past a States.ALL Catch', async () => {
    const def = {
      StartAt: 'Read',
      States: {
        Read: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true },
      },
    };
    const arn = await run('runtime', def, { here: 1 });
    expect(await sfn.execution(arn)).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});

describe('names and history', () => {
  it('StartExecution twice with one name makes one execution; another input under that name is refused', async () => {
    const sm = await sfn.ensureStateMachine('wait', WAIT_60, ROLE);
    const a = await sb.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'run-42', input: '{"x":1}' }));
    const b = await sb.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'run-42', input: '{"x":1}' }));
    expect(b.executionArn).toBe(a.executionArn);
    expect(sb.world.sfn.snapshot()).toMatchObject({ executions: [{ arn: a.executionArn }] });
    const clash = await sb.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: 'run-42', input: '{"x":2}' })).catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(ExecutionAlreadyExists);

    // The gateway is idempotent by run id even after the execution ended (AWS then answers ExecutionAlreadyExists).
    advance(60);
    expect(await sfn.startExecution(sm, 'run-42', { x: 1 })).toBe(a.executionArn);
    const conflict = await sfn.startExecution(sm, 'run-42', { x: 2 }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(AwsGatewayError);
    expect((conflict as Error).message).toContain('already ran with another input');
  });

  it('history pages of 2 return every event exactly once, forwards and in reverse; the gateway follows pages and cursors', async () => {
    const arn = await run('fan', FAN_OUT, { names: ['a', 'b', 'c'], count: 1, limit: 5, raw: '{}' });
    advance(30);
    const all = await sfn.history(arn);
    expect(all.length).toBeGreaterThan(20);
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));

    const collect = async (reverseOrder: boolean) => {
      const ids: number[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await sb.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 2, reverseOrder, nextToken }));
        expect(page.events!.length).toBeLessThanOrEqual(2);
        ids.push(...page.events!.map((e: SdkHistoryEvent) => e.id!));
        nextToken = page.nextToken;
        pages++;
      } while (nextToken);
      expect(pages).toBe(Math.ceil(all.length / 2));
      return ids;
    };
    expect(await collect(false)).toEqual(all.map((e) => e.id));
    expect(await collect(true)).toEqual(all.map((e) => e.id).reverse());

    const since = await sfn.history(arn, 10);
    expect(since.map((e) => e.id)).toEqual(all.slice(10).map((e) => e.id));
    expect(await sfn.history(arn, all.length)).toEqual([]);
    // Every event but the first points at an earlier one.
    for (const e of all.slice(1)) expect(e.previousId).toBeLessThan(e.id);
  });

  it('unknown executions and state machines are not-found gateway errors', async () => {
    const missing = 'arn:aws:states:ap-northeast-1:111111111111:execution:wait:nope';
    const err = await sfn.execution(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsGatewayError);
    expect((err as AwsGatewayError).code).toBe('not_found');
    expect((err as Error).message).toContain('environments.dev.startup');
    const sdkErr = await sb.clients.sfn.send(new DescribeExecutionCommand({ executionArn: missing })).catch((e: unknown) => e);
    expect((sdkErr as Error).name).toBe('ExecutionDoesNotExist');
  });
});

describe('aws-sdk:ecs tasks against the simulated ECS', () => {
  it('UpdateService then a DescribeServices polling loop (Wait + Choice) succeeds once the tasks run', async () => {
    const input = { cluster: 'dev-cluster', service: 'service-a', count: 3 };
    const arn = await run('scale', SCALE_UP, input);
    for (let i = 0; i < 12 && (await sfn.execution(arn)).status === 'RUNNING'; i++) advance(5);
    const done = await sfn.execution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toMatchObject({ ...input, observed: { running: 3, status: 'ACTIVE' } });
    expect(sb.world.record.mutations()).toContain('ecs:UpdateService');
    const scheduled = (await sfn.history(arn)).filter((e) => e.type === 'TaskScheduled');
    expect(scheduled[0]?.detail).toMatchObject({ resourceType: 'aws-sdk:ecs', resource: 'updateService', parameters: { Cluster: 'dev-cluster', Service: 'service-a', DesiredCount: 3 } });
  });

  it('an ECS error becomes the task error Ecs.<Code>, which a Catch can name', async () => {
    const arn = await run('missing', MISSING_SERVICE);
    const done = await sfn.execution(arn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'ServiceMissing' });
    const failed = (await sfn.history(arn)).find((e) => e.type === 'TaskFailed');
    expect(failed?.detail.error).toBe('Ecs.ServiceNotFoundException');
    expect(String(failed?.detail.cause)).toContain('Service: Ecs');
  });
});
