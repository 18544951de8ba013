import { cellArea, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { hourBandContains, rankPatrolGaps, type PatrolGapInput } from '../../geo/patrol-gaps.js';

// Four neighbouring-ish res-9 cells around 120.3E 29.7N (a few km apart, so their areas differ by
// well under 1%) and one res-8 cell (≈ 7 × a res-9 cell's area).
const A = latLngToCell(29.7, 120.3, 9);
const B = latLngToCell(29.72, 120.3, 9);
const C = latLngToCell(29.7, 120.33, 9);
const D = latLngToCell(29.68, 120.3, 9);
const E = latLngToCell(29.74, 120.36, 8);

const input = (cell: string, incidents: number, patrolCoverage: number, cameraCoverage: number, camerasOffline = 0, hoursSinceLastPatrol: number | null = null): PatrolGapInput => ({
  cell, incidents, patrolCoverage, cameraCoverage, camerasOffline, hoursSinceLastPatrol,
});

describe('rankPatrolGaps', () => {
  const cells = [
    input(B, 6, 0.5, 0, 0, 30), //   6 / area × 0.5 × 1    = 3 / area
    input(E, 14, 0, 0), //          14 / (≈7 area)         ≈ 2 / area
    input(A, 6, 0, 0, 2), //         6 / area × 1 × 1      = 6 / area
    input(D, 0, 0, 0), //            no incidents: left out
    input(C, 10, 0.2, 0.5, 0, 100), // 10 / area × 0.8 × 0.5 = 4 / area
  ];

  it('orders by incidents per km² discounted by patrol and camera coverage', () => {
    const ranked = rankPatrolGaps(cells);
    // 6/a > 4/a > 3/a > ≈2/a: E has the most incidents but spreads them over ~7× the area.
    expect(ranked.map((r) => r.cell)).toEqual([A, C, B, E]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(cellArea(E, 'km2') / cellArea(A, 'km2')).toBeGreaterThan(6.5);
    const byCell = new Map(ranked.map((r) => [r.cell, r]));
    expect(byCell.get(A)!.score).toBeCloseTo(6 / cellArea(A, 'km2'), 9);
    expect(byCell.get(B)!.score).toBeCloseTo((6 / cellArea(B, 'km2')) * 0.5, 9);
    expect(byCell.get(C)!.score).toBeCloseTo((10 / cellArea(C, 'km2')) * 0.8 * 0.5, 9);
    expect(byCell.get(E)!.score).toBeCloseTo(14 / cellArea(E, 'km2'), 9);
    expect(byCell.get(C)!.areaKm2).toBeCloseTo(cellArea(C, 'km2'), 12);
    expect(byCell.get(C)!.incidentsPerKm2).toBeCloseTo(10 / cellArea(C, 'km2'), 9);
    expect(byCell.has(D)).toBe(false);
    expect(byCell.get(B)!.hoursSinceLastPatrol).toBe(30);
  });

  it('explains each cell with structured reasons', () => {
    const byCell = new Map(rankPatrolGaps(cells).map((r) => [r.cell, r.reasons]));
    // A: never patrolled in the band, no camera, 2 cameras down.
    expect(byCell.get(A)).toEqual([
      { code: 'incidents', value: 6 },
      { code: 'no_patrol', value: 0 },
      { code: 'no_camera', value: 0 },
      { code: 'cameras_offline', value: 2 },
    ]);
    // B: patrolled half the days (≥ 0.3: no patrol reason), no camera.
    expect(byCell.get(B)).toEqual([{ code: 'incidents', value: 6 }, { code: 'no_camera', value: 0 }]);
    // C: patrolled 20% of days (< 0.3: rare), half in camera view (≥ 0.1: no camera reason).
    expect(byCell.get(C)).toEqual([{ code: 'incidents', value: 10 }, { code: 'rare_patrol', value: 0.2 }]);
  });

  it('places the thresholds exactly: 0.3 is not rare, 0.1 is a camera', () => {
    const [r] = rankPatrolGaps([input(A, 1, 0.3, 0.1)]);
    expect(r!.reasons).toEqual([{ code: 'incidents', value: 1 }]);
    const [s] = rankPatrolGaps([input(A, 1, 0.29, 0.09)]);
    expect(s!.reasons.map((x) => x.code)).toEqual(['incidents', 'rare_patrol', 'no_camera']);
  });

  it('breaks equal scores by incidents, then by cell id', () => {
    // Full camera coverage or daily patrol makes every score 0: a three-way tie.
    const ids = [A, B, C].sort();
    const ranked = rankPatrolGaps([input(ids[2]!, 3, 0, 1), input(ids[1]!, 5, 1, 0), input(ids[0]!, 3, 0, 1)]);
    expect(ranked.map((r) => r.score)).toEqual([0, 0, 0]);
    expect(ranked.map((r) => r.cell)).toEqual([ids[1], ids[0], ids[2]]);
  });

  it('honours the limit after ranking', () => {
    const ranked = rankPatrolGaps(cells, { limit: 2 });
    expect(ranked.map((r) => [r.cell, r.rank])).toEqual([[A, 1], [C, 2]]);
    expect(rankPatrolGaps(cells, { limit: 0 })).toEqual([]);
    expect(rankPatrolGaps([])).toEqual([]);
  });

  it('refuses coverage outside 0..1 and a bad limit', () => {
    expect(() => rankPatrolGaps([input(A, 1, 1.5, 0)])).toThrow(RangeError);
    expect(() => rankPatrolGaps([input(A, 1, 0, Number.NaN)])).toThrow(RangeError);
    expect(() => rankPatrolGaps(cells, { limit: -1 })).toThrow(RangeError);
    expect(() => rankPatrolGaps(cells, { limit: 1.5 })).toThrow(RangeError);
  });

  it('mixes resolutions fairly: the same density scores the same', () => {
    // 7 res-9 children-worth of incidents in the res-8 parent vs 1 in one child: nearly equal
    // density (a parent's area is ≈ 7 × a child's, not exactly), so the scores agree within 5%.
    const parent = cellToParent(A, 8);
    const [p, c] = [rankPatrolGaps([input(parent, 7, 0, 0)])[0]!, rankPatrolGaps([input(A, 1, 0, 0)])[0]!];
    expect(Math.abs(p.score - c.score) / c.score).toBeLessThan(0.05);
  });
});

describe('hourBandContains', () => {
  it('handles a plain band [from, to)', () => {
    const day = { from: 8, to: 18 };
    expect([7, 8, 12, 17, 17.99, 18, 23].map((h) => hourBandContains(h, day))).toEqual([false, true, true, true, true, false, false]);
  });

  it('wraps past midnight when from > to', () => {
    const night = { from: 22, to: 6 };
    expect([21, 22, 23, 0, 3, 5, 6, 12].map((h) => hourBandContains(h, night))).toEqual([false, true, true, true, true, true, false, false]);
    expect(hourBandContains(1.5, { from: 18, to: 2 })).toBe(true);
  });

  it('treats from = to, and 0–24, as the whole day; 24 as midnight', () => {
    for (const h of [0, 5, 13, 23]) {
      expect(hourBandContains(h, { from: 0, to: 0 })).toBe(true);
      expect(hourBandContains(h, { from: 7, to: 7 })).toBe(true);
      expect(hourBandContains(h, { from: 0, to: 24 })).toBe(true);
    }
    expect(hourBandContains(23, { from: 6, to: 24 })).toBe(true);
    expect(hourBandContains(5, { from: 6, to: 24 })).toBe(false);
  });

  it('refuses hours outside [0, 24)', () => {
    expect(() => hourBandContains(24, { from: 0, to: 6 })).toThrow(RangeError);
    expect(() => hourBandContains(-1, { from: 0, to: 6 })).toThrow(RangeError);
    expect(() => hourBandContains(3, { from: 0, to: 25 })).toThrow(RangeError);
  });
});
