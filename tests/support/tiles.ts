import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader as Pbf } from 'pbf';

/** Decodes an MVT body into `{ layer: [properties…] }` (with each feature's id as `$id`). */
export function decodeTile(bytes: ArrayBuffer): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  if (bytes.byteLength === 0) return out;
  const tile = new VectorTile(new Pbf(new Uint8Array(bytes)));
  for (const [name, layer] of Object.entries(tile.layers)) {
    out[name] = Array.from({ length: layer.length }, (_, i) => {
      const f = layer.feature(i);
      return { ...f.properties, $id: f.id, $type: f.type };
    });
  }
  return out;
}

/** The XYZ tile holding a longitude/latitude at zoom z. */
export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}
