import { destination } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { suggestCameraSites } from '../../geo/camera-siting.js';

const ORIGIN: [number, number] = [120.3, 29.7];

/** The point `x` metres east of the origin (negative = west), by turf. */
function east(x: number): { lon: number; lat: number } {
  const [lon, lat] = destination(ORIGIN, Math.abs(x), x >= 0 ? 90 : 270, { units: 'meters' }).geometry.coordinates;
  return { lon: lon!, lat: lat! };
}

describe('suggestCameraSites', () => {
  // All on one east–west line, range 100 m (x in metres east of the origin):
  //   candidates A x=0, B x=150, C x=400, D x=1000, E x=150 (B's twin, listed later)
  //   demand a1 -80 (w1), a2 -40 (w1), a3 0 (w1), s 60 (w1, within 60 of A and 90 of B),
  //          b1 150 (w5), c1 400 (w3.5), u 2000 (w2.5, nobody reaches it),
  //          z 10 (w0) and n 20 (w−1): ignored.
  // Coverage: A {a1, a2, a3, s} = 4 points, weight 4; B = E {s, b1} = 2 points, weight 6;
  //           C {c1} = 3.5; D {} = 0.
  // Pick 1: B (6 > 4 > 3.5; fewer points but more weight; B before its twin E by order).
  // After it s is covered: A drops to 3 (a double count would leave it at 4 and pick it now),
  //           E drops to 0.
  // Pick 2: C (3.5 > 3). Pick 3: A (3). Then every gain is 0: stop, although k = 10.
  // Total demand 1+1+1+1+5+3.5+2.5 = 15; covered 6 + 3.5 + 3 = 12.5 → share 12.5/15 = 5/6.
  const candidates = [
    { id: 'A', ...east(0) },
    { id: 'B', ...east(150) },
    { id: 'C', ...east(400) },
    { id: 'D', ...east(1000) },
    { id: 'E', ...east(150) },
  ];
  const demand = [
    { ...east(-80), weight: 1 },
    { ...east(-40), weight: 1 },
    { ...east(0), weight: 1 },
    { ...east(60), weight: 1 },
    { ...east(150), weight: 5 },
    { ...east(400), weight: 3.5 },
    { ...east(2000), weight: 2.5 },
    { ...east(10), weight: 0 },
    { ...east(20), weight: -1 },
  ];

  it('picks by uncovered weight, removes what is covered, and stops when nothing is gained', () => {
    const r = suggestCameraSites({ candidates, demand, k: 10, rangeMeters: 100 });
    expect(r.sites.map((s) => [s.id, s.gain, s.cumulative, s.covered])).toEqual([
      ['B', 6, 6, 2],
      ['C', 3.5, 9.5, 1],
      ['A', 3, 12.5, 3],
    ]);
    expect(r.sites[0]!.lon).toBe(candidates[1]!.lon);
    expect(r.totalDemand).toBe(15);
    expect(r.coveredShare).toBeCloseTo(5 / 6, 12);
  });

  it('stops at k', () => {
    const r = suggestCameraSites({ candidates, demand, k: 1, rangeMeters: 100 });
    expect(r.sites.map((s) => s.id)).toEqual(['B']);
    expect(r.coveredShare).toBeCloseTo(6 / 15, 12);
  });

  it('counts the range boundary as covered and just beyond it as not', () => {
    const site = [{ id: 1, ...east(0) }];
    expect(suggestCameraSites({ candidates: site, demand: [{ ...east(99.99), weight: 1 }], k: 1, rangeMeters: 100 }).sites).toHaveLength(1);
    expect(suggestCameraSites({ candidates: site, demand: [{ ...east(100.01), weight: 1 }], k: 1, rangeMeters: 100 }).sites).toHaveLength(0);
  });

  it('breaks ties by candidate order', () => {
    // T1 and T2 each reach one point of weight 2, 500 m apart: equal gains.
    const t1 = { id: 'T1', ...east(0) };
    const t2 = { id: 'T2', ...east(500) };
    const d = [{ ...east(0), weight: 2 }, { ...east(500), weight: 2 }];
    expect(suggestCameraSites({ candidates: [t1, t2], demand: d, k: 1, rangeMeters: 100 }).sites.map((s) => s.id)).toEqual(['T1']);
    expect(suggestCameraSites({ candidates: [t2, t1], demand: d, k: 1, rangeMeters: 100 }).sites.map((s) => s.id)).toEqual(['T2']);
    // Two candidates reaching the same three points tie exactly even with weights whose float sum
    // depends on the order of addition ((0.1 + 0.2) + 0.3 ≠ (0.3 + 0.2) + 0.1): first listed wins.
    const same = [{ ...east(0), weight: 0.1 }, { ...east(5), weight: 0.2 }, { ...east(-5), weight: 0.3 }];
    const twins = [{ id: 'X', ...east(1) }, { id: 'Y', ...east(-1) }];
    expect(suggestCameraSites({ candidates: twins, demand: same, k: 2, rangeMeters: 100 }).sites.map((s) => s.id)).toEqual(['X']);
    expect(suggestCameraSites({ candidates: [...twins].reverse(), demand: same, k: 2, rangeMeters: 100 }).sites.map((s) => s.id)).toEqual(['Y']);
  });

  it('handles empty input and refuses a bad range or k', () => {
    expect(suggestCameraSites({ candidates: [], demand, k: 3, rangeMeters: 100 })).toEqual({ sites: [], totalDemand: 15, coveredShare: 0 });
    expect(suggestCameraSites({ candidates, demand: [], k: 3, rangeMeters: 100 })).toEqual({ sites: [], totalDemand: 0, coveredShare: 0 });
    expect(suggestCameraSites({ candidates, demand, k: 0, rangeMeters: 100 }).sites).toEqual([]);
    expect(() => suggestCameraSites({ candidates, demand, k: 3, rangeMeters: 0 })).toThrow(RangeError);
    expect(() => suggestCameraSites({ candidates, demand, k: -1, rangeMeters: 100 })).toThrow(RangeError);
    expect(() => suggestCameraSites({ candidates, demand, k: 1.5, rangeMeters: 100 })).toThrow(RangeError);
  });
});
