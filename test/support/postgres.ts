// A throwaway PostgreSQL for the tests: TEST_DATABASE_URL when set, else a cluster of the installed server on 127.0.0.1 in a temp dir.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export interface TestPostgres {
  /** The server's admin URL (database `postgres`). */
  url: string;
  /** A new empty database on the server, for one test. */
  freshDatabase(): Promise<string>;
  /** Faults (issue 18): stop the server (fast shutdown: every connection dropped) and start it again on the same port. */
  stopServer(): void;
  startServer(): void;
  /** Drops every connection to `databaseUrl`'s database (pg_terminate_backend), as an administrator or a failover would. */
  terminateConnections(databaseUrl: string): Promise<number>;
  close(): Promise<void>;
}

async function terminateConnections(adminUrl: string, databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const name = new URL(databaseUrl).pathname.slice(1);
    const res = await client.query('select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    return Number((res.rows[0] as { n: string }).n);
  } finally {
    await client.end();
  }
}

/** Where the server binaries are (Debian's `postgresql` package), or why PostgreSQL tests are skipped. */
export function findPostgres(): { bin: string } | { missing: string } {
  if (process.env.TEST_DATABASE_URL) return { bin: '' };
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) return { missing: 'PostgreSQL tests skipped: no server found in /usr/lib/postgresql/*/bin and TEST_DATABASE_URL is not set — `apt-get install postgresql` (.ci/run does)' };
  return { bin: join(root, versions[0]!, 'bin') };
}

export const POSTGRES = findPostgres();
export const postgresMissing = 'missing' in POSTGRES ? POSTGRES.missing : undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function createDatabase(adminUrl: string): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Starts one server (a second or two); every test then takes its own database with `freshDatabase()`. */
export async function startPostgres(): Promise<TestPostgres> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    const cannot = () => {
      throw new Error('stopping the server needs the tests own PostgreSQL (unset TEST_DATABASE_URL)');
    };
    return { url: given, freshDatabase: () => createDatabase(given), stopServer: cannot, startServer: cannot, terminateConnections: (db) => terminateConnections(given, db), close: async () => undefined };
  }
  if (!('bin' in POSTGRES)) throw new Error(POSTGRES.missing);
  const { bin } = POSTGRES;
  const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-pg-'));
  const data = join(dir, 'data');
  // The server refuses to run as root; CI runs as root, so the cluster belongs to the `postgres` user.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    const res = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', full, ...args], { encoding: 'utf8' }) : spawnSync(full, args, { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr || res.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  // Loopback only, socket in the temp dir, no fsync: a test server, thrown away after the file.
  const startServer = () => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start']);
  startServer();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    freshDatabase: () => createDatabase(url),
    stopServer: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    startServer,
    terminateConnections: (db) => terminateConnections(url, db),
    close: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A database the store can open, fresh for each test: SQLite in a temp file, or a new PostgreSQL database. */
/** One throwaway PostgreSQL for the calling describe block: started before its tests, stopped after them. */
export function postgresForTests(): () => TestPostgres {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('PostgreSQL is not started: call postgresForTests() inside a describe block');
    return server;
  };
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Why this backend's tests are skipped here, if they are. */
  skip: string | undefined;
  freshUrl(): Promise<string>;
  close(): Promise<void>;
}

/** The backends the run-engine suites run on (describe.each): both, PostgreSQL skipped with a reason when no server exists. */
export function backends(): Backend[] {
  let server: Promise<TestPostgres> | undefined;
  const dirs: string[] = [];
  return [
    {
      name: 'sqlite',
      skip: undefined,
      freshUrl: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-sqlite-'));
        dirs.push(dir);
        return `file:${join(dir, 'runs.db')}`;
      },
      close: async () => {
        for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
      },
    },
    {
      name: 'postgres',
      skip: postgresMissing,
      freshUrl: async () => (await (server ??= startPostgres())).freshDatabase(),
      close: async () => {
        if (server) await (await server).close();
        server = undefined;
      },
    },
  ];
}
