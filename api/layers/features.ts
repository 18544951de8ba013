import { readFileSync } from 'node:fs';
import { LAYERS, type LayerDef, type LayerId } from '../../geo/layers.js';
import type { Queryable } from '../db/types.js';
import type { Bbox } from '../../geo/region-tree.js';

const TEMPLATE = readFileSync(new URL('./features.sql', import.meta.url), 'utf8');

/** Quotes an SQL identifier from the catalogue (never from a request). */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Catalogue identifier not allowed: ${name}`);
  return `"${name}"`;
}

function buildFeaturesSql(layer: LayerDef): string {
  const properties = layer.properties.map((p) => `'${p}', t.${ident(p)}`).join(', ');
  return TEMPLATE.replaceAll('{{idColumn}}', ident(layer.idColumn))
    .replaceAll('{{geometryColumn}}', ident(layer.geometryColumn))
    .replaceAll('{{source}}', ident(layer.source))
    .replaceAll('{{properties}}', properties);
}

/** Built once per layer at load time. */
const FEATURES_SQL = Object.fromEntries(
  Object.values(LAYERS).map((layer) => [layer.id, buildFeaturesSql(layer)]),
) as Record<LayerId, string>;

export type { Bbox };

/**
 * The features of `layerId` intersecting `bbox`, at most `limit`, ordered by id, as the JSON text
 * of a GeoJSON FeatureCollection (sent as is, never re-parsed).
 */
export async function findLayerFeaturesInBbox(
  db: Queryable,
  layerId: LayerId,
  bbox: Bbox,
  limit: number,
): Promise<{ numberReturned: number; json: string }> {
  const [row] = await db.query<{ number_returned: number; features: string }>(FEATURES_SQL[layerId], [
    ...bbox,
    limit,
  ]);
  const numberReturned = row?.number_returned ?? 0;
  const features = row?.features ?? '[]';
  return {
    numberReturned,
    json: `{"type":"FeatureCollection","numberReturned":${numberReturned},"limit":${limit},"features":${features}}`,
  };
}
