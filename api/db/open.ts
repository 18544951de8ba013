import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { migrate, readMigrations } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import { assertSafeRoles } from './scope.js';
import type { Db } from './types.js';

/** Work that needs the owner's rights at start: the demo load, demo accounts. */
export type OwnerTask = (owner: Db) => Promise<void>;

/**
 * The one place that picks the engine: DATABASE_URL set → PostGIS server; unset → embedded PGlite
 * in PINGAN_DATA_DIR. Applies pending migrations (as the owner), runs `ownerTask`, then checks that
 * requests cannot bypass row-level security (see `assertSafeRoles`) before returning.
 *
 * On a server two roles are involved: MIGRATION_DATABASE_URL (the owner; used here and closed) and
 * DATABASE_URL (a plain login role, member of atlas_app and atlas_display; kept for requests).
 */
export async function openDatabase(config: Config, log: Logger, ownerTask?: OwnerTask): Promise<Db> {
  if (!config.DATABASE_URL) {
    const db = await openPglite({ dataDir: config.PINGAN_DATA_DIR });
    try {
      await migrateLogged(db, log);
      await ownerTask?.(db);
      await assertSafeRoles(db);
      return db;
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  const poolOptions = {
    poolMax: config.PG_POOL_MAX,
    connectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
    onPoolError: (error: Error) => log.error('database pool error (connection dropped; the pool reconnects)', { error: error.message }),
  };
  if (config.MIGRATION_DATABASE_URL) {
    const owner = await openPostgres({ ...poolOptions, connectionString: config.MIGRATION_DATABASE_URL, poolMax: 2, statementTimeoutMs: 0 });
    try {
      await migrateLogged(owner, log);
      await grantAppRoles(owner, loginRoleOf(config.DATABASE_URL));
      await ownerTask?.(owner);
    } finally {
      await owner.close();
    }
  }
  const db = await openPostgres({ ...poolOptions, connectionString: config.DATABASE_URL });
  try {
    await assertNoPendingMigrations(db);
    await assertSafeRoles(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

async function migrateLogged(db: Db, log: Logger): Promise<void> {
  const applied = await migrate(db);
  if (applied.length) log.info('migrations applied', { applied });
}

/** The user name in a connection string (the login role requests use). */
export function loginRoleOf(url: string): string {
  const name = decodeURIComponent(new URL(url).username);
  if (!name) throw new Error('DATABASE_URL must name its login role (postgres://<role>:<password>@host/db)');
  return name;
}

/** Makes the login role a member of both app roles, so requests can switch to them. Idempotent. */
export async function grantAppRoles(owner: Db, loginRole: string): Promise<void> {
  const [row] = await owner.query<{ sql: string }>(`SELECT format('GRANT atlas_app, atlas_display TO %I', $1::text) AS sql`, [loginRole]);
  await owner.execScript(row!.sql);
}

/** The app role cannot migrate: without MIGRATION_DATABASE_URL a pending migration stops the start. */
async function assertNoPendingMigrations(db: Db): Promise<void> {
  let applied: string[];
  try {
    applied = (await db.query<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name);
  } catch {
    applied = [];
  }
  const pending = readMigrations().filter((m) => !applied.includes(m.name)).map((m) => m.name);
  if (pending.length) {
    throw new Error(
      `${pending.length} migration(s) not applied (${pending.join(', ')}). DATABASE_URL is the app's login role, which cannot ` +
        'change the schema: set MIGRATION_DATABASE_URL to the database owner for this start.',
    );
  }
}
