/**
 * Shareable views (issue 6 §7): the layers, filters, drill-down, incident display and viewport live
 * in the URL's query, so a copied link (or a reload) restores what the sender saw. Written with
 * `history.replaceState` as the view changes (no history entry per pan); read once after sign-in.
 *
 * Parameters (all optional; a missing one means the default):
 *   map=lon,lat,zoom   layers=id,id (visible catalogue layers)   op=id:0.5,…   r=region   g=grid
 *   from, to (local dates)   hours=18-24   category, level, status, source (comma lists)
 *   inc=clusters|heat|points   colour=category|level|warning   a=… (analytic layers' own state)
 *   sel=layer:id (the inspected feature)
 * `lang` is kept as it is (the language switch owns it).
 */
import { isLayerId, type LayerId } from '$geo/layers';
import { FILTER_CHOICES, filtersManager, type FilterValues } from './filters.svelte';
import { focusManager } from './focus.svelte';
import {
  INCIDENT_COLOUR_BY, INCIDENT_DISPLAYS, incidentsManager, type IncidentColourBy, type IncidentDisplay,
} from './incidents-manager.svelte';
import { layersManager } from './layers-manager.svelte';

export interface ViewState {
  map: { lon: number; lat: number; zoom: number } | null;
  layers: LayerId[] | null;
  opacity: Partial<Record<LayerId, number>>;
  region: string | null;
  grid: string | null;
  filters: Partial<FilterValues>;
  incidentDisplay: IncidentDisplay | null;
  colourBy: IncidentColourBy | null;
  analytics: string | null;
  selection: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function list<T extends string>(raw: string | null, allowed: readonly T[]): T[] | undefined {
  if (raw === null) return undefined;
  return raw.split(',').filter((v): v is T => (allowed as readonly string[]).includes(v));
}

/** Reads a view from a query string; values that do not parse are ignored (the default stays). */
export function parseViewState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const [lon, lat, zoom] = (q.get('map') ?? '').split(',').map(Number);
  const map = Number.isFinite(lon) && Number.isFinite(lat) && Number.isFinite(zoom)
    && Math.abs(lon!) <= 180 && Math.abs(lat!) <= 85 && zoom! >= 0 && zoom! <= 22
    ? { lon: lon!, lat: lat!, zoom: zoom! } : null;
  const opacity: Partial<Record<LayerId, number>> = {};
  for (const part of (q.get('op') ?? '').split(',')) {
    const [id, value] = part.split(':');
    const n = Number(value);
    if (id && isLayerId(id) && Number.isFinite(n) && n >= 0 && n <= 1) opacity[id] = n;
  }
  const filters: Partial<FilterValues> = {};
  const from = q.get('from');
  const to = q.get('to');
  if (from && DATE.test(from)) filters.from = from;
  if (to && DATE.test(to)) filters.to = to;
  const hours = /^(\d{1,2})-(\d{1,2})$/.exec(q.get('hours') ?? '');
  if (hours && Number(hours[1]) <= 23 && Number(hours[2]) <= 24 && hours[1] !== hours[2]) filters.hours = [Number(hours[1]), Number(hours[2])];
  const categories = list(q.get('category'), FILTER_CHOICES.categories);
  const levels = list(q.get('level'), FILTER_CHOICES.levels);
  const statuses = list(q.get('status'), FILTER_CHOICES.statuses);
  const sources = list(q.get('source'), FILTER_CHOICES.sources);
  if (categories) filters.categories = categories;
  if (levels) filters.levels = levels;
  if (statuses) filters.statuses = statuses;
  if (sources) filters.sources = sources;
  const layers = q.has('layers') ? (q.get('layers') ?? '').split(',').filter(isLayerId) : null;
  const region = q.get('r');
  const grid = q.get('g');
  return {
    map, layers, opacity,
    region: region && /^\d{6,15}$/.test(region) ? region : null,
    grid: grid && /^\d{12,20}$/.test(grid) ? grid : null,
    filters,
    incidentDisplay: list(q.get('inc'), INCIDENT_DISPLAYS)?.[0] ?? null,
    colourBy: list(q.get('colour'), INCIDENT_COLOUR_BY)?.[0] ?? null,
    analytics: q.get('a'),
    selection: q.get('sel'),
  };
}

/** The current view as a query string (keeps `lang` when the page has it). */
export function currentQuery(extra: { map: { lon: number; lat: number; zoom: number } | null; analytics: string; selection: string | null }): string {
  const q = new URLSearchParams();
  const lang = new URLSearchParams(window.location.search).get('lang');
  if (lang) q.set('lang', lang);
  if (extra.map) q.set('map', `${extra.map.lon.toFixed(5)},${extra.map.lat.toFixed(5)},${extra.map.zoom.toFixed(2)}`);
  if (layersManager.layers.length) {
    q.set('layers', layersManager.layers.filter((l) => l.visible).map((l) => l.id).join(','));
    const op = layersManager.layers.filter((l) => l.opacity < 1).map((l) => `${l.id}:${l.opacity.toFixed(2)}`);
    if (op.length) q.set('op', op.join(','));
  }
  if (focusManager.code) q.set('r', focusManager.code);
  if (focusManager.grid) q.set('g', focusManager.grid.code);
  for (const [name, value] of filtersManager.analyticsParams()) q.set(name, value);
  if (incidentsManager.display !== 'clusters') q.set('inc', incidentsManager.display);
  if (incidentsManager.colourBy !== 'category') q.set('colour', incidentsManager.colourBy);
  if (extra.analytics) q.set('a', extra.analytics);
  if (extra.selection) q.set('sel', extra.selection);
  return q.toString().replaceAll('%2C', ',').replaceAll('%3A', ':');
}

/** Applies the parts of a parsed view that need no map (filters, layers, incident display). */
export function applyViewState(view: ViewState): void {
  filtersManager.set(view.filters);
  if (view.layers) {
    const on = new Set(view.layers);
    for (const layer of layersManager.layers) layer.visible = on.has(layer.id);
  }
  for (const [id, value] of Object.entries(view.opacity) as [LayerId, number][]) {
    const layer = layersManager.find(id);
    if (layer) layer.opacity = value;
  }
  if (view.incidentDisplay) incidentsManager.display = view.incidentDisplay;
  if (view.colourBy) incidentsManager.colourBy = view.colourBy;
  if (view.region) focusManager.focusRegion(view.region);
}
