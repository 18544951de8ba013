import type { MultiPolygon, Polygon } from 'geojson';
import type { Queryable } from '../db/types.js';
import type { AnalyticsQuery } from './params.js';
import { incidentFilterSql } from './params.js';

/**
 * The rows the analytics read, one function per kind, all in the caller's scoped transaction (row-
 * level security applies) and narrowed to the query's region with the code-path indexes
 * (`village_code LIKE prefix%`, text_pattern_ops). Only columns that wall displays may read are
 * selected, so every analytic also runs for a display token. Heavy geometry leaves PostgreSQL in
 * compact forms: points as numbers, polygons as GeoJSON with 7 decimals (~1 cm), tracks as WKB.
 */

export const likePrefix = (region: string) => `${region}%`;

/** The region row a prefix names: county 330699 → 330699000000. */
export const regionRowCode = (region: string) => region.padEnd(12, '0');

export interface RegionShape {
  code: string;
  name: string;
  level: string;
  geometry: Polygon | MultiPolygon;
}

/** The region the query covers, with its boundary (null when the region has no row). */
export async function findRegionShape(tx: Queryable, region: string): Promise<RegionShape | null> {
  const [row] = await tx.query<{ code: string; name: string; level: string; geojson: string }>(
    'SELECT code, name, level, ST_AsGeoJSON(geom, 7) AS geojson FROM regions WHERE code = $1', [regionRowCode(region)],
  );
  return row ? { code: row.code, name: row.name, level: row.level, geometry: JSON.parse(row.geojson) } : null;
}

/** Regions of `level` inside the query's region (townships, villages or natural villages). */
export async function findRegionsIn(tx: Queryable, region: string, level: 'township' | 'village' | 'natural_village'): Promise<{ code: string; name: string; parentCode: string }[]> {
  return tx.query(
    `SELECT code, name, parent_code AS "parentCode" FROM regions WHERE level = $2 AND code LIKE $1 ORDER BY code`,
    [likePrefix(region), level],
  );
}

export interface GridRow {
  /** Row id and version: together they name one boundary (a new version or an edit changes them). */
  id: number;
  rowVersion: number;
  code: string;
  name: string;
  gridClass: 'A' | 'B' | 'C';
  villageCode: string;
  households: number;
  schedule: { days: number[]; from: string; to: string } | null;
  geometry: Polygon | MultiPolygon;
}

/** The current grids of the region with their class, key place schedule and boundary. */
export async function findCurrentGrids(tx: Queryable, region: string): Promise<GridRow[]> {
  const rows = await tx.query<Omit<GridRow, 'geometry'> & { geojson: string }>(
    `SELECT g.id::float8 AS id, g.row_version AS "rowVersion", g.code, g.name, g.grid_class AS "gridClass", g.village_code AS "villageCode", g.households,
            k.patrol_schedule AS schedule, ST_AsGeoJSON(g.geom, 7) AS geojson
     FROM current_grids g LEFT JOIN key_places k ON k.id = g.key_place_id
     WHERE g.village_code LIKE $1 ORDER BY g.code`,
    [likePrefix(region)],
  );
  return rows.map(({ geojson, ...r }) => ({ ...r, geometry: JSON.parse(geojson) }));
}

export interface TrackRow {
  id: number;
  gridCode: string;
  startedAtMs: number;
  endedAtMs: number;
  /** Vertices [lon, lat, epochSeconds]. */
  coords: number[][];
}

/**
 * Patrol tracks of the region that overlap [fromMs, toMs). The WKB travels base64-encoded: PGlite
 * decodes a bytea column ten times slower than Node decodes base64 (a month of a county's tracks,
 * 13 MB: ~2 s vs ~0.2 s), and on the server it costs nothing measurable.
 */
