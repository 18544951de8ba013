import type { MultiPolygon, Polygon } from 'geojson';
import { cellsToMultiPolygon, cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  coverageShare,
  evaluatePatrolCompliance,
  gridCells,
  isoWeekLabel,
  mergeOverlappingPieces,
  preparePolygon,
  secondsWithinLocalWindow,
  splitPiecesByLocalDay,
  cellsAlongTracks,
  trackCellVisits,
  tracksCellVisits,
  trackPiecesInPolygon,
  visitedCells,
  type RuleResult,
  type TrackPiece,
} from '../../geo/patrol-coverage.js';
import { localToUtcMs } from '../../geo/local-time.js';

const R = 6371008.8;
const DEG = Math.PI / 180;
/** Metres of `dLonDeg` along the parallel at `latDeg` (equals the haversine to < 1 µm at these sizes). */
const alongParallel = (latDeg: number, dLonDeg: number): number => R * Math.cos(latDeg * DEG) * dLonDeg * DEG;
/** Metres of `dLatDeg` along a meridian (the haversine is exact there). */
const alongMeridian = (dLatDeg: number): number => R * dLatDeg * DEG;

/** Epoch seconds of a local (Asia/Shanghai) wall-clock time. */
const at = (date: string, hour: number, minute = 0, second = 0): number => localToUtcMs(date, hour, minute, second) / 1000;

const rect = (w: number, s: number, e: number, n: number): number[][] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];

/** Grid square 0.01° × 0.01° near Zhuji: lon 120.30–120.31, lat 29.70–29.71. */
const square: Polygon = { type: 'Polygon', coordinates: [rect(120.3, 29.7, 120.31, 29.71)] };
const T0 = at('2026-11-18', 9); // Wednesday 09:00 local

