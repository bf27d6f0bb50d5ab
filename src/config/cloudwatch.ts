// The ops.yml shapes of CloudWatch gates: alarm patience and the green-against-blue analysis of a canary.
import { z } from 'zod';

/** A metric by name, as GetMetricData reads it: `{ namespace: MyApp, name: Errors, dimensions: { Color: green }, stat: Sum }`. */
export const MetricRefSchema = z
  .object({
    namespace: z.string().min(1).max(255),
    name: z.string().min(1).max(255),
    dimensions: z.record(z.string().min(1).max(255), z.string().min(1).max(1024)).default({}),
    stat: z
      .string()
      .regex(/^(Sum|Average|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/, 'stat must be Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99')
      .default('Sum'),
  })
  .strict();
export type MetricRefConfig = z.infer<typeof MetricRefSchema>;

const SideSchema = z
  .object({
    requests: MetricRefSchema.describe('requests served (stat Sum)'),
    errors: MetricRefSchema.describe('failed requests (stat Sum)'),
    p99: MetricRefSchema.optional().describe('response time in seconds (stat p99)'),
  })
  .strict();

/**
 * Green against blue over each bake. ALB canaries read their target groups' own metrics; Route 53 canaries
 * read the metrics named under `metrics`. Defaults are what an on-call SRE would accept for a web service.
 */
export const AnalysisSchema = z
  .object({
    enabled: z.boolean().default(true),
    maxErrorRateIncrease: z
      .number()
      .min(0)
      .max(100)
      .default(1)
      .describe("percentage points: green's 5XX rate may exceed blue's by at most this much (1: blue 0.2 % → green up to 1.2 %)"),
    maxP99IncreasePercent: z.number().min(0).max(1000).default(25).describe("green's p99 latency may exceed blue's by at most this many percent…"),
    minP99IncreaseMs: z.number().min(0).max(60_000).default(50).describe('…and a difference below this many ms is never a failure (noise)'),
    minRequests: z.number().int().min(1).max(1_000_000).default(100).describe('requests each side must have served in the bake before it can pass; below, the bake waits'),
    inconclusiveAfterSeconds: z
      .number()
      .int()
      .min(60)
      .max(86_400)
      .default(900)
      .describe('after the bake, how long to wait for enough traffic before asking a person (Promote or Rollback)'),
    metrics: z.object({ blue: SideSchema, green: SideSchema }).strict().optional().describe('Route 53 canaries: the metrics of each side'),
  })
  .strict();
export type AnalysisConfig = z.infer<typeof AnalysisSchema>;

/** How long an alarm may sit in INSUFFICIENT_DATA before a gate refuses to count it (seconds). */
export const insufficientDataSeconds = z
  .number()
  .int()
  .min(0)
  .max(86_400)
  .default(300)
  .describe('an alarm in INSUFFICIENT_DATA longer than this is a refusal, never a pass');
