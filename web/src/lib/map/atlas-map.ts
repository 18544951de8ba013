/**
 * The MapLibre map with deck.gl interleaved into it. Knows how to place data, visibility and deck
 * layers on the map, nothing about what they mean: layer-specific drawing lives in `map-layers/`.
 */
import type { Layer, PickingInfo } from '@deck.gl/core';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import {
  Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl, type GeoJSONSource,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { LayerId } from '$geo/layers';
import type { Bbox, FeatureCollection } from '../api/types';
import type { Messages } from '../i18n.svelte';
import { buildBaseStyle, sourceIdOf, styleLayerIdsOf } from './base-style';

// MapLibre 6 cannot find its worker inside a Vite bundle on its own; point it at the emitted file.
setWorkerUrl(workerUrl);

/** Opening view before the region tree arrives: the demo county's neighbourhood. */
const INITIAL_CENTRE: [number, number] = [120.3, 29.7];
const INITIAL_ZOOM = 9;

export interface AtlasMapOptions {
  container: HTMLElement;
  /** Text for a hovered deck.gl object, or null for no tooltip. */
  tooltip?: (info: PickingInfo) => string | null;
}

export class AtlasMap {
  readonly map: MapLibreMap;
  readonly #overlay: MapLibreOverlay;
  readonly #loaded: Promise<void>;

  constructor({ container, tooltip }: AtlasMapOptions) {
    this.map = new MapLibreMap({
      container,
      style: buildBaseStyle(),
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