describe('trackPiecesInPolygon', () => {
  it('cuts a straight out-and-back track into two pieces with exact times', () => {
    // Along lat 29.705 at 0.00001°/s: 120.295 → 120.315 in 2000 s, then back in 2000 s.
    // In at 120.300 (0.005° = 500 s), out at 120.310 (1500 s); back in at 120.310 (2000 + 500 s),
    // out at 120.300 (2000 + 1500 s). Each piece is 0.01° of the parallel.
    const track = [
      [120.295, 29.705, T0],
      [120.315, 29.705, T0 + 2000],
      [120.295, 29.705, T0 + 4000],
    ];
    const pieces = trackPiecesInPolygon(track, square);
    expect(pieces).toHaveLength(2);
    expect(pieces[0]!.start).toBeCloseTo(T0 + 500, 4);
    expect(pieces[0]!.end).toBeCloseTo(T0 + 1500, 4);
    expect(pieces[1]!.start).toBeCloseTo(T0 + 2500, 4);
    expect(pieces[1]!.end).toBeCloseTo(T0 + 3500, 4);
    expect(pieces[0]!.meters).toBeCloseTo(alongParallel(29.705, 0.01), 3);
    expect(pieces[1]!.meters).toBeCloseTo(alongParallel(29.705, 0.01), 3);
  });

  it('gives one piece for a track entirely inside, merged across vertices, standing still included', () => {
    // East 0.006° at lat 29.702, north 0.006°, then 600 s standing still: one piece T0 … T0+1800.
    const track = [
      [120.302, 29.702, T0],
      [120.308, 29.702, T0 + 600],
      [120.308, 29.708, T0 + 1200],
      [120.308, 29.708, T0 + 1800],
    ];
    const pieces = trackPiecesInPolygon(track, square);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.start).toBe(T0);
    expect(pieces[0]!.end).toBe(T0 + 1800);
    expect(pieces[0]!.meters).toBeCloseTo(alongParallel(29.702, 0.006) + alongMeridian(0.006), 2);
  });

  it('counts running along the boundary as inside, but not touching it at one point', () => {
    // On the line of the south edge (lat 29.70) from 120.29 to 120.32 in 3000 s: on the edge from
    // 120.30 (1000 s) to 120.31 (2000 s).
    const along = trackPiecesInPolygon(
      [
        [120.29, 29.7, T0],
        [120.32, 29.7, T0 + 3000],
      ],
      square,
    );
    expect(along).toHaveLength(1);
    expect(along[0]!.start).toBeCloseTo(T0 + 1000, 4);
    expect(along[0]!.end).toBeCloseTo(T0 + 2000, 4);
    expect(along[0]!.meters).toBeCloseTo(alongParallel(29.7, 0.01), 3);

    // From outside to the south-west corner and back out: a single point, no time inside.
    const corner = [
      [120.29, 29.69, T0],
      [120.3, 29.7, T0 + 100],
      [120.29, 29.71, T0 + 200],
    ];
    expect(trackPiecesInPolygon(corner, square)).toEqual([]);
    // From the south up to the middle of the south edge and back down.
    const bounce = [
      [120.305, 29.69, T0],
      [120.305, 29.7, T0 + 100],
      [120.306, 29.69, T0 + 200],
    ];
    expect(trackPiecesInPolygon(bounce, square)).toEqual([]);
    // Up to the south edge, standing on it for 600 s, back down: the 600 s on the boundary count.
    const standOnEdge = [
      [120.305, 29.69, T0],
      [120.305, 29.7, T0 + 100],
      [120.305, 29.7, T0 + 700],
      [120.305, 29.69, T0 + 800],
    ];
    expect(trackPiecesInPolygon(standOnEdge, square)).toEqual([{ start: T0 + 100, end: T0 + 700, meters: 0 }]);
  });

  it('handles a track through two opposite corners (polygon vertices on the track)', () => {
    // Diagonal 120.295/29.695 → 120.315/29.715 in 2000 s: inside from corner to corner, 500 … 1500 s.
    const pieces = trackPiecesInPolygon(
      [
        [120.295, 29.695, T0],
        [120.315, 29.715, T0 + 2000],
      ],
      square,
    );
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.start).toBeCloseTo(T0 + 500, 4);
    expect(pieces[0]!.end).toBeCloseTo(T0 + 1500, 4);
  });

  it('leaves a grid through its hole and re-enters', () => {
    // Hole lon 120.303–120.307, lat 29.703–29.707. Along lat 29.705 from 120.295 at 0.00001°/s:
    // inside 120.300–120.303 (500–800 s) and 120.307–120.310 (1200–1500 s).
    const holed: Polygon = { type: 'Polygon', coordinates: [rect(120.3, 29.7, 120.31, 29.71), rect(120.303, 29.703, 120.307, 29.707)] };
    const pieces = trackPiecesInPolygon(
      [
        [120.295, 29.705, T0],
        [120.315, 29.705, T0 + 2000],
      ],
      holed,
    );
    expect(pieces.map((p) => [p.start - T0, p.end - T0])).toEqual([
      [expect.closeTo(500, 4), expect.closeTo(800, 4)],
      [expect.closeTo(1200, 4), expect.closeTo(1500, 4)],
    ]);
    const prepared = preparePolygon(holed);
    expect(prepared.contains(120.305, 29.705)).toBe(false); // in the hole
    expect(prepared.contains(120.303, 29.705)).toBe(true); // on the hole's edge
    expect(prepared.contains(120.301, 29.705)).toBe(true);
    expect(prepared.contains(120.311, 29.705)).toBe(false);
  });

  it('handles a MultiPolygon grid', () => {
    // Two squares lon 120.30–120.31 and 120.32–120.33; track 120.295 → 120.335 in 4000 s.
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[rect(120.3, 29.7, 120.31, 29.71)], [rect(120.32, 29.7, 120.33, 29.71)]],
    };
    const pieces = trackPiecesInPolygon(
      [
        [120.295, 29.705, T0],
        [120.335, 29.705, T0 + 4000],
      ],
      preparePolygon(multi),
    );
    expect(pieces.map((p) => [p.start - T0, p.end - T0])).toEqual([
      [expect.closeTo(500, 4), expect.closeTo(1500, 4)],
      [expect.closeTo(2500, 4), expect.closeTo(3500, 4)],
    ]);
  });

  it('treats a vertex with a missing value as a gap, and short tracks as nothing', () => {
    const pieces = trackPiecesInPolygon(
      [
        [120.302, 29.705, T0],
        [120.304, 29.705, T0 + 100],
        [NaN, NaN, T0 + 200],
        [120.306, 29.705, T0 + 300],
        [120.308, 29.705, T0 + 400],
      ],
      square,
    );
    expect(pieces.map((p) => [p.start - T0, p.end - T0])).toEqual([
      [0, 100],
      [300, 400],
    ]);
    expect(trackPiecesInPolygon([], square)).toEqual([]);
    expect(trackPiecesInPolygon([[120.305, 29.705, T0]], square)).toEqual([]);
  });

  it('agrees with dense sampling on a concave grid (a prepared polygon reused)', () => {
    // An L-shaped grid: the square minus its north-east quarter. A zig-zag track; each segment is
    // sampled 2000 times and the samples inside counted — the pieces must give the same time.
    const ell: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [120.3, 29.7],
          [120.31, 29.7],
          [120.31, 29.705],
          [120.305, 29.705],
          [120.305, 29.71],
          [120.3, 29.71],
          [120.3, 29.7],
        ],
      ],
    };
    const prepared = preparePolygon(ell);
    const track = [
      [120.298, 29.701, T0],
      [120.312, 29.709, T0 + 700],
      [120.301, 29.707, T0 + 1000],
      [120.309, 29.703, T0 + 1300],
      [120.306, 29.712, T0 + 1900],
    ];
    const pieces = trackPiecesInPolygon(track, prepared);
    const total = pieces.reduce((s, p) => s + p.end - p.start, 0);
    let sampled = 0;
    const inside = (x: number, y: number): boolean =>
      x >= 120.3 && y >= 29.7 && y <= 29.71 && x <= 120.31 && !(x > 120.305 && y > 29.705);
    for (let i = 0; i + 1 < track.length; i++) {
      const [x0, y0, t0] = track[i]! as [number, number, number];
      const [x1, y1, t1] = track[i + 1]! as [number, number, number];
      for (let k = 0; k < 2000; k++) {
        const f = (k + 0.5) / 2000;
        if (inside(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)) sampled += (t1 - t0) / 2000;
      }
    }
    expect(Math.abs(total - sampled)).toBeLessThan(1.5); // sampling error ≤ ~1 sample (≤ 0.35 s) per crossing
    expect(trackPiecesInPolygon(track, ell)).toEqual(pieces);
  });
});

