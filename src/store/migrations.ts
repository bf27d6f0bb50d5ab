// Schema migrations in code, applied in order at start; Kysely's migrator keeps a lock so two processes don't race.
import { sql, type Kysely, type Migration } from 'kysely';

/** The two databases the store speaks; only auto-numbered keys are written differently. */
export const Dialect = { sqlite: 'sqlite', postgres: 'postgres' } as const;
export type Dialect = (typeof Dialect)[keyof typeof Dialect];

/**
 * The migrations for one dialect. SQLite keeps exactly the DDL it always had (`integer … autoincrement`);
 * PostgreSQL has no AUTOINCREMENT keyword, so its auto-numbered ids are `serial`.
 * On PostgreSQL Kysely's Migrator holds `pg_advisory_lock` while it migrates, so replicas starting together
 * apply each migration once; on SQLite its lock table does the same across processes.
 */
export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_budget': {
      async up(db: Kysely<unknown>) {
        // One shared token bucket per key (the workspace's chat.update budget), so replicas do not multiply it.
        await db.schema
          .createTable('budget')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('tokens', 'double precision', (c) => c.notNull())
          .addColumn('refilled_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0003_shown': {
      async up(db: Kysely<unknown>) {
        // Which version of each run its Slack message last showed: a final state stored by a process that died
        // before updating the message is found and shown by the next start or another replica.
        await db.schema
          .createTable('shown')
          .addColumn('run_id', 'text', (c) => c.primaryKey())
          .addColumn('version', 'integer', (c) => c.notNull())
          .execute();
      },
    },
  };
}

interface AutoIdColumn {
  primaryKey(): AutoIdColumn;
  autoIncrement(): AutoIdColumn;
}

/** The SQLite migrations, as they were first written (kept for callers that import them). */
export const migrations: Record<string, Migration> = migrationsFor(Dialect.sqlite);

function initial(dialect: Dialect): Migration {
  const idType = dialect === Dialect.postgres ? 'serial' : 'integer';
  const autoId = <C extends AutoIdColumn>(c: C): C => (dialect === Dialect.postgres ? (c.primaryKey() as C) : (c.primaryKey().autoIncrement() as C));
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('env', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('channel', 'text')
        .addColumn('ts', 'text')
        .addColumn('thread_note', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('view', 'text', (c) => c.notNull())
        .addColumn('pause', 'text')
        .addColumn('error', 'text')
        .addColumn('owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .execute();
      await db.schema.createIndex('runs_state').on('runs').columns(['state']).execute();
      await db.schema.createIndex('runs_env_created').on('runs').columns(['env', 'created_at']).execute();
      await db.schema
        .createTable('steps')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addPrimaryKeyConstraint('steps_pk', ['run_id', 'step_id'])
        .execute();
      await db.schema
        .createTable('locks')
        .addColumn('target', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('held_by', 'text', (c) => c.notNull())
        .addColumn('since', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('intents')
        .addColumn('id', idType, autoId)
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('dedupe', 'text', (c) => c.notNull())
        .addColumn('consumed_at', 'bigint')
        .addUniqueConstraint('intents_once', ['run_id', 'name', 'dedupe'])
        .execute();
      await db.schema
        .createTable('audit')
        .addColumn('id', idType, autoId)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('env', 'text')
        .addColumn('run_id', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_env_at').on('audit').columns(['env', 'at']).execute();
      await db.schema
        .createTable('schedules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('env', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('cancelled_at', 'bigint')
        .addColumn('next_at', 'bigint')
        .addColumn('skip_at', 'bigint')
        .execute();
      await db.schema
        .createTable('fires')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .execute();
      await db.schema
        .createTable('kv')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await sql`select 1`.execute(db);
    },
  };
}
