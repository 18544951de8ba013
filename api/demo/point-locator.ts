/**
 * Point-in-polygon lookup over many polygons: a Flatbush index on their bounding boxes narrows the
 * candidates, turf's `booleanPointInPolygon` decides. This is how every demo record gets its grid,
 * village and natural village: by where it lies, never by which polygon the generator meant.
 */
import { bbox, booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon } from 'geojson';

export class PolygonLocator<T> {
  private readonly index: Flatbush;
  private readonly items: readonly { readonly value: T; readonly geom: Polygon | MultiPolygon }[];

  constructor(items: readonly { readonly value: T; readonly geom: Polygon | MultiPolygon }[]) {
    this.items = items;
    this.index = new Flatbush(Math.max(1, items.length));
    for (const item of items) {
      const [minX, minY, maxX, maxY] = geometryBbox(item.geom);
      this.index.add(minX, minY, maxX, maxY);
    }
    if (items.length === 0) this.index.add(0, 0, 0, 0);
    this.index.finish();
  }

  /**
   * The value of the first polygon (in input order) that contains the point, boundary included;
   * null when the point lies in none. Input order makes a point exactly on a shared edge resolve
   * the same way every time.
   */
  locate(lon: number, lat: number): T | null {
    if (this.items.length === 0) return null;
    const hits = this.index.search(lon, lat, lon, lat).sort((a, b) => a - b);
    for (const i of hits) {
      const item = this.items[i]!;
      if (booleanPointInPolygon([lon, lat], item.geom)) return item.value;
    }
    return null;
  }
}

/** Bounding box of a (Multi)Polygon: turf's bbox, typed as the 4-number box the locator indexes. */
export function geometryBbox(geom: Polygon | MultiPolygon): [number, number, number, number] {
  return bbox(geom) as [number, number, number, number];
}

/**
 * Fast even-odd point-in-polygon on GeoJSON (Multi)Polygon coordinates, used in the generator's
 * inner loops (rejection sampling, patrol random walks) where turf's validation overhead adds up.
 * Boundary points may go either way; callers re-check final positions with `PolygonLocator`.
 */
export function pointInGeometry(x: number, y: number, geom: Polygon | MultiPolygon): boolean {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  for (const poly of polys) {
    let inside = false;
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const xi = ring[i]![0]!;
        const yi = ring[i]![1]!;
        const xj = ring[j]![0]!;
        const yj = ring[j]![1]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    if (inside) return true;
  }
  return false;
}
