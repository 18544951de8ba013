/**
 * `regions`: administrative boundaries as MapLibre lines (county thick, township medium, village
 * thin, natural village dotted at close range), a pale fill under the county so the area outside it
 * reads as "elsewhere", and township / village names as deck.gl text.
 *
 * Labels are deck.gl `TextLayer`s rather than MapLibre symbols: MapLibre needs a glyph server for
 * symbols, while deck.gl rasterises the browser's own fonts, so Chinese names render fully offline.
 */
import { TextLayer } from '@deck.gl/layers';
import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import type { RegionLevel } from '$geo/layers';
import type { LayerFeatureCollection, RegionProperties } from '../api/types';
import { labelPoint } from '$geo/label-point';
import { COUNTY_FILL, REGION_LINE_STYLE } from '../map/palette';
import {
  LABEL_FONT_FAMILY, LABEL_FONT_SETTINGS, LABEL_OUTLINE_COLOUR, LABEL_OUTLINE_WIDTH, memoOn,
} from './shared';
import { noDeckLayers, type MapLayerRenderer } from './types';

/** Township names from this zoom on; village names from `VILLAGE_LABEL_MIN_ZOOM`. */
const TOWNSHIP_LABEL_MIN_ZOOM = 8;
const VILLAGE_LABEL_MIN_ZOOM = 12;
/** Natural-village boundaries are clutter below this zoom. */
const NATURAL_VILLAGE_MIN_ZOOM = 13;

interface RegionLabel {
  position: [number, number];
  name: string;
  level: RegionLevel;
}

const labelsOf = memoOn((fc: LayerFeatureCollection<'regions'>) => {
  const townships: RegionLabel[] = [];
  const villages: RegionLabel[] = [];
  for (const f of fc.features) {
    const { level, name } = f.properties;
    if (level !== 'township' && level !== 'village') continue;
    const position = labelPoint(f.geometry);
    if (!position || !name) continue;
    (level === 'township' ? townships : villages).push({ position, name, level });
  }
  return { townships, villages };
});

function levelIs(level: RegionLevel): ExpressionSpecification {
  return ['==', ['get', 'level'], level];
}

function boundaryLine(sourceId: string, level: RegionLevel, minzoom = 0): LayerSpecification {
  const style = REGION_LINE_STYLE[level];
  return {
    id: `regions:line-${level}`,
    type: 'line',
    source: sourceId,
    minzoom,
    filter: levelIs(level),
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: {
      'line-color': style.colour,
      'line-width': style.width,
      ...(style.dash ? { 'line-dasharray': [...style.dash] } : {}),
    },
  };
}

function textLayer(id: string, data: RegionLabel[], visible: boolean, size: number, weight: number, colour: [number, number, number]) {
  return new TextLayer<RegionLabel>({
    id,
    data,
    visible,
    getPosition: (d) => d.position,
    getText: (d) => d.name,
    getSize: size,
    getColor: colour,
    fontFamily: LABEL_FONT_FAMILY,
    fontWeight: weight,
    characterSet: 'auto',
    fontSettings: LABEL_FONT_SETTINGS,
    outlineWidth: LABEL_OUTLINE_WIDTH,
    outlineColor: LABEL_OUTLINE_COLOUR,
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    billboard: true,
    parameters: { depthWriteEnabled: false },
  });
}

export const regionsRenderer: MapLayerRenderer<'regions'> = {
  id: 'regions',
  zoomBreaks: [TOWNSHIP_LABEL_MIN_ZOOM, VILLAGE_LABEL_MIN_ZOOM],

  styleLayers(sourceId) {
    return {
      base: [
        {
          id: 'regions:county-fill',
          type: 'fill',
          source: sourceId,
          filter: levelIs('county'),
          paint: { 'fill-color': COUNTY_FILL, 'fill-opacity': 1 },
        },
        {
          // Invisible, but it makes a village clickable anywhere inside it (for the inspector).
          id: 'regions:village-hit',
          type: 'fill',
          source: sourceId,
          filter: levelIs('village'),
          paint: { 'fill-color': COUNTY_FILL, 'fill-opacity': 0 },
        },
      ],
      overlay: [
        boundaryLine(sourceId, 'natural_village', NATURAL_VILLAGE_MIN_ZOOM),
        boundaryLine(sourceId, 'village', 9),
        boundaryLine(sourceId, 'township'),
        boundaryLine(sourceId, 'county'),
      ],
    };
  },

  deckLayers(data, ctx) {
    if (!data) return noDeckLayers();
    const { townships, villages } = labelsOf(data);
    return {
      body: [],
      labels: [
        textLayer('regions:village-labels', villages, ctx.visible && ctx.zoom >= VILLAGE_LABEL_MIN_ZOOM, 13, 500, [71, 85, 99]),
        textLayer('regions:township-labels', townships, ctx.visible && ctx.zoom >= TOWNSHIP_LABEL_MIN_ZOOM, 15, 700, [31, 45, 61]),
      ],
    };
  },
};
