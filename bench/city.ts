/**
 * Shared set-up of the city-scale benchmarks (bench/tiles.ts, bench/items-stream.ts,
 * bench/import-gpkg.ts): a throwaway PostGIS server with the demo county at `--scale N` (default
 * 10 = 300,000 incidents, 4,675 grids, 15,000 cameras), the app's plain login role (member of the
 * app roles, like production: RLS applies), and a county admin bearer token made with the owner's
 * rights. Not a benchmark itself.
 */
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../api/app.js';
import { createLogger } from '../api/logger.js';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { migrate } from '../api/db/migrate.js';
import { grantAppRoles } from '../api/db/open.js';
import { openPostgres } from '../api/db/postgres.js';
import { assertSafeRoles, type RequestScope } from '../api/db/scope.js';
import type { Db, Queryable } from '../api/db/types.js';
import { generateDemoCounty } from '../api/demo/generate.js';
import { loadDemoCounty } from '../api/demo/load.js';
import { findTokenPrincipal, actorOf } from '../api/auth/principal.js';
import { databaseRoleOf } from '../geo/access.js';
import { tokenFor } from '../tests/support/accounts.js';
import { createDatabase, postgisServerAvailability, startPostgisServer, type PostgisServer } from '../tests/support/postgis-server.js';

export const BENCH_LOGIN_ROLE = 'atlas_bench_login';
/** The demo the city benchmarks run on: the tests' seed and clock, at the chosen scale. */
export const CITY_SEED = 20261123;
export const CITY_NOW = new Date('2026-11-20T02:00:00Z');

/** `--scale N` (default 10) and the benchmark's own options (strings or booleans). */
export function benchArgs<K extends string>(own: Record<K, { type: 'string' | 'boolean'; default?: string | boolean }>) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { scale: { type: 'string', default: '10' }, ...own }, strict: true });
  const all = values as Record<string, string | boolean | undefined>;
  const scale = Number(all.scale);
  if (!(scale > 0 && scale <= 50)) throw new Error(`--scale must be a number in (0, 50]; got "${String(all.scale)}"`);
  return { ...(all as Record<K, string | boolean>), scale };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export interface City {
  server: PostgisServer;
  scale: number;
  /** Owner (superuser) connection string of the demo database. */
  ownerUrl: string;
  /** The app's login role on the same database. */
  appUrl: string;
  owner: Db;
  /** The app's pool (login role, RLS applies): what createApp gets in production. */
  db: Db;
  /** 6-digit county prefix and 12-digit county region code. */
  county: { prefix: string; code: string; bbox: [number, number, number, number] };
  /** A county admin's bearer token, and the scope the API derives from it (for the direct side). */
  token: string;
  scope: RequestScope;
  /** The PostgreSQL and PostGIS versions, for the output. */
  engine: string;
  /** Closes the two pools but keeps the server (to use the database as a template). */
  closePools(): Promise<void>;
  close(): Promise<void>;
}

