import circle from '@turf/circle';
import sector from '@turf/sector';
import type { Feature, Polygon } from 'geojson';

export interface CameraSectorOptions {
  /** Compass bearing of the view axis, degrees clockwise from north (0–360). */
  headingDeg: number;
  /** Full field-of-view angle in degrees; 360 gives a circle (a dome camera). */
  fovDeg: number;
  rangeMeters: number;
  /** Vertices on the arc. Default 32: smooth at street zoom, cheap for 10k cameras. */
  steps?: number;
}

/**
 * A camera's view sector as a polygon: the wedge from the camera out to its range, centred on its
 * heading. Geodesic (turf destination), so it is right at any latitude.
 */
export function cameraSector(position: readonly [number, number], options: CameraSectorOptions): Feature<Polygon> {
  const { headingDeg, fovDeg, rangeMeters, steps = 32 } = options;
  if (!(rangeMeters > 0)) throw new RangeError(`rangeMeters must be positive, got ${rangeMeters}`);
  if (!(fovDeg > 0)) throw new RangeError(`fovDeg must be positive, got ${fovDeg}`);
  const centre = [position[0], position[1]];
  if (fovDeg >= 360) return circle(centre, rangeMeters, { units: 'meters', steps });
  const from = headingDeg - fovDeg / 2;
  const to = headingDeg + fovDeg / 2;
  // turf 7's sector (lineArc) spreads `steps` over the arc itself, so the arc gets `steps` + 1 vertices
  // whatever the field of view (an earlier reading scaled it as if for a full circle: ~384 for 30°).
  return sector(centre, rangeMeters, from, to, { units: 'meters', steps });
}
