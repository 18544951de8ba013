import { readFileSync } from 'node:fs';
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { LAYERS, type LayerDef, type LayerId } from '../../geo/layers.js';
import { TILE_BUFFER, TILE_EXTENT, tileBounds, type TileAddress } from '../../geo/tiles.js';
import { SqlConditions, ident } from '../db/sql-conditions.js';
import type { EngineCapabilities, Queryable } from '../db/types.js';
import { findItems } from '../ogc/items.js';
import { parseTileFilters } from './filters.js';

/**
 * Vector tiles of a catalogue layer, in the caller's scoped transaction. Where PostGIS has
 * ST_AsMVT (the server) the database encodes them; PGlite's PostGIS lacks it, so there the
 * features of the buffered tile are read as GeoJSON and encoded here (geojson-vt + vt-pbf, the
 * MapLibre project's own slicer and encoder). Both give one MVT layer named after the layer id with
 * the catalogue's properties and the same stable integer id (the row id, or the numeric code for
 * regions and grids, which keeps a grid's id across boundary versions).
 */
const TEMPLATE = readFileSync(new URL('./mvt.sql', import.meta.url), 'utf8');

function idExpression(layer: LayerDef): string {
  return layer.idColumn === 'id' ? 't."id"' : `(t.${ident(layer.idColumn)})::bigint`;
}

function buildMvtSql(layer: LayerDef, filters: string): string {
  const geom = `ST_Transform(t.${ident(layer.geometryColumn)}, 3857)`;
  // About two tile units at this zoom, in metres (Web Mercator).
  const simplified = layer.geometryKind === 'point' ? geom : `ST_Simplify(${geom}, 40075016.686 / (2 ^ $1::int) / ${TILE_EXTENT} * 2, true)`;
  return TEMPLATE.replaceAll('{{properties}}', layer.properties.filter((p) => p !== 'id').map((p) => `t.${ident(p)}`).join(', '))
    .replaceAll('{{idExpression}}', idExpression(layer))
    .replaceAll('{{geometry}}', simplified)
    .replaceAll('{{filters}}', filters)
    .replaceAll('{{layerName}}', layer.id)
    .replaceAll('{{extent}}', String(TILE_EXTENT))
    .replaceAll('{{buffer}}', String(TILE_BUFFER))
    .replaceAll('{{bufferRatio}}', String(TILE_BUFFER / TILE_EXTENT))
    .replaceAll('{{geometryColumn}}', ident(layer.geometryColumn))
    .replaceAll('{{source}}', ident(layer.source));
}

/** The tile as MVT bytes (empty when nothing is in it). `url` carries the filters (see filters.ts). */
export async function renderTile(
  tx: Queryable, capabilities: EngineCapabilities, layerId: LayerId, address: TileAddress, url: string,
): Promise<Uint8Array> {
  const layer = LAYERS[layerId];
  if (capabilities.mvt) {
    const filters = parseTileFilters(url, layer, 4);
    const [row] = await tx.query<{ mvt: Uint8Array | null }>(buildMvtSql(layer, filters.where.sql()), [address.z, address.x, address.y, ...filters.where.params]);
    return row?.mvt ? new Uint8Array(row.mvt) : new Uint8Array();
  }
  const where = new SqlConditions(1).add('t.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', tileBounds(address, TILE_BUFFER));
  const filters = parseTileFilters(url, layer, 5);
  where.conditions.push(...filters.where.conditions);
  where.params.push(...filters.where.params);
  const page = await findItems(tx, {
    layerId, conditions: where.conditions, params: where.params, properties: layer.properties, sortBy: [], limit: layer.maxLimit, offset: 0,
  });
  const features = JSON.parse(page.features) as GeoJSON.Feature[];
  if (features.length === 0) return new Uint8Array();
  for (const f of features) {
    // MVT values are strings, numbers or booleans: nulls are left out, as ST_AsMVT does.
    f.properties = Object.fromEntries(Object.entries(f.properties ?? {}).filter(([, v]) => v !== null));
    f.id = Number(f.id);
  }
  const tile = geoJSONToTile({ type: 'FeatureCollection', features }, address.z, address.x, address.y, { extent: TILE_EXTENT, buffer: TILE_BUFFER, wrap: false });
  if (!tile || tile.features.length === 0) return new Uint8Array();
  return fromGeojsonVt({ [layerId]: tile }, { version: 2, extent: TILE_EXTENT });
}

/** The layer's data version (bumped by every write to its tables): the basis of tile ETags. */
export async function layerVersion(tx: Queryable, layerId: LayerId): Promise<number> {
  const [row] = await tx.query<{ version: number }>('SELECT version FROM layer_versions WHERE layer_id = $1', [layerId]);
  return row?.version ?? 0;
}
