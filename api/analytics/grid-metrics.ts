import { readFileSync } from 'node:fs';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { ApiError } from '../errors.js';
import { defineAnalytic } from './analytic.js';
import { incidentFilterSql } from './params.js';
import { likePrefix } from './sources.js';

const GRID_METRICS_SQL = readFileSync(new URL('./sql/grid-metrics.sql', import.meta.url), 'utf8');

/** One grid's figures: its attributes, the window's incidents inside it and the cameras inside it. */
export interface GridMetrics {
  code: string;
  name: string;
  gridClass: 'A' | 'B' | 'C';
  villageCode: string;
  households: number;
  residents: number;
  /** Staffing "1+1+X": grid leaders, instructors, and X workers (full- and part-time together). */
  leaders: number;
  instructors: number;
  workers: number;
  /** Incidents inside the grid that occurred in the window (and hour band) and match the filters. */
  incidents: number;
  /** Of those, not resolved or closed. */
  openIncidents: number;
  /** Of the open ones, those whose current flow step's deadline (`deadline_at` of the latest step) is before `at`. */
  overdueIncidents: number;
  /** Cameras inside the grid's boundary, and of those online. */
  cameras: number;
  camerasOnline: number;
}

export interface GridMetricsResult {
  region: string;
  from: string;
  to: string;
  grids: GridMetrics[];
  /** Grid boundaries for format=geojson (not enumerable: left out of the JSON answer and the cache's size estimate). */
  geometries?: Map<string, Polygon | MultiPolygon>;
}

export const GRID_METRIC_FIELDS = [
  'households', 'residents', 'leaders', 'instructors', 'workers',
  'incidents', 'openIncidents', 'overdueIncidents', 'cameras', 'camerasOnline',
] as const satisfies readonly (keyof GridMetrics)[];

/**
 * Grid metrics (issue 6, analytic layers; the grid inspector): per current grid of the region (or
 * the one grid `grid=`), its households, residents and staffing, the incidents of the window inside
 * it matching the filters (open ones; overdue ones: open with the current step's deadline past
 * `at`) and the cameras inside its boundary (online ones). One set-based SQL statement
 * (sql/grid-metrics.sql): each grid probes the incidents' and cameras' GiST indexes with its
 * boundary, and the database sends back one row per grid. `format=geojson` gives the grid
 * boundaries with the same properties, for the choropleth.
 */
export const gridMetricsAnalytic = defineAnalytic<GridMetricsResult>({
  id: 'grid-metrics',
  title: 'Figures per grid',
  permission: 'aggregates.read',
  reads: ['grids', 'incidents', 'incident_flow_steps', 'cameras'],
  spec: { defaultDays: 90, extra: ['grid'] },
  usesNow: true,
  async run(tx, query) {
    const grid = query.extra.grid;
    if (grid !== undefined) {
      if (!/^\d{15}$/.test(grid)) throw new ApiError(400, 'InvalidParameter', `grid must be a 15-digit grid code, got "${grid.slice(0, 40)}"`);
      if (!grid.startsWith(query.region)) throw new ApiError(400, 'InvalidParameter', `grid ${grid} is not in region ${query.region}`);
    }
    const filter = incidentFilterSql(query, 7);
    const rows = await tx.query<{
      code: string; name: string; grid_class: 'A' | 'B' | 'C'; village_code: string; households: number; residents: number;
      leaders: number; instructors: number; workers: number; incidents: number; open_incidents: number; overdue_incidents: number;
      cameras: number; cameras_online: number; geojson: string;
    }>(GRID_METRICS_SQL.replace('{{filters}}', filter.sql), [
      likePrefix(grid ?? query.region), likePrefix(grid ? grid.slice(0, 12) : query.region),
      query.fromMs, query.toMs, query.hours.from, query.hours.to, query.atMs, ...filter.params,
    ]);
    const geometries = new Map<string, Polygon | MultiPolygon>();
    const grids: GridMetrics[] = rows.map((r) => {
      geometries.set(r.code, JSON.parse(r.geojson));
      return {
        code: r.code, name: r.name, gridClass: r.grid_class, villageCode: r.village_code,
        households: r.households, residents: r.residents, leaders: r.leaders, instructors: r.instructors, workers: r.workers,
        incidents: r.incidents, openIncidents: r.open_incidents, overdueIncidents: r.overdue_incidents,
        cameras: r.cameras, camerasOnline: r.cameras_online,
      };
    });
    const result: GridMetricsResult = { region: query.region, from: query.from, to: query.to, grids };
    Object.defineProperty(result, 'geometries', { value: geometries, enumerable: false });
    return result;
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.grids.map((g) => ({ type: 'Feature', id: g.code, geometry: result.geometries!.get(g.code)!, properties: { ...g } })),
    };
  },
  table(result) {
    return {
      columns: ['code', 'name', 'grid_class', 'village_code', ...GRID_METRIC_FIELDS],
      rows: result.grids.map((g) => [g.code, g.name, g.gridClass, g.villageCode, ...GRID_METRIC_FIELDS.map((f) => g[f])]),
    };
  },
});
