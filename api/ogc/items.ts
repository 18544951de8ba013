import { LAYERS, type LayerId } from '../../geo/layers.js';
import type { Queryable } from '../db/types.js';
import { ident } from '../db/sql-conditions.js';

/**
 * The SQL behind OGC API – Features items: one statement that counts every match (numberMatched)
 * and returns one page of features as GeoJSON text assembled in the database. Conditions arrive as
 * SQL fragments with their own bound parameters (built from the catalogue and the request by
 * api/routes/ogc.ts; never request text); identifiers come from the layer catalogue only.
 */
export interface ItemsQuery {
  layerId: LayerId;
  /** Boolean SQL fragments over alias `t`, ANDed; their `$n` numbers index `params`. */
  conditions: string[];
  params: unknown[];
  /** Properties to emit (a subset of the catalogue's, in catalogue order). */
  properties: readonly string[];
  /** ORDER BY terms over catalogue columns; the id is always the last tie-breaker. */
  sortBy: { column: string; descending: boolean }[];
  limit: number;
  offset: number;
  /** Count every match for numberMatched (default true); the client's layer loads skip it. */
  count?: boolean;
}

export interface ItemsPage {
  /** Null when the query asked for no count. */
  numberMatched: number | null;
  numberReturned: number;
  /** JSON text of the features array. */
  features: string;
  /** The largest id on the page: the last one when sorted by id alone (keyset paging); null if empty. */
  lastId: string | null;
}

function featureJson(layerId: LayerId, properties: readonly string[]): string {
  const layer = LAYERS[layerId];
  const props = properties.map((p) => `'${p}', t.${ident(p)}`).join(', ');
  return `json_build_object('type', 'Feature', 'id', t.${ident(layer.idColumn)},
    'geometry', ST_AsGeoJSON(t.${ident(layer.geometryColumn)}, 7)::json,
    'properties', json_build_object(${props}))`;
}

/**
 * The catalogue's columns of a layer (id, geometry, time, properties): never `t.*`, because the
 * display role has no grant on the free-text columns and a star would ask for them.
 */
function catalogueColumns(layerId: LayerId): string {
  const layer = LAYERS[layerId];
  const columns = new Set([layer.idColumn, layer.geometryColumn, ...(layer.timeColumn ? [layer.timeColumn] : []), ...layer.properties]);
  return [...columns].map((c) => `t.${ident(c)}`).join(', ');
}

export async function findItems(tx: Queryable, q: ItemsQuery): Promise<ItemsPage> {
  const layer = LAYERS[q.layerId];
  const where = q.conditions.length ? `WHERE ${q.conditions.map((c) => `(${c})`).join(' AND ')}` : '';
  const order = [...q.sortBy.map((s) => `t.${ident(s.column)} ${s.descending ? 'DESC' : 'ASC'} NULLS LAST`), `t.${ident(layer.idColumn)} ASC`].join(', ');
  const params = [...q.params, q.limit, q.offset];
  const limitParam = `$${params.length - 1}`;
  const offsetParam = `$${params.length}`;
  const sql = `
    WITH matched AS (SELECT ${catalogueColumns(q.layerId)} FROM ${ident(layer.source)} AS t ${where}),
    page AS (SELECT * FROM matched AS t ORDER BY ${order} LIMIT ${limitParam} OFFSET ${offsetParam})
    SELECT ${q.count === false ? 'NULL' : '(SELECT count(*) FROM matched)'}::int AS number_matched,
           (SELECT count(*) FROM page)::int AS number_returned,
           coalesce((SELECT json_agg(${featureJson(q.layerId, q.properties)} ORDER BY ${order}) FROM page AS t), '[]'::json)::text AS features,
           (SELECT max(t.${ident(layer.idColumn)})::text FROM page AS t) AS last_id`;
  const [row] = await tx.query<{ number_matched: number; number_returned: number; features: string; last_id: string | null }>(sql, params);
  return { numberMatched: row!.number_matched, numberReturned: row!.number_returned, features: row!.features, lastId: row!.last_id };
}

/** One feature as GeoJSON text, or null when it does not exist in the caller's region. */
export async function findItem(tx: Queryable, layerId: LayerId, id: string | number): Promise<string | null> {
  const layer = LAYERS[layerId];
  const [row] = await tx.query<{ feature: string }>(
    `SELECT ${featureJson(layerId, layer.properties)}::text AS feature FROM ${ident(layer.source)} AS t WHERE t.${ident(layer.idColumn)} = $1`,
    [id],
  );
  return row?.feature ?? null;
}

/** The bounding box of the caller's villages (their region), or null when they see none. */
export async function findScopeBbox(tx: Queryable): Promise<number[] | null> {
  const [row] = await tx.query<{ b: (number | null)[] }>(
    `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b
     FROM (SELECT ST_Extent(geom) AS e FROM regions WHERE level = 'village' AND atlas_in_scope(code)) s`,
  );
  return row?.b && row.b[0] !== null ? (row.b as number[]) : null;
}

/** The caller's spatial extent and, for timed layers, the time span of the rows they see. */
export async function findExtent(tx: Queryable, layerId: LayerId): Promise<{ bbox: number[] | null; interval: [string | null, string | null] | null }> {
  const layer = LAYERS[layerId];
  let interval: [string | null, string | null] | null = null;
  if (layer.timeColumn) {
    const col = ident(layer.timeColumn);
    const [time] = await tx.query<{ a: Date | null; b: Date | null }>(`SELECT min(t.${col}) AS a, max(t.${col}) AS b FROM ${ident(layer.source)} AS t`);
    interval = [time?.a ? time.a.toISOString() : null, time?.b ? time.b.toISOString() : null];
  }
  return { bbox: await findScopeBbox(tx), interval };
}
