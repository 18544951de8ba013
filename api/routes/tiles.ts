import { Hono } from 'hono';
import { LAYERS, LAYER_IDS, isLayerId, type LayerId } from '../../geo/layers.js';
import { MAX_TILE_ZOOM, tileAddressProblem } from '../../geo/tiles.js';
import type { AppEnv } from '../app.js';
import { requirePermission } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import { rejectUnknownParameters } from '../query-params.js';
import { layerVersion, renderTile } from '../tiles/tiles.js';
import { findScopeBbox } from '../ogc/items.js';
import { parseTileFilters } from '../tiles/filters.js';
import { createHash } from 'node:crypto';
import { readableLayer } from './layers.js';


// Tiles hold the caller's region only: never cached by shared caches, keyed on who asks, and
// revalidated every time (a 304 costs one small query), so an edited feature never shows stale.
const PRIVATE_CACHE = { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Authorization' };

/** `/tiles/{layer}.json` (TileJSON 3) and `/tiles/{layer}/{z}/{x}/{y}.mvt`, in the caller's region. */
export const tileRoutes = new Hono<AppEnv>()
  .use(requirePermission('layers.read'))
  .get('/:file{[a-z_]+\\.json}', async (c) => {
    rejectUnknownParameters(c.req.url, []);
    const layerId = readableLayer(c.var.principal.role, c.req.param('file').replace(/\.json$/, ''));
    const layer = LAYERS[layerId];
    const bbox = await findScopeBbox(c.var.tx);
    const origin = new URL(c.req.url).origin;
    return c.json({
      tilejson: '3.0.0',
      name: layer.title.en,
      description: layer.title.zh,
      scheme: 'xyz',
      tiles: [`${origin}/tiles/${layerId}/{z}/{x}/{y}.mvt`],
      minzoom: layer.minZoom,
      maxzoom: Math.min(layer.maxZoom, MAX_TILE_ZOOM),
      bounds: bbox ?? [-180, -85.0511, 180, 85.0511],
      vector_layers: [{ id: layerId, fields: Object.fromEntries(layer.properties.map((p) => [p, 'String or Number'])) }],
    }, 200, PRIVATE_CACHE);
  })
  .get('/:layer/:z/:x/:y{[0-9]+\\.mvt}', async (c) => {
    const layerId = readableLayer(c.var.principal.role, c.req.param('layer'));
    const address = { z: Number(c.req.param('z')), x: Number(c.req.param('x')), y: Number(c.req.param('y').replace(/\.mvt$/, '')) };
    const problem = tileAddressProblem(address);
    if (problem) throw new ApiError(400, 'InvalidParameter', `Not a tile: ${problem}`);
    const filterKey = parseTileFilters(c.req.url, LAYERS[layerId], 1).key; // validates before any work
    const p = c.var.principal;
    const etag = `"${await layerVersion(c.var.tx, layerId)}-${createHash('sha1').update(`${p.role}|${p.scope}|${filterKey}`).digest('hex').slice(0, 16)}"`;
    const headers = { ...PRIVATE_CACHE, ETag: etag };
    if (c.req.header('if-none-match')?.split(',').map((s) => s.trim()).includes(etag)) return c.body(null, 304, headers);
    const tile = await renderTile(c.var.tx, c.var.db.capabilities, layerId, address, c.req.url);
    return c.body(tile as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/vnd.mapbox-vector-tile', ...headers });
  });
