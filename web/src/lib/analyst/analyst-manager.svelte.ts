/**
 * The analyst views (issue 6 §5): patrol gaps and camera gaps as ranked lists linked to the map,
 * the weekly rhythm of incidents, mediation outcomes per township and exports of the current view.
 *
 * Each data tab reads one analytic for the current filters and focused region. Only the visible tab
 * loads: `sync()` (called by the panel whenever the filters, the focus, the tab or the band change)
 * fetches it unless what it shows is already for those parameters, and aborts the others' requests.
 * Clicking a gap frames its H3 cell on the map and highlights it for a while, drawn by the deck.gl
 * layers `deckLayers()` returns (ids `analyst:<part>`), which the map view adds to its own.
 */
import type { Layer } from '@deck.gl/core';
import { PolygonLayer } from '@deck.gl/layers';
import { cellToBoundary } from 'h3-js';
import { roleCan } from '$geo/access';
import { addDays, localDate } from '$geo/local-time';
import { analyticUrl, fetchAnalytic } from '../api/client';
import { filtersManager } from '../filters.svelte';
import { focusManager, scopedParams } from '../focus.svelte';
import { errorMessage, handleError, isAbortError, isUnauthenticated } from '../handle-error';
import { i18n } from '../i18n.svelte';
import { mapManager } from '../map-manager.svelte';
import { sessionManager } from '../session-manager.svelte';
import { downloadFrom, mapPng, saveBlob } from './downloads';
import { MESSAGES } from './messages';
import {
  TAB_ANALYTIC, type AnalystTab, type DataTab, type LoadStatus, type TabResults,
} from './types';

/** The patrol-gap band when the filters set none: the evening, when most incidents go unwatched. */
export const DEFAULT_PATROL_BAND: readonly [number, number] = [18, 24];
/** The patrol-gaps analytic reads at most this many days (api/analytics/patrol-gaps.ts maxDays). */
export const PATROL_GAPS_MAX_DAYS = 93;
/** Rows shown in a gap list. */
export const GAP_LIST_SIZE = 50;
/** How long a framed cell stays highlighted. */
export const HIGHLIGHT_MS = 10_000;
/** Mediation outcomes need townships only: the coarsest hotspot resolution is the cheapest. */
const MEDIATION_HOTSPOT_RES = '6';

export type GapKind = 'patrol' | 'camera';

export interface GapHighlight {
  kind: GapKind;
  cell: string;
  /** Closed ring [lon, lat]. */
  polygon: [number, number][];
}

/** One tab's data: the last answer, the parameters it was for, and the request in flight. */
class TabData<K extends DataTab> {
  data = $state.raw<TabResults[K] | null>(null);
  status = $state<LoadStatus>('idle');
  errorMessage = $state<string | null>(null);
  /** The parameters of `data`, or of the request in flight. */
  #key = '';
  #controller: AbortController | null = null;

  constructor(readonly tab: K) {}

