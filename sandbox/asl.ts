// An Amazon States Language interpreter that runs on the sandbox clock: executions are plain data advanced by `advance(now)`.
import { applyTemplate, hasPath, readPath, selectPath, StatesError, writePath, type Json } from './asl-path.js';

export { StatesError, type Json } from './asl-path.js';

// Definitions -----------------------------------------------------------------------------------

export const StateType = {
  Pass: 'Pass',
  Task: 'Task',
  Wait: 'Wait',
  Choice: 'Choice',
  Parallel: 'Parallel',
  Map: 'Map',
  Succeed: 'Succeed',
  Fail: 'Fail',
} as const;
export type StateType = (typeof StateType)[keyof typeof StateType];

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
}
interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}
/** One state as written; fields of every type, since the interpreter reads them by type. */
export interface StateDef {
  Type: StateType;
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  OutputPath?: string | null;
  ResultPath?: string | null;
  Parameters?: Json;
  ResultSelector?: Json;
  Result?: Json;
  Resource?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Choices?: ChoiceRule[];
  Default?: string;
  Branches?: MachineDef[];
  ItemsPath?: string;
  ItemSelector?: Json;
  Iterator?: MachineDef;
  ItemProcessor?: MachineDef;
  MaxConcurrency?: number;
  Error?: string;
  Cause?: string;
}
export interface MachineDef {
  StartAt: string;
  States: Record<string, StateDef>;
  Comment?: string;
  TimeoutSeconds?: number;
}
type ChoiceRule = Record<string, Json> & { Next?: string };

/** Why a definition was refused, in AWS's words: `MISSING_TRANSITION_TARGET: … at /States/X/Next`. */
export class DefinitionError extends Error {}

const TYPES = new Set<string>(Object.values(StateType));

