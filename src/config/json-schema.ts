// The JSON Schema of ops.yml, generated from the one zod schema (zod 4's own converter).
import { z } from 'zod';
import { OpsConfigSchema } from './schema.js';

export function opsJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(OpsConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'ecs-chatops ops.yml',
  };
}
