/**
 * `patrol_tracks`: grid workers' GPS tracks as MapLibre lines (off by default, shown from zoom 11);
 * during playback (patrol-playback) the ground walked so far and a dot per worker on patrol.
 */
import { LAYERS } from '$geo/layers';
import { PATROL_TRACK_COLOUR } from '../map/palette';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { LayerFeatureCollection } from '../api/types';
import { patrolPlayback, pointAlong, tracksOfDay, type PlaybackTrack } from '../patrol-playback.svelte';
import { noDeckLayers, type MapLayerRenderer } from './types';

/** The day's tracks of a loaded collection, computed once per collection and day. */
const dayCache = new WeakMap<object, Map<string, PlaybackTrack[]>>();
function tracksOf(data: LayerFeatureCollection<'patrol_tracks'>, day: string): PlaybackTrack[] {
  let byDay = dayCache.get(data);
  if (!byDay) dayCache.set(data, (byDay = new Map()));
  let tracks = byDay.get(day);
  if (!tracks) byDay.set(day, (tracks = tracksOfDay(data, day)));
  return tracks;
}

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

  styleState() {
    // During a replay only the replayed day's tracks are drawn under it. The API writes times in
    // UTC with a +00:00 offset, so ISO strings compare in time order.
    if (patrolPlayback.clockMs === null) return { 'patrol_tracks:line': { filter: ['all'] } };
    const start = new Date(patrolPlayback.dayStartMs()).toISOString().replace('.000Z', '+00:00');
    const end = new Date(patrolPlayback.dayStartMs() + 86_400_000).toISOString().replace('.000Z', '+00:00');
    return {
      'patrol_tracks:line': { filter: ['all', ['>=', ['get', 'ended_at'], start], ['<', ['get', 'started_at'], end]] },
    };
  },

  deckLayers(data, ctx) {
    const clock = patrolPlayback.clockMs;
    if (!data || clock === null || !ctx.visible) return noDeckLayers();
    const moments = tracksOf(data, patrolPlayback.replayedDay)
      .filter((t) => t.startMs <= clock)
      .map((t) => ({ track: t, active: clock < t.endMs, ...pointAlong(t, (clock - t.startMs) / Math.max(1, t.endMs - t.startMs)) }));
    return {
      body: [
        new PathLayer<(typeof moments)[number]>({
          id: 'patrol_tracks:walked',
          data: moments,
          getPath: (d) => d.walked,
          getColor: (d) => (d.active ? [230, 73, 128, 230] : [11, 114, 133, 200]),
          getWidth: 3.5,
          widthUnits: 'pixels',
          capRounded: true,
          jointRounded: true,
          parameters: { depthWriteEnabled: false },
        }),
        new ScatterplotLayer<(typeof moments)[number]>({
          id: 'patrol_tracks:workers',
          data: moments.filter((m) => m.active),
          getPosition: (d) => d.position,
          getFillColor: [230, 73, 128, 255],
          getLineColor: [255, 255, 255, 255],
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 2,
          radiusUnits: 'pixels',
          getRadius: 7,
          parameters: { depthWriteEnabled: false },
        }),
      ],
      labels: [],
    };
  },
};
