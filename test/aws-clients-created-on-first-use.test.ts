// The footprint of the AWS side: an environment's SDK clients and gateways are built when an operation first needs
// them, one by one, not all six per environment at start. Real SDK clients over HTTP against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtSoFar, destroyClients, type ClientOptions } from '../src/aws/clients.js';
import { createAwsPorts } from '../src/adapters/index.js';
import { SANDBOX_CREDENTIALS, startSandbox, type TestSandbox } from './support/sandbox.js';

describe('AWS clients and gateways, per environment, on first use', () => {
  let aws: TestSandbox;
  let options: ClientOptions;
  beforeAll(async () => {
    aws = await startSandbox();
    options = { endpoint: aws.server.url, credentials: SANDBOX_CREDENTIALS, retryDelayMs: 5, maxAttempts: 2 };
  });
  afterAll(async () => aws?.close());

  it('reading the listeners of dev builds only dev\'s ELBv2 client and gateway; prod builds nothing', async () => {
    // Prepare
    const ports = createAwsPorts(aws.config, options);
    const listener = aws.config.environments.dev!.maintenance!.listeners[0]!;
    // Act: what /maintenance status does first, through the real SDK client.
    const rules = await ports.maintenanceAlb('dev').rules(listener.listenerArn, listener.name, { tags: false });
    // Assess
    expect(rules.length).toBeGreaterThan(0);
    const dev = ports.gateways('dev');
    expect(builtSoFar(dev)).toEqual(['elbv2']);
    expect(builtSoFar(dev.clients)).toEqual(['elbv2']);
    expect(builtSoFar(ports.gateways('prod'))).toEqual([]);
    // The same client and gateway on the next use, and closing builds nothing new.
    expect(ports.gateways('dev').elbv2).toBe(dev.elbv2);
    destroyClients(dev.clients);
    expect(builtSoFar(dev.clients)).toEqual(['elbv2']);
  });
});
