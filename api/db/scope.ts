import type { Db, Queryable, Transaction } from './types.js';

/** The PostgreSQL roles requests run as (sql/migrations/0003_region_scope.sql). */
export const APP_DB_ROLES = ['atlas_app', 'atlas_display'] as const;
export type AppDbRole = (typeof APP_DB_ROLES)[number];

/** Everything a request transaction needs to be scoped: who, where, and as which database role. */
export interface RequestScope {
  dbRole: AppDbRole;
  /** Region code prefix: county 6 digits, township 9, village 12. */
  scope: string;
  /** The staff account acting, or null for a script token. */
  staffId: number | null;
  /** For the audit log: `user:<name>`, `token:<id>` or `cli`. */
  actor: string;
  requestId: string;
}

// One round trip. set_config(…, true) is transaction-local: a pooled connection never carries one
// request's scope into the next. 'role' is SET LOCAL ROLE, which PGlite's superuser needs for RLS.
// JIT off: request statements are short, and JIT compiled every large tile query anew (a city's
// z10 incidents tile: 1,407 ms with JIT, 787 ms without; bench/README.md). A per-role setting
// would not apply: the role is switched with SET ROLE, not logged in as.
const SCOPE_SQL = `SELECT set_config('role', $1, true), set_config('jit', 'off', true), set_config('atlas.scope', $2, true),
  set_config('atlas.staff_id', $3, true), set_config('atlas.actor', $4, true), set_config('atlas.request_id', $5, true)`;

/** Applies `scope` to an open transaction. */
export async function applyScope(tx: Queryable, scope: RequestScope): Promise<void> {
  if (!(APP_DB_ROLES as readonly string[]).includes(scope.dbRole)) throw new Error(`not an app role: ${scope.dbRole}`);
  if (!/^\d{6}(\d{3}){0,2}$/.test(scope.scope)) throw new Error(`not a region scope prefix: ${scope.scope}`);
  await tx.query(SCOPE_SQL, [scope.dbRole, scope.scope, scope.staffId === null ? '' : String(scope.staffId), scope.actor, scope.requestId]);
}

/**
 * Runs `fn` in one transaction as the app role, limited to `scope` by row-level security. Every
 * read and write of a request goes through here; committed if `fn` resolves, rolled back if it throws.
 */
export function withScope<T>(db: Db, scope: RequestScope, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await applyScope(tx, scope);
    return fn(tx);
  });
}

interface RoleRow {
  rolname: string;
  rolsuper: boolean;
  rolbypassrls: boolean;
}

/**
 * Refuses to run when region scope could be bypassed: an app role that is a superuser or has
 * BYPASSRLS, or (on a server) a login role that is one, owns the tables (owners skip RLS), or is
 * not a member of the app roles. PGlite's connection is the superuser by design; its requests
 * switch to the app roles, which are checked the same way.
 */
export async function assertSafeRoles(db: Db): Promise<void> {
  const roles = await db.query<RoleRow>(
    `SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ANY($1::text[])`,
    [APP_DB_ROLES],
  );
  for (const name of APP_DB_ROLES) {
    const role = roles.find((r) => r.rolname === name);
    if (!role) throw new Error(`The database role ${name} is missing: the migrations have not run.`);
    if (role.rolsuper || role.rolbypassrls) {
      throw new Error(`The database role ${name} is ${role.rolsuper ? 'a superuser' : 'BYPASSRLS'}: region scope would not apply. Refusing to run.`);
    }
  }
  if (db.kind === 'pglite') return;
  const [login] = await db.query<RoleRow & { owns_tables: boolean; member: boolean }>(
    `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
            EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename = 'regions' AND t.tableowner = r.rolname) AS owns_tables,
            pg_has_role(r.rolname, 'atlas_app', 'USAGE') AND pg_has_role(r.rolname, 'atlas_display', 'MEMBER') AS member
     FROM pg_roles r WHERE r.rolname = session_user`,
  );
  if (!login) throw new Error('Cannot read the login role from pg_roles');
  const name = login.rolname;
  if (login.rolsuper) throw new Error(`DATABASE_URL signs in as ${name}, a superuser: row-level security would not apply. Refusing to run. Use a plain login role (see README, "PostGIS server").`);
  if (login.rolbypassrls) throw new Error(`DATABASE_URL signs in as ${name}, which has BYPASSRLS. Refusing to run.`);
  if (login.owns_tables) throw new Error(`DATABASE_URL signs in as ${name}, which owns the tables (owners bypass row-level security). Use a separate login role for the app and put the owner in MIGRATION_DATABASE_URL.`);
  if (!login.member) throw new Error(`The login role ${name} is not a member of atlas_app and atlas_display. Start once with MIGRATION_DATABASE_URL set (it grants them), or run: GRANT atlas_app, atlas_display TO ${name};`);
}