export async function findTracks(tx: Queryable, region: string, fromMs: number, toMs: number, ids?: readonly number[]): Promise<TrackRow[]> {
  const rows = await tx.query<{ id: string | number; grid_code: string; s: number; e: number; wkb: string }>(
    `SELECT id, grid_code, extract(epoch FROM started_at) * 1000 AS s, extract(epoch FROM ended_at) * 1000 AS e,
            encode(ST_AsBinary(geom), 'base64') AS wkb
     FROM patrol_tracks
     WHERE village_code LIKE $1 AND started_at < to_timestamp($3 / 1000.0) AND ended_at >= to_timestamp($2 / 1000.0)
       ${ids ? 'AND id = ANY($4::bigint[])' : ''}
     ORDER BY id`,
    ids ? [likePrefix(region), fromMs, toMs, ids] : [likePrefix(region), fromMs, toMs],
  );
  return rows.map((r) => ({
    id: Number(r.id), gridCode: r.grid_code, startedAtMs: Number(r.s), endedAtMs: Number(r.e),
    coords: lineStringMFromWkb(Buffer.from(r.wkb, 'base64')),
  }));
}

/** Id, start and end of the region's patrol tracks that overlap [fromMs, toMs): to choose before reading geometry. */
export async function findTrackTimes(tx: Queryable, region: string, fromMs: number, toMs: number): Promise<{ id: number; s: number; e: number }[]> {
  const c = await numericColumns(tx, {
    id: 'id', s: 'extract(epoch FROM started_at) * 1000', e: 'extract(epoch FROM ended_at) * 1000',
  }, `FROM patrol_tracks WHERE village_code LIKE $1 AND started_at < to_timestamp($3 / 1000.0) AND ended_at >= to_timestamp($2 / 1000.0)`,
  'id', [likePrefix(region), fromMs, toMs]);
  return Array.from(c.id, (id, i) => ({ id, s: c.s[i]!, e: c.e[i]! }));
}

/**
 * The vertices [x, y, m] of an ISO WKB LINESTRING M (type 2002, what ST_AsBinary writes for
 * LineStringM). Throws on anything else: a track is always a LineStringM.
 */
export function lineStringMFromWkb(wkb: Uint8Array): number[][] {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  const little = view.getUint8(0) === 1;
  const type = view.getUint32(1, little);
  // ISO 2002, or EWKB with the M flag (0x40000000) on type 2.
  if (type !== 2002 && (type & 0x0fffffff) !== 2) throw new Error(`expected a LINESTRING M in WKB, got type ${type}`);
  if (type !== 2002 && !(type & 0x40000000)) throw new Error('expected a LINESTRING M in WKB, got one without M');
  let offset = 5;
  if (type & 0x20000000) offset += 4; // EWKB SRID
  const n = view.getUint32(offset, little);
  offset += 4;
  const out: number[][] = new Array(n);
  for (let i = 0; i < n; i++, offset += 24) {
    out[i] = [view.getFloat64(offset, little), view.getFloat64(offset + 8, little), view.getFloat64(offset + 16, little)];
  }
  return out;
}

export interface CameraRow {
  id: number;
  lon: number;
  lat: number;
  headingDeg: number;
  fovDeg: number;
  rangeMeters: number;
  status: 'online' | 'offline' | 'fault';
  villageCode: string;
  naturalVillageCode: string | null;
}

/**
 * Cameras that can see into the region: its own, and (`near`) those outside it within the longest
 * camera range (2 km, the schema's limit) of its bounding box, since a camera across a village
 * boundary covers households on this side too. Row-level security still limits both to the
 * caller's scope. Callers that count cameras per village filter on `villageCode`.
 */
