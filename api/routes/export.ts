import { Hono } from 'hono';
import { databaseRoleOf } from '../../geo/access.js';
import { LAYERS, LAYER_IDS, isLayerId, type LayerId } from '../../geo/layers.js';
import type { AppEnv } from '../app.js';
import { assertPermission, requirePermission } from '../auth/middleware.js';
import { actorOf } from '../auth/principal.js';
import { ApiError } from '../errors.js';
import {
  EXPORT_FILE_MAX, collectFeatures, csvChunks, exportFields, geojsonChunks, ownTransactions, selectionPages, type ExportFormat,
} from '../exports/export.js';
import { findItems } from '../ogc/items.js';
import { rejectUnknownParameters } from '../query-params.js';
import { SELECTION_PARAMS, selectionFrom } from './ogc.js';


const CONTENT_TYPES: Record<ExportFormat, string> = {
  geojson: 'application/geo+json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  gpkg: 'application/geopackage+sqlite3',
  'shp.zip': 'application/zip',
};

/** A ReadableStream over an async generator of text chunks; an error mid-way ends the stream. */
function streamOf(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/**
 * GET /api/export/{layer}.{geojson|csv|gpkg|shp.zip} — every feature of one layer in the caller's
 * region with the selection of the view it came from (the /ogc items parameters: bbox, datetime,
 * CQL2 filter, properties, sortby). GeoJSON and CSV stream; GeoPackage and zipped Shapefile (one
 * .shp per geometry type, UTF-8 .cpg, WGS 84 .prj) are built whole, up to 1,000,000 features.
 */
export const exportRoutes = new Hono<AppEnv>().get('/:file', requirePermission('data.export'), async (c) => {
  const match = /^([a-z_]+)\.(geojson|csv|gpkg|shp\.zip)$/.exec(c.req.param('file'));
  const layerId = match?.[1] ?? '';
  if (!match || !isLayerId(layerId)) {
    throw new ApiError(404, 'UnknownLayer', `No export "${c.req.param('file')}". Use <layer>.geojson, .csv, .gpkg or .shp.zip; layers: ${LAYER_IDS.join(', ')}`);
  }
  const format = match[2] as ExportFormat;
  assertPermission(c, 'layers.read');
  rejectUnknownParameters(c.req.url, SELECTION_PARAMS);
  const layer = LAYERS[layerId as LayerId];
  const selection = await selectionFrom(c, layer.id);
  const p = c.var.principal;
  const scope = { dbRole: databaseRoleOf(p.role), scope: p.scope, staffId: p.staffId, actor: actorOf(p), requestId: c.var.requestId };
  const stamp = new Date().toISOString().slice(0, 10);
  const name = `${layer.id}-${p.regionCode}-${stamp}`;
  c.header('Content-Disposition', `attachment; filename="${name}.${format}"`);
  c.header('Content-Type', CONTENT_TYPES[format]);
  if (format === 'geojson' || format === 'csv') {
    // Counted now, in the request's transaction: a selection the database refuses is still an error
    // status, and GeoJSON gets numberMatched up front. The stream reads its pages afterwards.
    const { numberMatched } = await findItems(c.var.tx, { ...selection, limit: 0, offset: 0 });
    const pages = selectionPages(ownTransactions(c.var.db, scope), selection);
    return c.body(streamOf(format === 'geojson' ? geojsonChunks(pages, numberMatched) : csvChunks(layer.id, selection.properties, pages)));
  }
  let features;
  try {
    features = await collectFeatures(selectionPages((fn) => fn(c.var.tx), selection));
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError(413, 'PayloadTooLarge', `More than ${EXPORT_FILE_MAX} features: narrow the selection, or export GeoJSON or CSV (streamed)`);
    throw error;
  }
  const exportLayer = { name: layer.id, fields: await exportFields(c.var.tx, layer.id, selection.properties), features };
  if (format === 'gpkg') {
    const { writeGeoPackage } = await import('../../geo/export/gpkg.js');
    return c.body(writeGeoPackage(exportLayer) as Uint8Array<ArrayBuffer>);
  }
  const { writeShapefileZip } = await import('../../geo/export/shapefile.js');
  return c.body(writeShapefileZip(exportLayer) as Uint8Array<ArrayBuffer>);
});
