import { readFileSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { ApiError } from '../errors.js';
import { defineAnalytic, round } from './analytic.js';
import { incidentFilterSql, intParam } from './params.js';
import { likePrefix } from './sources.js';

const CLUSTERS_SQL = readFileSync(new URL('./sql/incident-clusters.sql', import.meta.url), 'utf8');

/**
 * Screen pixels a cluster bin spans at the requested zoom. 48 px keeps bubbles with three-digit
 * labels apart; the heat map asks for finer bins (`cell=16`).
 */
export const DEFAULT_CLUSTER_PIXELS = 48;

export interface IncidentCluster {
  lon: number;
  lat: number;
  count: number;
  open: number;
  red: number;
  orange: number;
  yellow: number;
  topCategory: string;
}

export interface IncidentClustersResult {
  zoom: number;
  /** Side of a bin in degrees (lon and lat alike). */
  cellDegrees: number;
  /** Incidents matching the filters in the region and window (all bins). */
  total: number;
  open: number;
  clusters: IncidentCluster[];
}

/** Degrees a square of `pixels` spans at web-map `zoom` (256-px tiles): 360° / 2^zoom per tile. */
export function cellDegreesAt(zoom: number, pixels: number): number {
  return (360 / 2 ** zoom) * (pixels / 256);
}

function parseBbox(raw: string | undefined): [number, number, number, number] | null {
  if (raw === undefined || raw === '') return null;
  const values = raw.split(',').map(Number);
  const [w, s, e, n] = values;
  if (values.length !== 4 || values.some((v) => !Number.isFinite(v)) || w! >= e! || s! >= n! || w! < -180 || e! > 180 || s! < -90 || n! > 90) {
    throw new ApiError(400, 'InvalidParameter', `bbox must be minLon,minLat,maxLon,maxLat in degrees; got "${raw.slice(0, 80)}"`);
  }
  return [w!, s!, e!, n!];
}

/**
 * Incident clusters (issue 6: a city's million incidents drawn as server aggregates): the filtered
 * incidents of the region binned on a square grid whose cell spans `cell` pixels (default 48) at
 * map zoom `zoom`, each bin drawn at the mean position of its incidents. The client draws these as
 * count bubbles and as a heat map below the zoom where it switches to individual points (vector
 * tiles). Square degree bins, not H3: one GROUP BY in SQL, so the database does the work at any
 * scale and sends back only the bins.
 */
export const incidentClustersAnalytic = defineAnalytic<IncidentClustersResult>({
  id: 'incident-clusters',
  title: 'Incident clusters for the map',
  permission: 'aggregates.read',
  reads: ['incidents'],
  spec: { defaultDays: 90, extra: ['zoom', 'cell', 'bbox'] },
  async run(tx, query) {
    const zoom = intParam(query, 'zoom', 10, 0, 22);
    const pixels = intParam(query, 'cell', DEFAULT_CLUSTER_PIXELS, 4, 256);
    const bbox = parseBbox(query.extra.bbox);
    const cellDegrees = cellDegreesAt(zoom, pixels);
    const filter = incidentFilterSql(query, 10);
    const rows = await tx.query<{
      count: number; lon: number; lat: number; open: number; red: number; orange: number; yellow: number; top_category: string;
    }>(CLUSTERS_SQL.replace('{{filters}}', filter.sql), [
      likePrefix(query.region), query.fromMs, query.toMs, cellDegrees, query.hours.from, query.hours.to,
      bbox?.[0] ?? null, bbox?.[1] ?? null, bbox?.[2] ?? null, bbox?.[3] ?? null, ...filter.params,
    ]);
    let total = 0;
    let open = 0;
    const clusters = rows.map((r) => {
      total += r.count;
      open += r.open;
      return {
        lon: round(r.lon, 6), lat: round(r.lat, 6), count: r.count, open: r.open,
        red: r.red, orange: r.orange, yellow: r.yellow, topCategory: r.top_category,
      };
    });
    return { zoom, cellDegrees: round(cellDegrees, 8), total, open, clusters };
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.clusters.map(({ lon, lat, ...p }) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: p })),
    };
  },
  table(result) {
    return {
      columns: ['lon', 'lat', 'count', 'open', 'red', 'orange', 'yellow', 'top_category'],
      rows: result.clusters.map((c) => [c.lon, c.lat, c.count, c.open, c.red, c.orange, c.yellow, c.topCategory]),
    };
  },
});
