import type { Queryable } from '../db/types.js';
import { ApiError } from '../errors.js';

export interface Place {
  village_code: string;
  natural_village_code: string | null;
  grid_code: string | null;
}

/**
 * Where a point lies among the regions the caller can see: its village, natural village and
 * current grid. A point in another region (or outside the county) finds nothing: 403 OutOfScope.
 * Every write that places a feature goes through here, so codes are never taken from the client.
 */
export async function locate(tx: Queryable, lon: number, lat: number): Promise<Place> {
  const [row] = await tx.query<Place>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g)
     SELECT r.code AS village_code,
            (SELECT n.code FROM regions n WHERE n.parent_code = r.code AND n.level = 'natural_village' AND ST_Covers(n.geom, p.g) ORDER BY n.code LIMIT 1) AS natural_village_code,
            (SELECT g.code FROM current_grids g WHERE g.village_code = r.code AND ST_Covers(g.geom, p.g) ORDER BY g.code LIMIT 1) AS grid_code
     FROM regions r, p WHERE r.level = 'village' AND ST_Covers(r.geom, p.g) AND atlas_in_scope(r.code)
     ORDER BY r.code LIMIT 1`,
    [lon, lat],
  );
  if (!row) throw new ApiError(403, 'OutOfScope', `The point ${lon}, ${lat} lies outside your region`);
  return row;
}
