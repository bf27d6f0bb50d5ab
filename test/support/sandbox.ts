// Starts the AWS sandbox in-process on loopback, seeded from a config, with real SDK clients pointed at it.
import { createClients, destroyClients, type AwsClients } from '../../src/aws/clients.js';
import { loadConfig } from '../../src/config/load.js';
import type { OpsConfig } from '../../src/config/schema.js';
import { startSandboxServer, type SandboxServer } from '../../sandbox/server.js';
import { World, type WorldOptions } from '../../sandbox/world.js';

export const EXAMPLE_CONFIG = new URL('../../ops.example.yml', import.meta.url).pathname;


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
