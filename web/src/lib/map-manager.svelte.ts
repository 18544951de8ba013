/**
 * Owns the one map of the first screen: creates it, frames the county, loads the default layers the
 * user may read, feeds the view to the layers manager, and raises `ready` for tests once all of it
 * is drawn. It lives while a user is signed in: `destroy` also forgets that user's regions, layers
 * and import.
 */
import type { PickingInfo } from '@deck.gl/core';
import { tick } from 'svelte';
import { isLayerId, LAYER_IDS, LAYERS } from '$geo/layers';
import { fetchJson } from './api/client';
import { geometryBbox } from './map/geometry';
import { applyViewState, parseViewState, type ViewState } from './url-state.svelte';
import { handleError } from './handle-error';
import { i18n } from './i18n.svelte';
import { importManager } from './import-manager.svelte';
import { focusManager } from './focus.svelte';
import { incidentsManager } from './incidents-manager.svelte';
import { layersManager } from './layers-manager.svelte';
import { AtlasMap, type MapHit } from './map/atlas-map';
import { BASEMAP_ZOOM_BREAKS, prepareBasemap, type PreparedBasemap } from './map/basemap';
import { selectionManager, type Selection } from './selection.svelte';
import { rendererOfLayerId, RENDERERS } from './map-layers';
import { analystManager } from './analyst';
import { analyticLayersManager } from './analytic-layers';
import { patrolPlayback } from './patrol-playback.svelte';
import { regionFiguresManager } from './region-figures.svelte';
import { regionsManager } from './regions-manager.svelte';
import { atlasTestHook } from './test-hook';

/** Wait after the view stops before fetching view-bound layers, so a drag is one request. */
const VIEW_SETTLE_MS = 250;

/** Every zoom at which some layer's drawing changes: renderer breaks and catalogue zoom ranges. */
const ZOOM_BREAKS: readonly number[] = [...new Set([
  ...Object.values(RENDERERS).flatMap((r) => r.zoomBreaks),
  ...LAYER_IDS.map((id) => LAYERS[id].minZoom),
  ...BASEMAP_ZOOM_BREAKS,
])].filter((z) => z > 0).sort((a, b) => a - b);

/** Focuses the grid `code` of a shared link (its name and frame come from the API). */
async function restoreGrid(code: string, villageCode: string): Promise<void> {
  try {
    const f = await fetchJson<GeoJSON.Feature>(`/api/layers/grids/features/${encodeURIComponent(code)}`);
    const p = (f.properties ?? {}) as { name?: string; village_code?: string };
    if (f.geometry && p.village_code === villageCode) focusManager.focusGrid(villageCode, { code, name: p.name ?? code, bbox: geometryBbox(f.geometry) });
  } catch (error) {
    handleError(error, i18n.t.loadLayerFailed(i18n.layerTitle('grids')));
  }
}

/** Re-selects the inspected feature of a shared link (`layer:id`, catalogue layers only). */
async function restoreSelection(sel: string): Promise<void> {
  const [layer, id] = sel.split(':');
  if (!layer || !id || !isLayerId(layer)) return;
  try {
    const f = await fetchJson<GeoJSON.Feature>(`/api/layers/${layer}/features/${encodeURIComponent(id)}`);
    const bbox = f.geometry ? geometryBbox(f.geometry) : null;
    const lngLat: [number, number] = bbox ? [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2] : [0, 0];
    selectionManager.select({ layer, id: f.id ?? id, properties: (f.properties ?? {}) as Record<string, unknown>, lngLat });
  } catch {
    // A feature that is gone (or outside the reader's region) is simply not selected.
  }
}

/** Turns a map hit into the inspector's selection, or null when the hit is nothing to inspect. */
function selectionOf(hit: MapHit, lngLat: [number, number]): Selection | null {
  if (analyticLayersManager.owns(hit.layerId)) {
    const s = analyticLayersManager.selectionOf(hit.layerId, hit.object);
    return s ? { ...s, lngLat } : null;
  }
  const owner = hit.layerId.split(':', 1)[0]!;
  const properties = hit.properties
    ?? ((hit.object as { properties?: Record<string, unknown> }).properties ?? null);
  if (!properties) return null;
  const id = (properties.id ?? properties.code ?? null) as string | number | null;
  return { layer: owner, id, properties, lngLat };
}

