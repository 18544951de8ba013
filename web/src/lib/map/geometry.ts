/** Small geometry helpers for the client (no turf needed for these). */
import type { Bbox } from '../api/types';

/** Bbox of any GeoJSON geometry's coordinates ([Infinity…] for an empty one). */
export function geometryBbox(geometry: GeoJSON.Geometry): Bbox {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1] as number);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  if (geometry.type === 'GeometryCollection') geometry.geometries.forEach((g) => {
    const b = geometryBbox(g);
    visit([[b[0], b[1]], [b[2], b[3]]]);
  });
  else visit(geometry.coordinates);
  return box;
}
