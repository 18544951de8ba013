/** The region tree (county → township → village → natural village); its root names and frames the county. */
import { fetchRegionTree } from './api/client';
import type { RegionNode } from './api/types';
import { handleError } from './handle-error';
import { i18n } from './i18n.svelte';

class RegionsManager {
  root = $state.raw<RegionNode | null>(null);
  status = $state<'idle' | 'loading' | 'loaded' | 'error'>('idle');
  #controller: AbortController | null = null;

  /** Loads the tree. Resolves to its root, or null when it failed (the error is shown) or was cancelled. */
  async load(): Promise<RegionNode | null> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = 'loading';
    try {
      const { root } = await fetchRegionTree(controller.signal);
      this.root = root;
      this.status = 'loaded';
      return root;
    } catch (error) {
      if (!controller.signal.aborted) {
        this.status = 'error';
        handleError(error, i18n.t.loadRegionsFailed);
      }
      return null;
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }
}

export const regionsManager = new RegionsManager();
