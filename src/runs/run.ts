// A run: one operation instance, its states, and how it is read from a database row.
import { z } from 'zod';
import type { RunRow } from '../store/store.js';

export const RunState = {
  planned: 'planned',
  awaitingConfirmation: 'awaiting_confirmation',
  running: 'running',
  awaitingApproval: 'awaiting_approval',
  succeeded: 'succeeded',
  failed: 'failed',
  rolledBack: 'rolled_back',
  cancelled: 'cancelled',
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];
export const RunStateSchema = z.enum(Object.values(RunState) as [RunState, ...RunState[]]);

export const ACTIVE: readonly RunState[] = [RunState.planned, RunState.awaitingConfirmation, RunState.running, RunState.awaitingApproval];
export const isActive = (s: RunState): boolean => ACTIVE.includes(s);

/** Why a run waits, since when, and until when (then `onTimeout`). */
export interface Pause {
  reason: string;
  since: number;
  deadline?: number;
  /** The intents a person may give now, e.g. ['approve', 'cancel']. */
  intents: string[];
  /** A token of this decision point: a button carries it, so a press meant for an older pause is stale. */
  nonce: string;
}

export interface Run {
  id: string;
  kind: string;
  env: string;
  target: string;
  params: Record<string, unknown>;
  requestedBy: string;
  state: RunState;
  channel: string | null;
  ts: string | null;
  version: number;
  view: Record<string, unknown>;
  pause: Pause | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
}

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    kind: row.kind,
    env: row.env,
    target: row.target,
    params: JSON.parse(row.params) as Record<string, unknown>,
    requestedBy: row.requested_by,
    state: RunStateSchema.parse(row.state),
    channel: row.channel,
    ts: row.ts,
    version: row.version,
    view: JSON.parse(row.view) as Record<string, unknown>,
    pause: row.pause ? (JSON.parse(row.pause) as Pause) : null,
    error: row.error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  };
}

/** Short, sortable, unguessable enough for a link: `r-<time base36>-<random>`. */
export function newRunId(now: number, random: () => number = Math.random): string {
  const rand = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `r-${now.toString(36)}-${rand}`;
}
