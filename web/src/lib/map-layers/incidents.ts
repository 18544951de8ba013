/**
 * `incidents`: a city's million incidents stay interactive because the client never holds them
 * all (see incidents-manager). Below POINTS_MIN_ZOOM: count bubbles (deck.gl) or a heat map
 * (MapLibre heatmap over fine aggregate bins); from it: single points from vector tiles (MapLibre
 * circles), coloured by category, level or three-colour warning.
 */
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { ExpressionSpecification } from 'maplibre-gl';
import { INCIDENT_CATEGORIES, INCIDENT_LEVELS, WARNING_COLOURS } from '$geo/layers';
import {
  incidentsManager, POINTS_MIN_ZOOM, type IncidentCluster, type IncidentClusters, type IncidentColourBy,
} from '../incidents-manager.svelte';
import {
  hex, INCIDENT_CATEGORY_COLOURS, INCIDENT_LEVEL_COLOURS, rgba, WARNING_COLOUR_COLOURS, type Rgb,
} from '../map/palette';
import { LABEL_FONT_FAMILY, LABEL_FONT_SETTINGS, memoOn } from './shared';
import { noDeckLayers, type MapLayerRenderer } from './types';

export const INCIDENT_TILE_SOURCE = 'incidents:tiles';
export const INCIDENT_HEAT_SOURCE = 'incidents:heat';

/** The colour of each value of the property `colourBy` reads, for the legend and the map alike. */
export function incidentColourScheme(colourBy: IncidentColourBy): { property: string; colours: [string, Rgb][]; fallback: Rgb } {
  if (colourBy === 'level') return { property: 'level', colours: INCIDENT_LEVELS.map((l) => [l, INCIDENT_LEVEL_COLOURS[l]]), fallback: [120, 120, 120] };
  if (colourBy === 'warning') {
    return { property: 'warning_colour', colours: WARNING_COLOURS.map((c) => [c, WARNING_COLOUR_COLOURS[c]]), fallback: WARNING_COLOUR_COLOURS.none };
  }
  return { property: 'category', colours: INCIDENT_CATEGORIES.map((c) => [c, INCIDENT_CATEGORY_COLOURS[c]]), fallback: [120, 120, 120] };
}

function colourExpression(colourBy: IncidentColourBy): ExpressionSpecification {
  const scheme = incidentColourScheme(colourBy);
  return ['match', ['coalesce', ['get', scheme.property], ''], ...scheme.colours.flatMap(([v, c]) => [v, hex(c)]), hex(scheme.fallback)] as unknown as ExpressionSpecification;
}

/** Bubble colour: the cluster's worst warning when colouring by warning, else its commonest category. */
function clusterColour(c: IncidentCluster, colourBy: IncidentColourBy): Rgb {
  if (colourBy === 'warning') {
    return c.red ? WARNING_COLOUR_COLOURS.red : c.orange ? WARNING_COLOUR_COLOURS.orange : c.yellow ? WARNING_COLOUR_COLOURS.yellow : WARNING_COLOUR_COLOURS.none;
  }
  if (colourBy === 'level') return INCIDENT_LEVEL_COLOURS.general;
  return INCIDENT_CATEGORY_COLOURS[c.topCategory as keyof typeof INCIDENT_CATEGORY_COLOURS] ?? [120, 120, 120];
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Heat bins as GeoJSON for the MapLibre heatmap source. */
export const heatGeojson = memoOn((data: IncidentClusters): GeoJSON.FeatureCollection => ({
  type: 'FeatureCollection',
  features: data.clusters.map((c) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [c.lon, c.lat] }, properties: { count: c.count } })),
}));

/** Bubble radius in pixels: area grows with the count, from 9 px for one to ~30 px for thousands. */
export function bubbleRadius(count: number): number {
  return Math.min(30, 9 + Math.sqrt(count) * 0.9);
}

