// /ops status: a live overview of an environment read from AWS — services, maintenance, canary weights.
import type { Environment } from '../config/schema.js';
import { listenerInMaintenance, type MaintenanceAlb } from './maintenance.js';

export interface ServiceRow {
  name: string;
  desired: number;
  running: number;
  pending: number;
  rolloutState?: string;
  deploymentAgeMs?: number;
}

export interface StatusReader {
  services(names: string[]): Promise<ServiceRow[]>;
  alb: MaintenanceAlb;
  canaryWeights(target: string): Promise<{ blue: number; green: number } | undefined>;
}

export interface EnvironmentStatus {
  services: ServiceRow[];
  maintenance: { name: string; on: boolean }[];
  canaries: { name: string; blue: number; green: number }[];
  errors: string[];
}

export async function readEnvironmentStatus(envName: string, env: Environment, reader: StatusReader): Promise<EnvironmentStatus> {
  const errors: string[] = [];
  const names = Object.entries(env.services).map(([k, s]) => s.serviceName ?? k);
  const [services, maintenance, canaries] = await Promise.all([
    reader.services(names).catch((e: unknown) => {
      errors.push(`services: ${e instanceof Error ? e.message : String(e)}`);
      return [] as ServiceRow[];
    }),
    Promise.all(
      (env.maintenance?.listeners ?? []).map(async (l, i) => {
        try {
          return { name: l.name, on: listenerInMaintenance(l, await reader.alb.rules(l.listenerArn, `check environments.${envName}.maintenance.listeners[${i}]`)) };
        } catch (e) {
          errors.push(`listener ${l.name}: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
      }),
    ),
    Promise.all(
      Object.keys(env.canary).map(async (name) => {
        try {
          const w = await reader.canaryWeights(name);
          return w ? { name, ...w } : undefined;
        } catch (e) {
          errors.push(`canary ${name}: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
      }),
    ),
  ]);
  return {
    services,
    maintenance: maintenance.filter((m): m is { name: string; on: boolean } => m !== undefined),
    canaries: canaries.filter((c): c is { name: string; blue: number; green: number } => c !== undefined),
    errors,
  };
}
