// Issue 18 item 4 and issue 17 item 10: /healthz is readiness (the store reachable and writable), it stays 503 through
// a drain long enough for a load balancer to see, and a SIGTERM exits within the stop timeout even with Slack unreachable.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresForTests, postgresMissing } from './support/postgres.js';
import { startCluster, statusMessages } from './support/replicas.js';
import { until } from './support/wait.js';

async function healthOf(port: number): Promise<{ status: number; body: string } | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
  return res ? { status: res.status, body: await res.text() } : undefined;
}

/** Polls /healthz until `ok` holds for an answer (an observed fact), or fails after `timeoutMs`. */
async function healthUntil(port: number, ok: (h: { status: number; body: string } | undefined) => boolean, timeoutMs = 15_000) {
  return until(async () => { const h = await healthOf(port); return ok(h) ? { h } : undefined; }, { what: `/healthz on port ${port} to match`, timeoutMs, pollMs: 50 }).then((r) => r.h);
}

describe.skipIf(postgresMissing)('readiness and drain', () => {
  const server = postgresForTests();

  it('/healthz is 503 while the database is stopped, names no address, and 200 again once it is back', async () => {
    const c = await startCluster(await server().freshDatabase());
    try {
      const a = await c.startReplica('a');
      expect((await healthOf(a.port))?.status).toBe(200);
      server().stopServer();
      let down;
      try {
        down = await healthUntil(a.port, (h) => h?.status === 503);
      } finally {
        server().startServer();
      }
      expect(JSON.parse(down!.body)).toMatchObject({ ok: false, draining: false });
      expect(down!.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}/);
      await healthUntil(a.port, (h) => h?.status === 200);
      expect(a.proc.exitCode).toBeNull();
    } finally {
      await c.close();
    }
  }, 120_000);

  it('/healthz is 503 when the database is read-only (a standby after a failover)', async () => {
    const url = await server().freshDatabase();
    const c = await startCluster(url);
    const admin = new pg.Client({ connectionString: server().url });
    await admin.connect();
    const name = new URL(url).pathname.slice(1);
    try {
      const a = await c.startReplica('a');
      expect((await healthOf(a.port))?.status).toBe(200);
      await admin.query(`alter database ${name} set default_transaction_read_only = on`);
      await server().terminateConnections(url);
      // Dropping the connections first shows "connection lost" (503 as well) until the replica reconnects and finds
      // the database read-only: wait for that answer, not the first 503.
      const h = await healthUntil(a.port, (x) => x?.status === 503 && x.body.includes('read-only'));
      expect(JSON.parse(h!.body)).toMatchObject({ ok: false, store: 'the database is read-only' });
      await admin.query(`alter database ${name} set default_transaction_read_only = off`);
      await server().terminateConnections(url);
      await healthUntil(a.port, (x) => x?.status === 200);
    } finally {
      await admin.end();
      await c.close();
    }
  }, 120_000);

  it('after SIGTERM an idle replica answers 503 for DRAIN_NOTICE_MS before its port closes, then exits 0', async () => {
    const c = await startCluster(await server().freshDatabase());
    try {
      const a = await c.startReplica('a', { DRAIN_NOTICE_MS: '1500' });
      expect((await healthOf(a.port))?.status).toBe(200);
      const termAt = performance.now();
      a.proc.kill('SIGTERM');
      let first503: number | undefined;
      let last503: number | undefined;
      // Probe as a load balancer would until the port closes, noting when it answered 503.
      await until(async () => {
        const h = await healthOf(a.port);
        if (!h) return true; // the port is closed
        if (h.status === 503) {
          first503 ??= performance.now() - termAt;
          last503 = performance.now() - termAt;
        }
        return undefined;
      }, { what: 'the draining replica to close its port', timeoutMs: 30_000, pollMs: 50 });
      expect(await a.exited).toBe(0);
      expect(first503).toBeDefined();
      // A load balancer probing during the notice sees 503 the whole time, not a closed port after ~70 ms.
      expect(last503!).toBeGreaterThanOrEqual(1400);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('SIGTERM with Slack unreachable (status updates retrying) exits within the 30 s stop timeout', async () => {
    const c = await startCluster(await server().freshDatabase());
    const link = await cuttableLink(new URL(c.slack.url).port);
    try {
      // This replica reaches Slack's Web API through a link the test can cut.
      const a = await c.startReplica('a', { SLACK_API_URL: `http://127.0.0.1:${link.port}/api/`, DRAIN_NOTICE_MS: '0' });
      await a.client.command('/startup dev', { user: 'U0DEV0001' });
      const status = await c.slack.waitFor(() => statusMessages(c.slack).find((m) => JSON.stringify(m.blocks ?? []).includes('run.stop')));
      link.cut();
      // The run ends (Stop), so its message must change, but Slack cannot be reached: the update is retried.
      const failedBefore = (a.output().match(/http request failed/g) ?? []).length;
      await a.client.press(status, 'run.stop', { user: 'U0DEV0002' });
      await until(() => (a.output().match(/http request failed/g) ?? []).length > failedBefore, { what: 'a failed status update in the log', timeoutMs: 15_000, pollMs: 50 }).catch(() => undefined);
      expect((a.output().match(/http request failed/g) ?? []).length).toBeGreaterThan(failedBefore);
      const termAt = performance.now();
      a.proc.kill('SIGTERM');
      const exited = await Promise.race([a.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      expect(exited).toBe(true);
      expect(performance.now() - termAt).toBeLessThan(30_000);
    } finally {
      link.close();
      await c.close();
    }
  }, 180_000);
});

/** A loopback TCP relay to the fake Slack that the test can cut: open connections reset, new ones refused. */
async function cuttableLink(targetPort: string): Promise<{ port: number; cut(): void; close(): void }> {
  const sockets = new Set<Socket>();
  const relay = createServer((inbound) => {
    const outbound = connect(Number(targetPort), '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const cut = () => {
    relay.close();
    for (const s of sockets) s.destroy();
  };
  return { port: (relay.address() as AddressInfo).port, cut, close: cut };
}
