/**
 * The offline base map (docs/basemap.md): what the map draws under the data layers, in one of three
 * modes the server chooses (`GET /api/basemap/style.json`):
 * - `builtin`: the county's roads and rivers from `/api/basemap/features` as MapLibre lines, their
 *   Chinese names as deck.gl text (no glyph server, like every other label of the map);
 * - `pmtiles`: a vector archive the API serves by byte ranges, read through the `pmtiles://`
 *   protocol, drawn with generic layers for common layer names (best-effort: archives name their
 *   layers differently; unknown names simply draw nothing);
 * - `style`: an internal MapLibre style is the map's base and our own sources and layers go on top.
 * Every request stays on the page's origin unless the configured style itself points elsewhere.
 *
 * Entry point: `prepareBasemap()`, then `composeStyle` / `addOwnStyle` and `labels()`.
 */
import type { Layer } from '@deck.gl/core';
import { TextLayer } from '@deck.gl/layers';
import {
  addProtocol, type AddProtocolAction, type ExpressionSpecification, type LayerSpecification, type Map as MapLibreMap,
  type SourceSpecification, type StyleSpecification,
} from 'maplibre-gl';
import { Protocol } from 'pmtiles';
import {
  fetchBasemapConfig, fetchBasemapFeatures, type BasemapConfig, type BasemapFeatureCollection, type BasemapProperties,
} from '../api/client';
import { LABEL_FONT_FAMILY, LABEL_FONT_SETTINGS, LABEL_OUTLINE_COLOUR, LABEL_OUTLINE_WIDTH, memoOn } from '../map-layers/shared';

export type { BasemapConfig, BasemapFeatureCollection } from '../api/client';

/** Source id of the built-in base map (GeoJSON) and of a PMTiles archive (vector). */
export const BASEMAP_SOURCE_ID = 'basemap';
export const BASEMAP_PMTILES_SOURCE_ID = 'basemap-pmtiles';

/**
 * Layers of our own style that are opaque and would hide a base map underneath: the base-map layers
 * go right above the first of them present, and over an internal style they are left out.
 */
export const OPAQUE_OWN_LAYER_IDS: readonly string[] = ['regions:county-fill'];

/** Village roads appear from this zoom; labels follow later (see LABEL_CLASSES). */
const VILLAGE_ROAD_MIN_ZOOM = 11;

// A muted palette: light water, white roads with grey casings, a pale amber for trunk roads.
const RIVER = '#a9c9e6';
const TRUNK_FILL = '#f3dcaa';
const TRUNK_CASING = '#d2b57c';
const ROAD_FILL = '#ffffff';
const COUNTY_CASING = '#b7c0cb';
const VILLAGE_CASING = '#d3d9e0';

const kindIs = (kind: BasemapProperties['kind']): ExpressionSpecification => ['==', ['get', 'kind'], kind];

/** Line width by zoom: `stops` are [zoom, width of rank 1, width of rank 2] (px). */
function width(stops: readonly (readonly [number, number, number])[]): ExpressionSpecification {
  return [
    'interpolate', ['exponential', 1.5], ['zoom'],
    ...stops.flatMap(([z, major, minor]) => [z, major === minor ? major : ['match', ['get', 'rank'], 2, minor, major]]),
  ] as unknown as ExpressionSpecification;
}

function line(
  id: string, sourceId: string, kind: BasemapProperties['kind'], colour: string, lineWidth: ExpressionSpecification, minzoom?: number,
): LayerSpecification {
  return {
    id, type: 'line', source: sourceId, filter: kindIs(kind), ...(minzoom === undefined ? {} : { minzoom }),
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': colour, 'line-width': lineWidth },
  };
}

/**
 * MapLibre layers for the built-in GeoJSON source `sourceId`, bottom to top: rivers (the main one
 * wider), then roads by class (village < county < trunk), each a casing under a fill. Ids carry no
 * ':' so map clicks never take a road for a data feature.
 */
