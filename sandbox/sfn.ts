// Simulated AWS Step Functions (Standard): state machines, executions run by the ASL interpreter on the sandbox clock.
import { randomUUID } from 'node:crypto';
import type { Environment } from '../src/config/schema.js';
import { abort, advance, DefinitionError, parseDefinition, startExecution, StatesError, type AslEvent, type ExecutionState, type Json, type MachineDef } from './asl.js';
import { AwsError } from './errors.js';
import type { JsonHandlers } from './protocol.js';
import type { World } from './world.js';

interface StateMachine {
  arn: string;
  name: string;
  definition: string;
  parsed: MachineDef;
  roleArn: string;
  createdAt: number;
  updatedAt?: number;
}

/** Names of state machines and executions: 1–80 characters, no whitespace, brackets, wildcards or special characters. */
const NAME_CHARS = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;
const validName = (n: string) => NAME_CHARS.test(n) && ![...n].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:([^:]+):([^:]+)$/;
const MAX_HISTORY_PAGE = 1000;
const DEFAULT_HISTORY_PAGE = 100;

/** The wire form of a timestamp in the JSON protocols: epoch seconds. */
const secs = (ms: number) => ms / 1000;

const str = (v: unknown, field: string): string => {
  if (typeof v !== 'string' || v === '') throw new AwsError('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`);
  return v;
};

/** SDK integrations take PascalCase parameters and answer with PascalCase keys; the simulators speak the wire's camelCase. */
function rekey(v: unknown, f: (k: string) => string): Json {
  if (Array.isArray(v)) return v.map((x) => rekey(x, f));
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [f(k), rekey(x, f)]));
  return v === undefined ? null : (v as Json);
}
const camel = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);
const pascal = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);

/** `arn:aws:states:::aws-sdk:ecs:updateService` → ['ecs', 'UpdateService']. */
function sdkResource(resource: string): [string, string] | undefined {
  const m = /^arn:aws[\w-]*:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/.exec(resource);
  return m ? [m[1] ?? '', pascal(m[2] ?? '')] : undefined;
}

export class SfnSim {
  private readonly machines = new Map<string, StateMachine>();
  private readonly executions = new Map<string, ExecutionState>();
  /** Step Functions is regional; the sandbox answers for the region of the environment it was seeded with. */
  private region = 'ap-northeast-1';

  constructor(readonly world: World) {}

  seed(_envName: string, env: Environment): void {
    this.region = env.region;
  }

  /** Runs every open execution up to `now`: a Wait or a Retry interval holds one until the clock reaches it. */
  settle(now: number): void {
    for (const e of this.executions.values()) if (e.status === 'RUNNING') advance(e, now, (r, p) => this.invoke(r, p));
  }

  /** The state a test or the playground can look at; every execution is plain data. */
  snapshot(): unknown {
    return {
      stateMachines: [...this.machines.values()].map((m) => ({ name: m.name, arn: m.arn })),
      executions: [...this.executions.values()].map((e) => ({ arn: e.arn, status: e.status, events: e.events.length, error: e.error })),
    };
  }

  /** An execution's full state (for tests that look inside the interpreter). */
  execution(arn: string): ExecutionState | undefined {
    return this.executions.get(arn);
  }

  handlers(): JsonHandlers {
    return {
      CreateStateMachine: (i) => this.create(i),
      UpdateStateMachine: (i) => this.update(i),
      DescribeStateMachine: (i) => this.describeMachine(this.machine(i.stateMachineArn)),
      ListStateMachines: (i) => this.list(i),
      StartExecution: (i) => this.start(i),
      DescribeExecution: (i) => this.describe(this.exec(i.executionArn)),
      GetExecutionHistory: (i) => this.history(i),
      StopExecution: (i) => this.stop(i),
    };
  }

  // State machines --------------------------------------------------------------------------------

  private parse(definition: string): MachineDef {
    try {
      return parseDefinition(definition);
    } catch (e) {
      if (e instanceof DefinitionError) throw new AwsError('InvalidDefinition', `Invalid State Machine Definition: '${e.message}'`);
      throw e;
    }
  }

