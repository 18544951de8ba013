import type { Db } from '../db/types.js';

/**
 * /health is public (load balancers, the start-up benchmark), so it says only that the service
 * works and on what: no counts or other figures of any region. Figures come from /api/summary,
 * scoped to the caller.
 */
export interface HealthReport {
  status: 'ok';
  database: {
    kind: Db['kind']; version: string; postgis: string; geos: string; mvt: boolean;
    /** Spatial filters can use the GiST index under row-level security (migration 0006). */
    spatialIndexUnderRls: boolean;
  };
  /** The demo's seed and scale when the demo county is loaded, else null. */
  demo: { seed: number; scale: number } | null;
}

export async function buildHealthReport(db: Db): Promise<HealthReport> {
  const [demo] = await db.query<{ seed: number | null; scale: number | null }>(
    `SELECT (value ->> 'seed')::int AS seed, (value ->> 'scale')::float8 AS scale FROM app_meta WHERE key = 'demo'`,
  );
  const [leakproof] = await db.query<{ ok: boolean }>(
    `SELECT proleakproof AS ok FROM pg_proc WHERE oid = 'geometry_overlaps(geometry, geometry)'::regprocedure`,
  );
  return {
    status: 'ok',
    database: {
      kind: db.kind,
      version: db.capabilities.serverVersion,
      postgis: db.capabilities.postgisVersion,
      geos: db.capabilities.geosVersion,
      mvt: db.capabilities.mvt,
      spatialIndexUnderRls: leakproof?.ok ?? false,
    },
    demo: demo && demo.seed !== null ? { seed: demo.seed, scale: demo.scale ?? 1 } : null,
  };
}
