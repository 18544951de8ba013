/**
 * Pure helpers of the rhythm view: the colour classes of the 7 × 24 grid and its busiest slot, day
 * and hour. Sequential orange classes (ColorBrewer "Oranges"), light to dark; an empty cell is a
 * neutral grey so "none" never looks like "few".
 */

export const RHYTHM_EMPTY_COLOUR = '#eef1f4';
export const RHYTHM_COLOURS = ['#fdd9b5', '#fdb97d', '#fd9243', '#e8590c', '#c2410c', '#7f2704'] as const;

export interface RhythmClass {
  /** Counts from `min` to `max` inclusive take `colour`. */
  min: number;
  max: number;
  colour: string;
}

/**
 * Equal-interval classes over 1..`max` (whole counts): one class per count when `max` ≤ 6, else six
 * classes whose upper bounds are ceil(max × k / 6). Empty when `max` < 1.
 */
export function rhythmClasses(max: number): RhythmClass[] {
  if (!(max >= 1)) return [];
  const top = Math.floor(max);
  const n = Math.min(RHYTHM_COLOURS.length, top);
  const classes: RhythmClass[] = [];
  let lower = 1;
  for (let k = 1; k <= n; k++) {
    const upper = Math.ceil((top * k) / n);
    // Colours spread over the whole ramp even with fewer classes, so the top class is always darkest.
    const colour = RHYTHM_COLOURS[Math.round(((k - 1) * (RHYTHM_COLOURS.length - 1)) / Math.max(1, n - 1))]!;
    classes.push({ min: lower, max: upper, colour });
    lower = upper + 1;
  }
  return classes;
}

/** The colour of count `n` among `classes`. */
export function rhythmColour(n: number, classes: readonly RhythmClass[]): string {
  if (!(n >= 1)) return RHYTHM_EMPTY_COLOUR;
  return classes.find((c) => n <= c.max)?.colour ?? classes.at(-1)?.colour ?? RHYTHM_EMPTY_COLOUR;
}

/** Index and value of the largest entry (the first on ties); null when every entry is 0. */
function argMax(values: readonly number[]): { index: number; value: number } | null {
  let best: { index: number; value: number } | null = null;
  values.forEach((value, index) => {
    if (value > 0 && (best === null || value > best.value)) best = { index, value };
  });
  return best;
}

export interface RhythmPeaks {
  /** Weekday index (0 = Monday) and hour of the busiest cell. */
  slot: { weekday: number; hour: number; count: number };
  day: { weekday: number; count: number };
  hour: { hour: number; count: number };
}

/** The busiest cell, weekday and hour of a rhythm (earliest in the week on ties); null when empty. */
export function rhythmPeaks(r: { cells: readonly (readonly number[])[]; byHour: readonly number[]; byWeekday: readonly number[] }): RhythmPeaks | null {
  const flat = r.cells.flatMap((row) => [...row]);
  const slot = argMax(flat);
  const day = argMax(r.byWeekday);
  const hour = argMax(r.byHour);
  if (!slot || !day || !hour) return null;
  return {
    slot: { weekday: Math.floor(slot.index / 24), hour: slot.index % 24, count: slot.value },
    day: { weekday: day.index, count: day.value },
    hour: { hour: hour.index, count: hour.value },
  };
}
