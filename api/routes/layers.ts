import { Hono } from 'hono';
import { z } from 'zod';
import { LAYERS, LAYER_IDS, isLayerId, type LayerId } from '../../geo/layers.js';
import { ApiError } from '../errors.js';
import { findLayerFeaturesInBbox, type Bbox } from '../layers/features.js';
import { parseId, rejectUnknownParameters } from '../query-params.js';
import type { AppEnv } from '../app.js';
import { assertPermission, requirePermission } from '../auth/middleware.js';
import { createFeature, deleteFeature, readFeature, updateFeature, writerOf } from '../layers/writers.js';
import { readJson } from './read-json.js';

const WORLD: Bbox = [-180, -90, 180, 90];

/** Parses `bbox=minx,miny,maxx,maxy` (EPSG:4326); `null` when absent. Throws InvalidBbox naming what is wrong. */
export function parseBbox(raw: string | undefined): Bbox | null {
  if (raw === undefined) return null;
  const parts = raw.split(',');
  if (parts.length !== 4) throw new ApiError(400, 'InvalidBbox', `bbox needs 4 numbers minx,miny,maxx,maxy; got ${parts.length} value(s)`);
  const nums = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  const names = ['minx', 'miny', 'maxx', 'maxy'];
  nums.forEach((n, i) => {
    if (!Number.isFinite(n)) throw new ApiError(400, 'InvalidBbox', `bbox ${names[i]} is not a finite number: "${parts[i]}"`);
  });
  const [minx, miny, maxx, maxy] = nums as [number, number, number, number];
  if (minx < -180 || maxx > 180) throw new ApiError(400, 'InvalidBbox', 'bbox longitudes must lie within -180..180');
  if (miny < -90 || maxy > 90) throw new ApiError(400, 'InvalidBbox', 'bbox latitudes must lie within -90..90');
  if (miny > maxy) throw new ApiError(400, 'InvalidBbox', 'bbox miny is greater than maxy');
  if (minx > maxx) throw new ApiError(400, 'InvalidBbox', 'bbox minx is greater than maxx (crossing the antimeridian is not supported here)');
  return [minx, miny, maxx, maxy];
}

const limitSchema = z.coerce.number().int().positive();

/** Layers a caller of this role may read: walls only those marked displayReadable. */
export function readableLayerIds(role: string) {
  return LAYER_IDS.filter((id) => role !== 'display' || LAYERS[id].displayReadable);
}

export const layerRoutes = new Hono<AppEnv>()
  .use(requirePermission('layers.read'))
  .get('/', (c) =>
    c.json({
      layers: readableLayerIds(c.var.principal.role).map((id) => {
        const l = LAYERS[id];
        return {
          id, title: l.title, geometryKind: l.geometryKind, properties: l.properties, timeColumn: l.timeColumn,
          minZoom: l.minZoom, maxZoom: l.maxZoom, defaultLimit: l.defaultLimit, maxLimit: l.maxLimit,
          defaultVisible: l.defaultVisible, features: `/api/layers/${id}/features`,
        };
      }),
    }),
  )
  .get('/:layerId/features', async (c) => {
    const layerId = c.req.param('layerId');
    if (!isLayerId(layerId)) {
      throw new ApiError(404, 'UnknownLayer', `No layer "${layerId}". Known layers: ${LAYER_IDS.join(', ')}`);
    }
    const layer = LAYERS[layerId];
    if (!readableLayerIds(c.var.principal.role).includes(layerId)) {
      throw new ApiError(403, 'Forbidden', `Layer ${layerId} is not shown on wall displays`);
    }
    rejectUnknownParameters(c.req.url, ['bbox', 'limit']);
    const bbox = parseBbox(c.req.query('bbox')) ?? WORLD;
    const rawLimit = c.req.query('limit');
    let limit = layer.defaultLimit;
    if (rawLimit !== undefined) {
      const parsed = limitSchema.safeParse(rawLimit);
      if (!parsed.success) throw new ApiError(400, 'InvalidParameter', `limit must be a positive integer; got "${rawLimit}"`);
      if (parsed.data > layer.maxLimit) {
        throw new ApiError(400, 'LimitTooLarge', `limit ${parsed.data} is above the maximum ${layer.maxLimit} for layer ${layerId}`);
      }
      limit = parsed.data;
    }
    const result = await findLayerFeaturesInBbox(c.var.tx, layerId, bbox, limit);
    return c.body(result.json, 200, { 'content-type': 'application/geo+json; charset=utf-8' });
  })
  .get('/:layerId/features/:id', async (c) => {
    const layerId = readableLayerOrThrow(c.var.principal.role, c.req.param('layerId'));
    rejectUnknownParameters(c.req.url, []);
    const id = parseId(c.req.param('id'));
    const found = await readFeature(c.var.tx, layerId, id);
    if (!found) throw new ApiError(404, 'NotFound', `No feature ${id} in ${layerId}`);
    return c.body(found.json, 200, { 'content-type': 'application/geo+json; charset=utf-8', ETag: `"${found.version}"` });
  })
  .post('/:layerId/features', async (c) => {
    const layerId = readableLayerOrThrow(c.var.principal.role, c.req.param('layerId'));
    assertPermission(c, writerOf(layerId).permission);
    const id = await createFeature(c.var.tx, layerId, await readJson(c));
    const found = (await readFeature(c.var.tx, layerId, id))!;
    return c.body(found.json, 201, {
      'content-type': 'application/geo+json; charset=utf-8', ETag: `"${found.version}"`, Location: `/api/layers/${layerId}/features/${id}`,
    });
  })
  .patch('/:layerId/features/:id', async (c) => {
    const layerId = readableLayerOrThrow(c.var.principal.role, c.req.param('layerId'));
    assertPermission(c, writerOf(layerId).permission);
    const id = parseId(c.req.param('id'));
    await updateFeature(c.var.tx, layerId, id, ifMatchVersion(c.req.header('if-match')), await readJson(c));
    const found = (await readFeature(c.var.tx, layerId, id))!;
    return c.body(found.json, 200, { 'content-type': 'application/geo+json; charset=utf-8', ETag: `"${found.version}"` });
  })
  .delete('/:layerId/features/:id', async (c) => {
    const layerId = readableLayerOrThrow(c.var.principal.role, c.req.param('layerId'));
    assertPermission(c, writerOf(layerId).permission);
    await deleteFeature(c.var.tx, layerId, parseId(c.req.param('id')), ifMatchVersion(c.req.header('if-match')));
    return c.body(null, 204);
  });

/** The row version an If-Match header names; 428 without one (changes must say what they change). */
function ifMatchVersion(header: string | undefined): number {
  if (header === undefined) throw new ApiError(428, 'PreconditionRequired', 'Send If-Match with the ETag you read, so a change made meanwhile is not overwritten');
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!m) throw new ApiError(400, 'InvalidParameter', `If-Match must be the feature's ETag, e.g. "3"; got ${header}`);
  return Number(m[1]);
}

function readableLayerOrThrow(role: string, layerId: string): LayerId {
  if (!isLayerId(layerId)) throw new ApiError(404, 'UnknownLayer', `No layer "${layerId}". Known layers: ${LAYER_IDS.join(', ')}`);
  if (!readableLayerIds(role).includes(layerId)) throw new ApiError(403, 'Forbidden', `Layer ${layerId} is not shown on wall displays`);
  return layerId;
}
