/**
 * The contract between a catalogue layer id and how the client draws it. Each layer has one file
 * in this folder exporting one `MapLayerRenderer`; the map view knows nothing layer-specific.
 */
import type { Layer } from '@deck.gl/core';
import type { FilterSpecification, LayerSpecification, SourceSpecification } from 'maplibre-gl';
import type { LayerId } from '$geo/layers';
import type { LayerFeatureCollection } from '../api/types';
import type { Lang, Messages } from '../i18n.svelte';

export interface RenderContext {
  lang: Lang;
  t: Messages;
  /** Map zoom when the layers were (re)built; they are rebuilt whenever a `zoomBreaks` value is crossed. */
  zoom: number;
  /** The user's checkbox for this layer. */
  visible: boolean;
}

export interface DeckLayerSet {
  /** Drawn above the MapLibre fills and lines, in catalogue draw order. */
  body: Layer[];
  /** Drawn above every body layer, so names stay readable. */
  labels: Layer[];
}

export interface StyleLayerSet {
  /** Fills and their outlines, drawn first (every layer's `base` before any layer's `overlay`). */
  base: LayerSpecification[];
  /** Lines that must stay above all fills (boundaries, tracks). */
  overlay: LayerSpecification[];
}

/** Client state applied to one MapLibre layer: visibility, paint values, a filter. */
export interface StyleLayerState {
  visible?: boolean;
  paint?: Record<string, unknown>;
  filter?: FilterSpecification;
}

export interface MapLayerRenderer<Id extends LayerId = LayerId> {
  readonly id: Id;
  /**
   * MapLibre style layers drawing the GeoJSON source `sourceId` (which holds this layer's features);
   * empty when the layer is drawn by deck.gl only. Their ids must start with `${id}:`.
   */
  styleLayers(sourceId: string): StyleLayerSet;
  /**
   * deck.gl layers for the loaded features, or empty sets when there are none. Layer ids must start
   * with `${id}:` so tooltips find their renderer. Keep `data` references stable between calls
   * (memoise derived arrays on the collection) so deck.gl does not rebuild its buffers.
   */
  deckLayers(data: LayerFeatureCollection<Id> | null, ctx: RenderContext): DeckLayerSet;
  /**
   * Sources of its own beyond the layer's GeoJSON source (vector tiles, aggregates), added to the
   * style once. Their ids must start with `${id}:`.
   */
  sources?(): Record<string, SourceSpecification>;
  /**
   * What its own sources should hold now (tile URLs carrying the filters, aggregate GeoJSON), read
   * in a reactive effect: the map applies a change when the returned values change.
   */
  sourceState?(): Record<string, { tiles?: string[]; data?: GeoJSON.FeatureCollection }>;
  /**
   * Per MapLibre layer: whether it shows and paint values that depend on client state (a colour
   * scheme, a display mode), applied after the checkbox. Absent layers follow the checkbox alone.
   */
  styleState?(ctx: RenderContext): Record<string, StyleLayerState>;
  /** Zoom levels at which `deckLayers` changes what it shows. */
  readonly zoomBreaks: readonly number[];
  /** Tooltip text for a picked deck.gl object of this layer (`locale` is a BCP 47 tag), or null for none. */
  describe?(object: unknown, t: Messages, locale: string): string | null;
}

/** For renderers drawn by deck.gl only. */
export function noStyleLayers(): StyleLayerSet {
  return { base: [], overlay: [] };
}

export function noDeckLayers(): DeckLayerSet {
  return { body: [], labels: [] };
}

/**
 * A renderer that draws one deck.gl layer and no MapLibre layers, the same at every zoom
 * (incidents, address points, key places).
 */
export function deckOnlyRenderer<Id extends LayerId>(
  id: Id,
  body: (data: LayerFeatureCollection<Id>, ctx: RenderContext) => Layer,
  describe?: MapLayerRenderer<Id>['describe'],
): MapLayerRenderer<Id> {
  return {
    id,
    zoomBreaks: [],
    styleLayers: noStyleLayers,
    deckLayers: (data, ctx) => (data ? { body: [body(data, ctx)], labels: [] } : noDeckLayers()),
    ...(describe ? { describe } : {}),
  };
}
