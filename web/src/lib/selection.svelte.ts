/**
 * What the user clicked on the map, for the inspector, and point picking for forms that need a
 * place (reporting an incident). The map view hands every click here: while a pick is pending the
 * click answers the pick; otherwise the topmost feature under it becomes the selection.
 */

/** A clicked feature. `layer` is a catalogue layer id (`grids`, `incidents`, …) or an analytic id. */
export interface Selection {
  layer: string;
  /** The feature's id in its layer (row id or code), when it has one. */
  id: string | number | null;
  properties: Record<string, unknown>;
  /** Where the click was, [lon, lat]. */
  lngLat: [number, number];
}

class SelectionManager {
  current = $state.raw<Selection | null>(null);
  /** True while a form waits for the user to click a point. */
  picking = $state(false);
  #resolvePick: ((point: [number, number] | null) => void) | null = null;

  select(selection: Selection | null): void {
    this.current = selection;
  }

  clear(): void {
    this.current = null;
  }

  /**
   * Waits for the next map click and resolves to its [lon, lat], or null when cancelled (Escape, or
   * another pick started). The click does not select anything.
   */
  pickPoint(): Promise<[number, number] | null> {
    this.cancelPick();
    this.picking = true;
    return new Promise((resolve) => {
      this.#resolvePick = resolve;
    });
  }

  cancelPick(): void {
    const resolve = this.#resolvePick;
    this.#resolvePick = null;
    this.picking = false;
    resolve?.(null);
  }

  /** Called by the map for every click. Returns true when the click answered a pending pick. */
  handleClick(lngLat: [number, number], hit: Selection | null): boolean {
    const resolve = this.#resolvePick;
    if (resolve) {
      this.#resolvePick = null;
      this.picking = false;
      resolve(lngLat);
      return true;
    }
    this.current = hit;
    return false;
  }

  reset(): void {
    this.cancelPick();
    this.current = null;
  }
}

export const selectionManager = new SelectionManager();
