// One HTTP server on loopback that speaks the wire protocols of ECS, ELBv2, Route 53, CodeDeploy and Step Functions.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { AwsError } from './errors.js';
import { TrafficSchema } from './cloudwatch.js';
import { FaultSchema } from './faults.js';
import type { JsonHandlers, QueryHandlers, RestRouter } from './protocol.js';
import { xmlEscape } from './protocol.js';
import { AlarmSchema, type World } from './world.js';

const JSON_TARGETS: Record<string, 'ecs' | 'codedeploy' | 'sfn' | 'cloudwatch'> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  CodeDeploy_20141006: 'codedeploy',
  AWSStepFunctions: 'sfn',
  // CloudWatch speaks JSON 1.0 (awsQueryCompatible) since @aws-sdk/client-cloudwatch 3.7xx; see its protocolSettings.
  GraniteServiceVersion20100801: 'cloudwatch',
};
const ELBV2_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const ROUTE53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const MAX_BODY = 5 * 1024 * 1024;

export interface SandboxServer {
  url: string;
  port: number;
  world: World;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AwsError('RequestEntityTooLarge', 'request body too large', 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(body);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Serves the world over HTTP; `/_sandbox/*` is the control surface for tests, benchmarks and the playground. */
export function startSandboxServer(world: World, port = 0, host = '127.0.0.1'): Promise<SandboxServer> {
  const json: Record<string, JsonHandlers> = {
    ecs: world.ecs.handlers(),
    codedeploy: world.codedeploy.handlers(),
    sfn: world.sfn.handlers(),
    cloudwatch: world.cloudwatch.handlers(),
  };
  const query: QueryHandlers = world.elbv2.handlers();
  const rest: RestRouter = world.route53.router();

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      send(res, 500, 'application/json', JSON.stringify({ message: String(err) }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const body = await readBody(req);
    if (url.pathname.startsWith('/_sandbox/')) return control(url, req.method ?? 'GET', body, res);

    world.settle();
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const [prefix = '', op = ''] = target.split('.');
      const service = JSON_TARGETS[prefix];
      const contentType = service === 'sfn' || service === 'cloudwatch' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
      if (!service) return send(res, 400, contentType, JSON.stringify({ __type: 'UnknownOperationException', message: `unknown target ${target}` }));
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      return dispatch(service, op, input, res, {
        ok: (out) => send(res, 200, contentType, JSON.stringify(out ?? {})),
        fail: (e) => send(res, e.status, contentType, JSON.stringify({ __type: e.code, message: e.message }), { 'x-amzn-errortype': e.code }),
        run: () => {
          const fn = json[service]?.[op];
          if (!fn) throw new AwsError('UnknownOperationException', `${service} ${op} is not simulated by the sandbox`);
          return fn(input);
        },
      });
    }

    if (url.pathname.startsWith('/2013-04-01/')) {
      const route = rest(req.method ?? 'GET', url.pathname);
      const op = route?.op ?? 'Unknown';
      const input = { method: req.method, path: url.pathname, query: url.search, body };
      return dispatch('route53', op, input, res, {
        ok: (out) => {
          const r = out as { status: number; body: string };
          send(res, r.status, 'text/xml', r.body);
        },
        fail: (e) =>
          send(
            res,
            e.status,
            'text/xml',
            `<?xml version="1.0"?>\n<ErrorResponse xmlns="${ROUTE53_NS}"><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
          ),
        run: () => {
          if (!route) throw new AwsError('InvalidInput', `route53 ${req.method} ${url.pathname} is not simulated by the sandbox`, 404);
          return route.handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body });
        },
      });
    }

    // Query protocol (ELBv2): a form-encoded body with Action and Version.
    const params = Object.fromEntries(new URLSearchParams(body));
    const op = params.Action ?? 'Unknown';
    return dispatch('elbv2', op, params, res, {
      ok: (out) =>
        send(
          res,
          200,
          'text/xml',
          `<${op}Response xmlns="${ELBV2_NS}"><${op}Result>${String(out)}</${op}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${op}Response>`,
        ),
      fail: (e) =>
        send(
          res,
          e.status,
          'text/xml',
          `<ErrorResponse xmlns="${ELBV2_NS}"><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        ),
      run: () => {
        const fn = query[op];
        if (!fn) throw new AwsError('InvalidAction', `elbv2 ${op} is not simulated by the sandbox`);
        return fn(params);
      },
    });
  }

  async function dispatch(
    service: string,
    op: string,
    input: unknown,
    _res: ServerResponse,
    h: { ok: (out: unknown) => void; fail: (e: AwsError) => void; run: () => unknown },
  ): Promise<void> {
    const receivedAt = performance.now();
    const fault = world.faults.draw(service, op);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    const at = world.clock.now();
    if (fault.error) {
      const e =
        fault.error === 'throttle'
          ? new AwsError(service === 'elbv2' || service === 'route53' ? 'Throttling' : 'ThrottlingException', 'Rate exceeded', 400)
          : new AwsError(service === 'route53' || service === 'elbv2' ? 'ServiceUnavailable' : 'InternalFailure', 'injected server error', 503);
      world.record.add({ at, service, op, input, error: e.code, receivedAt });
      return h.fail(e);
    }
    try {
      const out = await h.run();
      world.record.add({ at, service, op, input, receivedAt });
      h.ok(out);
    } catch (err) {
      if (err instanceof AwsError) {
        world.record.add({ at, service, op, input, error: err.code, receivedAt });
        return h.fail(err);
      }
      throw err;
    }
  }

  function control(url: URL, method: string, body: string, res: ServerResponse): void {
    const reply = (v: unknown, status = 200) => send(res, status, 'application/json', JSON.stringify(v));
    const args = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    switch (`${method} ${url.pathname}`) {
      case 'GET /_sandbox/health':
        return reply({ ok: true, now: world.clock.now() });
      case 'GET /_sandbox/calls':
        return reply(world.record.since(Number(url.searchParams.get('since') ?? 0)));
      case 'GET /_sandbox/state':
        // On a real-time clock nothing else moves the world between API calls: bring it up to now before showing it.
        world.settle();
        return reply(snapshot(world));
      case 'POST /_sandbox/advance':
        return reply({ now: world.clock.advance(Number(args.ms ?? 0)) });
      case 'POST /_sandbox/faults': {
        const parsed = FaultSchema.safeParse(args);
        if (!parsed.success) return reply({ error: parsed.error.issues.map((i) => i.message) }, 400);
        world.faults.add(parsed.data);
        return reply({ faults: world.faults.active() });
      }
      case 'DELETE /_sandbox/faults':
        world.faults.clear();
        return reply({ faults: [] });
      case 'POST /_sandbox/fail-service': {
        world.ecs.failTasks(String(args.cluster), String(args.service), args.fail !== false);
        return reply({ ok: true });
      }
      case 'POST /_sandbox/alarms': {
        // A CloudWatch alarm's state, as ECS deployments watching alarms see it.
        const parsed = AlarmSchema.safeParse(args);
        if (!parsed.success) return reply({ error: parsed.error.issues.map((i) => i.message) }, 400);
        if (parsed.data.exists === false) world.deleteAlarm(parsed.data.name);
        else world.setAlarm(parsed.data.name, parsed.data.state!, parsed.data.reason);
        return reply({ alarms: world.alarms() });
      }
      case 'POST /_sandbox/traffic': {
        // How much traffic the listeners get, and how well a target group answers it (green worse than blue).
        const parsed = TrafficSchema.safeParse(args);
        if (!parsed.success) return reply({ error: parsed.error.issues.map((i) => i.message) }, 400);
        const t = parsed.data;
        if (t.requestsPerMinute !== undefined) world.cloudwatch.setRequestsPerMinute(t.requestsPerMinute);
        if (t.targetGroup !== undefined) {
          const arn = t.targetGroup.startsWith('arn:') ? t.targetGroup : world.elbv2.targetGroupArnByName(t.targetGroup);
          if (!arn || !world.elbv2.hasTargetGroup(arn)) return reply({ error: [`no target group ${t.targetGroup}`] }, 400);
          world.cloudwatch.setQuality(arn, { ...(t.errorRate !== undefined ? { errorRate: t.errorRate } : {}), ...(t.p99Ms !== undefined ? { p99Ms: t.p99Ms } : {}) });
        }
        return reply(world.cloudwatch.snapshot());
      }
      default:
        return reply({ error: `no control ${method} ${url.pathname}` }, 404);
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${addr.port}`,
        port: addr.port,
        world,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** A plain view of the world for the playground's side panel and for debugging. */
export function snapshot(world: World): Record<string, unknown> {
  return {
    now: new Date(world.clock.now()).toISOString(),
    ecs: world.ecs.snapshot(),
    elbv2: world.elbv2.snapshot(),
    route53: world.route53.snapshot(),
    codedeploy: world.codedeploy.snapshot(),
    sfn: world.sfn.snapshot(),
    cloudwatch: world.cloudwatch.snapshot(),
    faults: world.faults.active(),
  };
}
