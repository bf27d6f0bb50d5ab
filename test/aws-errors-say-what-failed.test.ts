// AWS errors in words a person can act on: AWS's own failure (a 5xx) names the call and the resource and says retry
// (not "Unknown: UnknownError"); a refused AssumeRole names STS, the role and its trust policy with STS's own text;
// a listener is named by its ops.yml name, not by its ARN alone. Real SDK clients over HTTP on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../src/aws/clients.js';
import { Elbv2Gateway } from '../src/aws/elbv2.js';
import { startBot, type TestBot } from './support/bot.js';
import { SANDBOX_CREDENTIALS } from './support/sandbox.js';
import { failure } from './support/wait.js';

const ARN = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';
const ROLE = 'arn:aws:iam::111111111111:role/ecs-chatops-prod';
const STS_DENIED = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111111111111:user/ecs-chatops is not authorized to perform: sts:AssumeRole on resource: ${ROLE}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;

/** A loopback server standing in for AWS: STS refuses AssumeRole, every other call gets a bare HTTP 500. */
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (body.includes('Action=AssumeRole')) {
        res.writeHead(403, { 'content-type': 'text/xml' }).end(STS_DENIED);
        return;
      }
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const gateway = (clients: ReturnType<typeof createClients>) => new Elbv2Gateway(clients.elbv2, { envName: 'prod', region: 'ap-northeast-1', listenerNames: { [ARN]: 'frontend' } });

describe('AWS errors', () => {
  it('a bare HTTP 500 reads "AWS failed on <call> for <listener by name> — retry"', async () => {
    const clients = createClients({ region: 'ap-northeast-1' }, { endpoint, credentials: SANDBOX_CREDENTIALS, maxAttempts: 1 });
    const err = await failure(gateway(clients).rules(ARN));
    expect(err.message).toContain('AWS failed on DescribeRules for listener "frontend" (app/prod-web/2222222222222222/2222222222222201)');
    expect(err.message).toContain('HTTP 500');
    expect(err.message).toContain('retry');
    expect(err.message).not.toContain('Unknown');
  });

  it('a refused AssumeRole names STS, the role ARN and its trust policy, with STS\'s own text', async () => {
    const clients = createClients({ region: 'ap-northeast-1', roleArn: ROLE }, { endpoint, sourceCredentials: SANDBOX_CREDENTIALS, maxAttempts: 1 });
    const err = await failure(gateway(clients).rules(ARN));
    expect(err.message).toContain(`STS refused AssumeRole on ${ROLE}`);
    expect(err.message).toContain('is not authorized to perform: sts:AssumeRole');
    expect(err.message).toContain("trust policy");
    expect(err.message).not.toContain('AWS denied access to');
  });
});

describe('an AWS 5xx in a run the bot answers', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot();
  });
  afterAll(() => t.close());

  it('a maintenance dry run on a failing ELBv2 names the call, the listener by its ops.yml name, and says retry', async () => {
    t.aws.world.faults.add({ service: 'elbv2', kind: 'error5xx', rate: 1 });
    try {
      await t.client.command('/maintenance start dev --dry-run', { user: 'U0DEV0001' });
      const e = await t.slack.waitFor(() => t.slack.ephemerals('U0DEV0001').find((x) => x.text.startsWith('❌')), { timeoutMs: 10_000 });
      expect(e.text).toMatch(/AWS failed on Describe\w+ for listener "api" \(app\/dev-web\//);
      expect(e.text).toContain('retry');
      expect(e.text).not.toContain('arn:aws:elasticloadbalancing');
    } finally {
      t.aws.world.faults.clear();
    }
  });
});
