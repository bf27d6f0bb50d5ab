// Starts the AWS sandbox in-process on loopback, seeded from a config, with real SDK clients pointed at it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, type YAMLMap } from 'yaml';
import { createClients, destroyClients, type AwsClients } from '../../src/aws/clients.js';
import { loadConfig } from '../../src/config/load.js';
import type { OpsConfig } from '../../src/config/schema.js';
import { startSandboxServer, type SandboxServer } from '../../sandbox/server.js';
import { World, type WorldOptions } from '../../sandbox/world.js';

export const EXAMPLE_CONFIG = new URL('../../ops.example.yml', import.meta.url).pathname;

/**
 * ops.example.yml without its startup schedules, for bot processes that run on the wall clock (replicas, crashes,
 * Lambda, idle loads). With the example's `0 8 * * 1-5` and `0 22 * * *`, a test started in the 15 minutes before
 * 08:00 or 22:00 JST met a reminder in the channel (a second top-level message), and one at the hour a real startup
 * run. Found at 22:45 UTC: 24 tests red that were green an hour before. A test that wants a schedule adds its own.
 */
export function exampleConfigWithoutSchedules(): string {
  if (!unscheduled) {
    const doc = parseDocument(readFileSync(EXAMPLE_CONFIG, 'utf8'));
    const envs = doc.get('environments') as YAMLMap<unknown, YAMLMap> | undefined;
    for (const pair of envs?.items ?? []) (pair.value?.get('startup') as YAMLMap | undefined)?.delete('schedule');
    if (String(doc).includes('schedule:')) throw new Error('ops.example.yml has a schedule this copy does not remove: update exampleConfigWithoutSchedules');
    unscheduled = join(mkdtempSync(join(tmpdir(), 'ecs-chatops-config-')), 'ops.yml');
    writeFileSync(unscheduled, String(doc));
  }
  return unscheduled;
}
let unscheduled: string | undefined;

/**
 * `config` without ops.example.yml's own startup schedules where it still has them unchanged: the in-process bot's
 * simulated time starts at the wall clock's now, so a test started from 07:45 or 21:45 JST met a reminder in #dev it
 * did not ask for, and one running across the hour a real startup or shutdown run. A schedule a test writes (another
 * cron, another reminder) is kept.
 */
export function withoutTheExampleSchedules(config: OpsConfig): OpsConfig {
  exampleSchedules ??= new Map(Object.entries(loadConfig(EXAMPLE_CONFIG).environments).map(([name, env]) => [name, JSON.stringify(env.startup?.schedule ?? null)]));
  const copy = structuredClone(config);
  for (const [name, env] of Object.entries(copy.environments)) {
    if (env.startup?.schedule && JSON.stringify(env.startup.schedule) === exampleSchedules.get(name)) delete env.startup.schedule;
  }
  return copy;
}
/** Each example environment's startup schedule as JSON, read once. */
let exampleSchedules: Map<string, string> | undefined;

export { SANDBOX_CREDENTIALS } from '../../sandbox/start.js';
import { SANDBOX_CREDENTIALS } from '../../sandbox/start.js';

export interface TestSandbox {
  world: World;
  server: SandboxServer;
  clients: AwsClients;
  config: OpsConfig;
  close(): Promise<void>;
}

export async function startSandbox(opts: WorldOptions & { config?: OpsConfig; region?: string } = {}): Promise<TestSandbox> {
  const config = opts.config ?? loadConfig(EXAMPLE_CONFIG);
  const world = new World(opts).seed(config);
  const server = await startSandboxServer(world);
  const clients = createClients(
    { region: opts.region ?? 'ap-northeast-1' },
    { endpoint: server.url, credentials: SANDBOX_CREDENTIALS, retryDelayMs: 5, maxAttempts: 4 },
  );
  return {
    world,
    server,
    clients,
    config,
    close: async () => {
      destroyClients(clients);
      await server.close();
    },
  };
}