export function basemapStyleLayers(sourceId: string): LayerSpecification[] {
  return [
    line('basemap-river', sourceId, 'river', RIVER, width([[8, 1.6, 0.9], [11, 3, 1.8], [14, 7, 4], [17, 16, 9]])),
    line('basemap-village-casing', sourceId, 'village_road', VILLAGE_CASING, width([[11, 1.4, 1.4], [14, 3.8, 3.8], [17, 9, 9]]), VILLAGE_ROAD_MIN_ZOOM),
    line('basemap-village', sourceId, 'village_road', ROAD_FILL, width([[11, 0.6, 0.6], [14, 2.4, 2.4], [17, 7, 7]]), VILLAGE_ROAD_MIN_ZOOM),
    line('basemap-county-casing', sourceId, 'county_road', COUNTY_CASING, width([[8, 1.3, 1.3], [11, 3, 3], [14, 6, 6], [17, 13, 13]])),
    line('basemap-county', sourceId, 'county_road', ROAD_FILL, width([[8, 0.5, 0.5], [11, 1.6, 1.6], [14, 4.2, 4.2], [17, 10, 10]])),
    line('basemap-trunk-casing', sourceId, 'expressway', TRUNK_CASING, width([[8, 2, 1.6], [11, 4, 3.2], [14, 8.5, 7], [17, 18, 15]])),
    line('basemap-trunk', sourceId, 'expressway', TRUNK_FILL, width([[8, 1.1, 0.8], [11, 2.6, 2], [14, 6, 5], [17, 14, 11]])),
  ];
}

/**
 * Best-effort layers for a PMTiles vector archive: water areas and waterways, roads, boundaries
 * under the layer names of the common schemas (Protomaps: `water`, `roads`, `boundaries`;
 * OpenMapTiles: `water`, `waterway`, `transportation`, `boundary`).
 */
export function pmtilesStyleLayers(sourceId: string): LayerSpecification[] {
  const lines: ExpressionSpecification = ['==', ['geometry-type'], 'LineString'];
  const roadWidth = width([[8, 0.6, 0.6], [12, 1.6, 1.6], [15, 5, 5], [18, 14, 14]]);
  const layers: LayerSpecification[] = [{
    id: 'basemap-pm-water', type: 'fill', source: sourceId, 'source-layer': 'water',
    filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#d5e5f2' },
  }];
  for (const name of ['waterway', 'water']) {
    layers.push({
      id: `basemap-pm-${name}-line`, type: 'line', source: sourceId, 'source-layer': name, filter: lines,
      paint: { 'line-color': RIVER, 'line-width': width([[8, 0.8, 0.8], [12, 1.8, 1.8], [16, 5, 5]]) },
    });
  }
  for (const name of ['transportation', 'roads']) {
    layers.push({
      id: `basemap-pm-${name}-casing`, type: 'line', source: sourceId, 'source-layer': name, filter: lines,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': COUNTY_CASING, 'line-width': roadWidth, 'line-gap-width': 0 },
    }, {
      id: `basemap-pm-${name}`, type: 'line', source: sourceId, 'source-layer': name, filter: lines,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': ROAD_FILL, 'line-width': width([[8, 0.3, 0.3], [12, 0.9, 0.9], [15, 3.5, 3.5], [18, 11, 11]]) },
    });
  }
  for (const name of ['boundary', 'boundaries']) {
    layers.push({
      id: `basemap-pm-${name}`, type: 'line', source: sourceId, 'source-layer': name,
      paint: { 'line-color': '#9aa5b1', 'line-width': 1, 'line-dasharray': [3, 2] },
    });
  }
  return layers;
}

// --- Labels ---------------------------------------------------------------------------------------

interface LabelRow {
  position: [number, number];
  /** Screen angle of the line there, degrees counter-clockwise, kept within (-90°, 90°] so text reads upright. */
  angle: number;
  name: string;
}

/** Which names show from which zoom, how large and in what colour. */
const LABEL_CLASSES = [
  { id: 'river', kinds: ['river'], minZoom: 10, size: 13, colour: [59, 110, 165, 255] },
  { id: 'trunk', kinds: ['expressway'], minZoom: 10, size: 12, colour: [138, 98, 32, 255] },
  { id: 'county', kinds: ['county_road'], minZoom: 11, size: 11, colour: [92, 102, 112, 255] },
  { id: 'village', kinds: ['village_road'], minZoom: 13, size: 11, colour: [110, 118, 128, 255] },
] as const satisfies readonly { id: string; kinds: readonly BasemapProperties['kind'][]; minZoom: number; size: number; colour: readonly number[] }[];

/** Zoom levels at which `basemapLabels` changes what it shows. */
export const BASEMAP_ZOOM_BREAKS: readonly number[] = [...new Set(LABEL_CLASSES.map((c) => c.minZoom))];

