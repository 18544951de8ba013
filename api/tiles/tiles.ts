import { readFileSync } from 'node:fs';
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { LAYERS, type LayerDef, type LayerId } from '../../geo/layers.js';
import { TILE_BUFFER, TILE_EXTENT, tileBounds, type TileAddress } from '../../geo/tiles.js';
import type { EngineCapabilities, Queryable } from '../db/types.js';
import { findLayerFeaturesInBbox, ident } from '../layers/features.js';

/**
 * Vector tiles of a catalogue layer, in the caller's scoped transaction. Where PostGIS has
 * ST_AsMVT (the server) the database encodes them; PGlite's PostGIS lacks it, so there the
 * features of the buffered tile are read as GeoJSON and encoded here (geojson-vt + vt-pbf, the
 * MapLibre project's own slicer and encoder). Both give one MVT layer named after the layer id with
 * the catalogue's properties.
 */
const TEMPLATE = readFileSync(new URL('./mvt.sql', import.meta.url), 'utf8');

function buildMvtSql(layer: LayerDef): string {
  const numericId = layer.idColumn === 'id';
  const columns = new Set([...(numericId ? ['id'] : []), ...layer.properties]);
  return TEMPLATE.replaceAll('{{properties}}', [...columns].map((p) => `t.${ident(p)}`).join(', '))
    .replaceAll('{{featureIdArg}}', numericId ? ", 'id'" : '')
    .replaceAll('{{layerName}}', layer.id)
    .replaceAll('{{extent}}', String(TILE_EXTENT))
    .replaceAll('{{buffer}}', String(TILE_BUFFER))
    .replaceAll('{{bufferRatio}}', String(TILE_BUFFER / TILE_EXTENT))
    .replaceAll('{{geometryColumn}}', ident(layer.geometryColumn))
    .replaceAll('{{source}}', ident(layer.source));
}

const MVT_SQL = Object.fromEntries(Object.values(LAYERS).map((l) => [l.id, buildMvtSql(l)])) as Record<LayerId, string>;

export async function renderTile(tx: Queryable, capabilities: EngineCapabilities, layerId: LayerId, address: TileAddress): Promise<Uint8Array> {
  if (capabilities.mvt) {
    const [row] = await tx.query<{ mvt: Uint8Array | null }>(MVT_SQL[layerId], [address.z, address.x, address.y]);
    return row?.mvt ? new Uint8Array(row.mvt) : new Uint8Array();
  }
  const layer = LAYERS[layerId];
  const result = await findLayerFeaturesInBbox(tx, layerId, tileBounds(address, TILE_BUFFER), layer.maxLimit);
  const fc = JSON.parse(result.json) as GeoJSON.FeatureCollection;
  if (fc.features.length === 0) return new Uint8Array();
  for (const f of fc.features) {
    // MVT values are strings, numbers or booleans: nulls are left out, as ST_AsMVT does.
    f.properties = Object.fromEntries(Object.entries(f.properties ?? {}).filter(([, v]) => v !== null));
    if (typeof f.id !== 'number') delete f.id;
  }
  const tile = geoJSONToTile(fc, address.z, address.x, address.y, { extent: TILE_EXTENT, buffer: TILE_BUFFER, wrap: false });
  if (!tile || tile.features.length === 0) return new Uint8Array();
  return fromGeojsonVt({ [layerId]: tile }, { version: 2, extent: TILE_EXTENT });
}
