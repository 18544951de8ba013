import { Hono } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { LAYERS, LAYER_IDS, isLayerId, type LayerId } from '../../geo/layers.js';
import type { AppEnv } from '../app.js';
import { assertPermission, requirePermission } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import { findItems } from '../ogc/items.js';
import { SELECTION_PARAMS, selectionFrom } from './ogc.js';
import { rejectUnknownParameters } from '../query-params.js';

/**
 * Figures for the caller's region. Counted under row-level security, so they never include other
 * regions: the same query gives a village its own numbers and the county the whole.
 */
const SUMMARY_SQL = `SELECT
  (SELECT count(*) FROM regions WHERE level = 'village' AND atlas_in_scope(code))::int AS villages,
  (SELECT count(*) FROM current_grids)::int AS grids,
  (SELECT count(*) FROM address_points)::int AS address_points,
  (SELECT coalesce(sum(households), 0) FROM address_points)::int AS households,
  (SELECT count(*) FROM cameras)::int AS cameras,
  (SELECT count(*) FROM cameras WHERE status = 'online')::int AS cameras_online,
  (SELECT count(*) FROM key_places)::int AS key_places,
  (SELECT count(*) FROM incidents)::int AS incidents,
  (SELECT count(*) FROM incidents WHERE status NOT IN ('resolved', 'closed'))::int AS open_incidents`;

export const summaryRoutes = new Hono<AppEnv>().get('/', requirePermission('aggregates.read'), async (c) => {
  rejectUnknownParameters(c.req.url, []);
  const [counts] = await c.var.tx.query<Record<string, number>>(SUMMARY_SQL);
  return c.json({ regionCode: c.var.principal.regionCode, counts });
});

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
