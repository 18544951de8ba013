import { length, pointOnFeature } from '@turf/turf';
import { z } from 'zod';
import type { Permission } from '../../geo/access.js';
import { checkGeometry, describeGeometryProblems, type GeometryType } from '../../geo/geometry-check.js';
import { BUILDING_KINDS, CAMERA_KINDS, CAMERA_STATUSES, KEY_PLACE_TYPES, LAYERS, RISK_LEVELS, type LayerId } from '../../geo/layers.js';
import { regionLevelOf } from '../imports/targets.js';
import type { Queryable } from '../db/types.js';
import { ApiError } from '../errors.js';
import { findItem } from '../ogc/items.js';
import { guardFreeText } from '../privacy.js';
import { validationError } from '../routes/read-json.js';
import { ident } from '../db/sql-conditions.js';
import { locate } from './locate.js';
import { lockRowVersion } from '../db/row-version.js';

/**
 * Create, change and delete for the layers edited as single features (cameras, key places, address
 * points, patrol tracks, regions). Incidents have their own flow (api/incidents), grids their
 * versioned editor (issue 7). Geometry is checked (geo/geometry-check.ts) and the village, natural
 * village and grid are found from it, never taken from the client; writes carry the row version
 * (ETag / If-Match), a stale one gives 409 and changes nothing.
 */
interface LayerWriter {
  permission: Permission;
  geometryTypes: readonly GeometryType[];
  create: z.ZodObject<z.ZodRawShape>;
  /** Free-text properties the privacy guard reads. */
  freeText: readonly string[];
  /** Place columns the table has (found from the geometry). */
  placeColumns: readonly ('village_code' | 'natural_village_code' | 'grid_code')[];
  /** Properties that are set on creation and never change (a region's code). */
  immutable?: readonly string[];
  /** Columns derived from the checked properties and geometry (a region's level, a track's length). */
  derive?: (values: Record<string, unknown>, geometry: GeoJSON.Geometry | null) => Record<string, unknown>;
  /**
   * SQL for the stored geometry from `source` (the new geometry, or the stored one); `column(name)`
   * is the SQL for a column's new value (its parameter) or its stored value. Default: as sent.
   */
  geometrySql?: (source: string, column: (name: string) => string) => string;
  /** Columns whose change re-computes the stored geometry (a track's start and end times). */
  measureColumns?: readonly string[];
  /**
   * Checks that need the database or the whole row (a patrol's worker must be a grid worker of its
   * village). `row` is the row as it will be: on a change, the stored `checkColumns` overlaid with
   * the new values and place; `changed` names the columns being written.
   */
  check?: (tx: Queryable, row: Record<string, unknown>, changed: ReadonlySet<string>) => Promise<void>;
  /** Stored columns `check` reads on a change (a patch names only what it changes). */
  checkColumns?: readonly string[];
}

/** Milliseconds of a time as sent (ISO text) or as read back from the database (a Date). */
const timeOf = (value: unknown) => new Date(value as string | Date).getTime();

const name = z.string().trim().min(1).max(100);

