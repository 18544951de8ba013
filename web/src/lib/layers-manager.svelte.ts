/**
 * State of every layer the user may read: whether they show it, whether its features are loading,
 * loaded or failed, and the features themselves. Which layers those are comes from the server
 * (`GET /api/layers`: a wall display gets fewer); how each looks and loads comes from the shared
 * catalogue (`geo/layers.ts`).
 *
 * Layers visible from zoom 0 are fetched once for the whole county extent. Layers with a higher
 * `minZoom` in the catalogue (address points, patrol tracks) are many and only useful up close, so
 * they are fetched for the current view once zoomed in, and refetched (cancelling the previous
 * request) when the view leaves the area already fetched.
 */
import { isLayerId, LAYER_IDS, LAYERS, type LayerDef, type LayerId } from '$geo/layers';
import { fetchLayerFeatures, fetchLayerList } from './api/client';
import type { Bbox, LayerFeatureCollection } from './api/types';
import { handleError, isAbortError } from './handle-error';
import { i18n } from './i18n.svelte';

export type LayerStatus = 'idle' | 'loading' | 'loaded' | 'error';
/**
 * extent: fetched once for the region; viewport: fetched for the view when zoomed in; aggregated:
 * never downloaded whole (incidents: server aggregates and vector tiles, see incidents-manager).
 */
export type LoadMode = 'extent' | 'viewport' | 'aggregated';

/** Layers too large to download: drawn from aggregates and vector tiles. */
const AGGREGATED: ReadonlySet<LayerId> = new Set<LayerId>(['incidents']);

/** A viewport fetch covers the view plus this share of its size on each side, so small pans reuse it. */
const VIEWPORT_PADDING = 0.25;

export interface MapView {
  bbox: Bbox;
  zoom: number;
}

function padBbox([minX, minY, maxX, maxY]: Bbox, share: number): Bbox {
  const dx = (maxX - minX) * share;
  const dy = (maxY - minY) * share;
  return [minX - dx, minY - dy, maxX + dx, maxY + dy];
}

function bboxContains(outer: Bbox, inner: Bbox): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

export class LayerState<Id extends LayerId = LayerId> {
  readonly id: Id;
  readonly def: LayerDef;
  readonly mode: LoadMode;

  visible = $state(false);
  /** 0–1, the user's slider; multiplies the layer's own opacities. */
  opacity = $state(1);
  status = $state<LayerStatus>('idle');
  /** Raw (not deeply reactive): tens of thousands of features must not be proxied. */
  data = $state.raw<LayerFeatureCollection<Id> | null>(null);
  errorMessage = $state<string | null>(null);

  /** Features drawn. */
  count = $derived(this.data ? (this.data.numberReturned ?? this.data.features.length) : 0);
  /** Features that matched, when the server says and it is more than were returned. */
  truncatedFrom = $derived.by(() => {
    const matched = this.data?.numberMatched;
    return matched !== undefined && matched > this.count ? matched : null;
  });

  #controller: AbortController | null = null;
  #loadedBbox: Bbox | null = null;

  constructor(id: Id) {
    this.id = id;
    this.def = LAYERS[id];
    this.mode = AGGREGATED.has(id) ? 'aggregated' : this.def.minZoom > 0 ? 'viewport' : 'extent';
    this.visible = this.def.defaultVisible;
  }

  /** Whether the map draws it at `zoom` (checked, and inside the catalogue's zoom range). */
  drawnAt(zoom: number): boolean {
    return this.visible && zoom >= this.def.minZoom && zoom <= this.def.maxZoom;
  }

