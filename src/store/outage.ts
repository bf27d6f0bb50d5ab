// When the database cannot be reached or cannot write: one error type the engine and the Slack edge understand.
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';

/**
 * The store is down, dropped our connection, or cannot write (disk full, read-only). Not a verdict on the
 * run: the engine waits and carries on; people are told in words they can act on, never the database's address.
 */
export class StoreUnavailable extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    /** What an operator can read: no host, no port, no SQL. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the bot's database is unavailable (${reason})`, options);
    this.name = 'StoreUnavailable';
  }
}

export function isStoreUnavailable(err: unknown): err is StoreUnavailable {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (e instanceof StoreUnavailable) return true;
  }
  return false;
}

/** The sentence a person reads when something could not be recorded. */
export const STORE_DOWN_TEXT = 'the bot cannot reach its database right now (it is restarting, unreachable, full or read-only), so nothing was recorded';

/**
 * Classifies a driver error: a connection lost or refused, a server shutting down or starting, a disk full, a
 * read-only database. Constraint violations and serialization races are not outages (the store retries those).
 */
export function outageReason(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  // Node's socket errors (pg connecting or talking to the server).
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)$/.test(code)) return 'connection refused or lost';
  // PostgreSQL SQLSTATEs: class 08 connection exception, 57P01–57P05 shutdown / cannot connect now, 53 insufficient
  // resources (53100 disk full), 25006 read-only transaction, 58 system error (I/O).
  if (/^08/.test(code)) return 'connection lost';
  if (/^57P0[1-5]$/.test(code)) return 'the database server is restarting or shutting down';
  if (code === '53100') return 'the database disk is full';
  if (/^53/.test(code)) return 'the database is out of resources';
  if (code === '25006') return 'the database is read-only';
  if (/^58/.test(code)) return 'the database had an I/O error';
  // SQLite (better-sqlite3 codes). SQLITE_BUSY stays a race: the store retries it.
  if (/^SQLITE_FULL/.test(code)) return 'the database disk is full';
  if (/^SQLITE_(READONLY|CANTOPEN|IOERR|PERM|NOTADB|CORRUPT)/.test(code)) return code.startsWith('SQLITE_READONLY') ? 'the database is read-only' : 'the database file cannot be read or written';
  // pg's own messages when the socket goes away or the pool cannot connect in time.
  if (/Connection terminated|connection timeout|Client has encountered a connection error|not queryable|timeout exceeded when trying to connect/i.test(message)) return 'connection lost';
  return undefined;
}

function translate(err: unknown): unknown {
  if (err instanceof StoreUnavailable) return err;
  const reason = outageReason(err);
  return reason ? new StoreUnavailable(reason, { cause: err }) : err;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw translate(err);
  }
}

/** A connection whose errors are translated; the driver hands the original back to the inner driver. */
class GuardedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return guarded(() => this.inner.executeQuery<R>(q));
  }

  async *streamQuery<R>(q: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(q, chunkSize);
    } catch (err) {
      throw translate(err);
    }
  }
}

const unwrap = (c: DatabaseConnection): DatabaseConnection => (c instanceof GuardedConnection ? c.inner : c);

class GuardedDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return guarded(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GuardedConnection(await guarded(() => this.inner.acquireConnection()));
  }

  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return guarded(() => this.inner.beginTransaction(unwrap(c), settings));
  }

  commitTransaction(c: DatabaseConnection): Promise<void> {
    return guarded(() => this.inner.commitTransaction(unwrap(c)));
  }

  /**
   * A failed rollback must not hide why the transaction failed: SQLite rolls back by itself on a full disk
   * ("cannot rollback - no transaction is active"), and a dropped PostgreSQL connection has nothing to roll back.
   * Either way the transaction did not commit; the original error is the one people need.
   */
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(unwrap(c));
    } catch (err) {
      if (outageReason(err) || /no transaction is active/i.test(String((err as Error | null)?.message))) return;
      throw err;
    }
  }

  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(c));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Wraps a Kysely dialect so that every outage surfaces as one `StoreUnavailable`, with the driver's error as its cause. */
export function outageAware(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new GuardedDriver(dialect.createDriver()),
  };
}