/** One label per ~20 km of line: a river or a trunk road crossing the county gets two or three. */
const LABEL_SPACING_KM = 20;
const KM_PER_DEG = 111.195;

/** Points at the middle of equal stretches of a line, with the line's direction there. */
export function labelPlaces(coordinates: readonly GeoJSON.Position[]): { position: [number, number]; angle: number }[] {
  if (coordinates.length < 2) return [];
  const lat0 = coordinates[0]![1]!;
  const kx = Math.cos((lat0 * Math.PI) / 180);
  const cumulative = [0];
  for (let i = 1; i < coordinates.length; i++) {
    const [x0, y0] = coordinates[i - 1]!;
    const [x1, y1] = coordinates[i]!;
    cumulative.push(cumulative[i - 1]! + Math.hypot((x1! - x0!) * kx, y1! - y0!));
  }
  const total = cumulative[cumulative.length - 1]!;
  if (!(total > 0)) return [];
  const n = Math.max(1, Math.round((total * KM_PER_DEG) / LABEL_SPACING_KM));
  const places: { position: [number, number]; angle: number }[] = [];
  let seg = 1;
  for (let k = 0; k < n; k++) {
    const at = (total * (k + 0.5)) / n;
    while (seg < coordinates.length - 1 && cumulative[seg]! < at) seg++;
    const [x0, y0] = coordinates[seg - 1]!;
    const [x1, y1] = coordinates[seg]!;
    const span = cumulative[seg]! - cumulative[seg - 1]!;
    const t = span > 0 ? (at - cumulative[seg - 1]!) / span : 0;
    // Web Mercator is conformal: the screen direction is (Δlon, Δlat / cos lat).
    let angle = (Math.atan2((y1! - y0!) / kx, x1! - x0!) * 180) / Math.PI;
    if (angle > 90) angle -= 180;
    if (angle <= -90) angle += 180;
    places.push({ position: [x0! + (x1! - x0!) * t, y0! + (y1! - y0!) * t], angle });
  }
  return places;
}

const labelRowsOf = memoOn((fc: BasemapFeatureCollection) => {
  const rows = new Map<BasemapProperties['kind'], LabelRow[]>();
  for (const f of fc.features) {
    const name = f.properties?.name;
    if (!name || !f.geometry) continue;
    const parts = f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates;
    // A multi-line is labelled on its longest part only.
    const longest = parts.reduce((a, b) => (b.length > a.length ? b : a), parts[0] ?? []);
    const list = rows.get(f.properties.kind) ?? [];
    for (const place of labelPlaces(longest)) list.push({ ...place, name });
    rows.set(f.properties.kind, list);
  }
  return rows;
});

/**
 * deck.gl text layers for the road and river names of the built-in base map: one layer per class,
 * each shown from its zoom (rivers and trunk roads 10, county roads 11, village roads 13), the text
 * turned along the line. Data arrays are memoised on `features`, so calling this on every zoom
 * band change costs nothing.
 */
export function basemapLabels(features: BasemapFeatureCollection | null, zoom: number, visible = true): Layer[] {
  if (!features) return [];
  const rows = labelRowsOf(features);
  return LABEL_CLASSES.map((c) => new TextLayer<LabelRow>({
    id: `basemap-labels-${c.id}`,
    data: c.kinds.flatMap((k) => rows.get(k) ?? []),
    visible: visible && zoom >= c.minZoom,
    getPosition: (d) => d.position,
    getText: (d) => d.name,
    getAngle: (d) => d.angle,
    getSize: c.size,
    getColor: [...c.colour] as [number, number, number, number],
    fontFamily: LABEL_FONT_FAMILY,
    characterSet: 'auto',
    fontSettings: LABEL_FONT_SETTINGS,
    outlineWidth: LABEL_OUTLINE_WIDTH,
    outlineColor: LABEL_OUTLINE_COLOUR,
    parameters: { depthWriteEnabled: false },
  }));
}

// --- Loading --------------------------------------------------------------------------------------

/** The server's base-map mode; `builtin` when it cannot be read (the map must still draw). */
export async function loadBasemapConfig(signal?: AbortSignal): Promise<BasemapConfig> {
  try {
    return await fetchBasemapConfig(signal);
  } catch (error) {
    console.warn('base map: using the built-in one', error);
    return { mode: 'builtin' };
  }
}

let protocolAdded = false;

