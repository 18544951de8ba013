/**
 * The analytic layers (issue 6): map layers drawn from server aggregates, one per analytic, each
 * with its checkbox, opacity and legend, following the filters, the focused region and (hotspots)
 * the zoom.
 *
 * `start()` (after sign-in) makes one effect per layer: while the layer is checked and the user's
 * role may read its analytic, its GeoJSON is fetched for `scopedParams(filtersManager.analyticsParams())`
 * (narrowed to what the analytic reads) and fetched again, aborting the request in flight, whenever
 * those change or an incident is written. `reset()` (sign-out) stops them and forgets everything.
 * The map view draws `deckLayers(zoom)`; tooltips and clicks on layer ids it `owns()` go to
 * `describe()` and `selectionOf()`.
 */
import type { Layer } from '@deck.gl/core';
import { untrack } from 'svelte';
import { roleCan } from '$geo/access';
import { filtersManager } from '../filters.svelte';
import { scopedParams } from '../focus.svelte';
import { incidentsManager } from '../incidents-manager.svelte';
import { sessionManager } from '../session-manager.svelte';
import { DEFAULT_OPACITY, type AnalyticLayer } from './analytic-layer.svelte';
import { CameraCoverageLayer } from './camera-coverage.svelte';
import { DEFAULT_GRID_METRIC, GridMetricsLayer } from './grid-metrics.svelte';
import { HotspotsLayer } from './hotspots.svelte';
import { PatrolCoverageLayer } from './patrol-coverage.svelte';
import { PatrolGapsLayer } from './patrol-gaps.svelte';
import { ThreeNosLayer } from './three-nos.svelte';
import {
  isAnalyticLayerId, isGridMetric, type AnalyticLayerId, type AnalyticSelection, type GridMetric, type LegendDescription,
} from './types';

/** The analytic id of a deck.gl layer id `${id}:<part>`, or null when it is not one of ours. */
export function analyticIdOf(layerId: string): AnalyticLayerId | null {
  const id = layerId.split(':', 1)[0]!;
  return isAnalyticLayerId(id) ? id : null;
}

class AnalyticLayersManager {
  readonly gridMetrics = new GridMetricsLayer();
  readonly patrolCoverage = new PatrolCoverageLayer();
  readonly cameraCoverage = new CameraCoverageLayer();
  readonly patrolGaps = new PatrolGapsLayer();
  readonly hotspots = new HotspotsLayer();
  readonly threeNos = new ThreeNosLayer();

  /** Every analytic layer, bottom to top: areas, then hexagons, then village dots. */
  readonly all: readonly AnalyticLayer<any>[] = [
    this.gridMetrics, this.patrolCoverage, this.cameraCoverage, this.patrolGaps, this.hotspots, this.threeNos,
  ];

  /** The layers the signed-in user's role may read (a wall reads every aggregate); empty when signed out. */
  layers = $derived.by<AnalyticLayer<any>[]>(() => {
    const role = sessionManager.user?.role;
    return role ? this.all.filter((l) => roleCan(role, l.permission)) : [];
  });

  /** True between `start()` and `reset()`. */
  started = $state(false);
  #stop: (() => void) | null = null;

