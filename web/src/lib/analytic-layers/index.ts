/**
 * The analytic layers: map layers drawn from server aggregates (`/api/analytics/{id}?format=geojson`).
 *
 * To mount them:
 * - call `analyticLayersManager.start()` once signed in (the map is up) and `reset()` on sign-out;
 * - draw `analyticLayersManager.deckLayers(zoom)` in the map's deck.gl layer list, between the
 *   catalogue layers' bodies and their labels;
 * - route tooltips and clicks on deck.gl layer ids the manager `owns(layerId)` to
 *   `describe(layerId, object)` and `selectionOf(layerId, object)` (add the click's `lngLat`);
 * - mount `components/analytic-layer-list.svelte` in the side panel;
 * - keep `urlState()` in the URL (`a=`) and give it back to `restoreUrlState()` when a view is restored.
 */
export { analyticLayersManager, analyticIdOf, type AnalyticLayersManager } from './manager.svelte';
export { AnalyticLayer, DEFAULT_OPACITY } from './analytic-layer.svelte';
export { GridMetricsLayer, gridMetricValue, DEFAULT_GRID_METRIC, type GridMetricsProperties } from './grid-metrics.svelte';
export { PatrolCoverageLayer, type PatrolCoverageProperties } from './patrol-coverage.svelte';
export { CameraCoverageLayer, type CameraGapProperties } from './camera-coverage.svelte';
export { PatrolGapsLayer, type PatrolGapProperties } from './patrol-gaps.svelte';
export { HotspotsLayer, type HotspotProperties } from './hotspots.svelte';
export { ThreeNosLayer, type ThreeNosProperties } from './three-nos.svelte';
export { MESSAGES as ANALYTIC_LAYER_MESSAGES, type AnalyticLayerMessages } from './messages';
export {
  ANALYTIC_LAYER_IDS, GRID_METRICS, isAnalyticLayerId, isGridMetric,
  type AnalyticLayerId, type AnalyticLayerStatus, type AnalyticSelection, type GridMetric, type LegendDescription, type LegendItem,
} from './types';
