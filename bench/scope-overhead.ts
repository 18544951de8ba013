/**
 * What region scope costs: the same queries run as the owner (no row-level security) and as the
 * app role scoped to the whole county (same rows, every policy evaluated), interleaved in one run,
 * on PGlite and, when the binaries are here, on a throwaway PostGIS server. A village-scoped run
 * shows what the code-path index buys when the scope is small.
 * Run: `npx tsx bench/scope-overhead.ts [reps]`.
 */
import { migrate } from '../api/db/migrate.js';
import { createPgliteInstance, wrapPglite } from '../api/db/pglite.js';
import { openPostgres } from '../api/db/postgres.js';
import { withScope, type RequestScope } from '../api/db/scope.js';
import type { Db, Queryable } from '../api/db/types.js';
import { generateDemoCounty } from '../api/demo/generate.js';
import { loadDemoCounty } from '../api/demo/load.js';
import { findItems } from '../api/ogc/items.js';
import { LAYERS, type LayerId } from '../geo/layers.js';
import { createDatabase, postgisServerAvailability, startPostgisServer } from '../tests/support/postgis-server.js';

const reps = Number(process.argv[2] ?? 15);
/** What the client's layer load runs (GET /api/layers/{layer}/features). */
const layerLoad = (q: Queryable, layerId: LayerId, limit: number) =>
  findItems(q, { layerId, conditions: [], params: [], properties: LAYERS[layerId].properties, sortBy: [], limit, offset: 0, count: false });

const QUERIES: Record<string, (q: Queryable) => Promise<unknown>> = {
  'incidents layer (30k points)': (q) => layerLoad(q, 'incidents', 100000),
  'grids layer (436 polygons)': (q) => layerLoad(q, 'grids', 5000),
  'count of open incidents': (q) => q.query(`SELECT count(*) FROM incidents WHERE status NOT IN ('resolved', 'closed')`),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function measure(label: string, owner: Db, app: Db) {
  const [county] = await owner.query<{ code: string }>(`SELECT left(code, 6) AS code FROM regions WHERE level = 'county'`);
  const [village] = await owner.query<{ code: string }>(`SELECT village_code AS code FROM incidents GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
  const scope = (s: string): RequestScope => ({ dbRole: 'atlas_app', scope: s, staffId: null, actor: 'bench', requestId: 'bench' });
  const rows: Record<string, unknown>[] = [];
  for (const [name, run] of Object.entries(QUERIES)) {
    const t = { owner: [] as number[], county: [] as number[], village: [] as number[] };
    for (let i = 0; i < reps + 2; i++) {
      const o = await time(() => owner.transaction((tx) => run(tx)));
      const c = await time(() => withScope(app, scope(county!.code), (tx) => run(tx)));
      const v = await time(() => withScope(app, scope(village!.code), (tx) => run(tx)));
      if (i < 2) continue; // warm-up
      t.owner.push(o);
      t.county.push(c);
      t.village.push(v);
    }
    rows.push({
      engine: label, query: name, ownerMs: +median(t.owner).toFixed(1), countyScopeMs: +median(t.county).toFixed(1),
      countyOverOwner: +(median(t.county) / median(t.owner)).toFixed(2), villageScopeMs: +median(t.village).toFixed(1),
    });
  }
  console.table(rows);
  return rows;
}

const demo = generateDemoCounty({ seed: 20261123, scale: 1, now: new Date('2026-11-20T02:00:00Z') });
const all: Record<string, unknown>[] = [];
{
  const db = await wrapPglite(await createPgliteInstance(null));
  await migrate(db);
  await loadDemoCounty(db, demo);
  all.push(...(await measure('pglite', db, db)));
  await db.close();
}
if (postgisServerAvailability().available) {
  const server = await startPostgisServer();
  try {
    const ownerUrl = await createDatabase(server.adminUrl, 'atlas_bench');
    const owner = await openPostgres({ connectionString: ownerUrl, poolMax: 2, connectTimeoutMs: 5000, statementTimeoutMs: 0 });
    await migrate(owner);
    await loadDemoCounty(owner, demo);
    await owner.query('ANALYZE');
    await owner.execScript('CREATE ROLE atlas_bench_login LOGIN; GRANT atlas_app, atlas_display TO atlas_bench_login');
    const app = await openPostgres({ connectionString: ownerUrl.replace('postgres://postgres@', 'postgres://atlas_bench_login@'), poolMax: 2, connectTimeoutMs: 5000, statementTimeoutMs: 0 });
    all.push(...(await measure('postgres', owner, app)));
    await app.close();
    await owner.close();
  } finally {
    await server.stop();
  }
} else {
  console.log('(no PostGIS server binaries here: server figures skipped)');
}
console.log(JSON.stringify(all));