describe('splitPiecesByLocalDay and secondsWithinLocalWindow', () => {
  it('splits at local midnight: 23:00–01:00 gives 3600 s on each date, metres halved', () => {
    const pieces: TrackPiece[] = [{ start: at('2026-11-18', 23), end: at('2026-11-19', 1), meters: 2000 }];
    expect(splitPiecesByLocalDay(pieces)).toEqual([
      { date: '2026-11-18', seconds: 3600, amSeconds: 0, pmSeconds: 3600, meters: 1000 },
      { date: '2026-11-19', seconds: 3600, amSeconds: 3600, pmSeconds: 0, meters: 1000 },
    ]);
  });

  it('splits at noon into am and pm, metres in proportion to time', () => {
    // 11:30–12:45: 1800 s am, 2700 s pm; 750 m → 300 m + 450 m.
    const days = splitPiecesByLocalDay([{ start: at('2026-11-18', 11, 30), end: at('2026-11-18', 12, 45), meters: 750 }]);
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({ date: '2026-11-18', seconds: 4500, amSeconds: 1800, pmSeconds: 2700 });
    expect(days[0]!.meters).toBeCloseTo(750, 9);
  });

  it('splits a track clipped by the grid across midnight', () => {
    // Inside the square from 23:00 to 01:00 local, 0.006° east at lat 29.705 at constant speed.
    const track = [
      [120.302, 29.705, at('2026-11-18', 23)],
      [120.308, 29.705, at('2026-11-19', 1)],
    ];
    const days = splitPiecesByLocalDay(trackPiecesInPolygon(track, square));
    expect(days.map((d) => [d.date, d.seconds])).toEqual([
      ['2026-11-18', 3600],
      ['2026-11-19', 3600],
    ]);
    expect(days[0]!.meters).toBeCloseTo(alongParallel(29.705, 0.003), 3);
  });

  it('sums patrol inside a local window, including one past midnight', () => {
    const pieces: TrackPiece[] = [
      { start: at('2026-11-18', 7, 30), end: at('2026-11-18', 8, 30), meters: 0 }, // 1800 s within 08–09
      { start: at('2026-11-18', 8, 45), end: at('2026-11-18', 9, 30), meters: 0 }, // 900 s within
      { start: at('2026-11-18', 23), end: at('2026-11-19', 1), meters: 0 },
    ];
    expect(secondsWithinLocalWindow(pieces, '2026-11-18', '08:00', '09:00')).toBe(2700);
    // 22:00–02:00 runs into the 19th and holds the whole 2 h night piece.
    expect(secondsWithinLocalWindow(pieces, '2026-11-18', '22:00', '02:00')).toBe(7200);
    expect(secondsWithinLocalWindow(pieces, '2026-11-18', '12:00', '24:00')).toBe(3600);
    expect(() => secondsWithinLocalWindow(pieces, '2026-11-18', '8:00', '09:00')).toThrow(RangeError);
  });

  it('merges overlapping pieces of two workers', () => {
    const merged = mergeOverlappingPieces([
      { start: 100, end: 200, meters: 5 },
      { start: 0, end: 150, meters: 7 },
      { start: 300, end: 400, meters: 1 },
    ]);
    expect(merged).toEqual([
      { start: 0, end: 200, meters: 12 },
      { start: 300, end: 400, meters: 1 },
    ]);
  });
});

