import area from '@turf/area';
import polylabel from 'polylabel';
import type { Position } from 'geojson';

/** Any GeoJSON-shaped geometry; only polygons get a label point. */
export type LabelledGeometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: string; coordinates?: unknown };

/**
 * Where to hang a polygon's label: the pole of inaccessibility (polylabel) of its largest part, so
 * crescent- or L-shaped villages get their label inside. `null` when the geometry is null, not a polygon, or has no usable ring.
 * `precisionDegrees` trades accuracy for speed (1e-4° ≈ 10 m, plenty at label sizes).
 */
export function labelPoint(geometry: LabelledGeometry | null, precisionDegrees = 1e-4): [number, number] | null {
  if (!geometry) return null;
  let parts: Position[][][];
  if (geometry.type === 'Polygon') parts = [geometry.coordinates as Position[][]];
  else if (geometry.type === 'MultiPolygon') parts = geometry.coordinates as Position[][][];
  else return null;
  let best: Position[][] | null = null;
  let bestArea = 0;
  for (const rings of parts) {
    if (!rings[0] || rings[0].length < 4) continue;
    const a = area({ type: 'Polygon', coordinates: rings });
    if (a > bestArea) {
      bestArea = a;
      best = rings;
    }
  }
  if (!best) return null;
  const p = polylabel(best as number[][][], precisionDegrees);
  return Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [p[0], p[1]] : null;
}
