import {
  cellToBoundary, cellToLatLng, getHexagonEdgeLengthAvg, getIcosahedronFaces, getPentagons, gridDisk, gridDistance,
  latLngToCell, polygonToCells,
} from 'h3-js';
import type { MultiPolygon, Polygon } from 'geojson';
import { errorFunction } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  HOTSPOT_RESOLUTIONS, binIncidents, binIncidentsFlat, confidenceBin, countByCell, erfc, getisOrdGiStar,
  hexResolutionForZoom, studyAreaCells, twoSidedPValue,
} from '../../geo/hotspots.js';
import { seededRandom as rng } from '../../api/demo/random.js';


function box(west: number, south: number, east: number, north: number): Polygon {
  return { type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] };
}

/** A box of about `km` × `km` centred on (lat, lon). */
function boxAround(lat: number, lon: number, km: number): Polygon {
  const dLat = km / 2 / 111.32;
  const dLon = km / 2 / (111.32 * Math.cos((lat * Math.PI) / 180));
  return box(lon - dLon, lat - dLat, lon + dLon, lat + dLat);
}

/** Reference cell counts: one latLngToCell per point. */
function naiveCounts(lonLat: ArrayLike<number>, res: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < lonLat.length / 2; i++) {
    const c = latLngToCell(lonLat[2 * i + 1]!, lonLat[2 * i]!, res);
    m.set(c, (m.get(c) ?? 0) + 1);
  }
  return m;
}

