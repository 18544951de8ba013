import { cellToBoundary } from 'h3-js';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import type { Permission } from '../../geo/access.js';
import type { Transaction } from '../db/types.js';
import type { AnalyticsQuery, AnalyticsQuerySpec } from './params.js';

/** A table of results for CSV export: column names and one array of cells per row. */
export interface ResultTable {
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
}

/**
 * One analytic: what it reads (for the cache key), which parameters it takes, and how it computes
 * its result in the caller's scoped transaction. Its id is the URL segment under /api/analytics and
 * the id the web client's layer and panel use for it.
 */
export interface Analytic<R = unknown> {
  id: string;
  title: string;
  permission: Permission;
  /** `layer_versions` ids of every table it reads: a write to any of them invalidates its results. */
  reads: readonly string[];
  spec: AnalyticsQuerySpec;
  /**
   * True when the result depends on the current time beyond the window (deadlines, hours since the
   * last patrol): cached per minute of `at`.
   */
  usesNow?: boolean;
  run(tx: Transaction, query: AnalyticsQuery): Promise<R>;
  /** The result as a map layer (format=geojson), when it has one. */
  geojson?(result: R): FeatureCollection;
  /** The result as a table (format=csv), when it has one to export. */
  table?(result: R): ResultTable;
}

/** Declares an analytic with its result type inferred (keeps `run` and the formatters in step). */
export function defineAnalytic<R>(analytic: Analytic<R>): Analytic<R> {
  return analytic;
}

/** Rounds to `digits` decimals (results carry shares and statistics, not 17-digit floats). */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** An H3 cell as a GeoJSON polygon feature (closed ring, 6 decimals ≈ 0.1 m) with `properties`. */
export function hexagonFeature(cell: string, properties: Record<string, unknown>): Feature<Polygon> {
  return {
    type: 'Feature', id: cell,
    geometry: { type: 'Polygon', coordinates: [cellToBoundary(cell, true).map(([x, y]) => [round(x!, 6), round(y!, 6)])] },
    properties,
  };
}
