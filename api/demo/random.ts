/**
 * A small seeded pseudo-random generator for the demo county.
 *
 * Why not `Math.random`: the demo must be reproducible byte for byte from its seed (tests compare
 * two runs; a bug report can name the seed). Why sfc32: 128-bit state, passes PractRand far enough
 * for synthetic data, and uses only 32-bit integer arithmetic, so results do not depend on the
 * platform's floating point.
 *
 * Every part of the generator takes its own stream (`rng.fork('incidents')`) so that changing how
 * many numbers one part draws does not reshuffle the others: with the same seed, the regions and
 * grids stay identical whatever happens to the incident code, and whatever the `scale`.
 */

/** 32-bit string hash (cyrb53's mixing steps, reduced to 4 words) used to seed a stream. */
function hashWords(text: string): [number, number, number, number] {
  let h1 = 0x6a09e667 ^ text.length;
  let h2 = 0xbb67ae85 ^ text.length;
  let h3 = 0x3c6ef372 ^ text.length;
  let h4 = 0xa54ff53a ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller produces two normals per call; the second is kept for the next call. */
  private spareNormal: number | null = null;
  readonly label: string;

  /** `label` identifies the stream: the same label always gives the same sequence. */
  constructor(label: string) {
    this.label = label;
    [this.a, this.b, this.c, this.d] = hashWords(label);
    // Discard the first outputs: sfc32 needs a few rounds to mix a hashed state.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A root generator for a numeric seed. */
  static fromSeed(seed: number): Rng {
    return new Rng(`pingan-demo:${seed}`);
  }

  /** An independent stream named after this one, e.g. `rng.fork('cameras')`. */
  fork(name: string | number): Rng {
    return new Rng(`${this.label}/${name}`);
  }

  nextUint32(): number {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Normal (Gaussian) with mean `mean` and standard deviation `sd`. */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal whose median is `median` and whose log has standard deviation `sigma`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /** Normal clamped to [min, max] (clamped, not resampled: cheap and deterministic). */
  normalClamped(mean: number, sd: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, this.normal(mean, sd)));
  }

  /** Poisson-distributed count: Knuth's method for small means, a rounded normal for large ones. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** One element, uniformly. Throws on an empty list (a generator bug, not a data condition). */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index drawn with probability proportional to `weights[i]` (non-negative, not all zero). */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new Error('weightedIndex: weights sum to zero');
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** One element drawn from `[item, weight]` pairs. */
  pickWeighted<T>(entries: readonly (readonly [T, number])[]): T {
    return entries[this.weightedIndex(entries.map((e) => e[1]))]![0];
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }
}

/**
 * Draws indices proportionally to fixed weights in O(log n) per draw (cumulative sums + binary
 * search): used where tens of thousands of draws are taken from the same list (incident hotspots,
 * address points).
 */
export class WeightedSampler {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += Math.max(0, weights[i]!);
      this.cumulative[i] = sum;
    }
    this.total = sum;
    if (!(sum > 0)) throw new Error('WeightedSampler: weights sum to zero');
  }

  sample(rng: Rng): number {
    const r = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * Splits `total` into integer parts proportional to `weights` that sum exactly to `total`
 * (largest-remainder method, ties broken by index so the result is deterministic).
 * `minEach` is granted first to every part with a positive weight when the total allows it.
 */
export function apportion(total: number, weights: readonly number[], minEach = 0): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(0);
  if (n === 0 || total <= 0) return out;
  const positive = weights.map((w) => w > 0);
  const nPositive = positive.filter(Boolean).length;
  let remaining = total;
  if (minEach > 0 && nPositive * minEach <= total) {
    for (let i = 0; i < n; i++) if (positive[i]) out[i] = minEach;
    remaining -= nPositive * minEach;
  }
  const sum = weights.reduce((s, w) => s + Math.max(0, w), 0);
  if (sum <= 0) return out;
  const exact = weights.map((w) => (Math.max(0, w) / sum) * remaining);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const f = Math.floor(exact[i]!);
    out[i] = out[i]! + f;
    given += f;
  }
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((p, q) => q.frac - p.frac || p.i - q.i);
  for (let k = 0; k < remaining - given; k++) {
    const idx = order[k % order.length]!.i;
    out[idx] = out[idx]! + 1;
  }
  return out;
}

/**
 * A plain `() => number` in [0, 1) from a numeric seed: the project's one seeded generator for
 * tests and benchmarks (a failing case reproduces from its seed).
 */
export function seededRandom(seed: number): () => number {
  const rng = Rng.fromSeed(seed);
  return () => rng.next();
}