export const LAYER_WRITERS: Partial<Record<LayerId, LayerWriter>> = {
  cameras: {
    permission: 'places.write',
    geometryTypes: ['Point'],
    create: z.strictObject({
      code: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'code: 1–64 of A–Z, 0–9, _ . -'),
      kind: z.enum(CAMERA_KINDS),
      heading_deg: z.number().min(0).lt(360),
      fov_deg: z.number().gt(0).max(360),
      range_m: z.number().gt(0).max(2000),
      status: z.enum(CAMERA_STATUSES).default('online'),
      owner: name,
      installed_on: z.iso.date().nullish(),
    }),
    freeText: ['owner'],
    placeColumns: ['village_code', 'natural_village_code', 'grid_code'],
  },
  key_places: {
    permission: 'places.write',
    geometryTypes: ['Point', 'Polygon', 'MultiPolygon'],
    create: z.strictObject({
      name,
      place_type: z.enum(KEY_PLACE_TYPES),
      risk_level: z.enum(RISK_LEVELS).default('medium'),
    }),
    freeText: ['name'],
    placeColumns: ['village_code', 'grid_code'],
  },
  address_points: {
    permission: 'places.write',
    geometryTypes: ['Point'],
    create: z.strictObject({
      households: z.number().int().min(0).max(100_000),
      building_kind: z.enum(BUILDING_KINDS).default('residential'),
    }),
    freeText: [],
    placeColumns: ['village_code', 'grid_code'],
  },
  patrol_tracks: {
    permission: 'places.write',
    geometryTypes: ['LineString'],
    create: z.strictObject({
      worker_id: z.number().int().positive(),
      started_at: z.iso.datetime({ offset: true }),
      ended_at: z.iso.datetime({ offset: true }),
    }),
    freeText: [],
    placeColumns: ['village_code', 'grid_code'],
    // A track's measure is time (epoch seconds): positions get times spread by distance from start to end.
    geometrySql: (source, column) =>
      `ST_AddMeasure(ST_Force2D(${source}), extract(epoch FROM ${column('started_at')}::timestamptz), extract(epoch FROM ${column('ended_at')}::timestamptz))`,
    measureColumns: ['started_at', 'ended_at'],
    derive: (_values, geometry) => (geometry ? { distance_m: Math.round(length({ type: 'Feature', geometry, properties: {} }, { units: 'meters' }) * 10) / 10 } : {}),
    checkColumns: ['worker_id', 'started_at', 'ended_at', 'village_code'],
    check: async (tx, row, changed) => {
      // A patch of one time is compared with the stored other here, so the caller is told which
      // field is wrong (the table's CHECK would only say "a value is not allowed").
      if ((changed.has('started_at') || changed.has('ended_at')) && timeOf(row.ended_at) < timeOf(row.started_at)) {
        throw new ApiError(400, 'ValidationFailed', 'ended_at: is before started_at');
      }
      // The worker must belong to the track's village (a grid worker's region is the village he
      // patrols): checked when either changes. Staff are region-scoped too, so a worker outside the
      // caller's region is not found. A stored worker who has since left may keep old tracks, so
      // "active" is required only of a worker being assigned.
      if (!changed.has('worker_id') && !changed.has('village_code')) return;
      const [worker] = await tx.query<{ active: boolean }>(
        `SELECT active FROM staff WHERE id = $1 AND role = 'grid_worker' AND starts_with($2::text, region_code)`,
        [row.worker_id, row.village_code],
      );
      if (!worker || (changed.has('worker_id') && !worker.active)) {
        throw new ApiError(400, 'ValidationFailed', `worker_id: ${String(row.worker_id)} is not an active grid worker of village ${String(row.village_code)}`);
      }
    },
  },
  regions: {
    permission: 'regions.write',
    geometryTypes: ['Polygon', 'MultiPolygon'],
    create: z.strictObject({
      code: z.string().regex(/^\d{12}(\d{3})?$/, 'a 12-digit division code (15 for a natural village)'),
      name,
      kind: z.enum(['town', 'township', 'street', 'village', 'community']).nullish(),
    }),
    freeText: [],
    placeColumns: [],
    immutable: ['code'],
    derive: (values) => {
      if (values.code === undefined) return {};
      const { level, parent } = regionLevelOf(values.code as string);
      return { level, parent_code: parent, county_code: (values.code as string).slice(0, 6) };
    },
    geometrySql: (source) => `ST_Multi(${source})`,
    check: async (tx, row, changed) => {
      // Named here: the foreign key alone would only say "refers to something that does not exist".
      if (!changed.has('parent_code')) return;
      const [inScope] = await tx.query<{ ok: boolean }>(`SELECT atlas_in_scope($1) AS ok`, [row.code]);
      if (!inScope!.ok) throw new ApiError(403, 'OutOfScope', `The region ${String(row.code)} lies outside your region`);
      if (row.parent_code === null) return;
      const [parent] = await tx.query(`SELECT 1 FROM regions WHERE code = $1`, [row.parent_code]);
      if (!parent) throw new ApiError(400, 'ValidationFailed', `code: its parent region ${String(row.parent_code)} does not exist (create it first)`);
    },
  },
};