/** Checks what CreateStateMachine checks before accepting a definition; returns the parsed machine. */
export function parseDefinition(text: string): MachineDef {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DefinitionError(`INVALID_JSON_DESCRIPTION: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  checkMachine(raw, '', problems);
  if (problems.length > 0) throw new DefinitionError(problems.join(', '));
  return raw as MachineDef;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkMachine(raw: unknown, at: string, problems: string[]): void {
  if (!isObj(raw)) return void problems.push(`SCHEMA_VALIDATION_FAILED: The state machine must be an object at ${at || '/'}`);
  const states = raw.States;
  if (!isObj(states) || Object.keys(states).length === 0) return void problems.push(`SCHEMA_VALIDATION_FAILED: States is required at ${at}/States`);
  if (typeof raw.StartAt !== 'string') problems.push(`SCHEMA_VALIDATION_FAILED: StartAt is required at ${at}/StartAt`);
  else if (!(raw.StartAt in states)) problems.push(`MISSING_TRANSITION_TARGET: Missing 'Next' target: ${raw.StartAt} at ${at}/StartAt`);
  const target = (name: unknown, where: string) => {
    if (typeof name !== 'string' || !(name in states)) problems.push(`MISSING_TRANSITION_TARGET: Missing 'Next' target: ${String(name)} at ${where}`);
  };
  let terminal = false;
  for (const [name, s] of Object.entries(states)) {
    const here = `${at}/States/${name}`;
    if (!isObj(s) || typeof s.Type !== 'string' || !TYPES.has(s.Type)) {
      problems.push(`SCHEMA_VALIDATION_FAILED: ${isObj(s) ? `Value is not a valid state type: ${String(s.Type)}` : 'a state must be an object'} at ${here}/Type`);
      continue;
    }
    if (s.Type === 'Succeed' || s.Type === 'Fail') terminal = true;
    else if (s.Type === 'Choice') {
      if (!Array.isArray(s.Choices) || s.Choices.length === 0) problems.push(`SCHEMA_VALIDATION_FAILED: Choices is required at ${here}/Choices`);
      else s.Choices.forEach((c: unknown, i) => target(isObj(c) ? c.Next : undefined, `${here}/Choices/${i}/Next`));
      if (s.Default !== undefined) target(s.Default, `${here}/Default`);
    } else {
      if (s.End === true && s.Next !== undefined) problems.push(`SCHEMA_VALIDATION_FAILED: Next and End are mutually exclusive at ${here}`);
      else if (s.End === true) terminal = true;
      else if (s.Next === undefined) problems.push(`SCHEMA_VALIDATION_FAILED: Next or End is required at ${here}`);
      else target(s.Next, `${here}/Next`);
    }
    if (s.Type === 'Task' && typeof s.Resource !== 'string') problems.push(`SCHEMA_VALIDATION_FAILED: Resource is required at ${here}/Resource`);
    if (s.Type === 'Wait' && ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter((k) => k in s).length !== 1) {
      problems.push(`SCHEMA_VALIDATION_FAILED: a Wait needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath at ${here}`);
    }
    if (Array.isArray(s.Catch)) s.Catch.forEach((c: unknown, i) => target(isObj(c) ? c.Next : undefined, `${here}/Catch/${i}/Next`));
    if (s.Type === 'Parallel') {
      if (!Array.isArray(s.Branches) || s.Branches.length === 0) problems.push(`SCHEMA_VALIDATION_FAILED: Branches is required at ${here}/Branches`);
      else s.Branches.forEach((b: unknown, i) => checkMachine(b, `${here}/Branches/${i}`, problems));
    }
    if (s.Type === 'Map') {
      const proc = s.ItemProcessor ?? s.Iterator;
      if (proc === undefined) problems.push(`SCHEMA_VALIDATION_FAILED: ItemProcessor is required at ${here}`);
      else checkMachine(proc, `${here}/${s.ItemProcessor ? 'ItemProcessor' : 'Iterator'}`, problems);
    }
  }
  if (!terminal) problems.push(`MISSING_END_STATE: Workflow has no terminal state at ${at || '/'}`);
}

// Executions ------------------------------------------------------------------------------------

/** A history event in the API's shape, minus the timestamp encoding (ms here, seconds on the wire). */
export interface AslEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** One line of control: the root machine, a Parallel branch or a Map iteration. Plain data, so executions serialise. */
export interface Thread {
  /** Where this thread's `{StartAt, States}` lives in the definition, e.g. ['States', 'Fan', 'Branches', 0]. */
  path: (string | number)[];
  state: string;
  /** The raw input of the current state. */
  input: Json;
  /** Simulated ms at which this thread next acts (a Wait's end, a retry's interval). */
  at: number;
  enteredAt: number;
  status: 'running' | 'branches' | 'succeeded' | 'failed' | 'aborted';
  /** enter: emit the Entered event; act: do the work (a Task attempt, starting branches); exitWait: a Wait is over. */
  phase: 'enter' | 'act' | 'exitWait';
  attempts: number[];
  lastEventId: number;
  output?: Json;
  error?: string;
  cause?: string;
  children?: Thread[];
  /** Map: the effective inputs of the iterations not started yet (MaxConcurrency), and how many were made. */
  pendingItems?: Json[];
  itemCount?: number;
  /** Map iteration index, to name MapIteration* events; `reported` once its end was recorded on the parent. */
  index?: number;
  reported?: boolean;
  /** The effective input a composite state runs its branches with (kept for a Retry). */
  effective?: Json;
  mapItem?: { index: number; value: Json };
}

export interface ExecutionState {
  arn: string;
  name: string;
  input: Json;
  startedAt: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  stoppedAt?: number;
  output?: Json;
  error?: string;
  cause?: string;
  events: AslEvent[];
  root: Thread;
  stateMachineArn: string;
  roleArn: string;
  definition: MachineDef;
}

/** What a Task's Resource can reach: returns the task's output or throws a StatesError. */
export type TaskInvoker = (resource: string, parameters: Json) => Json;

/** AWS stops an execution at 25,000 history events. */
const MAX_EVENTS = 25_000;
/** Transitions per advance() before giving up on an execution that loops without waiting. */
const MAX_STEPS_PER_ADVANCE = 20_000;

export function startExecution(e: Omit<ExecutionState, 'status' | 'events' | 'root'>): ExecutionState {
  const exec: ExecutionState = {
    ...e,
    status: 'RUNNING',
    events: [],
    root: newThread([], e.definition.StartAt, e.input, e.startedAt, 0),
  };
  const ev = emit(exec, exec.root, 'ExecutionStarted', { executionStartedEventDetails: { input: JSON.stringify(e.input), inputDetails: { truncated: false }, roleArn: e.roleArn } });
  exec.root.lastEventId = ev.id;
  return exec;
}

function newThread(path: Thread['path'], state: string, input: Json, at: number, lastEventId: number): Thread {
  return { path, state, input, at, enteredAt: at, status: 'running', phase: 'enter', attempts: [], lastEventId };
}

function emit(exec: ExecutionState, thread: Thread, type: string, details: Record<string, unknown> = {}, at = thread.at): AslEvent {
  const ev: AslEvent = { id: exec.events.length + 1, previousEventId: thread.lastEventId, timestamp: at, type, ...details };
  exec.events.push(ev);
  thread.lastEventId = ev.id;
  return ev;
}

function machineAt(def: MachineDef, path: Thread['path']): MachineDef {
  let cur: unknown = def;
  for (const p of path) cur = (cur as Record<string | number, unknown>)[p];
  return cur as MachineDef;
}

function contextObject(exec: ExecutionState, t: Thread): Json {
  return {
    Execution: { Id: exec.arn, Name: exec.name, Input: exec.input, StartTime: new Date(exec.startedAt).toISOString(), RoleArn: exec.roleArn },
    StateMachine: { Id: exec.stateMachineArn },
    State: { Name: t.state, EnteredTime: new Date(t.enteredAt).toISOString(), RetryCount: t.attempts.reduce((a, b) => a + b, 0) },
    ...(t.mapItem ? { Map: { Item: { Index: t.mapItem.index, Value: t.mapItem.value } } } : {}),
  };
}

/** Runs an execution as far as simulated time `now` allows. */
export function advance(exec: ExecutionState, now: number, invoke: TaskInvoker): void {
  let steps = 0;
  // TimeoutSeconds of the whole machine: past it the execution is TIMED_OUT with States.Timeout.
  const deadline = exec.definition.TimeoutSeconds !== undefined ? exec.startedAt + exec.definition.TimeoutSeconds * 1000 : Infinity;
  while (exec.status === 'RUNNING') {
    const leaf = nextLeaf(exec.root);
    if ((leaf ? leaf.at : now) >= deadline && now >= deadline) {
      finish(exec, deadline, 'TIMED_OUT', 'States.Timeout', `The execution ran longer than its TimeoutSeconds (${exec.definition.TimeoutSeconds ?? 0})`);
      return;
    }
    if (!leaf || leaf.at > now) break;
    if (++steps > MAX_STEPS_PER_ADVANCE || exec.events.length > MAX_EVENTS) {
      finish(exec, leaf.at, 'FAILED', 'States.Runtime', `The execution reached the limit of ${MAX_EVENTS} history events`);
      return;
    }
    try {
      step(exec, leaf, invoke);
    } catch (err) {
      // A States.Runtime error (bad path, bad intrinsic) fails the whole execution, past any Catch.
      const e = err instanceof StatesError ? err : new StatesError('States.Runtime', String(err));
      if (e.error !== 'States.Runtime') throw err;
      finish(exec, leaf.at, 'FAILED', e.error, e.cause);
      return;
    }
    reconcile(exec, exec.root);
    const root = exec.root;
    if (root.status === 'succeeded') {
      finish(exec, root.at, 'SUCCEEDED');
      exec.output = root.output ?? null;
    } else if (root.status === 'failed') finish(exec, root.at, 'FAILED', root.error, root.cause);
  }
}

/** The runnable leaf thread that acts first (by simulated time), depth first. */
function nextLeaf(t: Thread): Thread | undefined {
  if (t.status === 'running') return t;
  if (t.status !== 'branches') return undefined;
  let best: Thread | undefined;
  for (const c of t.children ?? []) {
    const l = nextLeaf(c);
    if (l && (!best || l.at < best.at)) best = l;
  }
  return best;
}

function finish(exec: ExecutionState, at: number, status: ExecutionState['status'], error?: string, cause?: string): void {
  exec.status = status;
  exec.stoppedAt = at;
  const root = exec.root;
  if (status === 'SUCCEEDED') {
    emit(exec, root, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: JSON.stringify(root.output ?? null), outputDetails: { truncated: false } } }, at);
  } else {
    exec.error = error;
    exec.cause = cause;
    const key = status === 'ABORTED' ? 'executionAbortedEventDetails' : status === 'TIMED_OUT' ? 'executionTimedOutEventDetails' : 'executionFailedEventDetails';
    const type = status === 'ABORTED' ? 'ExecutionAborted' : status === 'TIMED_OUT' ? 'ExecutionTimedOut' : 'ExecutionFailed';
    emit(exec, root, type, { [key]: { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) } }, at);
    abortAll(root);
  }
}

function abortAll(t: Thread): void {
  if (t.status === 'running' || t.status === 'branches') t.status = 'aborted';
  for (const c of t.children ?? []) abortAll(c);
}

/** Stops a running execution now (StopExecution). */
export function abort(exec: ExecutionState, at: number, error?: string, cause?: string): void {
  if (exec.status !== 'RUNNING') return;
  finish(exec, at, 'ABORTED', error, cause);
}

const json = (v: Json) => JSON.stringify(v);

function step(exec: ExecutionState, t: Thread, invoke: TaskInvoker): void {
  const def = machineAt(exec.definition, t.path).States[t.state];
  if (!def) throw new StatesError('States.Runtime', `state ${t.state} does not exist`);
  const ctx = contextObject(exec, t);
  if (t.phase === 'enter') {
    t.enteredAt = t.at;
    emit(exec, t, `${def.Type}StateEntered`, { stateEnteredEventDetails: { name: t.state, input: json(t.input), inputDetails: { truncated: false } } });
  }
  switch (def.Type) {
    case 'Pass': {
      const effective = selectPath(def.InputPath, t.input, ctx);
      const result = def.Result !== undefined ? def.Result : def.Parameters !== undefined ? applyTemplate(def.Parameters, effective, ctx) : effective;
      return exit(exec, t, def, finalOutput(def, t.input, result, ctx));
    }
    case 'Succeed': {
      const out = selectPath(def.OutputPath, selectPath(def.InputPath, t.input, ctx), ctx);
      emit(exec, t, 'SucceedStateExited', { stateExitedEventDetails: { name: t.state, output: json(out), outputDetails: { truncated: false } } });
      t.status = 'succeeded';
      t.output = out;
      return;
    }
    case 'Fail':
      t.status = 'failed';
      t.error = def.Error;
      t.cause = def.Cause;
      return;
    case 'Choice': {
      const effective = selectPath(def.InputPath, t.input, ctx);
      const rule = (def.Choices ?? []).find((r) => evalRule(r, effective, ctx));
      const next = rule?.Next ?? def.Default;
      if (next === undefined) return fail(exec, t, def, new StatesError('States.NoChoiceMatched', `No Choice Rules matched and no Default is set in state '${t.state}'`));
      const out = selectPath(def.OutputPath, effective, ctx);
      emit(exec, t, 'ChoiceStateExited', { stateExitedEventDetails: { name: t.state, output: json(out), outputDetails: { truncated: false } } });
      return moveTo(t, next, out);
    }
    case 'Wait': {
      if (t.phase === 'enter') {
        const effective = selectPath(def.InputPath, t.input, ctx);
        t.at = waitUntil(def, t.at, effective, ctx);
        t.phase = 'exitWait';
        return;
      }
      const out = selectPath(def.OutputPath, selectPath(def.InputPath, t.input, ctx), ctx);
      return exit(exec, t, def, out);
    }
    case 'Task': {
      t.phase = 'act';
      const effective = selectPath(def.InputPath, t.input, ctx);
      const params = def.Parameters !== undefined ? applyTemplate(def.Parameters, effective, ctx) : effective;
      const resource = def.Resource ?? '';
      // History names `arn:aws:states:::aws-sdk:ecs:updateService` as resourceType aws-sdk:ecs, resource updateService.
      const parts = resource.replace(/^arn:aws[\w-]*:states:::/, '').split(':');
      const task = { resourceType: parts.slice(0, -1).join(':') || 'unknown', resource: parts.at(-1) ?? resource };
      emit(exec, t, 'TaskScheduled', { taskScheduledEventDetails: { ...task, region: exec.arn.split(':')[3] ?? '', parameters: json(params) } });
      emit(exec, t, 'TaskStarted', { taskStartedEventDetails: task });
      let result: Json;
      try {
        result = invoke(resource, params);
      } catch (err) {
        const e = err instanceof StatesError ? err : new StatesError('States.TaskFailed', String(err));
        emit(exec, t, 'TaskFailed', { taskFailedEventDetails: { ...task, error: e.error, cause: e.cause } });
        return fail(exec, t, def, e);
      }
      emit(exec, t, 'TaskSucceeded', { taskSucceededEventDetails: { ...task, output: json(result), outputDetails: { truncated: false } } });
      const selected = def.ResultSelector !== undefined ? applyTemplate(def.ResultSelector, result, ctx) : result;
      return exit(exec, t, def, finalOutput(def, t.input, selected, ctx));
    }
    case 'Parallel':
    case 'Map':
      return startBranches(exec, t, def, ctx);
  }
}

/** ResultPath then OutputPath, shared by Pass, Task, Parallel and Map. */
function finalOutput(def: StateDef, rawInput: Json, result: Json, ctx: Json): Json {
  const merged = def.ResultPath === null ? rawInput : writePath(def.ResultPath ?? '$', rawInput, result);
  return selectPath(def.OutputPath, merged, ctx);
}

function exit(exec: ExecutionState, t: Thread, def: StateDef, output: Json): void {
  emit(exec, t, `${def.Type}StateExited`, { stateExitedEventDetails: { name: t.state, output: json(output), outputDetails: { truncated: false } } });
  if (def.End) {
    t.status = 'succeeded';
    t.output = output;
  } else moveTo(t, def.Next ?? '', output);
}

function moveTo(t: Thread, next: string, input: Json): void {
  t.state = next;
  t.input = input;
  t.phase = 'enter';
  t.attempts = [];
}

function waitUntil(def: StateDef, at: number, input: Json, ctx: Json): number {
  if (def.Seconds !== undefined) return at + def.Seconds * 1000;
  if (def.SecondsPath !== undefined) {
    const s = readPath(def.SecondsPath, input, ctx);
    if (typeof s !== 'number' || s < 0) throw new StatesError('States.Runtime', `SecondsPath '${def.SecondsPath}' is not a non-negative number`);
    return at + s * 1000;
  }
  const ts = def.Timestamp ?? readPath(def.TimestampPath ?? '$', input, ctx);
  const when = typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (Number.isNaN(when)) throw new StatesError('States.Runtime', `'${String(ts)}' is not an ISO-8601 timestamp`);
  return Math.max(at, when);
}

// Errors: Retry then Catch ----------------------------------------------------------------------

function matches(names: string[], error: string): boolean {
  // States.ALL matches every error but States.Runtime, which AWS never lets a workflow handle.
  return names.includes(error) || (names.includes('States.ALL') && error !== 'States.Runtime');
}

function fail(exec: ExecutionState, t: Thread, def: StateDef, e: StatesError): void {
  if (e.error === 'States.Runtime') throw e;
  const retriers = def.Retry ?? [];
  const i = retriers.findIndex((r) => matches(r.ErrorEquals, e.error));
  const r = retriers[i];
  if (r) {
    const done = t.attempts[i] ?? 0;
    if (done < (r.MaxAttempts ?? 3)) {
      t.attempts[i] = done + 1;
      t.at += (r.IntervalSeconds ?? 1) * 1000 * Math.pow(r.BackoffRate ?? 2, done);
      t.phase = 'act';
      t.status = 'running';
      delete t.children;
      return;
    }
  }
  const c = (def.Catch ?? []).find((x) => matches(x.ErrorEquals, e.error));
  if (c) {
    const errorOutput: Json = { Error: e.error, Cause: e.cause };
    const out = c.ResultPath === null ? t.input : writePath(c.ResultPath ?? '$', t.input, errorOutput);
    emit(exec, t, `${def.Type}StateExited`, { stateExitedEventDetails: { name: t.state, output: json(out), outputDetails: { truncated: false } } });
    t.status = 'running';
    delete t.children;
    return moveTo(t, c.Next, out);
  }
  t.status = 'failed';
  t.error = e.error;
  t.cause = e.cause;
  delete t.children;
}

// Parallel and Map ------------------------------------------------------------------------------

function startBranches(exec: ExecutionState, t: Thread, def: StateDef, ctx: Json): void {
  const effective = selectPath(def.InputPath, t.input, ctx);
  t.phase = 'act';
  t.status = 'branches';
  if (def.Type === 'Parallel') {
    const input = def.Parameters !== undefined ? applyTemplate(def.Parameters, effective, ctx) : effective;
    emit(exec, t, 'ParallelStateStarted');
    t.children = (def.Branches ?? []).map((b, i) => newThread([...t.path, 'States', t.state, 'Branches', i], b.StartAt, input, t.at, t.lastEventId));
    return;
  }
  const items = def.ItemsPath !== undefined ? readPath(def.ItemsPath, effective, ctx) : effective;
  if (!Array.isArray(items)) return fail(exec, t, def, new StatesError('States.Runtime', `Map's ItemsPath '${def.ItemsPath ?? '$'}' does not point to an array`));
  const selector = def.ItemSelector ?? def.Parameters;
  // Each iteration's input comes from the selector with $$.Map.Item in its context (Parameters in older definitions).
  t.pendingItems = items.map((value, index) =>
    selector !== undefined ? applyTemplate(selector, effective, { ...(ctx as Record<string, Json>), Map: { Item: { Index: index, Value: value } } }) : value,
  );
  t.itemCount = 0;
  t.children = [];
  emit(exec, t, 'MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
  startIterations(exec, t, def, t.at);
}

function startIterations(exec: ExecutionState, t: Thread, def: StateDef, at: number): void {
  const proc = def.ItemProcessor ?? def.Iterator;
  const key = def.ItemProcessor ? 'ItemProcessor' : 'Iterator';
  const limit = def.MaxConcurrency && def.MaxConcurrency > 0 ? def.MaxConcurrency : Infinity;
  const running = () => (t.children ?? []).filter((c) => c.status === 'running' || c.status === 'branches').length;
  while (proc && (t.pendingItems?.length ?? 0) > 0 && running() < limit) {
    const index = t.itemCount ?? 0;
    const input = t.pendingItems?.shift() ?? null;
    t.itemCount = index + 1;
    const ev = emit(exec, t, 'MapIterationStarted', { mapIterationStartedEventDetails: { name: t.state, index } }, at);
    const child = newThread([...t.path, 'States', t.state, key], proc.StartAt, input, at, ev.id);
    child.index = index;
    t.children?.push(child);
  }
}

/** Folds finished branches and iterations back into their Parallel or Map state, innermost first. */
function reconcile(exec: ExecutionState, t: Thread): void {
  if (t.status !== 'branches') return;
  const children = t.children ?? [];
  for (const c of children) reconcile(exec, c);
  const def = machineAt(exec.definition, t.path).States[t.state];
  if (!def) return;
  const failed = children.find((c) => c.status === 'failed');
  if (failed) {
    t.at = Math.max(t.at, failed.at);
    if (def.Type === 'Map') emit(exec, t, 'MapIterationFailed', { mapIterationFailedEventDetails: { name: t.state, index: failed.index ?? 0 } });
    emit(exec, t, `${def.Type}StateFailed`);
    for (const c of children) abortAll(c);
    return fail(exec, t, def, new StatesError(failed.error ?? 'States.BranchFailed', failed.cause ?? ''));
  }
  if (def.Type === 'Map') {
    for (const c of children.filter((x) => x.status === 'succeeded' && !x.reported)) {
      c.reported = true;
      emit(exec, t, 'MapIterationSucceeded', { mapIterationSucceededEventDetails: { name: t.state, index: c.index ?? 0 } }, c.at);
      startIterations(exec, t, def, c.at);
    }
  }
  if ((t.pendingItems?.length ?? 0) > 0 || !children.every((c) => c.status === 'succeeded')) return;
  t.at = children.reduce((m, c) => Math.max(m, c.at), t.at);
  emit(exec, t, `${def.Type}StateSucceeded`);
  const ordered = [...children].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const result: Json = ordered.map((c) => c.output ?? null);
  delete t.children;
  delete t.pendingItems;
  t.status = 'running';
  const ctx = contextObject(exec, t);
  const selected = def.ResultSelector !== undefined ? applyTemplate(def.ResultSelector, result, ctx) : result;
  exit(exec, t, def, finalOutput(def, t.input, selected, ctx));
}

// Choice rules ----------------------------------------------------------------------------------

const COMPARATORS = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/;

function evalRule(rule: ChoiceRule, input: Json, ctx: Json): boolean {
  if (Array.isArray(rule.And)) return rule.And.every((r) => evalRule(r as ChoiceRule, input, ctx));
  if (Array.isArray(rule.Or)) return rule.Or.some((r) => evalRule(r as ChoiceRule, input, ctx));
  if (rule.Not !== undefined) return !evalRule(rule.Not as ChoiceRule, input, ctx);
  const variable = rule.Variable;
  if (typeof variable !== 'string') throw new StatesError('States.Runtime', 'a Choice rule needs a Variable');
  if ('IsPresent' in rule) return hasPath(variable, input, ctx) === rule.IsPresent;
  const value = readPath(variable, input, ctx);
  if ('IsNull' in rule) return (value === null) === rule.IsNull;
  if ('IsNumeric' in rule) return (typeof value === 'number') === rule.IsNumeric;
  if ('IsString' in rule) return (typeof value === 'string') === rule.IsString;
  if ('IsBoolean' in rule) return (typeof value === 'boolean') === rule.IsBoolean;
  if ('IsTimestamp' in rule) return (typeof value === 'string' && !Number.isNaN(Date.parse(value))) === rule.IsTimestamp;
  for (const [key, raw] of Object.entries(rule)) {
    const m = COMPARATORS.exec(key);
    if (!m) continue;
    const [, kind, op, isPath] = m;
    const other = isPath && typeof raw === 'string' ? readPath(raw, input, ctx) : raw;
    return compare(kind ?? '', op ?? '', value, other ?? null);
  }
  throw new StatesError('States.Runtime', `Choice rule ${JSON.stringify(rule)} has no comparison the sandbox knows`);
}

function compare(kind: string, op: string, a: Json, b: Json): boolean {
  // A type mismatch is simply "no match", as in AWS.
  if (kind === 'Boolean') return typeof a === 'boolean' && a === b;
  if (kind === 'String' && op === 'Matches') {
    if (typeof a !== 'string' || typeof b !== 'string') return false;
    const re = new RegExp(`^${b.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return re.test(a);
  }
  let x: number | string;
  let y: number | string;
  if (kind === 'Numeric') {
    if (typeof a !== 'number' || typeof b !== 'number') return false;
    [x, y] = [a, b];
  } else if (kind === 'Timestamp') {
    if (typeof a !== 'string' || typeof b !== 'string') return false;
    [x, y] = [Date.parse(a), Date.parse(b)];
  } else {
    if (typeof a !== 'string' || typeof b !== 'string') return false;
    [x, y] = [a, b];
  }
  switch (op) {
    case 'Equals':
      return x === y;
    case 'LessThan':
      return x < y;
    case 'GreaterThan':
      return x > y;
    case 'LessThanEquals':
      return x <= y;
    case 'GreaterThanEquals':
      return x >= y;
    default:
      return false;
  }
}
