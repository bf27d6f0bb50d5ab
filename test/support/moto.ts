// A moto_server (moto 5.2.1, Python) on a free loopback port: a second AWS that nobody on this project wrote, for the
// contract suite. One server per test file, reused; reset between scenarios. Absent moto: undefined, and the suite skips.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClients, destroyClients, type AwsClients } from '../../src/aws/clients.js';
import type { OpsConfig } from '../../src/config/schema.js';
import { SANDBOX_CREDENTIALS } from '../../sandbox/start.js';
import type { FakeSlack } from './fake-slack.js';
import { startBot } from './harness.js';
import type { slackClient } from './slack-client.js';

export const MOTO_MISSING = 'moto_server not found: the moto contract suite is skipped — install it with `pip install "moto[server]"` (CI must have it)';

export interface Moto {
  url: string;
  clients: AwsClients;
  /** An EC2 Query call (the project has no EC2 client): moto needs a VPC and subnets before a load balancer. */
  ec2(action: string, params: Record<string, string>): Promise<string>;
  /** An ACM certificate for an HTTPS listener (moto checks that the certificate exists; RequestCertificate needs no PEM). */
  certificate(domain: string): Promise<string>;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The command that runs moto's server here, or undefined: `moto_server` on PATH, else `python3 -m moto.server`. */
export function motoCommand(): string[] | undefined {
  for (const cmd of [['moto_server'], ['python3', '-m', 'moto.server']]) {
    const probe = spawnSync(cmd[0]!, [...cmd.slice(1), '--help'], { stdio: 'ignore', timeout: 20_000 });
    if (probe.status === 0) return cmd;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function ready(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode} before it answered`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startMoto(region = 'ap-northeast-1'): Promise<Moto | undefined> {
  const cmd = motoCommand();
  if (!cmd) return undefined;
  const port = await freePort();
  const child = spawn(cmd[0]!, [...cmd.slice(1), '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await ready(url, child, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${stderr}`, { cause: err });
  }
  const clients = createClients({ region }, { endpoint: url, credentials: SANDBOX_CREDENTIALS, retryDelayMs: 5, maxAttempts: 2 });
  return {
    url,
    clients,
    async ec2(action, params) {
      // moto reads the service from the credential scope and checks no signature; the SDK's own clients sign for real.
      const scope = `${SANDBOX_CREDENTIALS.accessKeyId}/20260101/${region}/ec2/aws4_request`;
      const res = await fetch(`${url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=unsigned` },
        body: new URLSearchParams({ Action: action, Version: '2016-11-15', ...params }).toString(),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`ec2 ${action}: ${res.status} ${text}`);
      return text;
    },
    async certificate(domain) {
      const scope = `${SANDBOX_CREDENTIALS.accessKeyId}/20260101/${region}/acm/aws4_request`;
      const res = await fetch(`${url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CertificateManager.RequestCertificate', authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=unsigned` },
        body: JSON.stringify({ DomainName: domain }),
      });
      const body = (await res.json()) as { CertificateArn?: string };
      if (!res.ok || !body.CertificateArn) throw new Error(`acm RequestCertificate: ${res.status} ${JSON.stringify(body)}`);
      return body.CertificateArn;
    },
    async reset() {
      await fetch(`${url}/moto-api/reset`, { method: 'POST' });
    },
    async close() {
      destroyClients(clients);
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/** The whole bot (real Bolt receiver, fake Slack) against any AWS endpoint: the sandbox or moto. */
export interface BotAt {
  slack: FakeSlack;
  client: ReturnType<typeof slackClient>;
  close(): Promise<void>;
}

/** The harness's bot (./harness.ts `startBot`) calling `endpoint` instead of the sandbox. */
export async function startBotAt(endpoint: string, config: OpsConfig): Promise<BotAt> {
  const t = await startBot({ config, awsEndpoint: endpoint, maxAttempts: 3, logLevel: 'info' });
  return { slack: t.slack, client: t.client, close: () => t.close() };
}
