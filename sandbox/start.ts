// Starts the sandbox for a config: a seeded world served on loopback, with the SDK options that point at it.
import type { ClientOptions } from '../src/aws/clients.js';
import type { OpsConfig } from '../src/config/schema.js';
import { SimClock } from './clock.js';
import { startSandboxServer, type SandboxServer } from './server.js';
import { World, type WorldOptions } from './world.js';

/** The sandbox checks no signature; the SDK only needs something to sign with. Obviously not a real key. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'SANDBOXACCESSKEY', secretAccessKey: 'sandbox-secret-not-real' };

export async function startSandboxFromConfig(
  config: OpsConfig,
  opts: { realTime?: boolean; port?: number; world?: WorldOptions } = {},
): Promise<SandboxServer & { clientOptions: ClientOptions }> {
  const clock = opts.realTime ? new SimClock(Date.now(), 'real') : new SimClock();
  const world = new World({ clock, ...opts.world }).seed(config);
  const server = await startSandboxServer(world, opts.port ?? 0);
  return { ...server, clientOptions: { endpoint: server.url, credentials: SANDBOX_CREDENTIALS, maxAttempts: 5 } };
}