/** Registers `pmtiles://` with MapLibre once per page. */
export function registerPmtilesProtocol(): void {
  if (protocolAdded) return;
  // pmtiles types its v4 handler's data as unknown; it is the TileJSON or the tile's bytes MapLibre expects.
  addProtocol('pmtiles', new Protocol().tile as unknown as AddProtocolAction);
  protocolAdded = true;
}

/** `pmtiles://` + the archive's absolute same-origin URL. */
function pmtilesSourceUrl(url: string): string {
  return `pmtiles://${new URL(url, window.location.href).href}`;
}

export interface PreparedBasemap {
  mode: BasemapConfig['mode'];
  /** `style` mode: the internal style's absolute URL, to create the map with. Otherwise undefined. */
  style?: string;
  /** Sources the base-map layers read. */
  sources: Record<string, SourceSpecification>;
  /** Base-map layers: right above the county fill (`OPAQUE_OWN_LAYER_IDS`), below every other layer. */
  layers: LayerSpecification[];
  /** deck.gl name labels (built-in mode; empty otherwise); put them before the data layers' labels. */
  labels(zoom: number, visible: boolean): Layer[];
  /** Zooms at which `labels` changes: add them to the map's zoom breaks. */
  zoomBreaks: readonly number[];
}

/**
 * Asks the server which base map to draw and prepares it: fetches the built-in features, or
 * registers the PMTiles protocol. Never rejects: on failure the map gets an empty built-in base map.
 */
export async function prepareBasemap(signal?: AbortSignal): Promise<PreparedBasemap> {
  const config = await loadBasemapConfig(signal);
  const none = () => [];
  if (config.mode === 'style') {
    if (config.pmtilesUrl) registerPmtilesProtocol(); // the internal style may read the served archive
    return {
      mode: 'style', style: new URL(config.styleUrl, window.location.href).href,
      sources: {}, layers: [], labels: none, zoomBreaks: [],
    };
  }
  if (config.mode === 'pmtiles') {
    registerPmtilesProtocol();
    return {
      mode: 'pmtiles',
      sources: { [BASEMAP_PMTILES_SOURCE_ID]: { type: 'vector', url: pmtilesSourceUrl(config.url) } },
      layers: pmtilesStyleLayers(BASEMAP_PMTILES_SOURCE_ID), labels: none, zoomBreaks: [],
    };
  }
  let features: BasemapFeatureCollection = { type: 'FeatureCollection', features: [] };
  try {
    features = await fetchBasemapFeatures(signal);
  } catch (error) {
    console.warn('base map: no roads and rivers', error);
  }
  return {
    mode: 'builtin',
    sources: { [BASEMAP_SOURCE_ID]: { type: 'geojson', data: features as GeoJSON.FeatureCollection, tolerance: 0.4 } },
    layers: basemapStyleLayers(BASEMAP_SOURCE_ID),
    labels: (zoom, visible) => basemapLabels(features, zoom, visible),
    zoomBreaks: BASEMAP_ZOOM_BREAKS,
  };
}

/**
 * What to create the map with: in `style` mode the internal style's URL (then call `addOwnStyle`
 * once it has loaded); otherwise `own` with the base-map sources added and its layers inserted
 * right above the first opaque own layer (the county fill), or above the background.
 */
export function composeStyle(own: StyleSpecification, basemap: PreparedBasemap): StyleSpecification | string {
  if (basemap.style) return basemap.style;
  const layers = own.layers.slice();
  let at = layers.findIndex((l) => OPAQUE_OWN_LAYER_IDS.includes(l.id));
  if (at < 0) at = layers.findIndex((l) => l.type === 'background');
  layers.splice(at + 1, 0, ...basemap.layers);
  return { ...own, sources: { ...basemap.sources, ...own.sources }, layers };
}

/**
 * `style` mode: adds our own sources and layers on top of the loaded internal style, leaving out
 * our background and opaque fills so the internal base map shows through. A no-op in other modes.
 */
export function addOwnStyle(map: MapLibreMap, own: StyleSpecification, basemap: PreparedBasemap): void {
  if (basemap.mode !== 'style') return;
  for (const [id, source] of Object.entries(own.sources)) if (!map.getSource(id)) map.addSource(id, source);
  for (const layer of own.layers) {
    if (layer.type === 'background' || OPAQUE_OWN_LAYER_IDS.includes(layer.id) || map.getLayer(layer.id)) continue;
    map.addLayer(layer);
  }
}
