import type { RegionLevel } from './layers.js';

/** [minLon, minLat, maxLon, maxLat] in WGS84 degrees. */
export type Bbox = readonly [number, number, number, number];

/** One node of `GET /api/regions/tree`: the API builds it, the client's drill-down reads it. */
export interface RegionNode {
  code: string;
  name: string;
  level: RegionLevel;
  kind: string | null;
  bbox: Bbox;
  children: RegionNode[];
}
