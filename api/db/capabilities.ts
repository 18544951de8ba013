import type { EngineCapabilities, Queryable } from './types.js';

/**
 * Detects once, at start, what the engine can do. PGlite's PostGIS is built without protobuf-c, so
 * `ST_AsMVT` fails there ("Compiled without protobuf-c support"); tiles are then encoded in TypeScript.
 * Requires the postgis extension to exist.
 */
export async function detectCapabilities(query: Queryable['query']): Promise<EngineCapabilities> {
  const [info] = await query<{ server: string; postgis: string; geos: string }>(
    `SELECT current_setting('server_version') AS server,
            postgis_lib_version() AS postgis,
            postgis_geos_version() AS geos`,
  );
  let mvt = true;
  try {
    await query(
      `SELECT ST_AsMVT(q, 'probe', 4096, 'geom') FROM
         (SELECT 1 AS id, ST_AsMVTGeom(ST_Point(0, 0), ST_MakeEnvelope(-1, -1, 1, 1)) AS geom) AS q`,
    );
  } catch {
    mvt = false;
  }
  return {
    mvt,
    serverVersion: info?.server ?? 'unknown',
    postgisVersion: info?.postgis ?? 'unknown',
    geosVersion: info?.geos ?? 'unknown',
  };
}
