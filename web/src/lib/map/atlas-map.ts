/**
 * The MapLibre map with deck.gl interleaved into it. Knows how to place data, visibility and deck
 * layers on the map, nothing about what they mean: layer-specific drawing lives in `map-layers/`.
 */
import type { Layer, PickingInfo } from '@deck.gl/core';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import {
  Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl, type GeoJSONSource, type VectorTileSource,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { LayerId } from '$geo/layers';
import type { Bbox, FeatureCollection } from '../api/types';
import type { StyleLayerState } from '../map-layers/types';
import type { Messages } from '../i18n.svelte';
import { buildBaseStyle, sourceIdOf, styleLayerIdsOf, styleLayerSpecsOf } from './base-style';
import { addOwnStyle, composeStyle, type PreparedBasemap } from './basemap';

// MapLibre 6 cannot find its worker inside a Vite bundle on its own; point it at the emitted file.
setWorkerUrl(workerUrl);

/** Opening view before the region tree arrives: the demo county's neighbourhood. */
const INITIAL_CENTRE: [number, number] = [120.3, 29.7];
const INITIAL_ZOOM = 9;

/** The paint properties that carry a MapLibre layer type's opacity. */
const OPACITY_PROPERTIES: Partial<Record<string, readonly string[]>> = {
  fill: ['fill-opacity'],
  line: ['line-opacity'],
  circle: ['circle-opacity', 'circle-stroke-opacity'],
  heatmap: ['heatmap-opacity'],
  symbol: ['text-opacity', 'icon-opacity'],
  'fill-extrusion': ['fill-extrusion-opacity'],
  raster: ['raster-opacity'],
};

/**
 * `value × factor` for an opacity that is a number or a zoom `interpolate`/`step` expression (whose
 * outputs are scaled: MapLibre allows `zoom` only in a top-level curve, so it cannot be wrapped).
 */
export function scaleOpacity(value: unknown, factor: number): unknown {
  if (typeof value === 'number') return value * factor;
  if (Array.isArray(value) && value[0] === 'interpolate') {
    return value.map((v, i) => (i >= 4 && i % 2 === 0 && typeof v === 'number' ? v * factor : v));
  }
  if (Array.isArray(value) && value[0] === 'step') {
    return value.map((v, i) => (i >= 2 && i % 2 === 0 && typeof v === 'number' ? v * factor : v));
  }
  return value;
}

/** What a click hit: the owning layer id (`<layer>:<part>`), the object, and a MapLibre feature's properties. */
export interface MapHit {
  layerId: string;
  object: unknown;
  /** Set for MapLibre features (null for deck.gl objects, whose shape their renderer knows). */
  properties: Record<string, unknown> | null;
}

export interface AtlasMapOptions {
  container: HTMLElement;
  /** The base map under our layers (built-in roads and rivers, an internal style, or PMTiles). */
  basemap?: PreparedBasemap;
  /** Text for a hovered deck.gl object, or null for no tooltip. */
  tooltip?: (info: PickingInfo) => string | null;
}

export class AtlasMap {
  readonly map: MapLibreMap;
  readonly basemap: PreparedBasemap | null;
  readonly #overlay: MapLibreOverlay;
  readonly #loaded: Promise<void>;

  constructor({ container, tooltip, basemap }: AtlasMapOptions) {
    const own = buildBaseStyle();
    this.basemap = basemap ?? null;
    this.map = new MapLibreMap({
      container,
      style: basemap ? composeStyle(own, basemap) : own,
      center: INITIAL_CENTRE,
      zoom: INITIAL_ZOOM,
      minZoom: 5,
      maxZoom: 19,
      // A planar command map: no rotation or tilt to get lost in.
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxPitch: 0,
      // Off: the default control links to maplibre.org; our data needs no third-party credit.
      attributionControl: false,
      // Lets tests (and screenshots) read the pixels back after a frame.
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');

    this.#overlay = new MapLibreOverlay({
      interleaved: true,
      layers: [],
      getTooltip: tooltip
        ? (info) => {
          const text = info.picked ? tooltip(info) : null;
          return text ? { text, className: 'atlas-tooltip' } : null;
        }
        : null,
    });
    this.map.addControl(this.#overlay);

    // An internal style is the base: our own sources and layers go on top once it has loaded.
    if (basemap?.mode === 'style') this.map.once('style.load', () => addOwnStyle(this.map, own, basemap));
    this.#loaded = new Promise((resolve) => {
      if (this.map.loaded()) resolve();
      else this.map.once('load', () => resolve());
    });
  }

  /** Resolves once the style is in place and sources can take data. */
  whenLoaded(): Promise<void> {
    return this.#loaded;
  }

  setLayerData(id: LayerId, data: FeatureCollection<unknown> | null): void {
    const source = this.map.getSource<GeoJSONSource>(sourceIdOf(id));
    // The API's collection carries paging members MapLibre ignores; only type and features matter.
    source?.setData(
      (data ?? { type: 'FeatureCollection', features: [] }) as unknown as Parameters<GeoJSONSource['setData']>[0],
    );
  }

  setLayerVisible(id: LayerId, visible: boolean): void {
    for (const layerId of styleLayerIdsOf(id)) {
      if (this.map.getLayer(layerId)) {
        this.map.setLayoutProperty(layerId, 'visibility', visible ? 'visible' : 'none');
      }
    }
  }

  /**
   * Calls `handler` for every click with where it was and the topmost thing under it: a deck.gl
   * object (within 4 px) first, else the topmost MapLibre feature of one of our layers.
   */
  onClick(handler: (lngLat: [number, number], hit: MapHit | null) => void): void {
    this.map.on('click', (e) => {
      const info = this.#overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 4 });
      let hit: MapHit | null = info?.layer && info.object !== undefined && info.object !== null
        ? { layerId: info.layer.id, object: info.object, properties: null }
        : null;
      if (!hit) {
        const feature = this.map.queryRenderedFeatures(e.point).find((f) => f.layer.id.includes(':'));
        if (feature) hit = { layerId: feature.layer.id, object: feature, properties: feature.properties ?? {} };
      }
      handler([e.lngLat.lng, e.lngLat.lat], hit);
    });
  }

  /**
   * Multiplies the opacities of the MapLibre layers of catalogue layer `id` by `opacity` (0–1),
   * starting from the values its renderer declares.
   */
  setLayerOpacity(id: LayerId, opacity: number): void {
    for (const spec of styleLayerSpecsOf(id)) {
      if (!this.map.getLayer(spec.id)) continue;
      const paint = (spec as { paint?: Record<string, unknown> }).paint ?? {};
      for (const prop of OPACITY_PROPERTIES[spec.type] ?? []) {
        this.map.setPaintProperty(spec.id, prop as never, scaleOpacity(paint[prop] ?? 1, opacity) as never);
      }
    }
  }

  /** Applies a renderer's `styleState`: per MapLibre layer visibility and paint values. */
  applyStyleState(state: Record<string, StyleLayerState>): void {
    for (const [layerId, { visible, paint, filter }] of Object.entries(state)) {
      if (!this.map.getLayer(layerId)) continue;
      if (filter) this.map.setFilter(layerId, filter);
      if (visible !== undefined) this.map.setLayoutProperty(layerId, 'visibility', visible ? 'visible' : 'none');
      for (const [name, value] of Object.entries(paint ?? {})) {
        // setPaintProperty compares with the current value itself, so unchanged values cost nothing.
        this.map.setPaintProperty(layerId, name as never, value as never);
      }
    }
  }

  /** Applies a renderer's `sourceState`: new tile URLs (drops cached tiles) or new GeoJSON. */
  applySourceState(state: Record<string, { tiles?: string[]; data?: GeoJSON.FeatureCollection }>): void {
    for (const [sourceId, { tiles, data }] of Object.entries(state)) {
      const source = this.map.getSource(sourceId);
      if (!source) continue;
      if (tiles && source.type === 'vector') {
        const vector = source as VectorTileSource;
        if (JSON.stringify(vector.tiles) !== JSON.stringify(tiles)) vector.setTiles(tiles);
      }
      if (data && source.type === 'geojson') (source as GeoJSONSource).setData(data);
    }
  }

  setDeckLayers(layers: Layer[]): void {
    this.#overlay.setProps({ layers });
  }

  /** Frames `bbox` in the view without animation. */
  fitBbox(bbox: Bbox, padding = 24): void {
    this.map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding, animate: false });
  }

  viewBbox(): Bbox {
    const b = this.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  }

  /** Resolves after the next frame in which every source has loaded and nothing moves. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.map.once('idle', () => resolve());
      this.map.triggerRepaint();
    });
  }

  /** Translates MapLibre's own control tooltips (zoom buttons). */
  setUiText(t: Messages): void {
    const container = this.map.getContainer();
    const set = (selector: string, text: string) => {
      const el = container.querySelector<HTMLElement>(selector);
      if (el) {
        el.title = text;
        el.setAttribute('aria-label', text);
      }
    };
    set('.maplibregl-ctrl-zoom-in', t.zoomIn);
    set('.maplibregl-ctrl-zoom-out', t.zoomOut);
  }

  destroy(): void {
    this.map.remove();
  }
}
