/**
 * How the incidents layer is drawn and what it holds. Incidents are the one layer that grows to a
 * city's million rows, so the client never downloads them all: below `POINTS_MIN_ZOOM` it draws
 * server aggregates (`/api/analytics/incident-clusters`: count bubbles, or finer bins as a heat
 * map), and from that zoom the individual points come as vector tiles (`/tiles/incidents/…`) with
 * the filters in the tile URL. Both follow the filters and the focused region.
 */
import { fetchAnalytic } from './api/client';
import { filtersManager } from './filters.svelte';
import { scopedParams } from './focus.svelte';
import { handleError, isAbortError } from './handle-error';
import { i18n } from './i18n.svelte';
import type { Bbox } from './api/types';

/** From this zoom incidents are single points (vector tiles); below it, aggregates. */
export const POINTS_MIN_ZOOM = 13;
/** Bubble bins are 48 px; heat bins 12 px, fine enough that the heat map looks continuous. */
const CLUSTER_PIXELS = 48;
const HEAT_PIXELS = 12;
/** Above this zoom the aggregates are fetched for the view (padded) rather than the whole region. */
const VIEW_BOUND_ZOOM = 11;

export const INCIDENT_DISPLAYS = ['clusters', 'heat', 'points'] as const;
export type IncidentDisplay = (typeof INCIDENT_DISPLAYS)[number];
export const INCIDENT_COLOUR_BY = ['category', 'level', 'warning'] as const;
export type IncidentColourBy = (typeof INCIDENT_COLOUR_BY)[number];

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

export interface IncidentClusters {
  zoom: number;
  cellDegrees: number;
  total: number;
  open: number;
  clusters: IncidentCluster[];
}

function padded([w, s, e, n]: Bbox, share: number): Bbox {
  const dx = (e - w) * share;
  const dy = (n - s) * share;
  return [Math.max(-180, w - dx), Math.max(-90, s - dy), Math.min(180, e + dx), Math.min(90, n + dy)];
}

function contains(outer: Bbox, inner: Bbox): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

class IncidentsManager {
  /** 'points' draws single points at every zoom where tiles are small enough (from POINTS_MIN_ZOOM). */
  display = $state<IncidentDisplay>('clusters');
  colourBy = $state<IncidentColourBy>('category');
  data = $state.raw<IncidentClusters | null>(null);
  status = $state<'idle' | 'loading' | 'loaded' | 'error'>('idle');
  errorMessage = $state<string | null>(null);
  /** Bumped after an incident is written, so tiles and aggregates are fetched afresh. */
  version = $state(0);

  #controller: AbortController | null = null;
  #loadedKey = '';
  #loadedBbox: Bbox | null = null;

  /**
   * The vector-tile URL template with the current filters. The version rides in the fragment: the
   * server never sees it (it refuses unknown parameters), but a new URL makes MapLibre drop its tiles.
   */
  tileUrl(): string {
    const origin = typeof window === 'undefined' ? '' : window.location.origin;
    return `${origin}/tiles/incidents/{z}/{x}/{y}.mvt?${filtersManager.tileParams().toString()}#v${this.version}`;
  }

  /**
   * Makes sure the aggregates for `zoom` (an integer band) and `view` are loaded when the layer is
   * shown and drawn as aggregates. Cancels a request that no longer matches.
   */
  async sync(visible: boolean, zoom: number, view: Bbox | null): Promise<void> {
    const aggregated = visible && zoom < POINTS_MIN_ZOOM && this.display !== 'points';
    if (!aggregated) {
      this.#controller?.abort();
      if (this.status === 'loading') this.status = this.data ? 'loaded' : 'idle';
      return;
    }
    const pixels = this.display === 'heat' ? HEAT_PIXELS : CLUSTER_PIXELS;
    const params = scopedParams(filtersManager.analyticsParams());
    params.set('zoom', String(Math.floor(zoom)));
    params.set('cell', String(pixels));
    const key = `${params.toString()}|${this.version}`;
    const viewBound = zoom >= VIEW_BOUND_ZOOM && view !== null;
    if (key === this.#loadedKey && (this.status === 'loaded' || this.status === 'loading')
      && (!viewBound || (this.#loadedBbox !== null && contains(this.#loadedBbox, view)))) return;
    let bbox: Bbox | null = null;
    if (viewBound) {
      bbox = padded(view, 0.5);
      params.set('bbox', bbox.map((v) => v.toFixed(5)).join(','));
    }
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#loadedKey = key;
    this.#loadedBbox = bbox;
    this.status = 'loading';
    this.errorMessage = null;
    try {
      const { result } = await fetchAnalytic<{ result: IncidentClusters }>('incident-clusters', params, controller.signal);
      if (controller.signal.aborted) return;
      this.data = result;
      this.status = 'loaded';
    } catch (error) {
      if (controller.signal.aborted || isAbortError(error)) return;
      this.#loadedKey = '';
      this.status = 'error';
      this.errorMessage = handleError(error, i18n.t.loadLayerFailed(i18n.layerTitle('incidents')));
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  /** An incident was written: refetch aggregates and tiles. */
  invalidate(): void {
    this.version++;
    this.#loadedKey = '';
  }

  reset(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.data = null;
    this.status = 'idle';
    this.#loadedKey = '';
    this.#loadedBbox = null;
  }
}

export const incidentsManager = new IncidentsManager();
