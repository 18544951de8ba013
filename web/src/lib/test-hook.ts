/**
 * `window.__atlas`: what browser tests read to know the first screen is drawn.
 * - `map`: the MapLibre map (null until created)
 * - `ready`: true after the map went idle with every default layer loaded and drawn
 * - `layerCounts`: features drawn per catalogue layer (0 when not loaded)
 * - `failed`: default layers that failed to load (then `ready` stays false)
 * - `error`: why the first screen could not load (no WebGL, region tree failed), or null
 * - `user`: the signed-in user, or null on the sign-in screen
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { LAYER_IDS, type LayerId } from '$geo/layers';
import type { SessionUser } from './api/types';

export interface AtlasTestHook {
  map: MapLibreMap | null;
  ready: boolean;
  layerCounts: Record<LayerId, number>;
  failed: LayerId[];
  error: string | null;
  user: SessionUser | null;
}

declare global {
  interface Window {
    __atlas?: AtlasTestHook;
  }
}

export function atlasTestHook(): AtlasTestHook {
  if (!window.__atlas) {
    window.__atlas = {
      map: null,
      ready: false,
      layerCounts: Object.fromEntries(LAYER_IDS.map((id) => [id, 0])) as Record<LayerId, number>,
      failed: [],
      error: null,
      user: null,
    };
  }
  return window.__atlas;
}
