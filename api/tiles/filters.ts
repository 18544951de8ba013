import type { LayerDef } from '../../geo/layers.js';
import { SqlConditions } from '../db/sql-conditions.js';
import { ApiError } from '../errors.js';

/** Properties a tile request may filter on with `?<property>=a,b` (only those the layer has). */
export const TILE_FILTER_PROPERTIES = [
  'category', 'subcategory', 'level', 'status', 'source', 'flow_level', 'warning_colour', 'kind',
  'grid_class', 'place_type', 'risk_level', 'building_kind',
] as const;

export interface TileFilters {
  where: SqlConditions;
  /** Canonical text of the filters, part of the ETag. */
  key: string;
}

/**
 * Tile filters from the query string: `from`/`to` (ISO date-times) on the layer's time column and
 * `?<property>=v1,v2` equality lists. Unknown parameters or bad values give 400.
 */
export function parseTileFilters(url: string, layer: LayerDef, firstParam: number): TileFilters {
  const where = new SqlConditions(firstParam);
  const keyParts: string[] = [];
  const allowed = new Set<string>(TILE_FILTER_PROPERTIES.filter((p) => layer.properties.includes(p)));
  for (const [name, raw] of [...new URL(url).searchParams.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if ((name === 'from' || name === 'to') && layer.timeColumn) {
      if (Number.isNaN(Date.parse(raw)) || !/^\d{4}-\d{2}-\d{2}/.test(raw)) {
        throw new ApiError(400, 'InvalidParameter', `${name} must be an ISO 8601 date or date-time; got "${raw}"`);
      }
      where.add(`t."${layer.timeColumn}" ${name === 'from' ? '>=' : '<'} ?::timestamptz`, [new Date(raw).toISOString()]);
    } else if (allowed.has(name)) {
      const values = raw.split(',').filter(Boolean);
      if (!values.length || values.length > 50 || values.some((v) => !/^[a-z0-9_.]{1,64}$/.test(v))) {
        throw new ApiError(400, 'InvalidParameter', `${name} must be a comma list of up to 50 codes; got "${raw}"`);
      }
      where.add(`t."${name}"::text = ANY(?::text[])`, [values]);
    } else {
      const known = [...(layer.timeColumn ? ['from', 'to'] : []), ...allowed];
      throw new ApiError(400, 'UnknownParameter', `Unknown tile filter "${name}" for ${layer.id}. Allowed: ${known.join(', ') || 'none'}`);
    }
    keyParts.push(`${name}=${raw}`);
  }
  return { where, key: keyParts.join('&') };
}
