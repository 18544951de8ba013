import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Db } from './types.js';

/**
 * The one place that picks the engine: DATABASE_URL set → PostGIS server; unset → embedded PGlite
 * in PINGAN_DATA_DIR. Applies pending migrations before returning.
 */
export async function openDatabase(config: Config, log: Logger): Promise<Db> {
  const db = config.DATABASE_URL
    ? await openPostgres({
        connectionString: config.DATABASE_URL,
        poolMax: config.PG_POOL_MAX,
        connectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
        statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
        onPoolError: (error) => log.error('database pool error (connection dropped; the pool reconnects)', { error: error.message }),
      })
    : await openPglite({ dataDir: config.PINGAN_DATA_DIR });
  try {
    const applied = await migrate(db);
    if (applied.length) log.info('migrations applied', { applied });
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
