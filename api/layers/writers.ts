import { pointOnFeature } from '@turf/turf';
import { z } from 'zod';
import type { Permission } from '../../geo/access.js';
import { checkGeometry, describeGeometryProblems, type GeometryType } from '../../geo/geometry-check.js';
import { CAMERA_KINDS, CAMERA_STATUSES, KEY_PLACE_TYPES, RISK_LEVELS, type LayerId } from '../../geo/layers.js';
import type { Queryable } from '../db/types.js';
import { ApiError } from '../errors.js';
import { findItem } from '../ogc/items.js';
import { guardFreeText } from '../privacy.js';
import { validationError } from '../routes/read-json.js';
import { ident } from '../db/sql-conditions.js';
import { locate } from './locate.js';
import { lockRowVersion } from '../db/row-version.js';

/**
 * Create, change and delete for the layers edited as single features (cameras, key places).
 * Incidents have their own flow (api/incidents), grids their editor (issue 7). Geometry is checked
 * (geo/geometry-check.ts) and the village, natural village and grid are found from it, never
 * taken from the client; writes carry the row version (ETag / If-Match), a stale one gives 409.
 */
interface LayerWriter {
  permission: Permission;
  geometryTypes: readonly GeometryType[];
  create: z.ZodObject<z.ZodRawShape>;
  /** Free-text properties the privacy guard reads. */
  freeText: readonly string[];
  /** Place columns the table has. */
  placeColumns: readonly ('village_code' | 'natural_village_code' | 'grid_code')[];
}

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
  const schema = partial ? writer.create.partial() : writer.create;
  const parsed = schema.safeParse(properties);
  if (!parsed.success) throw validationError(parsed.error);
  const values = parsed.data as Record<string, unknown>;
  guardFreeText(Object.fromEntries(writer.freeText.map((f) => [f, values[f] as string | undefined])));
  // Undefined keys (absent in a patch) are left out.
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

async function placeOf(tx: Queryable, writer: LayerWriter, geometry: GeoJSON.Geometry): Promise<Record<string, string | null>> {
  const [lon, lat] = pointOnFeature(geometry).geometry.coordinates as [number, number];
  const place = await locate(tx, lon, lat);
  return Object.fromEntries(writer.placeColumns.map((c) => [c, place[c]]));
}

/** The feature as GeoJSON text with its row version (the ETag), or null when not visible. */
export async function readFeature(tx: Queryable, layerId: LayerId, id: number): Promise<{ json: string; version: number } | null> {
  const json = await findItem(tx, layerId, id);
  if (!json) return null;
  const [row] = await tx.query<{ v: number }>(`SELECT row_version AS v FROM ${ident(layerId)} WHERE id = $1`, [id]);
  return { json, version: row!.v };
}

export async function createFeature(tx: Queryable, layerId: LayerId, body: unknown): Promise<number> {
  const writer = writerOf(layerId);
  const parsed = featureWriteSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  const geometry = checkedGeometry(writer, parsed.data.geometry);
  const values = { ...checkedProperties(writer, parsed.data.properties, false), ...(await placeOf(tx, writer, geometry)) };
  const columns = Object.keys(values);
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO ${ident(layerId)} (county_code, ${columns.map(ident).join(', ')}, geom)
     VALUES (left($1, 6), ${columns.map((_, i) => `$${i + 2}`).join(', ')}, ST_SetSRID(ST_GeomFromGeoJSON($${columns.length + 2}), 4326))
     RETURNING id`,
    [values.village_code, ...columns.map((c) => values[c]), JSON.stringify(geometry)],
  );
  return row!.id;
}


export async function updateFeature(tx: Queryable, layerId: LayerId, id: number, version: number, body: unknown): Promise<void> {
  const writer = writerOf(layerId);
  const parsed = featurePatchSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  await lockRowVersion(tx, layerId, id, version, `feature of ${layerId}`);
  const values: Record<string, unknown> = parsed.data.properties ? checkedProperties(writer, parsed.data.properties, true) : {};
  let geometry: GeoJSON.Geometry | null = null;
  if (parsed.data.geometry !== undefined) {
    geometry = checkedGeometry(writer, parsed.data.geometry);
    Object.assign(values, await placeOf(tx, writer, geometry));
  }
  const columns = Object.keys(values);
  const sets = ['row_version = row_version + 1', ...columns.map((c, i) => `${ident(c)} = $${i + 2}`)];
  const params: unknown[] = [id, ...columns.map((c) => values[c])];
  if (geometry) {
    params.push(JSON.stringify(geometry));
    sets.push(`geom = ST_SetSRID(ST_GeomFromGeoJSON($${params.length}), 4326)`);
  }
  if (values.village_code) {
    params.push(values.village_code);
    sets.push(`county_code = left($${params.length}, 6)`);
  }
  await tx.query(`UPDATE ${ident(layerId)} SET ${sets.join(', ')} WHERE id = $1`, params);
}

export async function deleteFeature(tx: Queryable, layerId: LayerId, id: number, version: number): Promise<void> {
  writerOf(layerId);
  await lockRowVersion(tx, layerId, id, version, `feature of ${layerId}`);
  await tx.query(`DELETE FROM ${ident(layerId)} WHERE id = $1`, [id]);
}
