import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { PaperfeedError } from '../../errors.js';
import { MIGRATIONS } from './migrations.js';

/** Options for {@link openPostgres}. */
export interface PostgresOptions {
  /** The schema paperfeed's tables live in (created if missing); `public` by default. Tests use one per test. */
  schema?: string;
  /** Connections in the pool. */
  maxConnections?: number;
}

/**
 * The adapter's one way to reach PostgreSQL, after pg-boss's `executeSql` port: a statement
 * and its values in, plain rows out. Inside {@link PostgresDatabase.transaction} every statement
 * runs on the transaction's connection, without the callers passing it around.
 */
export class PostgresDatabase {
  private readonly pool: pg.Pool;
  private readonly transactionClient = new AsyncLocalStorage<pg.PoolClient>();
  private migrated: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: PostgresOptions = {},
  ) {
    // Sessions run in UTC, so a bare day such as a search's '2025-03-12' means midnight UTC, as
    // it does against SQLite's ISO strings, whatever the server's own time zone.
    this.pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, options: `-c search_path=${checkSchema(options.schema ?? 'public')} -c TimeZone=UTC` });
    // An idle connection dropped by the server would otherwise crash the process; the next
    // query gets a fresh connection and reports its own error.
    this.pool.on('error', () => {});
  }

  /** Runs one statement and returns its rows. */
  async executeSql<Row>(text: string, values: readonly unknown[] = []): Promise<Row[]> {
    await this.ready();
    const client = this.transactionClient.getStore() ?? this.pool;
    const result = await client.query(text, values as unknown[]);
    return result.rows as Row[];
  }

  /** Runs `work` in one transaction; nested calls join the outer one. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.transactionClient.getStore()) return work();
    await this.ready();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await this.transactionClient.run(client, work);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Runs `work` outside the caller's transaction, on connections of its own: for background
   * work started from inside a transaction, which must neither join it nor wait for it.
   */
  detached<T>(work: () => Promise<T>): Promise<T> {
    return this.transactionClient.exit(work);
  }

  /** Whether the caller is inside {@link transaction}. */
  get inTransaction(): boolean {
    return this.transactionClient.getStore() !== undefined;
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Brings the schema up to date once, before the first statement. */
  private ready(): Promise<void> {
    this.migrated ??= this.migrate().catch((error: unknown) => {
      this.migrated = undefined;
      throw describeConnectError(error, this.url);
    });
    return this.migrated;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Several processes (web and workers) may start at once: one migrates, the others wait
      // for it and then find nothing left to do.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('paperfeed.migrations'))`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${checkSchema(this.options.schema ?? 'public')}`);
      await client.query('CREATE TABLE IF NOT EXISTS migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const applied = new Set((await client.query<{ name: string }>('SELECT name FROM migrations')).rows.map((row) => row.name));
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.name)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO migrations (name) VALUES ($1)', [migration.name]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Opens a pool on a `postgres://` URL; the schema is migrated on first use. */
export function openPostgres(url: string, options: PostgresOptions = {}): PostgresDatabase {
  return new PostgresDatabase(url, options);
}

/** Schema names go into SQL and the startup options unquoted, so only plain lower-case names pass. */
function checkSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new PaperfeedError('usage', `"${schema}" is not a schema name (a-z, 0-9, _)`);
  return schema;
}

/** A server that cannot be reached is a configuration problem, named without the URL's password. */
function describeConnectError(error: unknown, url: string): unknown {
  const code = (error as { code?: string }).code;
  if (code === undefined || !['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '28P01', '3D000', '28000'].includes(code)) return error;
  return new PaperfeedError('usage', `PAPERFEED_DATABASE_URL: cannot use ${withoutPassword(url)}: ${(error as Error).message}`);
}

function withoutPassword(url: string): string {
  try {
    const where = new URL(url);
    where.password = '';
    return where.toString();
  } catch {
    return 'the configured server';
  }
}