/** Everything up to a loaded, analysed demo; prints progress to stderr (a scale-10 load takes minutes). */
export async function openCity(scale: number, options: { dbName?: string; poolMax?: number } = {}): Promise<City> {
  const availability = postgisServerAvailability();
  if (!availability.available) throw new Error(`No PostGIS server here: ${availability.reason}`);
  const t0 = performance.now();
  const server = await startPostgisServer();
  // Ctrl-C or a kill must not leave the throwaway server running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void server.stop().finally(() => process.exit(130));
    });
  }
  try {
    const ownerUrl = await createDatabase(server.adminUrl, options.dbName ?? 'atlas_city');
    const owner = await openPostgres({ connectionString: ownerUrl, poolMax: 2, connectTimeoutMs: 5000, statementTimeoutMs: 0 });
    await migrate(owner);
    log(`generating the demo county (seed ${CITY_SEED}, scale ${scale})…`);
    const demo = generateDemoCounty({ seed: CITY_SEED, scale, now: CITY_NOW });
    const t1 = performance.now();
    log(`generated in ${((t1 - t0) / 1000).toFixed(1)} s: ${demo.incidents.length} incidents, ${demo.grids.length} grids, ${demo.cameras.length} cameras; loading…`);
    let lastStep = '';
    let lastAt = 0;
    const counts = await loadDemoCounty(owner, demo, (step, done, total) => {
      const now = performance.now();
      if (step !== lastStep || now - lastAt > 10_000 || done === total) {
        if (step !== lastStep || done === total || now - lastAt > 10_000) log(`  loading ${step}: ${done}/${total}`);
        lastStep = step;
        lastAt = now;
      }
    });
    log(`loaded in ${((performance.now() - t1) / 1000).toFixed(1)} s (${JSON.stringify(counts)}); ANALYZE…`);
    await owner.query('ANALYZE');
    await owner.execScript(`CREATE ROLE ${BENCH_LOGIN_ROLE} LOGIN`);
    await grantAppRoles(owner, BENCH_LOGIN_ROLE);
    const appUrl = ownerUrl.replace('postgres://postgres@', `postgres://${BENCH_LOGIN_ROLE}@`);
    const db = await openPostgres({ connectionString: appUrl, poolMax: options.poolMax ?? 4, connectTimeoutMs: 5000, statementTimeoutMs: 0 });
    await assertSafeRoles(db);
    const [county] = await owner.query<{ code: string; b: number[] }>(
      `SELECT code, ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b
       FROM (SELECT code, geom::box2d AS e FROM regions WHERE level = 'county') s`,
    );
    const { token } = await tokenFor(owner, 'admin', county!.code);
    const p = await findTokenPrincipal(db, token);
    if (!p) throw new Error('the bench token does not authenticate');
    const scope: RequestScope = { dbRole: databaseRoleOf(p.role), scope: p.scope, staffId: p.staffId, actor: actorOf(p), requestId: 'bench-direct' };
    const [v] = await owner.query<{ v: string }>(`SELECT split_part(version(), ' ', 2) || ' + PostGIS ' || postgis_lib_version() AS v`);
    log(`ready after ${((performance.now() - t0) / 1000).toFixed(1)} s (PostgreSQL ${v!.v}; scope ${p.scope} as ${scope.dbRole})`);
    return {
      server, scale, ownerUrl, appUrl, owner, db, token, scope, engine: `PostgreSQL ${v!.v}`,
      county: { prefix: p.scope, code: county!.code, bbox: county!.b as [number, number, number, number] },
      async closePools() {
        await db.close();
        await owner.close();
      },
      async close() {
        await db.close();
        await owner.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * A Queryable that records the first statement given to it and answers `answer` without running
 * anything: used to get the exact SQL and parameters an API function builds (renderTile,
 * findItems), to run them directly alongside.
 */
export function recorder(answer: Record<string, unknown>): Queryable & { captured: { sql: string; params: unknown[] } | null } {
  const self = {
    captured: null as { sql: string; params: unknown[] } | null,
    async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      self.captured ??= { sql, params: [...(params ?? [])] };
      return [answer as R];
    },
  };
  return self;
}

/** The commit the benchmark ran on ('+' when api/, geo/ or sql/ have uncommitted changes). */
export function revision(): string {
  const run = (args: string[]) => spawnSync('git', args, { encoding: 'utf8', cwd: new URL('..', import.meta.url) }).stdout?.trim() ?? '';
  return `${run(['rev-parse', '--short', 'HEAD']) || 'unknown'}${run(['status', '--porcelain', '--', 'api', 'geo', 'sql']) ? '+' : ''}`;
}

/** Machine and code notes for the output. */
const startRevision = revision();
export function machine(): string {
  const now = revision();
  return `commit ${startRevision}${now === startRevision ? '' : ` (HEAD moved to ${now} during the run)`}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

/**
 * The app on the city's database, in this process and over a real socket on 127.0.0.1 (serving the
 * built client from `webDist` when given).
 */
export async function serveCity(city: { db: Db }, webDist: string | null = null) {
  const app = createApp({ db: city.db, log: createLogger('warn'), webDist });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { app, server, port: (server.address() as AddressInfo).port };
}
