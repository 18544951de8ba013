/**
 * Owns the one map of the first screen: creates it, frames the county, loads the default layers the
 * user may read, feeds the view to the layers manager, and raises `ready` for tests once all of it
 * is drawn. It lives while a user is signed in: `destroy` also forgets that user's regions, layers
 * and import.
 */
import type { PickingInfo } from '@deck.gl/core';
import { tick } from 'svelte';
import { LAYER_IDS, LAYERS } from '$geo/layers';
import { handleError } from './handle-error';
import { i18n } from './i18n.svelte';
import { importManager } from './import-manager.svelte';
import { layersManager } from './layers-manager.svelte';
import { AtlasMap } from './map/atlas-map';
import { rendererOfLayerId, RENDERERS } from './map-layers';
import { regionsManager } from './regions-manager.svelte';
import { atlasTestHook } from './test-hook';

/** Wait after the view stops before fetching view-bound layers, so a drag is one request. */
const VIEW_SETTLE_MS = 250;

/** Every zoom at which some layer's drawing changes: renderer breaks and catalogue zoom ranges. */
const ZOOM_BREAKS: readonly number[] = [...new Set([
  ...Object.values(RENDERERS).flatMap((r) => r.zoomBreaks),
  ...LAYER_IDS.map((id) => LAYERS[id].minZoom),
])].filter((z) => z > 0).sort((a, b) => a - b);

function describe(info: PickingInfo): string | null {
  if (!info.layer || info.object === undefined || info.object === null) return null;
  return rendererOfLayerId(info.layer.id)?.describe?.(info.object, i18n.t, i18n.locale) ?? null;
}

class MapManager {
  atlas = $state.raw<AtlasMap | null>(null);
  /** True once the style has loaded and sources accept data. */
  styleLoaded = $state(false);
  zoom = $state(9);
  /** True once every default layer is loaded and the map has drawn it. */
  ready = $state(false);
  /**
   * The zoom that layers are built for: the highest break at or below the map's zoom. It only
   * changes when a break is crossed, so deck.gl layers are not rebuilt on every zoom frame.
   */
  zoomBand = $derived(ZOOM_BREAKS.filter((z) => z <= this.zoom).at(-1) ?? 0);

  #viewTimer: number | undefined;
  /**
   * Bumped by every start and destroy, so a start still awaiting from before a sign-out (and a
   * sign-in again) notices it is stale and stops.
   */
  #generation = 0;

  /** Creates the map in `container` and loads the first screen. */
  async start(container: HTMLElement): Promise<void> {
    const generation = ++this.#generation;
    const stale = () => generation !== this.#generation;
    const hook = atlasTestHook();
    hook.error = null;
    hook.failed = [];
    let atlas: AtlasMap;
    try {
      atlas = new AtlasMap({ container, tooltip: describe });
    } catch (error) {
      hook.error = handleError(error, i18n.t.mapFailed) ?? i18n.t.mapFailed;
      return;
    }
    this.atlas = atlas;
    hook.map = atlas.map;
    this.zoom = atlas.map.getZoom();
    atlas.map.on('zoom', () => {
      this.zoom = atlas.map.getZoom();
    });
    atlas.map.on('moveend', () => this.#scheduleViewUpdate());

    const [root, layersListed] = await Promise.all([
      regionsManager.load(), layersManager.loadAllowed(), atlas.whenLoaded(),
    ]);
    if (stale()) return;
    this.styleLoaded = true;
    if (!root) {
      hook.error = i18n.t.loadRegionsFailed;
      return;
    }
    if (!layersListed) {
      hook.error = i18n.t.loadLayerListFailed;
      return;
    }

    atlas.fitBbox(root.bbox);
    this.zoom = atlas.map.getZoom();
    this.#updateView();
    const ok = await layersManager.start(root.bbox);
    if (stale()) return;
    hook.failed = layersManager.layers
      .filter((l) => l.def.defaultVisible && l.status === 'error')
      .map((l) => l.id);
    if (!ok) return;
    // Let the effects hand the new data to MapLibre and deck.gl, then wait for it to be drawn.
    await tick();
    await atlas.whenIdle();
    if (stale()) return;
    this.ready = true;
    hook.ready = true;
  }

  destroy(): void {
    this.#generation++;
    window.clearTimeout(this.#viewTimer);
    regionsManager.reset();
    layersManager.reset();
    importManager.reset();
    this.atlas?.destroy();
    this.atlas = null;
    this.styleLoaded = false;
    this.ready = false;
    const hook = atlasTestHook();
    hook.map = null;
    hook.ready = false;
  }

  #scheduleViewUpdate(): void {
    window.clearTimeout(this.#viewTimer);
    this.#viewTimer = window.setTimeout(() => this.#updateView(), VIEW_SETTLE_MS);
  }

  #updateView(): void {
    const atlas = this.atlas;
    if (!atlas) return;
    layersManager.setView({ bbox: atlas.viewBbox(), zoom: atlas.map.getZoom() });
  }
}

export const mapManager = new MapManager();