export const featureWriteSchema = z.strictObject({
  type: z.literal('Feature'),
  geometry: z.unknown(),
  properties: z.record(z.string(), z.unknown()),
  id: z.unknown().optional(),
});

export const featurePatchSchema = z.strictObject({
  type: z.literal('Feature').optional(),
  geometry: z.unknown().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  id: z.unknown().optional(),
});

export function writerOf(layerId: LayerId): LayerWriter {
  const writer = LAYER_WRITERS[layerId];
  if (!writer) throw new ApiError(403, 'Forbidden', `Layer ${layerId} is not edited feature by feature here (incidents: /api/incidents; grids: the grid editor)`);
  return writer;
}

function checkedGeometry(writer: LayerWriter, geometry: unknown): GeoJSON.Geometry {
  const problems = checkGeometry(geometry, { allowed: writer.geometryTypes });
  if (problems.length) throw new ApiError(400, 'ValidationFailed', describeGeometryProblems(problems));
  return geometry as GeoJSON.Geometry;
}

function checkedProperties(writer: LayerWriter, properties: unknown, partial: boolean): Record<string, unknown> {
  if (partial && properties && typeof properties === 'object') {
    const fixed = (writer.immutable ?? []).filter((k) => k in properties);
    if (fixed.length) throw new ApiError(400, 'ValidationFailed', `${fixed.join(', ')}: cannot be changed (create a new feature instead)`);
  }
  const schema = partial ? writer.create.partial() : writer.create;
  const parsed = schema.safeParse(properties);
  if (!parsed.success) throw validationError(parsed.error);
  const values = parsed.data as Record<string, unknown>;
  guardFreeText(Object.fromEntries(writer.freeText.map((f) => [f, values[f] as string | undefined])));
  // Undefined keys are left out. In a patch so are keys the caller did not send: Zod 4's partial()
  // still fills in defaults, which would reset e.g. a building's kind to 'residential' on every change.
  const sent = (key: string) => !partial || Object.hasOwn(properties as object, key);
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== undefined && sent(k)));
}

/** The feature's village, natural village and grid; nothing for regions (a region's place is its code). */
async function placeOf(tx: Queryable, writer: LayerWriter, geometry: GeoJSON.Geometry): Promise<Record<string, string | null>> {
  if (writer.placeColumns.length === 0) return {};
  const [lon, lat] = pointOnFeature(geometry).geometry.coordinates as [number, number];
  const place = await locate(tx, lon, lat);
  return Object.fromEntries(writer.placeColumns.map((c) => [c, place[c]]));
}

const idColumnOf = (layerId: LayerId) => LAYERS[layerId].idColumn;

/** The feature as GeoJSON text with its row version (the ETag), or null when not visible. */
export async function readFeature(tx: Queryable, layerId: LayerId, id: string | number): Promise<{ json: string; version: number } | null> {
  const json = await findItem(tx, layerId, id);
  if (!json) return null;
  const [row] = await tx.query<{ v: number }>(`SELECT row_version AS v FROM ${ident(LAYERS[layerId].source)} WHERE ${ident(idColumnOf(layerId))} = $1`, [id]);
  return { json, version: row!.v };
}

/** Parameters and the SQL naming each: `$n` for a value being written. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** SQL for the stored geometry; `column(name)` is the new value's parameter or the stored column. */
function geometryExpr(writer: LayerWriter, source: string, column: (name: string) => string): string {
  return writer.geometrySql ? writer.geometrySql(source, column) : source;
}

