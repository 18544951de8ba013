/**
 * Every catalogue layer id mapped to its renderer, plus the draw order. The `satisfies` clause makes
 * TypeScript refuse a catalogue layer without a renderer.
 */
import type { LayerId } from '$geo/layers';
import { addressPointsRenderer } from './address-points';
import { camerasRenderer } from './cameras';
import { gridsRenderer } from './grids';
import { incidentsRenderer } from './incidents';
import { keyPlacesRenderer } from './key-places';
import { patrolTracksRenderer } from './patrol-tracks';
import { regionsRenderer } from './regions';
import type { MapLayerRenderer } from './types';

export const RENDERERS = {
  regions: regionsRenderer,
  grids: gridsRenderer,
  address_points: addressPointsRenderer,
  cameras: camerasRenderer,
  key_places: keyPlacesRenderer,
  incidents: incidentsRenderer,
  patrol_tracks: patrolTracksRenderer,
} as const satisfies { [K in LayerId]: MapLayerRenderer<K> };

/**
 * Bottom to top. Areas first, then lines, then points, with the many small incident points below
 * the fewer, larger cameras so each camera stays visible over dense incident clusters.
 */
export const DRAW_ORDER: readonly LayerId[] = [
  'regions',
  'grids',
  'key_places',
  'patrol_tracks',
  'address_points',
  'incidents',
  'cameras',
];

export function rendererFor(id: LayerId): MapLayerRenderer {
  return RENDERERS[id] as unknown as MapLayerRenderer;
}

/** The renderer that owns a deck.gl or MapLibre layer id (`<layer id>:<part>`), or null. */
export function rendererOfLayerId(layerId: string): MapLayerRenderer | null {
  const id = layerId.split(':', 1)[0] as LayerId;
  return id in RENDERERS ? rendererFor(id) : null;
}
