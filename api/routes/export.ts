import { Hono } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { LAYERS, LAYER_IDS, isLayerId, type LayerId } from '../../geo/layers.js';
import type { AppEnv } from '../app.js';
import { assertPermission, requirePermission } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import { findItems } from '../ogc/items.js';
import { rejectUnknownParameters } from '../query-params.js';
import { SELECTION_PARAMS, selectionFrom } from './ogc.js';

/**
 * Spreadsheet programs run a cell that starts with =, +, -, @ (or a tab or carriage return) as a
 * formula: such text cells get a leading apostrophe. Numbers stay numbers.
 */
export function neutraliseCell(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Export of one layer in the caller's region with the same selection parameters as /ogc items
 * (bbox, datetime, CQL2 filter, properties, sortby): GeoJSON, or CSV (points as lon/lat, other
 * shapes as GeoJSON text). At most the layer's maximum page of features.
 */
export const exportRoutes = new Hono<AppEnv>().get('/:file', requirePermission('data.export'), async (c) => {
  const match = /^([a-z_]+)\.(geojson|csv)$/.exec(c.req.param('file'));
  const layerId = match?.[1] ?? '';
  if (!match || !isLayerId(layerId)) {
    throw new ApiError(404, 'UnknownLayer', `No export "${c.req.param('file')}". Use <layer>.geojson or <layer>.csv; layers: ${LAYER_IDS.join(', ')}`);
  }
  assertPermission(c, 'layers.read');
  rejectUnknownParameters(c.req.url, SELECTION_PARAMS);
  const layer = LAYERS[layerId as LayerId];
  const selection = await selectionFrom(c, layer.id);
  const page = await findItems(c.var.tx, { ...selection, limit: layer.maxLimit, offset: 0 });
  const stamp = new Date().toISOString().slice(0, 10);
  c.header('Content-Disposition', `attachment; filename="${layer.id}-${c.var.principal.regionCode}-${stamp}.${match[2]}"`);
  if (match[2] === 'geojson') {
    const head = `{"type":"FeatureCollection","numberMatched":${page.numberMatched},"numberReturned":${page.numberReturned},"features":`;
    return c.body(`${head}${page.features}}`, 200, { 'content-type': 'application/geo+json; charset=utf-8' });
  }
  const features = JSON.parse(page.features) as GeoJSON.Feature[];
  const geometryColumns = layer.geometryKind === 'point' ? ['lon', 'lat'] : ['geometry'];
  const rows = features.map((f) => {
    const geometry = f.geometry as GeoJSON.Point;
    const geom = layer.geometryKind === 'point' ? geometry.coordinates.slice(0, 2) : [JSON.stringify(f.geometry)];
    return [...selection.properties.map((p) => neutraliseCell(f.properties?.[p] ?? '')), ...geom];
  });
  // A BOM so spreadsheet programs read the Chinese names as UTF-8.
  const csv = '\uFEFF' + stringify([[...selection.properties, ...geometryColumns], ...rows]);
  return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8' });
});
