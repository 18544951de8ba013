/**
 * The map's style, built in code so the map needs nothing but our own API: a plain background and
 * one GeoJSON source per catalogue layer (filled as data arrives). No `glyphs`, `sprite` or tile
 * URLs, so MapLibre never asks another origin for anything; labels are drawn by deck.gl instead.
 */
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { LAYER_IDS, type LayerId } from '$geo/layers';
import { DRAW_ORDER, rendererFor } from '../map-layers';
import { MAP_BACKGROUND } from './palette';

export function sourceIdOf(id: LayerId): string {
  return `src:${id}`;
}


export function buildBaseStyle(): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  for (const id of LAYER_IDS) {
    sources[sourceIdOf(id)] = {
      type: 'geojson',
      data: { type: 'FeatureCollection', features: [] },
      // Polygons of a county are simple; a little extra tolerance keeps tiles light at low zoom.
      tolerance: 0.5,
    };
  }
  for (const id of LAYER_IDS) Object.assign(sources, rendererFor(id).sources?.() ?? {});
  const base: LayerSpecification[] = [];
  const overlay: LayerSpecification[] = [];
  for (const id of DRAW_ORDER) {
    const set = rendererFor(id).styleLayers(sourceIdOf(id));
    base.push(...set.base);
    overlay.push(...set.overlay);
  }
  return {
    version: 8,
    name: 'pingan-atlas-offline',
    sources,
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': MAP_BACKGROUND } },
      ...base,
      ...overlay,
    ],
  };
}

/** The MapLibre layers of catalogue layer `id`, as its renderer declares them. */
export function styleLayerSpecsOf(id: LayerId): LayerSpecification[] {
  const set = rendererFor(id).styleLayers(sourceIdOf(id));
  return [...set.base, ...set.overlay];
}

/** MapLibre layer ids belonging to catalogue layer `id` (for showing and hiding it). */
export function styleLayerIdsOf(id: LayerId): string[] {
  return styleLayerSpecsOf(id).map((l) => l.id);
}