  /** Begins following the filters, the focus and the zoom (after sign-in). Idempotent. */
  start(): void {
    if (this.#stop) return;
    this.#stop = $effect.root(() => {
      for (const layer of this.all) {
        $effect(() => {
          if (!layer.visible || !this.layers.includes(layer)) {
            untrack(() => layer.sync(null));
            return;
          }
          const epoch = incidentsManager.version;
          const params = layer.params(scopedParams(filtersManager.analyticsParams()));
          // Untracked: the load's own state changes must not re-run this effect.
          untrack(() => layer.sync(params, epoch));
        });
      }
    });
    this.started = true;
  }

  /** Stops every request and forgets all state (sign-out: the next user may have another role and region). */
  reset(): void {
    this.#stop?.();
    this.#stop = null;
    for (const layer of this.all) layer.reset();
    this.gridMetrics.metric = DEFAULT_GRID_METRIC;
    this.started = false;
  }

  /** The layer `id` when the user may read it, else null. */
  find(id: AnalyticLayerId): AnalyticLayer<any> | null {
    return this.layers.find((l) => l.id === id) ?? null;
  }

  #any(id: AnalyticLayerId): AnalyticLayer<any> {
    return this.all.find((l) => l.id === id)!;
  }

  setVisible(id: AnalyticLayerId, visible: boolean): void {
    this.#any(id).visible = visible;
  }

  setOpacity(id: AnalyticLayerId, opacity: number): void {
    this.#any(id).opacity = Number.isFinite(opacity) ? Math.min(1, Math.max(0, opacity)) : DEFAULT_OPACITY;
  }

  setGridMetric(metric: GridMetric): void {
    this.gridMetrics.metric = metric;
  }

  retry(id: AnalyticLayerId): void {
    const layer = this.find(id);
    if (layer?.visible) layer.retry();
  }

  legend(id: AnalyticLayerId): LegendDescription {
    return this.#any(id).legend();
  }

  /**
   * deck.gl layers of every readable layer that has data, bottom to top; a hidden one is kept with
   * `visible: false` so deck.gl keeps its buffers for when it is shown again.
   */
  deckLayers(zoom: number): Layer[] {
    return this.layers.flatMap((l) => l.deckLayers(zoom));
  }

  /** Whether a deck.gl layer id (`${id}:<part>`) is one of the analytic layers'. */
  owns(layerId: string): boolean {
    return analyticIdOf(layerId) !== null;
  }

  /** Tooltip text for an object picked in one of these layers, or null. */
  describe(layerId: string, object: unknown): string | null {
    const id = analyticIdOf(layerId);
    if (!id || object === null || object === undefined) return null;
    return this.#any(id).describe(layerId.slice(id.length + 1), object as never);
  }

  /** The inspector's selection for an object picked in one of these layers, or null. */
  selectionOf(layerId: string, object: unknown): AnalyticSelection | null {
    const id = analyticIdOf(layerId);
    if (!id || object === null || object === undefined) return null;
    return this.#any(id).selectionOf(layerId.slice(id.length + 1), object as never);
  }

  /**
   * The shareable state for the URL: the checked layers in draw order, comma-separated, each as
   * `id[:opacity[:metric]]` (`grid-metrics:0.60:overdueIncidents,hotspots`); the opacity is left out
   * at 1 and the grid metric at its default. Empty when no layer is checked.
   */
  urlState(): string {
    return this.all.filter((l) => l.visible).map((l) => {
      const parts: string[] = [l.id, l.opacity === DEFAULT_OPACITY ? '' : l.opacity.toFixed(2)];
      if (l === this.gridMetrics && this.gridMetrics.metric !== DEFAULT_GRID_METRIC) parts.push(this.gridMetrics.metric);
      while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
      return parts.join(':');
    }).join(',');
  }

  /** Applies a `urlState()` string: the layers it names are checked, the others not. Unknown parts are ignored. */
  restoreUrlState(state: string): void {
    const on = new Map<AnalyticLayerId, string[]>();
    for (const token of state.split(',')) {
      const [id, ...rest] = token.trim().split(':');
      if (id && isAnalyticLayerId(id)) on.set(id, rest);
    }
    for (const layer of this.all) {
      const rest = on.get(layer.id);
      layer.visible = rest !== undefined;
      if (!rest) continue;
      const opacity = rest[0] ? Number(rest[0]) : DEFAULT_OPACITY;
      layer.opacity = Number.isFinite(opacity) && opacity >= 0 && opacity <= 1 ? opacity : DEFAULT_OPACITY;
      if (layer === this.gridMetrics) {
        const metric = rest[1];
        this.gridMetrics.metric = metric && isGridMetric(metric) ? metric : DEFAULT_GRID_METRIC;
      }
    }
  }
}

export const analyticLayersManager = new AnalyticLayersManager();
export type { AnalyticLayersManager };
