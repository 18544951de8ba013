/**
 * The state every analytic layer shares: the user's checkbox and opacity, and the GeoJSON of its
 * analytic for the current filters and focus, with loading / loaded / error and the server's message.
 * Each layer (one file per analytic in this folder) adds which parameters it sends, how it draws,
 * its legend and its tooltip.
 */
import type { Layer } from '@deck.gl/core';
import type { Permission } from '$geo/access';
import { fetchAnalytic } from '../api/client';
import { handleError, isAbortError } from '../handle-error';
import { i18n } from '../i18n.svelte';
import { MESSAGES, type AnalyticLayerMessages } from './messages';
import type {
  AnalyticFeature, AnalyticFeatureCollection, AnalyticLayerId, AnalyticLayerStatus, AnalyticSelection, LegendDescription,
} from './types';

export const DEFAULT_OPACITY = 1;

export abstract class AnalyticLayer<P extends object = Record<string, unknown>> {
  abstract readonly id: AnalyticLayerId;
  /** The analytic's permission in the API's catalogue (api/analytics/*.ts): every one here is an aggregate. */
  readonly permission: Permission = 'aggregates.read';

  visible = $state(false);
  /** 0–1, the user's slider; multiplies the layer's own colours. */
  opacity = $state(DEFAULT_OPACITY);
  status = $state<AnalyticLayerStatus>('idle');
  errorMessage = $state<string | null>(null);
  /** Raw: thousands of polygons must not be proxied. */
  data = $state.raw<AnalyticFeatureCollection<P> | null>(null);
  /** The parameters `data` answers (the window actually read, a resolution), for the legend. */
  dataParams = $state.raw<URLSearchParams | null>(null);

  #controller: AbortController | null = null;
  /** Parameters of `data`, and of the request in flight. */
  #loadedKey = '';
  #pendingKey = '';
  /** The parameters last asked for, for a retry. */
  #lastParams: URLSearchParams | null = null;
  #lastKey = '';

  /**
   * The analytic's query for the filters' parameters in the focused region (`base`, a fresh copy
   * this layer may change), or null when it cannot be asked yet. Read inside an effect: whatever it
   * reads (a zoom band, a window) makes the layer refetch when it changes.
   */
  abstract params(base: URLSearchParams): URLSearchParams | null;
  /** deck.gl layers for the loaded data (ids `${id}:<part>`), empty when there is nothing to draw. */
  abstract deckLayers(zoom: number): Layer[];
  /** The legend for the loaded data (read reactively by the list). */
  abstract legend(): LegendDescription;
  /** Tooltip text for a picked feature of this layer. */
  abstract describe(part: string, object: AnalyticFeature<P>): string | null;

  protected get t(): AnalyticLayerMessages {
    return MESSAGES[i18n.lang];
  }

  get title(): string {
    return this.t.title[this.id];
  }

  /** The inspector's selection for a picked feature. */
  selectionOf(_part: string, object: AnalyticFeature<P>): AnalyticSelection | null {
    const properties = object?.properties as Record<string, unknown> | undefined;
    if (!properties) return null;
    const id = (object.id ?? properties.code ?? properties.cell ?? null) as string | number | null;
    return { layer: this.id, id, properties };
  }

  /**
   * Shows `params`' data: nothing to do when it is already shown or loading; else fetches it,
   * aborting the request in flight. A hidden layer (`params` null) stops its request and keeps what
   * it has, so showing it again with the same filters draws at once. A new `epoch` refetches the
   * same parameters (the data behind them changed).
   */
  sync(params: URLSearchParams | null, epoch = 0): void {
    if (params === null) {
      this.cancel();
      return;
    }
    // The epoch (bumped when incidents are written) is part of the key, not of the request: the
    // server's cache is keyed by its data versions and answers afresh by itself.
    const key = `${params.toString()}#${epoch}`;
    this.#lastParams = params;
    this.#lastKey = key;
    if (key === this.#loadedKey && this.status === 'loaded') return;
    if (key === this.#pendingKey && this.status === 'loading') return;
    void this.#load(params, key);
  }

  /** Fetches the last parameters again (after an error). */
  retry(): void {
    if (this.#lastParams) void this.#load(this.#lastParams, this.#lastKey);
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.#pendingKey = '';
    if (this.status === 'loading') this.status = this.data ? 'loaded' : 'idle';
  }

  /** Forgets everything (sign-out: the next user may see other regions). */
  reset(): void {
    this.cancel();
    this.visible = false;
    this.opacity = DEFAULT_OPACITY;
    this.data = null;
    this.dataParams = null;
    this.status = 'idle';
    this.errorMessage = null;
    this.#loadedKey = '';
    this.#lastParams = null;
    this.#lastKey = '';
  }

  async #load(params: URLSearchParams, key: string): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#pendingKey = key;
    this.status = 'loading';
    this.errorMessage = null;
    const query = new URLSearchParams(params);
    query.set('format', 'geojson');
    try {
      const data = await fetchAnalytic<AnalyticFeatureCollection<P>>(this.id, query, controller.signal);
      if (controller.signal.aborted) return;
      this.data = data;
      this.dataParams = params;
      this.#loadedKey = key;
      this.status = 'loaded';
    } catch (error) {
      if (controller.signal.aborted || isAbortError(error)) return;
      this.status = 'error';
      this.errorMessage = handleError(error, this.t.loadFailed(this.title)) ?? this.t.loadFailed(this.title);
    } finally {
      if (this.#controller === controller) {
        this.#controller = null;
        this.#pendingKey = '';
      }
    }
  }
}

/** `n` with the interface's grouping (1,234 / 1,234). */
export function formatCount(n: number): string {
  return n.toLocaleString(i18n.locale);
}

/** A share 0–1 as a whole percentage. */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Hours with one decimal. */
export function formatHours(hours: number): string {
  return `${hours.toLocaleString(i18n.locale, { maximumFractionDigits: 1 })} h`;
}

/** Whole days from `from` to `to` inclusive (local dates YYYY-MM-DD). */
export function daysInWindow(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Keeps only the parameters an analytic reads, so a filter it ignores does not refetch it. */
export function keepParams(params: URLSearchParams, names: readonly string[]): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of names) {
    const v = params.get(name);
    if (v !== null) out.set(name, v);
  }
  return out;
}
