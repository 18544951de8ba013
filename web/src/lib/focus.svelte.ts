/**
 * The drill-down: which part of the county the user is looking at (county → township → village →
 * grid). Every figure, analytic and list follows `regionCode`; the map frames `bbox`. A grid is not
 * in the region tree (grids are redrawn over time), so drilling to one keeps its village as the
 * region and remembers the grid's code and frame beside it.
 */
import type { Bbox, RegionNode } from './api/types';
import { regionsManager } from './regions-manager.svelte';
import { sessionManager } from './session-manager.svelte';

export interface GridFocus {
  code: string;
  name: string;
  bbox: Bbox;
}

/** The path from the root to `code` (inclusive), or null when the tree does not hold it. */
export function pathTo(root: RegionNode | null, code: string): RegionNode[] | null {
  if (!root) return null;
  if (root.code === code) return [root];
  // Codes nest by prefix (6 → 9 → 12 → 15 digits), so one branch is followed, not the whole tree.
  for (const child of root.children) {
    if (code.startsWith(regionPrefix(child))) {
      const rest = pathTo(child, code);
      if (rest) return [root, ...rest];
    }
  }
  return null;
}

const PREFIX_LENGTH = { county: 6, township: 9, village: 12, natural_village: 12 } as const;

/** The code prefix that stands for a region's whole subtree (330699001000 township → 330699001). */
export function regionPrefix(node: Pick<RegionNode, 'code' | 'level'>): string {
  return node.code.slice(0, PREFIX_LENGTH[node.level]);
}

class FocusManager {
  /** The focused region's code; null = the user's own region (home). */
  code = $state<string | null>(null);
  grid = $state.raw<GridFocus | null>(null);

  /**
   * The signed-in user's region: the tree holds its ancestors too (to name them), but a user sees
   * and may ask about their own region only, so that is where the drill-down starts and stops.
   */
  home = $derived<string | null>(sessionManager.user?.regionCode ?? null);

  /** Root first, focused region last; empty until the tree loads. */
  path = $derived.by<RegionNode[]>(() => {
    const root = regionsManager.root;
    if (!root) return [];
    const target = this.code ?? this.home;
    return (target ? pathTo(root, target) : null) ?? [root];
  });

  /** Whether `code` is the user's region or inside it (ancestors are shown, not opened). */
  isWithinHome(code: string): boolean {
    const home = this.home;
    const root = regionsManager.root;
    if (!home || !root) return true;
    const node = pathTo(root, home)?.at(-1);
    return node ? code.startsWith(regionPrefix(node)) : true;
  }

  node = $derived<RegionNode | null>(this.path.at(-1) ?? null);

  /**
   * The region analytics take: a code prefix of the focused region (county 6 digits, township 9,
   * village 12); a natural village, finer than analytics go, answers for its village.
   */
  analyticsRegion = $derived.by<string | null>(() => {
    const node = this.node;
    return node ? regionPrefix(node) : null;
  });

  /** Frame of what is focused: the grid when one is, else the region. */
  bbox = $derived<Bbox | null>(this.grid?.bbox ?? this.node?.bbox ?? null);

  /**
   * Focuses region `code` (null = the user's own region); forgets any grid. Unknown codes and
   * regions outside the user's own fall back to it.
   */
  focusRegion(code: string | null): void {
    const root = regionsManager.root;
    this.grid = null;
    this.code = code && root && pathTo(root, code) && this.isWithinHome(code) ? code : null;
  }

  /** Focuses a grid inside village `villageCode`. */
  focusGrid(villageCode: string, grid: GridFocus): void {
    this.focusRegion(villageCode);
    this.grid = grid;
  }

  reset(): void {
    this.code = null;
    this.grid = null;
  }
}

export const focusManager = new FocusManager();

/** Analytics parameters for the current focus and filters (`region` added when focused). */
export function scopedParams(base: URLSearchParams): URLSearchParams {
  const p = new URLSearchParams(base);
  const region = focusManager.analyticsRegion;
  if (region) p.set('region', region);
  return p;
}
