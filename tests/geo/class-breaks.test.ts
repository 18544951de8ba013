import { describe, expect, it } from 'vitest';
import { classIndex, quantileClasses } from '../../geo/class-breaks.js';

describe('quantileClasses', () => {
  it('splits ten distinct values into five classes of two at the nearest-rank quantiles', () => {
    // n = 10, k = 5: the breaks are the 2nd, 4th, 6th and 8th smallest values.
    const r = quantileClasses([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 5);
    expect(r.breaks).toEqual([2, 4, 6, 8]);
    expect(r.classes).toEqual([
      { min: 1, max: 2, count: 2 }, { min: 3, max: 4, count: 2 }, { min: 5, max: 6, count: 2 },
      { min: 7, max: 8, count: 2 }, { min: 9, max: 10, count: 2 },
    ]);
  });

  it('uses values that occur as breaks (no 2.5 households) with uneven sizes', () => {
    // n = 7, k = 3: ranks ⌈7/3⌉ = 3 and ⌈14/3⌉ = 5.
    const r = quantileClasses([100, 3, 3, 4, 20, 7, 50], 3);
    expect(r.breaks).toEqual([4, 20]);
    expect(r.classes.map((c) => c.count)).toEqual([3, 2, 2]);
    expect(r.classes[2]).toEqual({ min: 50, max: 100, count: 2 });
  });

  it('merges tied breaks: many zeros make one class "0", the rest split above it', () => {
    const r = quantileClasses([0, 0, 0, 0, 0, 0, 1, 2, 3, 9], 5);
    // Quantile ranks 2, 4, 6, 8 → values 0, 0, 0, 2: one break 0, then 2.
    expect(r.breaks).toEqual([0, 2]);
    expect(r.classes).toEqual([{ min: 0, max: 0, count: 6 }, { min: 1, max: 2, count: 2 }, { min: 3, max: 9, count: 2 }]);
  });

  it('drops a break equal to the maximum (its class above would be empty), and never returns an empty class', () => {
    // n = 5, k = 4: ranks 2, 3, 4 → values 1, 5, 5; the 5s equal the maximum.
    const r = quantileClasses([5, 1, 5, 1, 5], 4);
    expect(r.breaks).toEqual([1]);
    expect(r.classes).toEqual([{ min: 1, max: 1, count: 2 }, { min: 5, max: 5, count: 3 }]);
    // One value below the first quantile rank is not a class of its own: ranks 2, 3, 4 are all 5.
    expect(quantileClasses([1, 5, 5, 5, 5], 4).breaks).toEqual([]);
    for (const values of [[7], [2, 2, 2], [0, 1], [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]]) {
      for (const k of [1, 2, 3, 5, 7]) {
        const q = quantileClasses(values, k);
        expect(q.classes.length).toBe(q.breaks.length + 1);
        expect(q.classes.length).toBeLessThanOrEqual(k);
        expect(q.classes.every((c) => c.count > 0 && c.min <= c.max)).toBe(true);
        expect(q.classes.reduce((s, c) => s + c.count, 0)).toBe(values.length);
        for (let i = 1; i < q.breaks.length; i++) expect(q.breaks[i]!).toBeGreaterThan(q.breaks[i - 1]!);
      }
    }
  });

  it('ignores values that are not finite numbers, and gives no classes for no data', () => {
    expect(quantileClasses([], 5)).toEqual({ breaks: [], classes: [] });
    expect(quantileClasses([Number.NaN, Infinity], 5)).toEqual({ breaks: [], classes: [] });
    const shares = quantileClasses([0.5, Number.NaN, 1, 0.25, 0.75], 2);
    expect(shares.breaks).toEqual([0.5]);
    expect(shares.classes.map((c) => c.count)).toEqual([2, 2]);
  });
});

describe('classIndex', () => {
  it('puts a value in the first class whose break is at least the value (closed above)', () => {
    const breaks = [2, 5, 10];
    expect([-1, 2, 2.01, 5, 6, 10, 11].map((v) => classIndex(v, breaks))).toEqual([0, 0, 1, 1, 2, 2, 3]);
    expect(classIndex(42, [])).toBe(0);
  });
});