describe('isoWeekLabel', () => {
  it('labels weeks by the year of their Thursday', () => {
    // 2026-01-01 is a Thursday, so W01 starts Mon 2025-12-29; Mon 2026-11-16 is day 320, its
    // Thursday day 323 → week ceil(323/7) = 47.
    expect(isoWeekLabel('2026-11-16')).toBe('2026-W47');
    expect(isoWeekLabel('2026-11-22')).toBe('2026-W47');
    expect(isoWeekLabel('2026-11-23')).toBe('2026-W48');
    // Fri 2027-01-01: its Thursday is 2026-12-31 → 2026's 53rd week (2026 starts on a Thursday).
    expect(isoWeekLabel('2027-01-01')).toBe('2026-W53');
    // Mon 2024-12-30: its Thursday is 2025-01-02 → 2025-W01.
    expect(isoWeekLabel('2024-12-30')).toBe('2025-W01');
  });
});

/** A piece on a local date from `fromHour` to `toHour` (fractional hours allowed). */
const patrol = (date: string, fromHour: number, toHour: number): TrackPiece => ({
  start: at(date, 0) + fromHour * 3600,
  end: at(date, 0) + toHour * 3600,
  meters: 0,
});
const ruleOf = (rules: RuleResult[], name: RuleResult['rule'], period?: string): RuleResult => {
  const r = rules.find((x) => x.rule === name && (period === undefined || x.period === period));
  if (!r) throw new Error(`no ${name} ${period ?? ''}`);
  return r;
};
// ISO week 2026-W47: Monday 2026-11-16 … Sunday 2026-11-22.
const W47 = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'] as const;