  private create(i: Record<string, unknown>): unknown {
    const name = str(i.name, 'name');
    if (!validName(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    const definition = str(i.definition, 'definition');
    const roleArn = str(i.roleArn, 'roleArn');
    if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+/.test(roleArn)) throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${roleArn}'`);
    if (i.type !== undefined && i.type !== 'STANDARD') throw new AwsError('StateMachineTypeNotSupported', `The sandbox simulates STANDARD state machines only, not ${String(i.type)}`);
    const parsed = this.parse(definition);
    const arn = `arn:aws:states:${this.region}:${this.world.account}:stateMachine:${name}`;
    const existing = this.machines.get(arn);
    if (existing) {
      // Creating the same machine twice is idempotent; the same name with another definition or role is a conflict.
      if (existing.definition === definition && existing.roleArn === roleArn) return { stateMachineArn: arn, creationDate: secs(existing.createdAt) };
      throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const createdAt = this.world.clock.now();
    this.machines.set(arn, { arn, name, definition, parsed, roleArn, createdAt });
    return { stateMachineArn: arn, creationDate: secs(createdAt) };
  }

  private update(i: Record<string, unknown>): unknown {
    const m = this.machine(i.stateMachineArn);
    if (i.definition === undefined && i.roleArn === undefined && i.loggingConfiguration === undefined && i.tracingConfiguration === undefined) {
      throw new AwsError('MissingRequiredParameter', 'Either the definition, the role ARN, the LoggingConfiguration or the TracingConfiguration must be specified');
    }
    // Running executions keep the definition they started with, as in AWS.
    if (i.definition !== undefined) {
      const definition = str(i.definition, 'definition');
      m.parsed = this.parse(definition);
      m.definition = definition;
    }
    if (i.roleArn !== undefined) m.roleArn = str(i.roleArn, 'roleArn');
    m.updatedAt = this.world.clock.now();
    return { updateDate: secs(m.updatedAt) };
  }

  private machine(arnIn: unknown): StateMachine {
    const arn = str(arnIn, 'stateMachineArn');
    if (!STATE_MACHINE_ARN.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    const m = this.machines.get(arn);
    if (!m) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private describeMachine(m: StateMachine): unknown {
    return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', definition: m.definition, roleArn: m.roleArn, type: 'STANDARD', creationDate: secs(m.createdAt) };
  }

  private list(i: Record<string, unknown>): unknown {
    const all = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { start, size } = this.page(i, all.length, 100, 1000);
    const slice = all.slice(start, start + size);
    return {
      stateMachines: slice.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: secs(m.createdAt) })),
      ...(start + size < all.length ? { nextToken: this.token(start + size) } : {}),
    };
  }

  // Executions ------------------------------------------------------------------------------------

  private start(i: Record<string, unknown>): unknown {
    const m = this.machine(i.stateMachineArn);
    const name = i.name === undefined ? randomUUID() : str(i.name, 'name');
    if (!validName(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = i.input === undefined ? '{}' : str(i.input, 'input');
    let input: Json;
    try {
      input = JSON.parse(inputText) as Json;
    } catch {
      throw new AwsError('InvalidExecutionInput', `Invalid State Machine Execution Input: 'Unexpected token in ${inputText.slice(0, 40)}'`);
    }
    const arn = `arn:aws:states:${this.region}:${this.world.account}:execution:${m.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // Standard executions are idempotent by name while running with the same input; otherwise the name is taken (90 days).
      if (existing.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(input)) return { executionArn: arn, startDate: secs(existing.startedAt) };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const now = this.world.clock.now();
    const exec = startExecution({ arn, name, input, startedAt: now, stateMachineArn: m.arn, roleArn: m.roleArn, definition: m.parsed });
    this.executions.set(arn, exec);
    advance(exec, now, (r, p) => this.invoke(r, p));
    return { executionArn: arn, startDate: secs(now) };
  }

  private exec(arnIn: unknown): ExecutionState {
    const arn = str(arnIn, 'executionArn');
    if (!EXECUTION_ARN.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    const e = this.executions.get(arn);
    if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  private describe(e: ExecutionState): unknown {
    return {
      executionArn: e.arn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: secs(e.startedAt),
      ...(e.stoppedAt !== undefined ? { stopDate: secs(e.stoppedAt) } : {}),
      input: JSON.stringify(e.input),
      inputDetails: { included: true },
      ...(e.status === 'SUCCEEDED' ? { output: JSON.stringify(e.output ?? null), outputDetails: { included: true } } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
    };
  }

  private history(i: Record<string, unknown>): unknown {
    const e = this.exec(i.executionArn);
    const events = i.reverseOrder === true ? [...e.events].reverse() : e.events;
    const { start, size } = this.page(i, events.length, DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE);
    const withData = i.includeExecutionData !== false;
    return {
      events: events.slice(start, start + size).map((ev) => wireEvent(ev, withData)),
      ...(start + size < events.length ? { nextToken: this.token(start + size) } : {}),
    };
  }

  private stop(i: Record<string, unknown>): unknown {
    const e = this.exec(i.executionArn);
    const error = typeof i.error === 'string' ? i.error : undefined;
    const cause = typeof i.cause === 'string' ? i.cause : undefined;
    abort(e, this.world.clock.now(), error, cause);
    return { stopDate: secs(e.stoppedAt ?? this.world.clock.now()) };
  }

  /** Page tokens are opaque to callers; here an offset, signed so a token from elsewhere is InvalidToken. */
  private token(offset: number): string {
    return Buffer.from(`sbx:${offset}`).toString('base64');
  }

  private page(i: Record<string, unknown>, total: number, dflt: number, max: number): { start: number; size: number } {
    const raw = i.maxResults;
    if (raw !== undefined && (typeof raw !== 'number' || raw < 0 || raw > max)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${String(raw)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
    }
    const size = raw === undefined || raw === 0 ? dflt : raw;
    if (i.nextToken === undefined) return { start: 0, size };
    const m = /^sbx:(\d+)$/.exec(Buffer.from(String(i.nextToken), 'base64').toString());
    const start = m ? Number(m[1]) : NaN;
    if (!(start >= 0 && start <= total)) throw new AwsError('InvalidToken', `Invalid Token: '${String(i.nextToken)}'`);
    return { start, size };
  }

  // Task resources --------------------------------------------------------------------------------

  /** Calls an AWS SDK integration on the simulated account; errors become `Ecs.<Code>` task errors, as AWS names them. */
  private invoke(resource: string, parameters: Json): Json {
    const sdk = sdkResource(resource);
    if (!sdk) throw new StatesError('States.TaskFailed', `The sandbox does not run the resource '${resource}' (only arn:aws:states:::aws-sdk:ecs:<action>)`);
    const [service, action] = sdk;
    const handlers = service === 'ecs' ? this.world.ecs.handlers() : undefined;
    const serviceName = pascal(service);
    const fn = handlers?.[action];
    if (!fn) throw new StatesError('States.TaskFailed', `The sandbox does not simulate ${service}:${action}`);
    const input = rekey(parameters, camel) as Record<string, unknown>;
    const at = this.world.clock.now();
    const fault = this.world.faults.draw(service, action);
    if (fault.error) {
      const code = fault.error === 'throttle' ? 'ThrottlingException' : 'InternalFailure';
      this.world.record.add({ at, service, op: action, input, error: code });
      throw new StatesError(`${serviceName}.${code}`, `injected fault (Service: ${serviceName}, Status Code: ${fault.error === 'throttle' ? 400 : 500})`);
    }
    try {
      const out = fn(input);
      if (out instanceof Promise) throw new StatesError('States.TaskFailed', `${service}:${action} answered asynchronously; the sandbox runs tasks synchronously`);
      this.world.record.add({ at, service, op: action, input });
      return rekey(out ?? {}, pascal);
    } catch (err) {
      if (err instanceof AwsError) {
        this.world.record.add({ at, service, op: action, input, error: err.code });
        throw new StatesError(`${serviceName}.${err.code}`, `${err.message} (Service: ${serviceName}, Status Code: ${err.status}, Request ID: ${randomUUID()})`);
      }
      throw err;
    }
  }
}

function wireEvent(ev: AslEvent, withData: boolean): unknown {
  const out: Record<string, unknown> = { ...ev, timestamp: secs(ev.timestamp) };
  if (ev.previousEventId === 0) delete out.previousEventId;
  if (!withData) {
    for (const [k, v] of Object.entries(out)) {
      if (k.endsWith('EventDetails') && v && typeof v === 'object') {
        const { input: _i, output: _o, ...rest } = v as Record<string, unknown>;
        out[k] = rest;
      }
    }
  }
  return out;
}