export async function findCameras(tx: Queryable, region: string, options: { near?: boolean } = {}): Promise<CameraRow[]> {
  const near = options.near
    ? ` OR geom && ST_Expand((SELECT geom FROM regions WHERE code = $2)::box2d, 0.021)`
    : '';
  const rows = await tx.query<CameraRow & { id: string | number }>(
    `SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, heading_deg AS "headingDeg", fov_deg AS "fovDeg", range_m AS "rangeMeters",
            status, village_code AS "villageCode", natural_village_code AS "naturalVillageCode"
     FROM cameras WHERE village_code LIKE $1${near} ORDER BY id`,
    options.near ? [likePrefix(region), regionRowCode(region)] : [likePrefix(region)],
  );
  for (const r of rows) r.id = Number(r.id);
  return rows as CameraRow[];
}

/**
 * Numeric columns over `from` as Float64Arrays, one per column, in `orderBy` order. Each column
 * leaves the database as one base64 text of big-endian float8s (`float8send`, `string_agg`), not as
 * rows or arrays: PGlite decodes rows one by one in JavaScript and both drivers parse number arrays
 * from text (a city's 300,000 incidents: ~2 s as arrays on the server, ~0.5 s this way).
 */
export async function numericColumns<K extends string>(
  tx: Queryable, columns: { readonly [key in K]: string }, from: string, orderBy: string, params: readonly unknown[],
): Promise<Record<K, Float64Array>> {
  const names = Object.keys(columns) as K[];
  const [row] = await tx.query<Record<string, string | null>>(
    `SELECT ${names.map((k) => `encode(string_agg(float8send((${columns[k]})::float8), ''::bytea ORDER BY ${orderBy}), 'base64') AS "${k}"`).join(', ')} ${from}`,
    params,
  );
  const out = {} as Record<K, Float64Array>;
  for (const k of names) {
    const bytes = Buffer.from(row?.[k] ?? '', 'base64');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const values = new Float64Array(bytes.byteLength / 8);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8, false);
    out[k] = values;
  }
  return out;
}

/** Address points of the region as flat arrays (hundreds of thousands at city scale). */
export async function findAddressPoints(tx: Queryable, region: string): Promise<{ lon: Float64Array; lat: Float64Array; households: Int32Array; ids: Float64Array }> {
  const c = await numericColumns(tx, { id: 'a.id', x: 'ST_X(a.geom)', y: 'ST_Y(a.geom)', h: 'a.households' },
    'FROM address_points a WHERE a.village_code LIKE $1', 'a.id', [likePrefix(region)]);
  return { lon: c.x, lat: c.y, households: Int32Array.from(c.h), ids: c.id };
}

/** Incidents as the analytics need them: where, when, and whether resolved. */
export interface IncidentPoint {
  lon: number;
  lat: number;
  occurredAtMs: number;
  /** Resolved or closed. */
  resolved: boolean;
}

/**
 * Incidents of the region that occurred in the query's window and pass its filters: only the four
 * columns every analytic uses (a city's year is 300,000 rows).
 */
export async function findIncidentPoints(tx: Queryable, query: AnalyticsQuery): Promise<IncidentPoint[]> {
  const filter = incidentFilterSql(query, 3);
  const c = await numericColumns(tx, {
    lon: 'ST_X(i.geom)', lat: 'ST_Y(i.geom)', at: 'extract(epoch FROM i.occurred_at) * 1000',
    resolved: "(i.status IN ('resolved', 'closed'))::int",
  }, `FROM incidents i
     WHERE i.village_code LIKE $1 AND i.occurred_at >= to_timestamp($2 / 1000.0) AND i.occurred_at < to_timestamp($3 / 1000.0)
       ${filter.sql}`, 'i.id', [likePrefix(query.region), query.fromMs, query.toMs, ...filter.params]);
  return Array.from(c.lon, (lon, i) => ({ lon, lat: c.lat[i]!, occurredAtMs: c.at[i]!, resolved: c.resolved[i] === 1 }));
}

/** The working-day exceptions (holidays, swapped working days) of the calendar table. */
export async function findCalendarDays(tx: Queryable): Promise<{ day: string; is_workday: boolean }[]> {
  return tx.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day, is_workday FROM calendar_days ORDER BY day`);
}
