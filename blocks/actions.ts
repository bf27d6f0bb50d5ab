// Button ids and payloads, defined once: blocks render them, handlers parse them (zod), nothing else invents one.
import { z } from 'zod';

export const Intent = {
  approve: 'approve',
  rollback: 'rollback',
  promote: 'promote',
  /** Argo Rollouts' `promote --full`: skip every remaining step of a canary. */
  promoteFull: 'promote-full',
  pause: 'pause',
  cancel: 'cancel',
  retry: 'retry',
  finish: 'finish',
  skip: 'skip',
} as const;
export type Intent = (typeof Intent)[keyof typeof Intent];

/** Every run button has action_id `run.<intent>`; a handler matches /^run\./. */
export const runActionId = (intent: string): string => `run.${intent}`;

export const ActionId = {
  endMaintenance: 'maintenance.end',
  scheduleCancel: 'schedule.cancel',
  scheduleSkip: 'schedule.skip',
} as const;

/** A run button's value: which run, and which decision point (nonce) it was rendered for. */
export const RunButtonSchema = z
  .object({
    r: z.string().regex(/^r-[0-9a-z]+-[0-9a-z]+$/, 'not a run id'),
    n: z.string().min(1).max(200),
  })
  .strict();
export type RunButton = z.infer<typeof RunButtonSchema>;

export function runButtonValue(runId: string, nonce: string): string {
  return JSON.stringify({ r: runId, n: nonce } satisfies RunButton);
}

/** End maintenance carries the environment and the start run whose message shows it: one press per rendering. */
export const EndMaintenanceSchema = z.object({ e: z.string().min(1).max(40), r: RunButtonSchema.shape.r }).strict();
export const endMaintenanceValue = (env: string, runId: string): string => JSON.stringify({ e: env, r: runId } satisfies z.infer<typeof EndMaintenanceSchema>);

/** `{ env, of }` from an End maintenance value; a bare environment name is a rendering from before the run id. */
export function parseEndMaintenance(value: string | undefined): { env: string; of?: string } | undefined {
  if (value === undefined) return undefined;
  if (/^[a-z][a-z0-9-]{0,30}$/.test(value)) return { env: value };
  try {
    const parsed = EndMaintenanceSchema.safeParse(JSON.parse(value));
    return parsed.success ? { env: parsed.data.e, of: parsed.data.r } : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a button value; undefined for anything malformed (a forged or truncated payload). */
export function parseRunButton(value: string | undefined): RunButton | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = RunButtonSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