  /** Loads `params` unless they are what is shown or loading (or `force`). */
  async load(params: URLSearchParams, force = false): Promise<void> {
    const key = params.toString();
    if (!force && key === this.#key && (this.status === 'loaded' || this.status === 'loading')) return;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#key = key;
    this.status = 'loading';
    this.errorMessage = null;
    try {
      const answer = await fetchAnalytic<TabResults[K]>(TAB_ANALYTIC[this.tab], params, controller.signal);
      if (controller.signal.aborted) return;
      this.data = answer;
      this.status = 'loaded';
    } catch (error) {
      if (controller.signal.aborted || isAbortError(error)) return;
      // 401: the session ended and the sign-in screen replaces the panel.
      if (isUnauthenticated(error)) return;
      this.status = 'error';
      this.errorMessage = errorMessage(error);
      this.#key = '';
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  /** Cancels a request in flight (the tab was hidden); what was shown before stays. */
  abort(): void {
    if (!this.#controller) return;
    this.#controller.abort();
    this.#controller = null;
    this.#key = '';
    this.status = this.data ? 'loaded' : 'idle';
  }

  reset(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.#key = '';
    this.data = null;
    this.status = 'idle';
    this.errorMessage = null;
  }
}

/** [west, south, east, north] of a ring. */
function ringBbox(ring: readonly [number, number][]): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const [x, y] of ring) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

class AnalystManager {
  tab = $state<AnalystTab>('patrol');
  readonly patrol = new TabData('patrol');
  readonly camera = new TabData('camera');
  readonly rhythm = new TabData('rhythm');
  readonly mediation = new TabData('mediation');
  highlight = $state.raw<GapHighlight | null>(null);

  /**
   * The band the user picked for patrol gaps, remembered with the filters' band it was picked
   * under: when the filters' band changes, the list follows the filters again.
   */
  #bandChoice = $state.raw<{ band: [number, number]; under: string } | null>(null);
  #highlightTimer: number | undefined;

  /** The hour band patrol gaps are computed for: the user's pick, else the filters', else 18–24. */
  patrolBand = $derived.by<readonly [number, number]>(() => {
    const under = filtersManager.hours?.join('-') ?? '';
    const choice = this.#bandChoice;
    if (choice && choice.under === under) return choice.band;
    return filtersManager.hours ?? DEFAULT_PATROL_BAND;
  });

  /** True while the patrol band is the filters' (or the default), not a pick of the user's. */
  bandFollowsFilters = $derived(this.#bandChoice === null || this.#bandChoice.under !== (filtersManager.hours?.join('-') ?? ''));

  /** Whether the signed-in role may download data (CSV and GeoJSON exports). */
  canExport = $derived(sessionManager.user ? roleCan(sessionManager.user.role, 'data.export') : false);

  readonly #layers = $derived.by<Layer[]>(() => {
    const h = this.highlight;
    if (!h) return [];
    const data = [h];
    const common = {
      data, getPolygon: (d: GapHighlight) => d.polygon, pickable: false, lineWidthUnits: 'pixels' as const,
      lineJointRounded: true, parameters: { depthWriteEnabled: false },
    };
    const colour: [number, number, number] = h.kind === 'patrol' ? [214, 51, 108] : [12, 133, 153];
    return [
      // A white halo under the outline keeps it visible over any fill or base map.
      new PolygonLayer<GapHighlight>({ ...common, id: 'analyst:highlight-halo', filled: false, stroked: true, getLineColor: [255, 255, 255, 230], getLineWidth: 7 }),
      new PolygonLayer<GapHighlight>({
        ...common, id: 'analyst:highlight', filled: true, stroked: true,
        getFillColor: [...colour, 60], getLineColor: [...colour, 255], getLineWidth: 3,
      }),
    ];
  });

  /** deck.gl layers of the panel (the highlighted gap cell): add them above the map's own. */
  deckLayers(): Layer[] {
    return this.#layers;
  }

  /** The data of a tab. */
  dataOf<K extends DataTab>(tab: K): TabData<K> {
    return this[tab] as unknown as TabData<K>;
  }

  setTab(tab: AnalystTab): void {
    this.tab = tab;
  }

  /** Picks the patrol band (null: follow the filters again). A band whose ends meet is refused. */
  setPatrolBand(band: [number, number] | null): void {
    if (band && (band[0] % 24 === band[1] % 24 && !(band[0] === 0 && band[1] === 24))) return;
    this.#bandChoice = band ? { band, under: filtersManager.hours?.join('-') ?? '' } : null;
  }

  /** The shared analytics parameters of the filters and the focused region. */
  baseParams(): URLSearchParams {
    return scopedParams(filtersManager.analyticsParams());
  }

  /**
   * The window patrol gaps are computed for: the filters' window, cut to its last 93 days when
   * longer (the analytic's limit). `shortened` says whether it was cut.
   */
  patrolWindow(): { from: string; to: string; shortened: boolean } {
    const to = filtersManager.to;
    const earliest = addDays(to, 1 - PATROL_GAPS_MAX_DAYS);
    return filtersManager.from < earliest ? { from: earliest, to, shortened: true } : { from: filtersManager.from, to, shortened: false };
  }

  /** The parameters of a data tab's request (`forExport`: the whole list, for its CSV). */
  paramsFor(tab: DataTab, forExport = false): URLSearchParams {
    const p = this.baseParams();
    if (tab === 'patrol') {
      const w = this.patrolWindow();
      p.set('from', w.from);
      p.set('to', w.to);
      const [a, b] = this.patrolBand;
      p.set('hours', `${a}-${b}`);
      if (!forExport) p.set('limit', String(GAP_LIST_SIZE));
    } else if (tab === 'camera') {
      if (!forExport) p.set('limit', String(GAP_LIST_SIZE));
    } else if (tab === 'mediation') {
      p.set('res', MEDIATION_HOTSPOT_RES);
    }
    return p;
  }

  /** Same-origin URL of a data tab's CSV (`format=csv`: needs data.export). */
  csvUrl(tab: DataTab): string {
    const p = this.paramsFor(tab, true);
    p.set('format', 'csv');
    return analyticUrl(TAB_ANALYTIC[tab], p);
  }

  /**
   * Loads the visible tab for the current filters and focus (nothing when it already shows them)
   * and cancels what the hidden tabs were loading. `force` reloads (the retry button).
   */
  sync(force = false): void {
    const tab = this.tab;
    for (const t of ['patrol', 'camera', 'rhythm', 'mediation'] as const) {
      if (t !== tab) this.dataOf(t).abort();
    }
    if (tab === 'export') return;
    void this.dataOf(tab).load(this.paramsFor(tab), force);
  }

  /** Cancels every request in flight (the panel closed); loaded data stays for when it opens again. */
  abortAll(): void {
    for (const t of ['patrol', 'camera', 'rhythm', 'mediation'] as const) this.dataOf(t).abort();
  }

  /** Frames H3 cell `cell` on the map and highlights it for HIGHLIGHT_MS. */
  frameCell(cell: string, kind: GapKind): void {
    const polygon = cellToBoundary(cell, true).map(([x, y]) => [x, y] as [number, number]);
    const [w, s, e, n] = ringBbox(polygon);
    mapManager.atlas?.map.fitBounds([[w, s], [e, n]], { padding: 80, maxZoom: 16, duration: 600 });
    this.highlight = { kind, cell, polygon };
    window.clearTimeout(this.#highlightTimer);
    this.#highlightTimer = window.setTimeout(() => {
      if (this.highlight?.cell === cell) this.highlight = null;
    }, HIGHLIGHT_MS);
  }

  clearHighlight(): void {
    window.clearTimeout(this.#highlightTimer);
    this.highlight = null;
  }

  /** The region the panel covers, for file names: the focused prefix, else the user's region. */
  regionLabel(): string {
    return focusManager.analyticsRegion ?? sessionManager.user?.regionCode ?? 'region';
  }

  /** What is being downloaded now (a download's id), to disable its button meanwhile. */
  busy = $state<string | null>(null);

  /**
   * Downloads `url` (same origin, with the session) as `name.fileName`, else under the server's
   * file name, else `name.fallback`; a refusal shows the server's message as a toast.
   */
  async download(id: string, url: string, name: { fileName?: string; fallback: string }): Promise<void> {
    if (this.busy) return;
    this.busy = id;
    try {
      await downloadFrom(url, name);
    } catch (error) {
      handleError(error, MESSAGES[i18n.lang].exportFailed);
    } finally {
      this.busy = null;
    }
  }

  /** The file name of the map PNG: `pingan-atlas-<region>-<local date>.png`. */
  pngFileName(nowMs = Date.now()): string {
    return `pingan-atlas-${this.regionLabel()}-${localDate(nowMs)}.png`;
  }

  /** Saves the map as drawn now as a PNG. Resolves false when there is no map yet. */
  async downloadMapPng(): Promise<boolean> {
    const map = mapManager.atlas?.map;
    if (!map || this.busy) return false;
    this.busy = 'png';
    try {
      saveBlob(await mapPng(map), this.pngFileName());
      return true;
    } catch (error) {
      handleError(error, MESSAGES[i18n.lang].exportFailed);
      return false;
    } finally {
      this.busy = null;
    }
  }

  /** Forgets everything (sign-out). */
  reset(): void {
    for (const t of ['patrol', 'camera', 'rhythm', 'mediation'] as const) this.dataOf(t).reset();
    this.clearHighlight();
    this.#bandChoice = null;
    this.tab = 'patrol';
  }
}

export type { TabData };
export const analystManager = new AnalystManager();