export const incidentsRenderer: MapLayerRenderer<'incidents'> = {
  id: 'incidents',
  zoomBreaks: [POINTS_MIN_ZOOM],

  sources() {
    return {
      [INCIDENT_TILE_SOURCE]: { type: 'vector', tiles: [incidentsManager.tileUrl()], minzoom: POINTS_MIN_ZOOM, maxzoom: 16 },
      [INCIDENT_HEAT_SOURCE]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    };
  },

  styleLayers() {
    return {
      base: [],
      overlay: [
        {
          id: 'incidents:heat',
          type: 'heatmap',
          source: INCIDENT_HEAT_SOURCE,
          maxzoom: POINTS_MIN_ZOOM + 1,
          paint: {
            // Bins carry counts: weight grows with the log of the count so one busy town does not
            // wash out the rest of the county.
            'heatmap-weight': ['min', 1, ['/', ['ln', ['+', 1, ['get', 'count']]], 5]],
            'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 8, 0.6, 13, 1.4],
            'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 8, 10, 13, 24],
            'heatmap-opacity': ['interpolate', ['linear'], ['zoom'], POINTS_MIN_ZOOM - 1, 0.85, POINTS_MIN_ZOOM + 1, 0],
            'heatmap-color': [
              'interpolate', ['linear'], ['heatmap-density'],
              0, 'rgba(255,255,178,0)', 0.15, 'rgba(254,217,118,0.7)', 0.35, 'rgb(254,178,76)',
              0.55, 'rgb(253,141,60)', 0.75, 'rgb(240,59,32)', 1, 'rgb(189,0,38)',
            ],
          },
        },
        {
          id: 'incidents:points',
          type: 'circle',
          source: INCIDENT_TILE_SOURCE,
          'source-layer': 'incidents',
          minzoom: POINTS_MIN_ZOOM,
          paint: {
            'circle-color': colourExpression('category'),
            'circle-radius': ['interpolate', ['linear'], ['zoom'], POINTS_MIN_ZOOM, 3.5, 17, 7],
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 0.8,
            'circle-opacity': 0.9,
          },
        },
      ],
    };
  },

  sourceState() {
    const heat = incidentsManager.display === 'heat' ? incidentsManager.data : null;
    return {
      [INCIDENT_TILE_SOURCE]: { tiles: [incidentsManager.tileUrl()] },
      [INCIDENT_HEAT_SOURCE]: { data: heat ? heatGeojson(heat) : EMPTY },
    };
  },

  styleState(ctx) {
    return {
      'incidents:heat': { visible: ctx.visible && incidentsManager.display === 'heat' },
      'incidents:points': { visible: ctx.visible, paint: { 'circle-color': colourExpression(incidentsManager.colourBy) } },
    };
  },

  deckLayers(_data, ctx) {
    const data = incidentsManager.data;
    if (!data || incidentsManager.display !== 'clusters' || ctx.zoom >= POINTS_MIN_ZOOM) return noDeckLayers();
    const colourBy = incidentsManager.colourBy;
    return {
      body: [
        new ScatterplotLayer<IncidentCluster>({
          id: 'incidents:clusters',
          data: data.clusters,
          visible: ctx.visible,
          pickable: true,
          getPosition: (d) => [d.lon, d.lat],
          getRadius: (d) => bubbleRadius(d.count),
          radiusUnits: 'pixels',
          getFillColor: (d) => rgba(clusterColour(d, colourBy), 200),
          stroked: true,
          getLineColor: [255, 255, 255, 230],
          lineWidthUnits: 'pixels',
          getLineWidth: 1.5,
          updateTriggers: { getFillColor: colourBy },
          parameters: { depthWriteEnabled: false },
        }),
      ],
      labels: [
        new TextLayer<IncidentCluster>({
          id: 'incidents:cluster-counts',
          data: data.clusters,
          visible: ctx.visible,
          getPosition: (d) => [d.lon, d.lat],
          getText: (d) => (d.count >= 10000 ? `${Math.round(d.count / 1000)}k` : String(d.count)),
          getSize: 11,
          getColor: [255, 255, 255, 255],
          fontFamily: LABEL_FONT_FAMILY,
          fontWeight: 700,
          characterSet: '0123456789k',
          fontSettings: LABEL_FONT_SETTINGS,
          outlineWidth: 0.4,
          outlineColor: [0, 0, 0, 140],
          parameters: { depthWriteEnabled: false },
        }),
      ],
    };
  },

  describe(object, t) {
    const c = object as Partial<IncidentCluster>;
    if (typeof c.count !== 'number') return null;
    return [
      t.clusterTooltip(c.count, c.open ?? 0),
      c.red ? t.clusterRed(c.red) : '',
    ].filter(Boolean).join('\n');
  },
};
