/**
 * The figures of the focused region and its parts (`/api/analytics/region-summary`), following the
 * filters: the drill-down shows them, and the filter bar's incident count is their total, so a
 * filter change shows at once how many incidents it leaves.
 */
import { fetchAnalytic } from './api/client';
import { filtersManager } from './filters.svelte';
import { scopedParams } from './focus.svelte';
import { handleError, isAbortError } from './handle-error';
import { i18n } from './i18n.svelte';

export interface RegionFigures {
  incidents: number;
  open: number;
  red: number;
  grids: number;
  households: number;
  cameras: number;
  camerasOnline: number;
  keyPlaces: number;
}

export interface RegionSummary {
  region: string;
  from: string;
  to: string;
  partKind: 'township' | 'village' | 'grid';
  totals: RegionFigures;
  parts: (RegionFigures & { code: string; name: string })[];
}

class RegionFiguresManager {
  data = $state.raw<RegionSummary | null>(null);
  status = $state<'idle' | 'loading' | 'loaded' | 'error'>('idle');
  errorMessage = $state<string | null>(null);
  #controller: AbortController | null = null;
  #key = '';
  #pending: Promise<void> = Promise.resolve();

  /**
   * Loads the figures for the current filters and focus unless they are already loaded; when the
   * same figures are being loaded, resolves with that load.
   */
  sync(force = false): Promise<void> {
    const params = scopedParams(filtersManager.analyticsParams());
    const key = params.toString();
    if (!force && key === this.#key && this.status !== 'error') return this.#pending;
    this.#key = key;
    this.#pending = this.#load(params);
    return this.#pending;
  }

  async #load(params: URLSearchParams): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = 'loading';
    this.errorMessage = null;
    try {
      const { result } = await fetchAnalytic<{ result: RegionSummary }>('region-summary', params, controller.signal);
      if (controller.signal.aborted) return;
      this.data = result;
      this.status = 'loaded';
    } catch (error) {
      if (controller.signal.aborted || isAbortError(error)) return;
      this.status = 'error';
      this.errorMessage = handleError(error, i18n.t.loadRegionsFailed);
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  reset(): void {
    this.#controller?.abort();
    this.data = null;
    this.status = 'idle';
    this.#key = '';
  }
}

export const regionFiguresManager = new RegionFiguresManager();