describe('evaluatePatrolCompliance', () => {
  it('class A: 5 days × 4 h is compliant; 4 days is 1 day short', () => {
    const five = W47.slice(0, 5).map((d) => patrol(d, 8, 12));
    const ok = evaluatePatrolCompliance({ gridClass: 'A', schedule: null, from: W47[0], to: W47[6], pieces: five });
    expect(ok.rules).toHaveLength(2);
    expect(ruleOf(ok.rules, 'class_a_days')).toEqual({
      rule: 'class_a_days',
      period: '2026-W47',
      required: 5,
      actual: 5,
      shortfall: 0,
      unit: 'days',
      met: true,
    });
    // 20 h over 7 days = 2.857 h a day ≥ 2 h.
    expect(ruleOf(ok.rules, 'daily_mean_2h').actual).toBeCloseTo(20 / 7, 9);
    expect(ok.compliant).toBe(true);

    const four = evaluatePatrolCompliance({ gridClass: 'A', schedule: null, from: W47[0], to: W47[6], pieces: five.slice(0, 4) });
    expect(ruleOf(four.rules, 'class_a_days')).toMatchObject({ required: 5, actual: 4, shortfall: 1, met: false });
    expect(ruleOf(four.rules, 'daily_mean_2h').met).toBe(true); // 16/7 = 2.29 h
    expect(four.compliant).toBe(false);
  });

  it('class A: a 3.9 h day does not count (4 days of 5 qualify)', () => {
    const pieces = [...W47.slice(0, 4).map((d) => patrol(d, 8, 12)), patrol(W47[4], 8, 11.9)];
    const result = evaluatePatrolCompliance({ gridClass: 'A', schedule: null, from: W47[0], to: W47[6], pieces });
    expect(ruleOf(result.rules, 'class_a_days')).toMatchObject({ required: 5, actual: 4, shortfall: 1, met: false });
    // All five days at 3.9 h: none qualifies.
    const short = W47.slice(0, 5).map((d) => patrol(d, 8, 11.9));
    expect(ruleOf(evaluatePatrolCompliance({ gridClass: 'A', schedule: null, from: W47[0], to: W47[6], pieces: short }).rules, 'class_a_days')).toMatchObject({
      actual: 0,
      shortfall: 5,
    });
  });

  it('class A: two workers at the same time count once (08–10 and 09–12 make 4 h)', () => {
    const pieces = [...W47.slice(0, 4).map((d) => patrol(d, 8, 12)), patrol(W47[4], 8, 10), patrol(W47[4], 9, 12)];
    const result = evaluatePatrolCompliance({ gridClass: 'A', schedule: null, from: W47[0], to: W47[6], pieces });
    expect(ruleOf(result.rules, 'class_a_days')).toMatchObject({ actual: 5, met: true });
    // Union 20 h, not 21 h.
    expect(ruleOf(result.rules, 'daily_mean_2h').actual).toBeCloseTo(20 / 7, 9);
  });

  it('class B: 2 h am and 2 h pm of one day are two half-days; 1.9 h or 1 h + 1 h across noon are none', () => {
    const base = [
      patrol(W47[0], 8, 10), // Mon am: 2 h → 1
      patrol(W47[0], 13, 15), // Mon pm: 2 h → 1
      patrol(W47[2], 8, 9.9), // Wed am: 1.9 h → 0
      patrol(W47[4], 11, 13), // Fri 1 h am + 1 h pm → 0
    ];
    const three = evaluatePatrolCompliance({ gridClass: 'B', schedule: null, from: W47[0], to: W47[6], pieces: [...base, patrol(W47[3], 14, 16)] });
    expect(ruleOf(three.rules, 'class_b_half_days')).toEqual({
      rule: 'class_b_half_days',
      period: '2026-W47',
      required: 3,
      actual: 3,
      shortfall: 0,
      unit: 'half_days',
      met: true,
    });
    // Total 2+2+1.9+2+2 = 9.9 h over 7 days = 1.414 h a day: short of 2 h by 0.586 h.
    const mean = ruleOf(three.rules, 'daily_mean_2h');
    expect(mean.actual).toBeCloseTo(9.9 / 7, 9);
    expect(mean.shortfall).toBeCloseTo(2 - 9.9 / 7, 9);
    expect(three.compliant).toBe(false);

    const two = evaluatePatrolCompliance({ gridClass: 'B', schedule: null, from: W47[0], to: W47[6], pieces: [...base, patrol(W47[3], 14, 15.9)] });
    expect(ruleOf(two.rules, 'class_b_half_days')).toMatchObject({ required: 3, actual: 2, shortfall: 1, met: false });
  });

  it("class C: ≥ 1 h inside the place's hours on every scheduled day", () => {
    // A school, Mon–Fri 07:00–09:00. Mon, Tue, Thu, Fri 07:30–08:30 (1 h inside); Wed 09:00–10:00
    // (after hours: 0); Sat 07:30–08:30 (not a scheduled day). 4 of 5.
    const schedule = { days: [1, 2, 3, 4, 5], from: '07:00', to: '09:00' };
    const pieces = [W47[0], W47[1], W47[3], W47[4], W47[5]].map((d) => patrol(d, 7.5, 8.5));
    pieces.push(patrol(W47[2], 9, 10));
    const result = evaluatePatrolCompliance({ gridClass: 'C', schedule, from: W47[0], to: W47[6], pieces });
    expect(ruleOf(result.rules, 'class_c_schedule')).toEqual({
      rule: 'class_c_schedule',
      period: '2026-W47',
      required: 5,
      actual: 4,
      shortfall: 1,
      unit: 'days',
      met: false,
    });
    // 6 pieces × 1 h = 6 h over 7 days = 0.857 h a day.
    expect(ruleOf(result.rules, 'daily_mean_2h').actual).toBeCloseTo(6 / 7, 9);
  });

  it('class C without a schedule: every day 08:00–18:00', () => {
    // 12:00–13:00 on Mon–Sat, nothing on Sunday: 6 of 7 days.
    const pieces = W47.slice(0, 6).map((d) => patrol(d, 12, 13));
    const result = evaluatePatrolCompliance({ gridClass: 'C', schedule: null, from: W47[0], to: W47[6], pieces });
    expect(ruleOf(result.rules, 'class_c_schedule')).toMatchObject({ required: 7, actual: 6, shortfall: 1, met: false });
    // Early-morning patrol (06:00–07:30) is outside the default hours.
    const early = W47.map((d) => patrol(d, 6, 7.5));
    expect(ruleOf(evaluatePatrolCompliance({ gridClass: 'C', schedule: null, from: W47[0], to: W47[6], pieces: early }).rules, 'class_c_schedule').actual).toBe(0);
  });

  it('daily_mean_2h: the shortfall is in hours per day', () => {
    // Two-day window, 1 h on Monday and 2 h on Tuesday: mean 1.5 h, 0.5 h short. Class B in a
    // two-day slice of a week needs ceil(3 × 2/7) = 1 half-day: Tuesday 08–10 gives it.
    const result = evaluatePatrolCompliance({
      gridClass: 'B',
      schedule: null,
      from: W47[0],
      to: W47[1],
      pieces: [patrol(W47[0], 8, 9), patrol(W47[1], 8, 10)],
    });
    expect(ruleOf(result.rules, 'class_b_half_days')).toMatchObject({ required: 1, actual: 1, met: true });
    expect(ruleOf(result.rules, 'daily_mean_2h')).toEqual({
      rule: 'daily_mean_2h',
      period: '2026-11-16/2026-11-17',
      required: 2,
      actual: 1.5,
      shortfall: 0.5,
      unit: 'hours',
      met: false,
    });
    expect(result.compliant).toBe(false);
  });

  it('pro-rates weeks only partly inside the window', () => {
    // Window Wed 2026-11-18 … Tue 2026-11-24: 5 days of W47 → ceil(5 × 5/7) = ceil(3.57) = 4 days;
    // 2 days of W48 → ceil(5 × 2/7) = ceil(1.43) = 2 days.
    const pieces = ['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-23'].map((d) => patrol(d, 8, 12));
    const result = evaluatePatrolCompliance({ gridClass: 'A', schedule: null, from: '2026-11-18', to: '2026-11-24', pieces });
    expect(ruleOf(result.rules, 'class_a_days', '2026-W47')).toMatchObject({ required: 4, actual: 4, shortfall: 0, met: true });
    expect(ruleOf(result.rules, 'class_a_days', '2026-W48')).toMatchObject({ required: 2, actual: 1, shortfall: 1, met: false });
    // Patrol before the window does not count towards it.
    const withEarlier = evaluatePatrolCompliance({
      gridClass: 'A',
      schedule: null,
      from: '2026-11-18',
      to: '2026-11-24',
      pieces: [...pieces, patrol('2026-11-17', 8, 12)],
    });
    expect(ruleOf(withEarlier.rules, 'daily_mean_2h').actual).toBeCloseTo(20 / 7, 9);
    // Class B in the same window: ceil(3 × 5/7) = 3 and ceil(3 × 2/7) = 1 half-days.
    const b = evaluatePatrolCompliance({ gridClass: 'B', schedule: null, from: '2026-11-18', to: '2026-11-24', pieces });
    expect(b.rules.map((r) => [r.period, r.required])).toEqual([
      ['2026-W47', 3],
      ['2026-W48', 1],
      ['2026-11-18/2026-11-24', 2],
    ]);
  });

  it('rejects a malformed or reversed window', () => {
    expect(() => evaluatePatrolCompliance({ gridClass: 'A', schedule: null, from: '2026-11-20', to: '2026-11-16', pieces: [] })).toThrow(RangeError);
    expect(() => evaluatePatrolCompliance({ gridClass: 'A', schedule: null, from: '20261116', to: '2026-11-20', pieces: [] })).toThrow(RangeError);
  });
});

