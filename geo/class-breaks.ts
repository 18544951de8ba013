/**
 * Quantile classes for choropleth maps and their legends (the web client's analytic layers).
 *
 * With `k` classes the breaks are the values at the quantiles 1/k, 2/k, … (k−1)/k of the data by
 * nearest rank (the ⌈q·n⌉-th smallest value), so every break is a value that occurs: counts get
 * whole-number breaks, never 2.5 households. A value belongs to the first class whose break is ≥ it
 * (classes are closed above): with breaks [2, 5] the classes are ≤ 2, (2, 5] and > 5.
 *
 * Ties shrink the number of classes rather than producing empty ones: equal breaks are merged, and a
 * break equal to the maximum is dropped (the class above it would hold nothing). Many zero counts
 * therefore give one class "0" and the rest split above it. Each class reports the smallest and
 * largest value it actually holds and how many, which is what a legend shows ("3–7 (41)").
 */

export interface QuantileClass {
  /** Smallest and largest value in the class. */
  min: number;
  max: number;
  count: number;
}

export interface QuantileClasses {
  /** Upper bounds of every class but the last, strictly increasing. */
  breaks: number[];
  /** One per class, lowest first; `breaks.length + 1` of them, or none for no data. */
  classes: QuantileClass[];
}

/** The class of `value` under `breaks`: the index of the first break ≥ value, or `breaks.length`. */
export function classIndex(value: number, breaks: readonly number[]): number {
  // Binary search: the first break ≥ value.
  let lo = 0;
  let hi = breaks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (breaks[mid]! >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * At most `k` quantile classes of the finite numbers among `values` (others are ignored: a share
 * with no denominator is no value). `k` < 1 is treated as 1.
 */
export function quantileClasses(values: Iterable<number>, k: number): QuantileClasses {
  const sorted: number[] = [];
  for (const v of values) if (Number.isFinite(v)) sorted.push(v);
  if (sorted.length === 0) return { breaks: [], classes: [] };
  sorted.sort((a, b) => a - b);
  const n = sorted.length;
  const max = sorted[n - 1]!;
  const breaks: number[] = [];
  for (let i = 1; i < Math.max(1, Math.floor(k)); i++) {
    const b = sorted[Math.max(0, Math.ceil((i / k) * n) - 1)]!;
    if (b < max && (breaks.length === 0 || b > breaks[breaks.length - 1]!)) breaks.push(b);
  }
  const classes: QuantileClass[] = Array.from({ length: breaks.length + 1 }, () => ({ min: Infinity, max: -Infinity, count: 0 }));
  for (const v of sorted) {
    const c = classes[classIndex(v, breaks)]!;
    if (v < c.min) c.min = v;
    if (v > c.max) c.max = v;
    c.count++;
  }
  return { breaks, classes };
}