function describe(info: PickingInfo): string | null {
  if (!info.layer || info.object === undefined || info.object === null) return null;
  if (analyticLayersManager.owns(info.layer.id)) return analyticLayersManager.describe(info.layer.id, info.object);
  return rendererOfLayerId(info.layer.id)?.describe?.(info.object, i18n.t, i18n.locale) ?? null;
}

class MapManager {
  atlas = $state.raw<AtlasMap | null>(null);
  /** The base map in use (its road and river labels join the deck.gl labels). */
  basemap = $state.raw<PreparedBasemap | null>(null);
  /** True once the style has loaded and sources accept data. */
  styleLoaded = $state(false);
  zoom = $state(9);
  /** The view read from the URL at start (the URL writer waits for it, so it never overwrites it). */
  restored = $state.raw<ViewState | null>(null);
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
      atlas = new AtlasMap({ container, tooltip: describe, basemap: await prepareBasemap() });
      if (stale()) {
        atlas.destroy();
        return;
      }
    } catch (error) {
      hook.error = handleError(error, i18n.t.mapFailed) ?? i18n.t.mapFailed;
      return;
    }
    this.atlas = atlas;
    this.basemap = atlas.basemap;
    hook.map = atlas.map;
    this.zoom = atlas.map.getZoom();
    atlas.map.on('zoom', () => {
      this.zoom = atlas.map.getZoom();
    });
    atlas.map.on('moveend', () => this.#scheduleViewUpdate());
    atlas.onClick((lngLat, hit) => this.#click(atlas, lngLat, hit));

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

    // A shared link (or a reload) brings its view with it: filters, layers, focus, viewport.
    const view = parseViewState(window.location.search);
    analyticLayersManager.start();
    applyViewState(view);
    if (view.analytics !== null) analyticLayersManager.restoreUrlState(view.analytics);
    if (view.grid && focusManager.node) await restoreGrid(view.grid, focusManager.node.code);
    if (stale()) return;
    if (view.selection) void restoreSelection(view.selection);
    if (view.map) atlas.map.jumpTo({ center: [view.map.lon, view.map.lat], zoom: view.map.zoom });
    else atlas.fitBbox(focusManager.bbox ?? root.bbox);
    this.zoom = atlas.map.getZoom();
    this.#updateView();
    const incidents = layersManager.find('incidents');
    const [ok] = await Promise.all([
      layersManager.start(root.bbox),
      incidents ? incidentsManager.sync(incidents.visible, this.zoom, atlas.viewBbox()) : Promise.resolve(),
      regionFiguresManager.sync(),
    ]);
    if (stale()) return;
    this.restored = view;
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
    incidentsManager.reset();
    regionFiguresManager.reset();
    analystManager.reset();
    analyticLayersManager.reset();
    patrolPlayback.stop();
    selectionManager.reset();
    focusManager.reset();
    importManager.reset();
    this.atlas?.destroy();
    this.atlas = null;
    this.styleLoaded = false;
    this.ready = false;
    this.restored = null;
    const hook = atlasTestHook();
    hook.map = null;
    hook.ready = false;
  }

  /** A click: answers a pending point pick, zooms into a cluster, or selects what it hit. */
  #click(atlas: AtlasMap, lngLat: [number, number], hit: MapHit | null): void {
    if (!selectionManager.picking && hit?.layerId === 'incidents:clusters') {
      const c = hit.object as { lon: number; lat: number };
      atlas.map.easeTo({ center: [c.lon, c.lat], zoom: Math.min(atlas.map.getZoom() + 2, 19), duration: 400 });
      return;
    }
    selectionManager.handleClick(lngLat, hit ? selectionOf(hit, lngLat) : null);
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
