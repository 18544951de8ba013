/** `patrol_tracks`: grid workers' GPS tracks as MapLibre lines (off by default, shown from zoom 11). */
import { LAYERS } from '$geo/layers';
import { PATROL_TRACK_COLOUR } from '../map/palette';
import { noDeckLayers, type MapLayerRenderer } from './types';

export const patrolTracksRenderer: MapLayerRenderer<'patrol_tracks'> = {
  id: 'patrol_tracks',
  zoomBreaks: [],

  styleLayers(sourceId) {
    return {
      base: [],
      overlay: [
        {
          id: 'patrol_tracks:line',
          type: 'line',
          source: sourceId,
          minzoom: LAYERS.patrol_tracks.minZoom,
          layout: { 'line-join': 'round', 'line-cap': 'round' },
          paint: { 'line-color': PATROL_TRACK_COLOUR, 'line-width': 2, 'line-opacity': 0.75 },
        },
      ],
    };
  },

  deckLayers: () => noDeckLayers(),
};
