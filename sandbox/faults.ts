// Fault injection: throttling, server errors and latency, per service and operation, for a fraction of calls.
import { z } from 'zod';

export const FaultSchema = z
  .object({
    service: z.enum(['ecs', 'elbv2', 'route53', 'codedeploy', 'sfn', 'cloudwatch']).optional(),
    op: z.string().optional(),
    kind: z.enum(['throttle', 'error5xx', 'latency']),
    /** Fraction of matching calls affected, 0–1. */
    rate: z.number().min(0).max(1).default(1),
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    /** Affect at most this many calls, then stop. */
    count: z.number().int().min(1).optional(),
  })
  .strict();
export type Fault = z.infer<typeof FaultSchema>;

/** Mulberry32: a small seeded generator, so fault patterns repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private list: (Fault & { used: number })[] = [];
  constructor(private readonly random: () => number = seededRandom(42)) {}

  add(f: z.input<typeof FaultSchema>): void {
    this.list.push({ ...FaultSchema.parse(f), used: 0 });
  }

  clear(): void {
    this.list = [];
  }

  active(): Fault[] {
    return this.list.filter((f) => f.count === undefined || f.used < f.count);
  }

  /** The faults that hit this call (at most one error kind, plus latency). */
  draw(service: string, op: string): { latencyMs: number; error?: 'throttle' | 'error5xx' } {
    let latencyMs = 0;
    let error: 'throttle' | 'error5xx' | undefined;
    for (const f of this.list) {
      if (f.service !== undefined && f.service !== service) continue;
      if (f.op !== undefined && f.op !== op) continue;
      if (f.count !== undefined && f.used >= f.count) continue;
      if (this.random() >= f.rate) continue;
      f.used += 1;
      if (f.kind === 'latency') latencyMs += f.latencyMs;
      else error ??= f.kind;
    }
    return error ? { latencyMs, error } : { latencyMs };
  }
}
