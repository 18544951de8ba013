import area from '@turf/area';
import polylabel from 'polylabel';
import type { MultiPolygon, Polygon, Position } from 'geojson';

/**
 * Where to hang a polygon's label: the pole of inaccessibility (polylabel) of its largest part, so
 * crescent- or L-shaped villages get their label inside. `null` when there is no usable ring.
 * `precisionDegrees` trades accuracy for speed (1e-4° ≈ 10 m, plenty at label sizes).
 */
export function labelPoint(geometry: Polygon | MultiPolygon, precisionDegrees = 1e-4): [number, number] | null {
  const parts: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
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