describe('H3 coverage', () => {
  // Cell X at res 10 and its ring of six neighbours; the grid is the outline of those 7 cells, so
  // (centre containment) its cells are exactly those 7.
  const X = latLngToCell(29.705, 120.305, 10);
  const flower = gridDisk(X, 1);
  const outline = cellsToMultiPolygon(flower, true);
  const flowerGrid: Polygon = { type: 'Polygon', coordinates: outline[0]! };
  const N = flower.find((c) => c !== X)!;
  const [xLat, xLon] = cellToLatLng(X);
  const [nLat, nLon] = cellToLatLng(N);

  it('grid cells are the cells whose centre is inside', () => {
    expect(outline).toHaveLength(1);
    expect(new Set(gridCells(flowerGrid, 10))).toEqual(new Set(flower));
  });

  it('a grid too small for any cell centre gets the cell of an interior point', () => {
    // A ~10 m square about 30 m north of X's centre: no cell centre inside, all of it inside X
    // (a res-10 cell's inradius is ≈ 65 m).
    const dLat = 30 / 111195;
    const d = 5 / 111195;
    const tiny: Polygon = { type: 'Polygon', coordinates: [rect(xLon - d, xLat + dLat - d, xLon + d, xLat + dLat + d)] };
    expect(gridCells(tiny, 10)).toEqual([X]);
  });

  it('coverage share: a track from the centre of X to the centre of a neighbour covers 2 of 7', () => {
    // The straight line between two adjacent centres runs only through those two cells.
    const track = [
      [xLon, xLat, T0],
      [nLon, nLat, T0 + 100],
    ];
    const visited = visitedCells(track, 10);
    expect(visited).toEqual(new Set([X, N]));
    expect(coverageShare(visited, gridCells(flowerGrid, 10))).toBeCloseTo(2 / 7, 12);
    expect(coverageShare(visited, [])).toBe(0);
    expect(coverageShare(new Set([X]), [X, X, N])).toBe(0.5); // distinct cells
  });

  it('cellsAlongTracks and tracksCellVisits (the batch forms) see the same cells, in order, with entry times', () => {
    // X's centre → N's centre → back to X, 100 s each way; a second track stays at X's centre.
    const out = [[xLon, xLat, T0], [nLon, nLat, T0 + 100], [xLon, xLat, T0 + 200]];
    const still = [[xLon, xLat, T0 + 500], [xLon, xLat, T0 + 600]];
    expect(cellsAlongTracks([out, still], 10)).toEqual(new Set([X, N]));
    const [a, b] = tracksCellVisits([out, still], 10, 20);
    expect(a!.map((v) => v.cell)).toEqual([X, N, X]);
    // Entries into N and back into X lie within one sample after the midpoint crossings at T0 + 50
    // and T0 + 150: adjacent centres are 100–150 m apart, so 5–8 samples of ≤ 20 s each per leg.
    expect(a![0]!.t).toBe(T0);
    expect(a![1]!.t).toBeGreaterThanOrEqual(T0 + 50 - 1e-6);
    expect(a![1]!.t).toBeLessThanOrEqual(T0 + 50 + 20);
    expect(a![2]!.t).toBeGreaterThanOrEqual(T0 + 150 - 1e-6);
    expect(a![2]!.t).toBeLessThanOrEqual(T0 + 150 + 20);
    expect(b).toEqual([{ cell: X, t: T0 + 500 }]);
    // The same cells as the one-track form.
    expect(a!.map((v) => v.cell)).toEqual(trackCellVisits(out, 10, 20).map((v) => v.cell));
    expect(() => tracksCellVisits([out], 10, 0)).toThrow(RangeError);
  });

  it('visitedCells with the grid polygon ignores samples outside it', () => {
    // From X's centre 3 cell-widths further on through N: leaves the flower.
    const far = [xLon + 3 * (nLon - xLon), xLat + 3 * (nLat - xLat)];
    const track = [
      [xLon, xLat, T0],
      [far[0]!, far[1]!, T0 + 300],
    ];
    const all = visitedCells(track, 10);
    const inside = visitedCells(track, 10, flowerGrid);
    expect([...all].some((c) => !flower.includes(c))).toBe(true);
    expect([...inside].every((c) => flower.includes(c))).toBe(true);
    expect(inside.has(X) && inside.has(N)).toBe(true);
  });

  it('trackCellVisits: one entry per run, re-entry listed again, entry time at the shared edge', () => {
    // Within X (out to 10 % of the way to N and back to 5 %), on to N's centre, stand still, back
    // to X's centre; sampled every 2 m (≈ 1–2 s of travel on a ≈ 131 m centre-to-centre leg).
    // Adjacent centres are symmetric about their shared edge, so the cell changes near the middle
    // of the X–N line.
    const track = [
      [xLon, xLat, T0],
      [xLon + (nLon - xLon) * 0.1, xLat + (nLat - xLat) * 0.1, T0 + 10],
      [xLon + (nLon - xLon) * 0.05, xLat + (nLat - xLat) * 0.05, T0 + 20], // doubling back inside X
      [nLon, nLat, T0 + 100],
      [nLon, nLat, T0 + 130], // standing still in N
      [xLon, xLat, T0 + 230],
    ];
    const visits = trackCellVisits(track, 10, 2);
    expect(visits.map((v) => v.cell)).toEqual([X, N, X]);
    expect(visits[0]!.t).toBe(T0);
    // The third segment runs from fraction 0.05 to 1 in 80 s: the middle (0.5) at T0+20+80×0.45/0.95
    // ≈ T0+57.9; the last runs N → X from T0+130 to T0+230, middle at T0+180.
    expect(Math.abs(visits[1]!.t - (T0 + 20 + (80 * 0.45) / 0.95))).toBeLessThan(5);
    expect(Math.abs(visits[2]!.t - (T0 + 180))).toBeLessThan(5);
    expect(() => trackCellVisits(track, 10, 0)).toThrow(RangeError);
  });

  it('skipping latLngToCell inside the previous hexagon does not change the visits', () => {
    // A 20 000-step random walk of ~3 m steps (many samples close to cell edges), deterministic.
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const track: number[][] = [];
    let x = 120.305;
    let y = 29.705;
    for (let i = 0; i < 20000; i++) {
      track.push([x, y, T0 + i * 2]);
      x += (rnd() - 0.5) * 6e-5;
      y += (rnd() - 0.5) * 6e-5;
    }
    for (const res of [9, 10]) {
      const fast = trackCellVisits(track, res, 1);
      const plain = trackCellVisits(track, res, 1, { reuseCellBoundary: false });
      expect(fast.length).toBeGreaterThan(20);
      expect(fast).toEqual(plain);
    }
  });
});
