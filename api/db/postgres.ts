import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { detectCapabilities } from './capabilities.js';
import type { Db, Transaction } from './types.js';

export interface PostgresOptions {
  connectionString: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  onPoolError?: (error: Error) => void;
}

/** Per-pool type parsers: the same JS values as PGlite returns (see pglite.ts), without touching pg's globals. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connects to a PostGIS server through a bounded pool. Fails fast if the server is unreachable. */
export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs || undefined,
    application_name: 'pingan-atlas',
    types: typeParsers,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
  pool.on('error', (error) => options.onPoolError?.(error));

  const query = async <R>(text: string, params?: readonly unknown[]) =>
    (await pool.query(text, params ? [...params] : undefined)).rows as R[];

  try {
    await query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`Cannot connect to the PostGIS server (DATABASE_URL): ${(error as Error).message}`, { cause: error });
  }
  try {
    // Capability detection needs PostGIS; the first migration creates it too (a no-op then).
    await query('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `The database has no PostGIS extension and this role cannot create it: ${(error as Error).message}. ` +
        'Run CREATE EXTENSION postgis as a superuser, or use the postgis/postgis image.',
      { cause: error },
    );
  }

  const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });

  async function transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const tx: Transaction = {
        query: async (text, params) => (await client.query(text, params ? [...params] : undefined)).rows,
        // No parameters → pg uses the simple query protocol, which runs several statements.
        execScript: async (sql) => {
          await client.query(sql);
        },
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  let closed = false;
  return {
    kind: 'postgres',
    kysely,
    capabilities: await detectCapabilities(query),
    query,
    transaction,
    execScript: (sql) => transaction((tx) => tx.execScript(sql)),
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy(); // ends the pool
    },
  };
}