  /** Whether `bbox` is already covered by what was fetched (and nothing was cut off by the limit). */
  covers(bbox: Bbox): boolean {
    return this.status === 'loaded' && this.#loadedBbox !== null
      && this.truncatedFrom === null && bboxContains(this.#loadedBbox, bbox);
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = null;
  }

  /**
   * Fetches the features in `bbox`, replacing what was there. Resolves true when they loaded, false
   * when the request failed (the error is shown) or was superseded by a newer one.
   */
  async load(bbox: Bbox): Promise<boolean> {
    this.cancel();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = 'loading';
    this.errorMessage = null;
    try {
      const data = await fetchLayerFeatures(this.id, { bbox, limit: this.def.maxLimit }, controller.signal);
      if (controller.signal.aborted) return false;
      this.data = data;
      this.#loadedBbox = bbox;
      this.status = 'loaded';
      return true;
    } catch (error) {
      if (controller.signal.aborted || isAbortError(error)) return false;
      this.status = 'error';
      this.errorMessage = handleError(error, i18n.t.loadLayerFailed(i18n.layerTitle(this.id)));
      return false;
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }
}

class LayersManager {
  /** The layers the user may read, in catalogue order; empty until `loadAllowed` has answered. */
  layers = $state.raw<LayerState[]>([]);
  /** The county's bbox, once the region tree has loaded. */
  extent = $state.raw<Bbox | null>(null);
  view = $state.raw<MapView | null>(null);
  #controller: AbortController | null = null;

  /** The layer `id`, or null when the user may not read it (or the list has not loaded). */
  find(id: LayerId): LayerState | null {
    return this.layers.find((l) => l.id === id) ?? null;
  }

  get(id: LayerId): LayerState {
    const layer = this.find(id);
    if (!layer) throw new Error(`layer ${id} is not available`);
    return layer;
  }

  /** Counts of drawn features by catalogue layer id (0 for layers not loaded or not readable). */
  counts(): Record<LayerId, number> {
    return Object.fromEntries(LAYER_IDS.map((id) => [id, this.find(id)?.count ?? 0])) as Record<LayerId, number>;
  }

  /**
   * Asks the server which layers this user may read and makes their states, keeping the catalogue
   * order. Ids this client does not know (a newer server) are skipped. Resolves true when the list
   * loaded; false when it failed (the error is shown) or was cancelled.
   */
  async loadAllowed(): Promise<boolean> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const { layers } = await fetchLayerList(controller.signal);
      if (controller.signal.aborted) return false;
      const allowed = new Set(layers.map((l) => l.id).filter(isLayerId));
      for (const layer of this.layers) layer.cancel();
      this.layers = LAYER_IDS.filter((id) => allowed.has(id)).map((id) => new LayerState(id));
      return true;
    } catch (error) {
      if (!controller.signal.aborted) handleError(error, i18n.t.loadLayerListFailed);
      return false;
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  /** Forgets every layer and its data (the user signed out; the next one may see other layers). */
  reset(): void {
    this.#controller?.abort();
    this.#controller = null;
    for (const layer of this.layers) layer.cancel();
    this.layers = [];
    this.extent = null;
    this.view = null;
  }

  /**
   * Sets the county extent and loads every visible layer that can be loaded now. Resolves once the
   * layers visible by default have settled: true when all of them loaded.
   */
  async start(extent: Bbox): Promise<boolean> {
    this.extent = extent;
    const loads = this.layers
      .filter((l) => l.visible)
      .map((l) => this.#ensureLoaded(l).then((ok) => ok || !l.def.defaultVisible));
    const results = await Promise.all(loads);
    return results.every(Boolean);
  }

  setView(view: MapView): void {
    this.view = view;
    for (const layer of this.layers) {
      if (layer.mode === 'viewport' && layer.visible) void this.#ensureLoaded(layer);
    }
  }

  setOpacity(id: LayerId, opacity: number): void {
    this.get(id).opacity = Math.min(1, Math.max(0, opacity));
  }

  setVisible(id: LayerId, visible: boolean): void {
    const layer = this.get(id);
    layer.visible = visible;
    if (visible) void this.#ensureLoaded(layer);
    else if (layer.status === 'loading') {
      layer.cancel();
      layer.status = layer.data ? 'loaded' : 'idle';
    }
  }

  retry(id: LayerId): void {
    const layer = this.get(id);
    if (layer.visible) void this.#ensureLoaded(layer, true);
  }

  /**
   * The layer's data changed on the server (an import wrote into it): a shown layer is fetched
   * again; a hidden one forgets what it held, so showing it fetches afresh. Resolves true when the
   * layer holds fresh data (or will when shown); false when it is not readable or failed to load.
   */
  async refresh(id: LayerId): Promise<boolean> {
    const layer = this.find(id);
    if (!layer) return false;
    if (layer.visible) return this.#ensureLoaded(layer, true);
    layer.cancel();
    layer.data = null;
    layer.status = 'idle';
    return true;
  }

  /** Loads `layer` if it is not loaded (or no longer covers the view). Resolves true when it holds data. */
  #ensureLoaded(layer: LayerState, force = false): Promise<boolean> {
    // Its own manager loads what the view needs; nothing to fetch here.
    if (layer.mode === 'aggregated') {
      layer.status = 'loaded';
      return Promise.resolve(true);
    }
    if (layer.mode === 'extent') {
      if (!this.extent) return Promise.resolve(false);
      if (!force && (layer.status === 'loaded' || layer.status === 'loading')) {
        return Promise.resolve(layer.status === 'loaded');
      }
      return layer.load(this.extent);
    }
    const view = this.view;
    if (!view || view.zoom < layer.def.minZoom) return Promise.resolve(false);
    if (!force && layer.covers(view.bbox)) return Promise.resolve(true);
    return layer.load(padBbox(view.bbox, VIEWPORT_PADDING));
  }
}

export const layersManager = new LayersManager();