export async function createFeature(tx: Queryable, layerId: LayerId, body: unknown): Promise<string | number> {
  const writer = writerOf(layerId);
  const parsed = featureWriteSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  const geometry = checkedGeometry(writer, parsed.data.geometry);
  const props = checkedProperties(writer, parsed.data.properties, false);
  const values: Record<string, unknown> = { ...props, ...(await placeOf(tx, writer, geometry)), ...writer.derive?.(props, geometry) };
  if (values.county_code === undefined) values.county_code = (values.village_code as string).slice(0, 6);
  await writer.check?.(tx, values, new Set(Object.keys(values)));
  const params = new Params();
  const columns = Object.keys(values);
  const placeholders = columns.map((c) => params.add(values[c]));
  const byName = (name: string) => placeholders[columns.indexOf(name)] ?? ident(name);
  const geom = geometryExpr(writer, `ST_SetSRID(ST_GeomFromGeoJSON(${params.add(JSON.stringify(geometry))}), 4326)`, byName);
  const [row] = await tx.query<{ id: string | number }>(
    `INSERT INTO ${ident(layerId)} (${columns.map(ident).join(', ')}, geom) VALUES (${placeholders.join(', ')}, ${geom})
     RETURNING ${ident(idColumnOf(layerId))} AS id`,
    params.values,
  );
  return row!.id;
}

export async function updateFeature(tx: Queryable, layerId: LayerId, id: string | number, version: number, body: unknown): Promise<void> {
  const writer = writerOf(layerId);
  const parsed = featurePatchSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  const stored = await lockRowVersion(tx, layerId, id, version, `feature of ${layerId}`, writer.checkColumns ?? [], idColumnOf(layerId));
  const props = parsed.data.properties ? checkedProperties(writer, parsed.data.properties, true) : {};
  const values: Record<string, unknown> = { ...props };
  let geometry: GeoJSON.Geometry | null = null;
  if (parsed.data.geometry !== undefined) {
    geometry = checkedGeometry(writer, parsed.data.geometry);
    Object.assign(values, await placeOf(tx, writer, geometry), writer.derive?.(props, geometry));
    if (values.village_code !== undefined) values.county_code = (values.village_code as string).slice(0, 6);
  }
  // Checked after the place is found: a moved feature is checked against its new village.
  await writer.check?.(tx, { ...stored, ...values }, new Set(Object.keys(values)));
  const params = new Params();
  const idParam = params.add(id);
  const columns = Object.keys(values);
  const placeholders = columns.map((c) => params.add(values[c]));
  const sets = ['row_version = row_version + 1', ...columns.map((c, i) => `${ident(c)} = ${placeholders[i]}`)];
  const byName = (name: string) => placeholders[columns.indexOf(name)] ?? ident(name);
  // A track's times live in its measures: new times re-measure the stored line too.
  const remeasure = writer.geometrySql !== undefined && columns.some((c) => writer.measureColumns?.includes(c));
  if (geometry || remeasure) {
    const source = geometry ? `ST_SetSRID(ST_GeomFromGeoJSON(${params.add(JSON.stringify(geometry))}), 4326)` : 'geom';
    sets.push(`geom = ${geometryExpr(writer, source, byName)}`);
  }
  await tx.query(`UPDATE ${ident(layerId)} SET ${sets.join(', ')} WHERE ${ident(idColumnOf(layerId))} = ${idParam}`, params.values);
}

export async function deleteFeature(tx: Queryable, layerId: LayerId, id: string | number, version: number): Promise<void> {
  writerOf(layerId);
  await lockRowVersion(tx, layerId, id, version, `feature of ${layerId}`, [], idColumnOf(layerId));
  try {
    await tx.query(`DELETE FROM ${ident(layerId)} WHERE ${ident(idColumnOf(layerId))} = $1`, [id]);
  } catch (error) {
    // Still referenced (a region with villages, grids or records; a key place a grid serves).
    if ((error as { code?: string }).code === '23503') {
      throw new ApiError(409, 'Conflict', `The feature ${id} of ${layerId} is still in use by other records: remove or move those first`);
    }
    throw error;
  }
}