function sortedEntries<V>(m: Map<string, V>): [string, V][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * Gi* straight from the published formula (Ord & Getis 1995, as in ArcGIS), independent of the
 * module: an explicit n × n binary weight matrix w_ij = 1 when gridDistance(i, j) ≤ ring (so
 * w_ii = 1), X̄ = Σx/n, S = √(Σx²/n − X̄²), and
 * Gi* = (Σ_j w_ij x_j − X̄ Σ_j w_ij) / (S √[(n Σ_j w_ij² − (Σ_j w_ij)²)/(n − 1)]).
 */
function referenceGiStar(cells: string[], x: number[], ring: number): number[] {
  const n = cells.length;
  const w: number[][] = [];
  for (let i = 0; i < n; i++) {
    w.push([]);
    for (let j = 0; j < n; j++) w[i]!.push(gridDistance(cells[i]!, cells[j]!) <= ring ? 1 : 0);
  }
  let sx = 0;
  let sxx = 0;
  for (let j = 0; j < n; j++) {
    sx += x[j]!;
    sxx += x[j]! * x[j]!;
  }
  const mean = sx / n;
  const S = Math.sqrt(sxx / n - mean * mean);
  const z: number[] = [];
  for (let i = 0; i < n; i++) {
    let swx = 0;
    let sw = 0;
    let sww = 0;
    for (let j = 0; j < n; j++) {
      swx += w[i]![j]! * x[j]!;
      sw += w[i]![j]!;
      sww += w[i]![j]! * w[i]![j]!;
    }
    z.push((swx - mean * sw) / (S * Math.sqrt((n * sww - sw * sw) / (n - 1))));
  }
  return z;
}

/** Gi* with neighbours from gridDisk per cell and the two-pass formula: the check for the lattice shortcut. */
function gridDiskGiStar(cells: string[], values: Map<string, number>, ring: number): { k: number[]; z: number[] } {
  const n = cells.length;
  const ids = new Map(cells.map((c, i) => [c, i]));
  const x = cells.map((c) => values.get(c) ?? 0);
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const S = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const k: number[] = [];
  const z: number[] = [];
  for (const c of cells) {
    let kk = 0;
    let sum = 0;
    for (const nb of gridDisk(c, ring)) {
      const j = ids.get(nb);
      if (j === undefined) continue;
      kk++;
      sum += x[j]! - mean;
    }
    k.push(kk);
    const v = (n * kk - kk * kk) / (n - 1);
    z.push(v > 0 ? sum / (S * Math.sqrt(v)) : 0);
  }
  return { k, z };
}

/**
 * A point on the edge between icosahedron faces 0 and 4 (adjacent): the midpoint of the arc between
 * their centres (H3's faceCenterGeo, radians), which by symmetry lies on the shared edge.
 */
const FACE_EDGE: [number, number] = (() => {
  const toVec = (lat: number, lon: number) => [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
  const a = toVec(0.803582649718989942, 1.248397419617396099);
  const b = toVec(0.491715428198773866, 0.401988202911306943);
  const m = [a[0]! + b[0]!, a[1]! + b[1]!, a[2]! + b[2]!];
  return [(Math.atan2(m[2]!, Math.hypot(m[0]!, m[1]!)) * 180) / Math.PI, (Math.atan2(m[1]!, m[0]!) * 180) / Math.PI];
})();

// The demo county (DESIGN.md): around 120.3° E 29.7° N.
const CENTRE = latLngToCell(29.7, 120.3, 9);
const RING1 = gridDisk(CENTRE, 1).filter((c) => c !== CENTRE);
const RING2 = gridDisk(CENTRE, 2).filter((c) => gridDistance(CENTRE, c) === 2);
const DISK2 = [CENTRE, ...RING1, ...RING2];

describe('hexResolutionForZoom', () => {
  it('maps integer zooms as derived in the module comment', () => {
    // Thresholds 9.21, 10.62, 12.02, 13.42 (MapLibre zoom, 512-px world at z 0).
    const expected: [number, number][] = [[0, 6], [8, 6], [9, 6], [10, 7], [11, 8], [12, 8], [13, 9], [14, 10], [15, 10], [22, 10]];
    for (const [z, r] of expected) expect(hexResolutionForZoom(z), `zoom ${z}`).toBe(r);
    expect(hexResolutionForZoom(9.2)).toBe(6);
    expect(hexResolutionForZoom(9.21)).toBe(7);
    expect(hexResolutionForZoom(13.42)).toBe(10);
  });

  it('is non-decreasing and stays inside HOTSPOT_RESOLUTIONS', () => {
    let last = -Infinity;
    for (let z = -2; z <= 24; z += 0.05) {
      const r = hexResolutionForZoom(z);
      expect(HOTSPOT_RESOLUTIONS).toContain(r);
      expect(r).toBeGreaterThanOrEqual(last);
      last = r;
    }
    expect(hexResolutionForZoom(-Infinity)).toBe(6);
    expect(hexResolutionForZoom(Infinity)).toBe(10);
    expect(() => hexResolutionForZoom(NaN)).toThrow(RangeError);
  });

  it('keeps hexagons 20–60 px wide at 30° N from zoom 8 to 14.8', () => {
    // width px = √3·edge / (metres per pixel), metres per pixel = 40 075 016.686·cos 30° / (512·2^z)
    for (let z = 8; z <= 14.8; z += 0.1) {
      const res = hexResolutionForZoom(z);
      const mpp = (40075016.686 * Math.cos(Math.PI / 6)) / (512 * 2 ** z);
      const px = (Math.sqrt(3) * getHexagonEdgeLengthAvg(res, 'm')) / mpp;
      expect(px, `zoom ${z.toFixed(1)} res ${res}`).toBeGreaterThanOrEqual(20);
      expect(px, `zoom ${z.toFixed(1)} res ${res}`).toBeLessThanOrEqual(60);
    }
  });
});

describe('erfc and p-values', () => {
  it('matches tabulated erfc values to 1e-13 relative', () => {
    // erfc(x) = 1 − erf(x); erf(0.5) = 0.5204998778130465, erf(1) = 0.8427007929497149,
    // erfc(2) = 4.677734981047266e-3, erfc(3) = 2.209049699858544e-5, erfc(5) = 1.5374597944280349e-12.
    const table: [number, number][] = [
      [0, 1], [0.1, 0.8875370839817152], [0.5, 0.4795001221869535], [1, 0.15729920705028513],
      [2, 0.004677734981047266], [3, 2.209049699858544e-5], [5, 1.5374597944280349e-12],
    ];
    for (const [x, v] of table) {
      expect(Math.abs(erfc(x) - v) / v, `erfc(${x})`).toBeLessThan(1e-13);
      expect(Math.abs(erfc(-x) - (2 - v)), `erfc(${-x})`).toBeLessThan(1e-15);
    }
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });

  it('gives the textbook two-sided p-values', () => {
    expect(Math.abs(twoSidedPValue(1.96) - 0.05)).toBeLessThan(1e-4);
    expect(Math.abs(twoSidedPValue(2.576) - 0.01)).toBeLessThan(1e-4);
    expect(Math.abs(twoSidedPValue(1.645) - 0.1)).toBeLessThan(1e-4);
    // Φ(1.96) = 0.9750021048517795 → p = 2·(1 − Φ) = 0.049995790296441
    expect(Math.abs(twoSidedPValue(1.96) - 0.049995790296441)).toBeLessThan(1e-13);
    expect(twoSidedPValue(-1.96)).toBe(twoSidedPValue(1.96));
    expect(twoSidedPValue(0)).toBe(1);
  });

  it('bins like ArcGIS: p < 0.01 → ±3, < 0.05 → ±2, < 0.10 → ±1', () => {
    const bin = (z: number) => confidenceBin(z, twoSidedPValue(z));
    // 2.576 → p 0.009995; 2.57 → 0.01017; 1.96 → 0.049996; 1.95 → 0.0512; 1.645 → 0.09997; 1.64 → 0.1010
    expect([bin(2.576), bin(2.57), bin(1.96), bin(1.95), bin(1.645), bin(1.64), bin(0)]).toEqual([3, 2, 2, 1, 1, 0, 0]);
    expect([bin(-2.576), bin(-2.57), bin(-1.96), bin(-1.95), bin(-1.645), bin(-1.64)]).toEqual([-3, -2, -2, -1, -1, 0]);
  });
});

describe('getisOrdGiStar', () => {
  it('matches the published formula computed independently on a 19-cell study area', () => {
    // Study area: the centre, its ring 1 and ring 2 (19 cells). Counts in a few cells.
    const x = DISK2.map(() => 0);
    x[0] = 5; // centre
    x[1] = 3; // a ring-1 cell
    x[2] = 4; // another ring-1 cell
    x[7] = 8; // a ring-2 cell
    x[12] = 1;
    const values = new Map(DISK2.map((c, i) => [c, x[i]!]));
    for (const ring of [1, 2]) {
      const ref = referenceGiStar(DISK2, x, ring);
      const got = getisOrdGiStar(DISK2, values, { ring });
      expect(got.map((g) => g.cell)).toEqual(DISK2);
      for (let i = 0; i < DISK2.length; i++) {
        const g = got[i]!;
        if (ring === 2 && i === 0) {
          // The centre's ring-2 disk is the whole study area: k = n, the formula is 0/0 (or ±rounding/0)
          // → z = 0 by definition.
          expect(Number.isFinite(ref[i]!)).toBe(false);
          expect([g.z, g.p, g.bin, g.neighbours]).toEqual([0, 1, 0, 19]);
          continue;
        }
        expect(Math.abs(g.z - ref[i]!), `ring ${ring} cell ${i}`).toBeLessThan(1e-9);
        // p independently from simple-statistics' erf (accurate to ~1.2e-7).
        expect(Math.abs(g.p - (1 - errorFunction(Math.abs(ref[i]!) / Math.SQRT2)))).toBeLessThan(1e-6);
        expect(g.value).toBe(x[i]);
      }
      if (ring === 1) expect(got[0]!.z).toBeGreaterThan(0); // the busy centre is hotter than average
    }
    // Neighbour counts at ring 1: the centre and every ring-1 cell 7 (their disks lie within ring 2).
    const k = getisOrdGiStar(DISK2, values).map((g) => g.neighbours);
    expect(k.slice(0, 7)).toEqual([7, 7, 7, 7, 7, 7, 7]);
    // Ring-2 cells: 6 "corner" cells see 1 ring-1 cell + 2 ring-2 cells + itself = 4; 6 "edge"
    // cells see 2 ring-1 cells + 2 ring-2 cells + itself = 5.
    expect(k.slice(7).sort()).toEqual([4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5]);
  });

  it('reproduces the worked example: 7 cells, the centre 7, the ring 0', () => {
    // n = 7, x = (7, 0, 0, 0, 0, 0, 0): Σx = 7, X̄ = 1, Σx² = 49, S = √(49/7 − 1²) = √6.
    // A ring cell's disk inside the study area: itself, the centre and its 2 ring neighbours → k = 4
    // (Σw = Σw² = 4), Σ w x = 7. Numerator 7 − 1·4 = 3. Denominator √6 · √((7·4 − 4²)/6) = √6·√2 = √12.
    // Gi* = 3/√12 = √3/2 ≈ 0.866 → p = erfc(0.866/√2) ≈ 0.386, bin 0.
    // The centre's disk is all 7 cells: k = n, numerator 7 − 1·7 = 0, denominator √6·√((49 − 49)/6) = 0:
    // 0/0, which the module defines as z = 0 (the local sum is the global sum: no local information).
    const cells = gridDisk(CENTRE, 1);
    const values = new Map([[CENTRE, 7]]);
    const got = getisOrdGiStar(cells, values);
    for (const g of got) {
      if (g.cell === CENTRE) {
        expect([g.value, g.neighbours, g.z, g.p, g.bin]).toEqual([7, 7, 0, 1, 0]);
      } else {
        expect(g.value).toBe(0);
        expect(g.neighbours).toBe(4);
        expect(g.z).toBeCloseTo(Math.sqrt(3) / 2, 12);
        expect(g.p).toBeCloseTo(0.3864762307712327, 9); // 2·(1 − Φ(0.8660254))
        expect(g.bin).toBe(0);
      }
    }
  });

  it('finds a cold spot: a hole of zeros among high values (and the mirrored hot spot)', () => {
    // 19 cells: centre and ring 1 = 0 (7 cells), ring 2 = 10 (12 cells).
    // X̄ = 120/19; Σx²/n = 1200/19; S² = 1200/19 − 14400/361 = 8400/361, S = √8400/19.
    // Centre: k = 7, Σ w x = 0, numerator = −7·120/19 = −840/19;
    // denominator = (√8400/19)·√((19·7 − 49)/18) = (√8400/19)·√(14/3).
    // Gi* = −840/√(8400·14/3) = −840/√39200 = −840/(140√2) = −3√2 ≈ −4.243 → bin −3.
    const cold = new Map(RING2.map((c) => [c, 10]));
    const coldCentre = getisOrdGiStar(DISK2, cold).find((g) => g.cell === CENTRE)!;
    expect(coldCentre.z).toBeCloseTo(-3 * Math.SQRT2, 12);
    expect(coldCentre.bin).toBe(-3);
    // Mirrored: inner 7 cells = 10, ring 2 = 0. X̄ = 70/19, S² = 700/19 − 4900/361 = 8400/361 again;
    // numerator 70 − 7·70/19 = 840/19 → Gi* = +3√2.
    const hot = new Map([CENTRE, ...RING1].map((c) => [c, 10]));
    const hotCentre = getisOrdGiStar(DISK2, hot).find((g) => g.cell === CENTRE)!;
    expect(hotCentre.z).toBeCloseTo(3 * Math.SQRT2, 12);
    expect(hotCentre.bin).toBe(3);
  });

  it('gives z = 0 everywhere for a uniform field (S = 0), also with rounding-prone values', () => {
    for (const v of [0, 5, 0.1, 1 / 3]) {
      const got = getisOrdGiStar(DISK2, new Map(DISK2.map((c) => [c, v])));
      for (const g of got) expect([g.z, g.p, g.bin]).toEqual([0, 1, 0]);
    }
    // No disputes at all (the empty map): every value 0.
    for (const g of getisOrdGiStar(DISK2, new Map())) expect([g.value, g.z, g.p, g.bin]).toEqual([0, 0, 1, 0]);
  });

  it('handles the degenerate cases: empty and fewer than 3 cells', () => {
    expect(getisOrdGiStar([], new Map())).toEqual([]);
    const two = [CENTRE, RING1[0]!];
    const got = getisOrdGiStar(two, new Map([[CENTRE, 10]]));
    expect(got.map((g) => [g.z, g.p, g.bin, g.neighbours])).toEqual([[0, 1, 0, 2], [0, 1, 0, 2]]);
  });

  it('treats missing values as 0, ignores values outside the study area and duplicate study cells', () => {
    const values = new Map([[CENTRE, 6], [RING2[0]!, 2]]);
    const explicit = new Map(DISK2.map((c) => [c, values.get(c) ?? 0]));
    const base = getisOrdGiStar(DISK2, values);
    expect(getisOrdGiStar(DISK2, explicit)).toEqual(base);
    const outside = latLngToCell(29.9, 120.6, 9);
    expect(DISK2).not.toContain(outside);
    expect(getisOrdGiStar(DISK2, new Map([...values, [outside, 1000]]))).toEqual(base);
    expect(getisOrdGiStar([...DISK2, CENTRE, RING2[3]!], values)).toEqual(base);
    // A ring-3 cell next to the study area is not a neighbour: the edge cells' counts stay 4/5.
    const k = base.map((g) => g.neighbours);
    expect(Math.max(...k.slice(7))).toBe(5);
  });

  it('rejects bad input', () => {
    expect(() => getisOrdGiStar([CENTRE, latLngToCell(29.7, 120.3, 8), RING1[0]!], new Map())).toThrow(RangeError);
    expect(() => getisOrdGiStar(DISK2, new Map(), { ring: -1 })).toThrow(RangeError);
    expect(() => getisOrdGiStar(DISK2, new Map(), { ring: 1.5 })).toThrow(RangeError);
    expect(() => getisOrdGiStar(DISK2, new Map([[CENTRE, NaN]]))).toThrow(RangeError);
    expect(() => getisOrdGiStar(['not-a-cell', 'x', 'y'], new Map())).toThrow();
  });

  it('agrees with per-cell gridDisk neighbours on large areas, near a pentagon and across a face edge', () => {
    // The module reads neighbourhoods off the hex lattice away from face edges; this checks it
    // against gridDisk everywhere, including where it must fall back.
    const random = rng(7);
    const [edgeLat, edgeLon] = FACE_EDGE;
    expect(getIcosahedronFaces(latLngToCell(edgeLat, edgeLon, 7)).length).toBe(2);
    const [pentLat, pentLon] = cellToLatLng(getPentagons(7)[5]!);
    const places: [number, number, number][] = [[29.7, 120.3, 40], [edgeLat, edgeLon, 40], [pentLat, pentLon, 40]];
    for (const [lat, lon, km] of places) {
      for (const ring of [1, 2]) {
        const cells = studyAreaCells([boxAround(lat, lon, km)], 7);
        expect(cells.length).toBeGreaterThan(300);
        const values = new Map(cells.map((c) => [c, random() < 0.3 ? Math.floor(random() * 10) : 0]));
        const got = getisOrdGiStar(cells, values, { ring });
        const ref = gridDiskGiStar(cells, values, ring);
        expect(got.map((g) => g.neighbours)).toEqual(ref.k);
        for (let i = 0; i < cells.length; i++) expect(Math.abs(got[i]!.z - ref.z[i]!)).toBeLessThan(1e-9);
      }
    }
  });
});

describe('studyAreaCells', () => {
  it('gives a polygon too small for any cell centre the cell of an interior point', () => {
    // ~30 m square near the demo county; a res-8 hexagon is ~0.7 km², so no centre falls inside.
    const tiny = box(120.3, 29.7, 120.3003, 29.7003);
    expect(polygonToCells(tiny.coordinates, 8, true)).toEqual([]);
    expect(studyAreaCells([tiny], 8)).toEqual([latLngToCell(29.70015, 120.30015, 8)]);
  });

  it('equals polygonToCells (centre containment, holes respected) and deduplicates overlaps', () => {
    const outer = [[120.2, 29.6], [120.4, 29.6], [120.4, 29.8], [120.2, 29.8], [120.2, 29.6]];
    const hole = [[120.25, 29.65], [120.3, 29.65], [120.3, 29.7], [120.25, 29.7], [120.25, 29.65]];
    const withHole: Polygon = { type: 'Polygon', coordinates: [outer, hole] };
    const expected = polygonToCells([outer, hole], 8, true).sort();
    const got = studyAreaCells([withHole], 8);
    expect([...got].sort()).toEqual(expected);
    expect(new Set(got).size).toBe(got.length);
    const holeCentre = latLngToCell(29.675, 120.275, 8);
    expect(got).not.toContain(holeCentre);
    // Every cell's centre lies in the outer box.
    for (const c of got) {
      const [lat, lon] = cellToLatLng(c);
      expect(lon >= 120.2 && lon <= 120.4 && lat >= 29.6 && lat <= 29.8).toBe(true);
    }
    // The same polygon twice, and a multipolygon with the polygon and a tiny island far away.
    expect([...studyAreaCells([withHole, withHole], 8)].sort()).toEqual(expected);
    const island = [[120.6, 29.9], [120.6003, 29.9], [120.6003, 29.9003], [120.6, 29.9003], [120.6, 29.9]];
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [[outer, hole], [island]] };
    expect([...studyAreaCells([multi], 8)].sort()).toEqual([...expected, latLngToCell(29.90015, 120.60015, 8)].sort());
  });

  it('skips degenerate parts and returns [] for no polygons', () => {
    expect(studyAreaCells([], 8)).toEqual([]);
    expect(studyAreaCells([{ type: 'Polygon', coordinates: [] }, { type: 'Polygon', coordinates: [[[120, 29], [120.1, 29], [120, 29]]] }], 8)).toEqual([]);
  });
});

describe('countByCell and binIncidents', () => {
  const [c0, c1, c2] = [CENTRE, RING1[0]!, RING2[0]!];
  const at = (cell: string) => {
    const [lat, lon] = cellToLatLng(cell);
    return [lon, lat];
  };

  it('counts points per cell, with weights, skipping non-finite rows', () => {
    // 3 points in c0, 2 in c1, 1 in c2, plus one NaN row.
    const pts = [...at(c0), ...at(c0), ...at(c0), ...at(c1), ...at(c1), ...at(c2), NaN, 29.7];
    expect(sortedEntries(countByCell(pts, 9))).toEqual(sortedEntries(new Map([[c0, 3], [c1, 2], [c2, 1]])));
    // Weights: c0 gets 1 + 2 + 0.5 = 3.5, c1 gets 4 + NaN(skipped) = 4, c2 gets 0 (present, weight 0).
    const w = [1, 2, 0.5, 4, NaN, 0, 100];
    expect(sortedEntries(countByCell(pts, 9, w))).toEqual(sortedEntries(new Map([[c0, 3.5], [c1, 4], [c2, 0]])));
    expect(countByCell([], 9).size).toBe(0);
    expect(() => countByCell(pts, 9, [1])).toThrow(RangeError);
    expect(() => countByCell(pts, 16)).toThrow(RangeError);
  });

  it('counts unresolved incidents per cell', () => {
    const items = [
      { p: at(c0), resolved: true }, { p: at(c0), resolved: false }, { p: at(c0), resolved: false },
      { p: at(c1), resolved: true }, { p: at(c2), resolved: false }, { p: [NaN, NaN], resolved: false },
    ].map(({ p, resolved }) => ({ lon: p[0]!, lat: p[1]!, resolved }));
    // c0: 3 disputes, 2 unresolved; c1: 1, 0; c2: 1, 1; the NaN item is skipped.
    const expected = new Map([[c0, { count: 3, unresolved: 2 }], [c1, { count: 1, unresolved: 0 }], [c2, { count: 1, unresolved: 1 }]]);
    expect(sortedEntries(binIncidents(items, 9))).toEqual(sortedEntries(expected));
    const flat = items.flatMap((i) => [i.lon, i.lat]);
    expect(sortedEntries(binIncidentsFlat(flat, items.map((i) => i.resolved), 9))).toEqual(sortedEntries(expected));
    expect(sortedEntries(binIncidentsFlat(flat, items.map((i) => (i.resolved ? 1 : 0)), 9))).toEqual(sortedEntries(expected));
  });

  it('assigns exactly the cell latLngToCell gives: random points worldwide, every resolution', () => {
    const random = rng(1);
    const pts = new Float64Array(2 * 4000);
    for (let i = 0; i < 4000; i++) {
      pts[2 * i] = 360 * random() - 180;
      pts[2 * i + 1] = (Math.asin(2 * random() - 1) * 180) / Math.PI;
    }
    for (let res = 0; res <= 15; res++) expect(sortedEntries(countByCell(pts, res)), `res ${res}`).toEqual(sortedEntries(naiveCounts(pts, res)));
  });

  it('assigns exactly the cell latLngToCell gives: dense clusters and points on cell edges', () => {
    const random = rng(2);
    // 30 000 points in a 3 km box: many points per cell at res 8–10.
    const dense = new Float64Array(2 * 30000);
    for (let i = 0; i < 30000; i++) {
      dense[2 * i] = 120.3 + 0.03 * random();
      dense[2 * i + 1] = 29.7 + 0.027 * random();
    }
    for (const res of [6, 7, 8, 9, 10]) expect(sortedEntries(countByCell(dense, res)), `res ${res}`).toEqual(sortedEntries(naiveCounts(dense, res)));
    // Points on and within 1e-13…1e-7 degrees of hexagon vertices and edge midpoints: at the demo
    // county, on an icosahedron face edge, at a pentagon, at and near a face centre (face 4's,
    // 28.17° N 23.03° E, where the module must defer to h3-js), near a pole and the antimeridian.
    for (const res of [5, 8, 9, 10, 13]) {
      const seeds: [number, number][] = [
        [29.7, 120.3], FACE_EDGE, cellToLatLng(getPentagons(res)[2]!), [28.1735, 23.0323], [28.5, 23.5], [89.99, 10], [-45, 179.999],
      ];
      const edgePts: number[] = [];
      for (const [lat, lon] of seeds) {
        for (const cell of gridDisk(latLngToCell(lat, lon, res), 2)) {
          const ring = cellToBoundary(cell, true);
          for (let v = 0; v < ring.length; v++) {
            const p = ring[v]!;
            const q = ring[(v + 1) % ring.length]!;
            for (const base of [p, [(p[0]! + q[0]!) / 2, (p[1]! + q[1]!) / 2]]) {
              for (const eps of [0, 1e-13, -1e-13, 1e-10, -1e-10, 1e-7, -1e-7]) edgePts.push(base[0]! + eps, base[1]! - eps);
            }
          }
        }
      }
      expect(sortedEntries(countByCell(edgePts, res)), `res ${res}`).toEqual(sortedEntries(naiveCounts(edgePts, res)));
    }
  });
});
