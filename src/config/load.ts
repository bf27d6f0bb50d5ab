// Reads ops.yml: YAML syntax errors with their line, schema errors with their path and the fix.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { OpsConfigSchema, type OpsConfig } from './schema.js';

/** A configuration problem a person fixes by editing a file or a variable; printed without a stack. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `environments.prod.services.api.dependsOn[0]` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    const k = String(key);
    return acc === '' ? k : `${acc}.${k}`;
  }, '');
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} — check the spelling against ops.schema.json`;
    if (issue.code === 'invalid_type' && message.includes('received undefined')) message = `required (${issue.expected}) but missing`;
    return where ? `${where}: ${message}` : message;
  });
}

export function parseConfig(text: string, source = 'ops.yml'): OpsConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(source, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  }
  const result = OpsConfigSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
}

export function loadConfig(path: string): OpsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      code === 'ENOENT'
        ? `file not found — copy ops.example.yml to ${path} or set OPS_CONFIG to your config file`
        : `cannot be read (${code ?? 'unknown error'})`,
    ]);
  }
  return parseConfig(text, path);
}
