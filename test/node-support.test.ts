// The AWS SDK's "Node.js 22 from January 2027" notice is not printed on a Node.js the bot supports, and still is on one it does not.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nodeSupport, quietSdkNodeWarning } from '../src/node-support.js';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const SDK_NOTICE = 'NodeVersionSupportWarning';

/** Builds one of the bot's AWS clients (they are created on first use) in a fresh Node.js process (the SDK warns once per process) and returns its stderr. */
async function stderrOfBuildingClients(env: Record<string, string>): Promise<string> {
  const script = "const { createClients } = await import('./src/aws/clients.ts'); createClients({ region: 'ap-northeast-1' }).ecs;"; // a client is built on first use
  const { stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return stderr;
}

describe('Node.js versions', () => {
  it('tells supported releases from unsupported ones', () => {
    expect(nodeSupport('v20.19.0').supported).toBe(true);
    expect(nodeSupport('v20.18.3').supported).toBe(false);
    expect(nodeSupport('v18.20.0').supported).toBe(false);
    expect(nodeSupport('v22.0.0').supported).toBe(true);
    expect(nodeSupport('v24.22.3').supported).toBe(true);
  });

  it("switches the SDK's notice off only on a supported Node.js, and never overrides an operator's own choice", () => {
    const env: Record<string, string | undefined> = {};
    expect(quietSdkNodeWarning(env, 'v20.20.2')).toBe(true);
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    const old: Record<string, string | undefined> = {};
    expect(quietSdkNodeWarning(old, 'v20.18.0')).toBe(false);
    expect(old).toEqual({});
    const chosen: Record<string, string | undefined> = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' };
    expect(quietSdkNodeWarning(chosen, 'v20.20.2')).toBe(false);
    expect(chosen.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('false');
  });

  it('building the clients prints no SDK notice on this Node.js', async () => {
    expect(nodeSupport(process.version).supported).toBe(true);
    expect(await stderrOfBuildingClients({})).not.toContain(SDK_NOTICE);
  });

  // The SDK only warns below Node.js 22: on 20 this shows the check above is looking at the right stream.
  it.runIf(Number(process.versions.node.split('.')[0]) < 22)('the notice is there when the operator asks for it (the check above can fail)', async () => {
    expect(await stderrOfBuildingClients({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' })).toContain(SDK_NOTICE);
  });
});
