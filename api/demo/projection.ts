/**
 * The demo county is designed in a local plane (kilometres east/north of its centre) and stored in
 * degrees. An equirectangular projection about 29.7°N is accurate to well under 0.5 % over 60 km,
 * plenty for synthetic data, and it is affine: a point inside a polygon in the plane stays inside it
 * in degrees (up to the final 7-decimal rounding, which is why records are located after rounding).
 */
import type { MultiPolygon, Position } from 'geojson';
import type { PlanarPolygon, XY } from './planar-partition.js';

export const CENTRE_LON = 120.3;
export const CENTRE_LAT = 29.7;
const EARTH_RADIUS_KM = 6371.0088;
export const KM_PER_DEG_LAT = (EARTH_RADIUS_KM * Math.PI) / 180;
export const KM_PER_DEG_LON = KM_PER_DEG_LAT * Math.cos((CENTRE_LAT * Math.PI) / 180);

/** Rounds degrees to 7 decimals (~1 cm), the precision every demo coordinate is stored with. */
export function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

/** Plane (km) → [lon, lat] rounded to 7 decimals. */
export function toLonLat(x: number, y: number): [number, number] {
  return [round7(CENTRE_LON + x / KM_PER_DEG_LON), round7(CENTRE_LAT + y / KM_PER_DEG_LAT)];
}

/** [lon, lat] → plane (km). */
export function toPlane(lon: number, lat: number): [number, number] {
  return [(lon - CENTRE_LON) * KM_PER_DEG_LON, (lat - CENTRE_LAT) * KM_PER_DEG_LAT];
}

/** Plane polygons → GeoJSON MultiPolygon in degrees (rounded, consecutive duplicates dropped, closed). */
export function planarToMultiPolygon(polys: readonly PlanarPolygon[]): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: polys.map((p) => [ringToLonLat(p.outer), ...p.holes.map(ringToLonLat)]) };
}

/**
 * A plane ring → a closed GeoJSON ring in degrees. Shared boundaries stay identical because both
 * neighbours convert the very same plane coordinates with the same function.
 */
export function ringToLonLat(ring: readonly XY[]): Position[] {
  const out: Position[] = [];
  for (const [x, y] of ring) {
    const p = toLonLat(x, y);
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0]!;
  const last = out[out.length - 1]!;
  if (first[0] === last[0] && first[1] === last[1]) out.pop();
  out.push([first[0]!, first[1]!]);
  return out;
}
