// The database tables, as Kysely types: one schema for SQLite (default) and PostgreSQL.
import type { Generated } from 'kysely';

export interface RunsTable {
  id: string;
  kind: string;
  env: string;
  target: string;
  /** JSON: the validated parameters of the request. */
  params: string;
  requested_by: string;
  state: string;
  channel: string | null;
  ts: string | null;
  thread_note: string | null;
  version: number;
  /** JSON: what the operation wants shown (per-service rows, weights, …). */
  view: string;
  /** JSON: { reason, since, deadline? } while paused. */
  pause: string | null;
  error: string | null;
  owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
}

export interface StepsTable {
  run_id: string;
  step_id: string;
  status: string;
  result: string | null;
  error: string | null;
  started_at: number;
  ended_at: number | null;
}

export interface ShownTable {
  run_id: string;
  /** The run's version the status message last showed. */
  version: number;
}

export interface LocksTable {
  target: string;
  run_id: string;
  held_by: string;
  since: number;
}

export interface IntentsTable {
  id: Generated<number>;
  run_id: string;
  name: string;
  by: string;
  at: number;
  /** Two presses of one button are one intent: (run, name, dedupe) is unique. */
  dedupe: string;
  consumed_at: number | null;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  env: string | null;
  run_id: string | null;
  actor: string;
  action: string;
  detail: string;
}

export interface SchedulesTable {
  id: string;
  env: string;
  kind: string;
  /** 'cron' (recurring, from config) or 'once' (a typed window). */
  type: string;
  spec: string;
  params: string;
  created_by: string;
  created_at: number;
  cancelled_at: number | null;
  /** The next time it fires, ms. */
  next_at: number | null;
  /** A one-off skip: the fire at this time does not happen. */
  skip_at: number | null;
}

export interface FiresTable {
  /** `<schedule id>@<fire time>`: claimed once, across restarts and replicas. */
  key: string;
  at: number;
  run_id: string | null;
}

export interface KvTable {
  key: string;
  value: string;
  updated_at: number;
}

/** A token bucket shared by the replicas (the workspace's chat.update budget). */
export interface BudgetTable {
  key: string;
  tokens: number;
  refilled_at: number;
}

export interface Database {
  runs: RunsTable;
  steps: StepsTable;
  locks: LocksTable;
  intents: IntentsTable;
  audit: AuditTable;
  schedules: SchedulesTable;
  fires: FiresTable;
  kv: KvTable;
  budget: BudgetTable;
  shown: ShownTable;
}
