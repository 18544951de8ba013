import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { Kysely, PGliteDialect } from 'kysely';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { detectCapabilities } from './capabilities.js';
import type { Db, Transaction } from './types.js';

/**
 * Result parsers shared with the server driver (postgres.ts) so both engines return the same JS
 * values: int8 (counts, bigserial ids) as number, numeric as number.
 */
const parsers = {
  [types.INT8]: (value: string) => Number(value),
  [types.NUMERIC]: (value: string) => Number(value),
};

export interface PgliteOptions {
  /** Folder holding the database (`<dir>/pgdata`) and its lock; `null` = in memory (tests). */
  dataDir: string | null;
}

/**
 * Creates a PGlite instance with PostGIS and the shared parsers. `dataDir` null = in memory;
 * `fromDump` = start from a `dumpDataDir()` tarball (test templates).
 */
export function createPgliteInstance(dataDir: string | null, fromDump?: Blob): Promise<PGlite> {
  return PGlite.create({
    dataDir: dataDir ? join(dataDir, 'pgdata') : 'memory://',
    extensions: { postgis },
    parsers,
    ...(fromDump ? { loadDataDir: fromDump } : {}),
  });
}

/** Opens (creating if needed) the embedded database. The folder is locked for this process. */
export async function openPglite(options: PgliteOptions): Promise<Db> {
  const lock: DataDirLock | null = options.dataDir ? acquireDataDirLock(options.dataDir) : null;
  try {
    const pg = await createPgliteInstance(options.dataDir);
    return await wrapPglite(pg, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** Wraps an open PGlite instance (also a test template's clone) as a `Db`. */
export async function wrapPglite(pg: PGlite, lock: DataDirLock | null = null): Promise<Db> {
  await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  const query = async <R>(text: string, params?: readonly unknown[]) =>
    (await pg.query<R>(text, params ? [...params] : undefined)).rows;
  const kysely = new Kysely<any>({ dialect: new PGliteDialect({ pglite: pg }) });
  let closed = false;
  const db: Db = {
    kind: 'pglite',
    kysely,
    capabilities: await detectCapabilities(query),
    query,
    async transaction(fn) {
      return pg.transaction(async (tx) => {
        const wrapped: Transaction = {
          query: async (text, params) => (await tx.query<any>(text, params ? [...params] : undefined)).rows,
          execScript: async (sql) => {
            await tx.exec(sql);
          },
        };
        return fn(wrapped);
      });
    },
    async execScript(sql) {
      await pg.transaction(async (tx) => {
        await tx.exec(sql);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
      lock?.release();
    },
  };
  return db;
}
