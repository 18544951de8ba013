/**
 * The caller's region tree (county → township → village → natural village): their own subtree and
 * its ancestors up to the county. Its root names and frames the county.
 */
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

  /** Forgets the tree (the user signed out; the next one may see another part of it). */
  reset(): void {
    this.cancel();
    this.root = null;
    this.status = 'idle';
  }

  /** The name of region `code`, or null when the tree is not loaded or does not hold it. */
  nameOf(code: string): string | null {
    const stack = this.root ? [this.root] : [];
    for (let node = stack.pop(); node; node = stack.pop()) {
      if (node.code === code) return node.name;
      stack.push(...node.children);
    }
    return null;
  }
}

export const regionsManager = new RegionsManager();
