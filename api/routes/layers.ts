import { Hono } from 'hono';
import { z } from 'zod';
import { LAYERS, LAYER_IDS, isLayerId, type LayerId } from '../../geo/layers.js';
import { ApiError } from '../errors.js';
import { SqlConditions } from '../db/sql-conditions.js';
import { findItems } from '../ogc/items.js';
import { bboxCondition, ifMatchVersion, parseFeatureId, rejectUnknownParameters } from '../query-params.js';
import type { AppEnv } from '../app.js';
import { assertPermission, requirePermission } from '../auth/middleware.js';
import { createFeature, deleteFeature, readFeature, updateFeature, writerOf } from '../layers/writers.js';
import { readJson } from './read-json.js';

const limitSchema = z.coerce.number().int().positive();

/** The layer a caller of this role may read: 404 for an unknown id, 403 for one walls do not get. */
export function readableLayer(role: string, layerId: string): LayerId {
  if (!isLayerId(layerId)) throw new ApiError(404, 'UnknownLayer', `No layer "${layerId}". Known layers: ${LAYER_IDS.join(', ')}`);
  if (!readableLayerIds(role).includes(layerId)) throw new ApiError(403, 'Forbidden', `Layer ${layerId} is not shown on wall displays`);
  return layerId;
}

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
    const layerId = readableLayer(c.var.principal.role, c.req.param('layerId'));
    const layer = LAYERS[layerId];
    rejectUnknownParameters(c.req.url, ['bbox', 'limit']);
    const where = new SqlConditions();
    const rawBbox = c.req.query('bbox');
    if (rawBbox !== undefined) {
      const b = bboxCondition(rawBbox);
      where.add(b.fragment, b.params);
    }
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
    // The client's layer load: no numberMatched, so no count over the whole layer.
    const page = await findItems(c.var.tx, {
      layerId, conditions: where.conditions, params: where.params, properties: layer.properties, sortBy: [], limit, offset: 0, count: false,
    });
    return c.body(`{"type":"FeatureCollection","numberReturned":${page.numberReturned},"limit":${limit},"features":${page.features}}`, 200, {
      'content-type': 'application/geo+json; charset=utf-8',
    });
  })
  .get('/:layerId/features/:id', async (c) => {
    const layerId = readableLayer(c.var.principal.role, c.req.param('layerId'));
    rejectUnknownParameters(c.req.url, []);
    const id = parseFeatureId(layerId, c.req.param('id'));
    const found = await readFeature(c.var.tx, layerId, id);
    if (!found) throw new ApiError(404, 'NotFound', `No feature ${id} in ${layerId}`);
    return c.body(found.json, 200, { 'content-type': 'application/geo+json; charset=utf-8', ETag: `"${found.version}"` });
  })
  .post('/:layerId/features', async (c) => {
    const layerId = readableLayer(c.var.principal.role, c.req.param('layerId'));
    assertPermission(c, writerOf(layerId).permission);
    const id = await createFeature(c.var.tx, layerId, await readJson(c));
    const found = (await readFeature(c.var.tx, layerId, id))!;
    return c.body(found.json, 201, {
      'content-type': 'application/geo+json; charset=utf-8', ETag: `"${found.version}"`, Location: `/api/layers/${layerId}/features/${id}`,
    });
  })
  .patch('/:layerId/features/:id', async (c) => {
    const layerId = readableLayer(c.var.principal.role, c.req.param('layerId'));
    assertPermission(c, writerOf(layerId).permission);
    const id = parseFeatureId(layerId, c.req.param('id'));
    await updateFeature(c.var.tx, layerId, id, ifMatchVersion(c.req.header('if-match')), await readJson(c));
    const found = (await readFeature(c.var.tx, layerId, id))!;
    return c.body(found.json, 200, { 'content-type': 'application/geo+json; charset=utf-8', ETag: `"${found.version}"` });
  })
  .delete('/:layerId/features/:id', async (c) => {
    const layerId = readableLayer(c.var.principal.role, c.req.param('layerId'));
    assertPermission(c, writerOf(layerId).permission);
    await deleteFeature(c.var.tx, layerId, parseFeatureId(layerId, c.req.param('id')), ifMatchVersion(c.req.header('if-match')));
    return c.body(null, 204);
  });
