/**
 * `window.__atlas`: what browser tests read to know the first screen is drawn.
 * - `map`: the MapLibre map (null until created)
 * - `ready`: true after the map went idle with every default layer loaded and drawn
 * - `layerCounts`: features drawn per catalogue layer (0 when not loaded)
 * - `failed`: default layers that failed to load (then `ready` stays false)
 * - `error`: why the first screen could not load (no WebGL, region tree failed), or null
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { LAYER_IDS, type LayerId } from '$geo/layers';

export interface AtlasTestHook {
  map: MapLibreMap | null;
  ready: boolean;
  layerCounts: Record<LayerId, number>;
  failed: LayerId[];
  error: string | null;
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
    };
  }
  return window.__atlas;
}
