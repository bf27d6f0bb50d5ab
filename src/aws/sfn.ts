// Step Functions for the `stepfunctions` startup engine: keep the state machine in step with ops.yml, start and follow executions.
import type { HistoryEvent as SdkHistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { sdk } from './sdk.js';
import { AwsErrorCode, AwsGatewayError, awsErrorName, translate } from './errors.js';
import { messages, type Lang } from '../i18n/index.js';

/** The gateway's words for what a call was about, in a language (src/i18n/resources.ts). */
const said = (lang: Lang) => messages(lang).resources;

export const ExecutionStatus = {
  running: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  timedOut: 'TIMED_OUT',
  aborted: 'ABORTED',
  pendingRedrive: 'PENDING_REDRIVE',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export interface StateMachineInfo {
  arn: string;
  name: string;
  /** The definition as a parsed object (what `ensureStateMachine` compares). */
  definition: unknown;
  roleArn: string;
}

export interface ExecutionInfo {
  arn: string;
  status: ExecutionStatus;
  startedAt: Date;
  stoppedAt?: Date;
  error?: string;
  cause?: string;
  /** Parsed JSON output, when the execution succeeded. */
  output?: unknown;
  /** Parsed JSON input, to tell a retried start from a clash of names. */
  input?: unknown;
}

/** One history event, without SDK types: the detail is the event's `*EventDetails`, input/output JSON parsed. */
export interface HistoryEvent {
  id: number;
  previousId?: number;
  type: string;
  at: Date;
  /** The state entered or exited (StateEntered/StateExited events) or the Map state of a MapIteration event. */
  stateName?: string;
  detail: Record<string, unknown>;
}

/** Step Functions returns at most 1,000 events a page. */
const HISTORY_PAGE = 1000;

/** JSON with object keys sorted, so two definitions compare equal whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function parseJson(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

function toEvent(e: SdkHistoryEvent): HistoryEvent {
  // Exactly one *EventDetails member is set per event; which one depends on the type.
  const [, raw] = Object.entries(e).find(([k, v]) => k.endsWith('EventDetails') && v !== undefined) ?? [undefined, {}];
  const detail: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const k of ['input', 'output', 'parameters'] as const) if (typeof detail[k] === 'string') detail[k] = parseJson(detail[k]);
  const name = typeof detail.name === 'string' ? detail.name : undefined;
  return {
    id: e.id ?? 0,
    ...(e.previousEventId ? { previousId: e.previousEventId } : {}),
    type: e.type ?? 'Unknown',
    at: e.timestamp ?? new Date(0),
    ...(name !== undefined ? { stateName: name } : {}),
    detail,
  };
}

export class SfnGateway {
  constructor(
    private readonly client: SFNClient,
    private readonly ctx: { envName: string; region: string },
  ) {}

  private get hint(): string {
    return `check environments.${this.ctx.envName}.startup (engine stepfunctions, stateMachineRoleArn) and the region ${this.ctx.region}`;
  }

  /** The state machine of that name in this account and region, or undefined. */
  async stateMachine(name: string): Promise<StateMachineInfo | undefined> {
    let nextToken: string | undefined;
    let arn: string | undefined;
    try {
      do {
        const page = await this.client.send(new sdk.sfn.ListStateMachinesCommand({ nextToken, maxResults: 1000 }));
        arn = page.stateMachines?.find((m) => m.name === name)?.stateMachineArn;
        nextToken = page.nextToken;
      } while (!arn && nextToken);
      if (!arn) return undefined;
      const m = await this.client.send(new sdk.sfn.DescribeStateMachineCommand({ stateMachineArn: arn }));
      return { arn, name, definition: parseJson(m.definition), roleArn: m.roleArn ?? '' };
    } catch (err) {
      throw translate(err, (l) => said(l).sfn.stateMachine({ name }), this.hint, ['StateMachineDoesNotExist']);
    }
  }

  /** Creates the state machine, or updates it when its definition or role differs; returns its ARN. */
  async ensureStateMachine(name: string, definition: object, roleArn: string): Promise<string> {
    const existing = await this.stateMachine(name);
    const text = JSON.stringify(definition);
    try {
      if (!existing) {
        const out = await this.client.send(new sdk.sfn.CreateStateMachineCommand({ name, definition: text, roleArn, type: 'STANDARD' }));
        return out.stateMachineArn ?? '';
      }
      if (canonical(existing.definition) !== canonical(definition) || existing.roleArn !== roleArn) {
        await this.client.send(new sdk.sfn.UpdateStateMachineCommand({ stateMachineArn: existing.arn, definition: text, roleArn }));
      }
      return existing.arn;
    } catch (err) {
      if (awsErrorName(err) === 'InvalidDefinition') {
        // The bot compiled this definition itself, so this is a bug of ours, not a config mistake: say what AWS said.
        throw translate(err, (l) => said(l).sfn.invalidAsl({ name }), (l) => said(l).hint.aslBug);
      }
      if (awsErrorName(err) === 'StateMachineAlreadyExists') {
        // Created by someone else between our read and our write: read again and converge.
        return this.ensureStateMachine(name, definition, roleArn);
      }
      throw translate(err, (l) => said(l).sfn.stateMachine({ name }), this.hint, ['StateMachineDoesNotExist']);
    }
  }

  /**
   * Starts an execution named `name` (the run id). Idempotent: the same name with the same input, running
   * or already finished, returns the existing execution; the same name with another input is a conflict.
   */
  async startExecution(stateMachineArn: string, name: string, input: unknown): Promise<string> {
    const text = JSON.stringify(input ?? {});
    try {
      const out = await this.client.send(new sdk.sfn.StartExecutionCommand({ stateMachineArn, name, input: text }));
      return out.executionArn ?? '';
    } catch (err) {
      if (awsErrorName(err) !== 'ExecutionAlreadyExists') throw translate(err, (l) => said(l).sfn.stateMachine({ name: stateMachineArn }), this.hint, ['StateMachineDoesNotExist']);
      // AWS answers ExecutionAlreadyExists once the first execution has finished; the name is the run id, so it is ours.
      const arn = stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
      const existing = await this.execution(arn);
      if (canonical(existing.input) !== canonical(JSON.parse(text))) {
        throw new AwsGatewayError(AwsErrorCode.conflict, `execution ${name} of ${stateMachineArn} already ran with another input — start a new run`, { cause: err });
      }
      return arn;
    }
  }

  async execution(arn: string): Promise<ExecutionInfo> {
    try {
      const e = await this.client.send(new sdk.sfn.DescribeExecutionCommand({ executionArn: arn }));
      return {
        arn,
        status: (e.status ?? 'RUNNING') as ExecutionStatus,
        startedAt: e.startDate ?? new Date(0),
        ...(e.stopDate ? { stoppedAt: e.stopDate } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.cause !== undefined ? { cause: e.cause } : {}),
        ...(e.output !== undefined ? { output: parseJson(e.output) } : {}),
        ...(e.input !== undefined ? { input: parseJson(e.input) } : {}),
      };
    } catch (err) {
      throw translate(err, (l) => said(l).sfn.execution({ arn }), this.hint, ['ExecutionDoesNotExist']);
    }
  }

  /**
   * The events after `sinceEventId` (all of them when absent), oldest first, following every page.
   * With a cursor it reads newest first and stops at the cursor, so polling a long execution stays cheap.
   */
  async history(arn: string, sinceEventId = 0): Promise<HistoryEvent[]> {
    const out: HistoryEvent[] = [];
    const reverseOrder = sinceEventId > 0;
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(new sdk.sfn.GetExecutionHistoryCommand({ executionArn: arn, maxResults: HISTORY_PAGE, reverseOrder, nextToken }));
        nextToken = page.nextToken;
        for (const e of page.events ?? []) {
          if ((e.id ?? 0) <= sinceEventId) {
            nextToken = undefined;
            break;
          }
          out.push(toEvent(e));
        }
      } while (nextToken);
    } catch (err) {
      throw translate(err, (l) => said(l).sfn.history({ arn }), this.hint, ['ExecutionDoesNotExist']);
    }
    return reverseOrder ? out.reverse() : out;
  }

  /** Stops a running execution (ABORTED); stopping one that already ended changes nothing. */
  async stop(arn: string, cause: string): Promise<void> {
    try {
      await this.client.send(new sdk.sfn.StopExecutionCommand({ executionArn: arn, cause: cause.slice(0, 32_768), error: 'ecs-chatops.Stopped' }));
    } catch (err) {
      throw translate(err, (l) => said(l).sfn.execution({ arn }), this.hint, ['ExecutionDoesNotExist']);
    }
  }
}
