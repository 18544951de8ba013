/**
 * Shared types of the analytic layers: map layers drawn from server aggregates
 * (`/api/analytics/{id}?format=geojson`). A layer's id is its analytic's id, from the SQL to the
 * deck.gl layer ids (`${id}:<part>`) and the inspector's selection.
 */

/** The analytics drawn as layers, in draw order (areas, then hexagons, then points). */
export const ANALYTIC_LAYER_IDS = [
  'grid-metrics', 'patrol-coverage', 'camera-coverage', 'patrol-gaps', 'hotspots', 'three-nos',
] as const;
export type AnalyticLayerId = (typeof ANALYTIC_LAYER_IDS)[number];

export function isAnalyticLayerId(value: string): value is AnalyticLayerId {
  return (ANALYTIC_LAYER_IDS as readonly string[]).includes(value);
}

export type AnalyticLayerStatus = 'idle' | 'loading' | 'loaded' | 'error';

/** What the grid choropleth can be coloured by. */
export const GRID_METRICS = [
  'incidents', 'openIncidents', 'overdueIncidents', 'households', 'cameras', 'camerasOnlineShare',
] as const;
export type GridMetric = (typeof GRID_METRICS)[number];

export function isGridMetric(value: string): value is GridMetric {
  return (GRID_METRICS as readonly string[]).includes(value);
}

/** How far a grid out of compliance is from the 2 h daily mean (see patrol-coverage.svelte.ts). */
export type PatrolShortfallClass = 'near' | 'mid' | 'low' | 'none';

/** Getis-Ord Gi* confidence bin: ±3/±2/±1 = 99/95/90% hot (positive) or cold, 0 not significant. */
export type GiStarBin = -3 | -2 | -1 | 0 | 1 | 2 | 3;

export type ThreeNosStatus = 'achieved' | 'in_progress' | 'failed';

/** RGBA, 0–255 each (deck.gl's colour form). */
export type Rgba = [number, number, number, number];

/** One legend row: a swatch and its text, with how many features it holds when counted. */
export interface LegendItem {
  /** CSS colour of the swatch. */
  colour: string;
  /** CSS colour of the swatch's outline (defaults to the fill). */
  outline?: string;
  shape: 'fill' | 'dot';
  label: string;
  count?: number;
}

/** What the list shows under a visible layer. */
export interface LegendDescription {
  /** Heading of the swatches (the metric shown), if any. */
  title?: string;
  items: LegendItem[];
  /** Small print: the window actually read, a resolution, a limit. */
  notes: string[];
  /** Set when the layer loaded but has nothing to draw (the legend says this instead of swatches). */
  empty: string | null;
}

/** The inspector's selection of an analytic feature (the map adds where the click was). */
export interface AnalyticSelection {
  layer: AnalyticLayerId;
  id: string | number | null;
  properties: Record<string, unknown>;
}

/** The GeoJSON an analytic sends with `format=geojson`. */
export type AnalyticFeature<P> = GeoJSON.Feature<GeoJSON.Geometry, P>;
export type AnalyticFeatureCollection<P> = GeoJSON.FeatureCollection<GeoJSON.Geometry, P>;
