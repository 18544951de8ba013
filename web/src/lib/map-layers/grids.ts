/**
 * `grids`: MapLibre fill + outline coloured by grid class (A complex, B simple, C dedicated), with
 * grid names as deck.gl text once zoomed in far enough to read them.
 */
import { TextLayer } from '@deck.gl/layers';
import type { ExpressionSpecification } from 'maplibre-gl';
import { GRID_CLASSES } from '$geo/layers';
import type { LayerFeatureCollection } from '../api/types';
import { labelPoint } from '$geo/label-point';
import { GRID_CLASS_COLOURS, hex } from '../map/palette';
import {
  LABEL_FONT_FAMILY, LABEL_FONT_SETTINGS, LABEL_OUTLINE_COLOUR, LABEL_OUTLINE_WIDTH, memoOn,
} from './shared';
import { focusManager } from '../focus.svelte';
import { noDeckLayers, type MapLayerRenderer } from './types';

const GRID_LABEL_MIN_ZOOM = 14;

/** `match` on grid_class → colour, grey for anything unexpected. */
const classColour: ExpressionSpecification = [
  'match',
  ['get', 'grid_class'],
  ...GRID_CLASSES.flatMap((c) => [c, hex(GRID_CLASS_COLOURS[c])]),
  '#adb5bd',
] as unknown as ExpressionSpecification;

interface GridLabel {
  position: [number, number];
  name: string;
}

const labelsOf = memoOn((fc: LayerFeatureCollection<'grids'>) => {
  const labels: GridLabel[] = [];
  for (const f of fc.features) {
    const position = labelPoint(f.geometry);
    const name = f.properties.name || f.properties.code;
    if (position && name) labels.push({ position, name });
  }
  return labels;
});

export const gridsRenderer: MapLayerRenderer<'grids'> = {
  id: 'grids',
  zoomBreaks: [GRID_LABEL_MIN_ZOOM],

  styleLayers(sourceId) {
    return {
      base: [
        {
          id: 'grids:fill',
          type: 'fill',
          source: sourceId,
          paint: {
            'fill-color': classColour,
            'fill-opacity': ['interpolate', ['linear'], ['zoom'], 9, 0.16, 14, 0.26],
          },
        },
        {
          id: 'grids:outline',
          type: 'line',
          source: sourceId,
          layout: { 'line-join': 'round' },
          paint: {
            'line-color': classColour,
            'line-opacity': 0.85,
            'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 14, 1.2],
          },
        },
      ],
      overlay: [
        {
          // The grid the drill-down focuses, outlined above every fill.
          id: 'grids:focus',
          type: 'line',
          source: sourceId,
          filter: ['==', ['get', 'code'], ''],
          layout: { 'line-join': 'round' },
          paint: { 'line-color': '#d9480f', 'line-width': 3.5 },
        },
      ],
    };
  },

  styleState(ctx) {
    const code = focusManager.grid?.code ?? '';
    return { 'grids:focus': { visible: ctx.visible && code !== '', filter: ['==', ['get', 'code'], code] } };
  },

  deckLayers(data, ctx) {
    if (!data) return noDeckLayers();
    return {
      body: [],
      labels: [
        new TextLayer<GridLabel>({
          id: 'grids:labels',
          data: labelsOf(data),
          visible: ctx.visible && ctx.zoom >= GRID_LABEL_MIN_ZOOM,
          getPosition: (d) => d.position,
          getText: (d) => d.name,
          getSize: 12,
          getColor: [52, 58, 64],
          fontFamily: LABEL_FONT_FAMILY,
          characterSet: 'auto',
          fontSettings: LABEL_FONT_SETTINGS,
          outlineWidth: LABEL_OUTLINE_WIDTH,
          outlineColor: LABEL_OUTLINE_COLOUR,
          parameters: { depthWriteEnabled: false },
        }),
      ],
    };
  },
};
