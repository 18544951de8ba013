import { booleanPointInPolygon, bearing, destination, distance, pointToPolygonDistance } from '@turf/turf';
import { cellToCenterChild, cellToLatLng, getPentagons, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  CameraIndex,
  cameraRule,
  cellCameraCoverage,
  coverageGaps,
  householdCoverage,
  localDistanceMeters,
  pointInSector,
  type IndexedCamera,
} from '../../geo/camera-coverage.js';
import { cameraSector } from '../../geo/camera-sector.js';
import { seededRandom as prng } from '../../api/demo/random.js';

const ORIGIN: [number, number] = [120.3, 29.7];

/** The point `metres` from `from` along compass `bearingDeg`, by turf (independent of the code under test). */
function at(from: readonly [number, number], bearingDeg: number, metres: number): [number, number] {
  const c = destination([from[0], from[1]], metres, bearingDeg, { units: 'meters' }).geometry.coordinates;
  return [c[0]!, c[1]!];
}

function cam(id: number, pos: readonly [number, number], headingDeg: number, fovDeg: number, rangeMeters: number): IndexedCamera {
  return { id, lon: pos[0], lat: pos[1], headingDeg, fovDeg, rangeMeters };
}


describe('pointInSector', () => {
  const sees = (c: IndexedCamera, bearingDeg: number, metres: number) => {
    const [lon, lat] = at([c.lon, c.lat], bearingDeg, metres);
    return pointInSector(lon, lat, c);
  };

  it('heading 0, fov 60: sees ±30° around north, wrapping below 0°', () => {
    const c = cam(1, ORIGIN, 0, 60, 100);
    expect(sees(c, 0, 50)).toBe(true);
    expect(sees(c, 29, 80)).toBe(true);
    expect(sees(c, 31, 80)).toBe(false);
    expect(sees(c, 331, 80)).toBe(true); // −29°
    expect(sees(c, 329, 80)).toBe(false); // −31°
    expect(sees(c, 180, 10)).toBe(false); // behind
  });

  it('heading 90, fov 90: sees 45°–135°', () => {
    const c = cam(1, ORIGIN, 90, 90, 100);
    expect(sees(c, 46, 99)).toBe(true);
    expect(sees(c, 134, 99)).toBe(true);
    expect(sees(c, 44, 50)).toBe(false);
    expect(sees(c, 136, 50)).toBe(false);
    expect(sees(c, 270, 50)).toBe(false);
  });

  it('heading 350, fov 40: sees 330°–10° across north', () => {
    const c = cam(1, ORIGIN, 350, 40, 100);
    expect(sees(c, 5, 60)).toBe(true);
    expect(sees(c, 9, 60)).toBe(true);
    expect(sees(c, 11, 60)).toBe(false);
    expect(sees(c, 331, 60)).toBe(true);
    expect(sees(c, 329, 60)).toBe(false);
    expect(sees(c, 170, 60)).toBe(false);
  });

  it('fov 360 is a circle whatever the heading', () => {
    const c = cam(1, ORIGIN, 123, 360, 50);
    for (let b = 0; b < 360; b += 15) {
      expect(sees(c, b, 49.9)).toBe(true);
      expect(sees(c, b, 50.1)).toBe(false);
    }
  });

  it('stops at the range to the centimetre, and sees its own position', () => {
    const c = cam(1, ORIGIN, 90, 60, 100);
    expect(sees(c, 90, 99.99)).toBe(true);
    expect(sees(c, 90, 100.01)).toBe(false);
    expect(sees(c, 75, 100.01)).toBe(false);
    expect(pointInSector(ORIGIN[0], ORIGIN[1], c)).toBe(true);
    const far = cam(2, ORIGIN, 0, 90, 2000);
    expect(sees(far, 10, 1999.99)).toBe(true);
    expect(sees(far, 10, 2000.01)).toBe(false);
  });

  it('treats a camera without range or field of view as seeing nothing', () => {
    expect(pointInSector(ORIGIN[0], ORIGIN[1], cam(1, ORIGIN, 0, 60, 0))).toBe(false);
    expect(pointInSector(ORIGIN[0], ORIGIN[1], cam(1, ORIGIN, 0, 0, 50))).toBe(false);
    expect(pointInSector(ORIGIN[0], ORIGIN[1], cam(1, ORIGIN, 0, 60, Number.NaN))).toBe(false);
  });

  it('agrees with the cameraSector polygon on pseudo-random points more than 0.5 m from its edge', () => {
    // Densified polygons (arc vertices every ≤ 360°/256) so the chord-to-arc gap stays below 0.2 m
    // even for the 1500 m dome: r·(1 − cos(360°/256/2)) = 1500 × 7.5e-5 = 0.11 m. `steps` is
    // scaled by fov/360 so the vertex count stays ~256 whether cameraSector's steps count the arc
    // or the full circle.
    const cameras = [
      cam(1, ORIGIN, 0, 60, 100),
      cam(2, ORIGIN, 90, 90, 300),
      cam(3, ORIGIN, 350, 40, 80),
      cam(4, [116.4, 39.9], 200, 270, 150), // reflex wedge, Beijing latitude
      cam(5, [126.6, 45.8], 300, 360, 1500), // dome, Harbin latitude
      cam(6, [120.3, 29.7], 180, 5, 500), // narrow bullet
    ];
    const rand = prng(42);
    let compared = 0;
    let inside = 0;
    for (const c of cameras) {
      const steps = Math.max(8, Math.ceil((256 * Math.min(360, c.fovDeg)) / 360));
      const polygon = cameraSector([c.lon, c.lat], { headingDeg: c.headingDeg, fovDeg: c.fovDeg, rangeMeters: c.rangeMeters, steps });
      for (let i = 0; i < 60; i++) {
        // Uniform in a square of ±1.2 × range around the camera.
        const east = (rand() * 2 - 1) * 1.2 * c.rangeMeters;
        const north = (rand() * 2 - 1) * 1.2 * c.rangeMeters;
        const p = at(at([c.lon, c.lat], 90, east), 0, north);
        const edge = Math.abs(pointToPolygonDistance(p, polygon, { units: 'meters' }));
        if (edge < 0.5) continue;
        const expected = booleanPointInPolygon(p, polygon);
        expect(pointInSector(p[0], p[1], c), `camera ${c.id} point ${i}`).toBe(expected);
        compared++;
        if (expected) inside++;
      }
    }
    // 360 drawn; only a handful lie within 0.5 m of an edge. Both answers must occur often.
    expect(compared).toBeGreaterThan(340);
    expect(inside).toBeGreaterThan(50);
    expect(compared - inside).toBeGreaterThan(50);
  });

  it("measures distance and bearing like turf's haversine and bearing up to 2 km", () => {
    for (const origin of [ORIGIN, [126.6, 45.8] as [number, number], [110, 18.3] as [number, number]]) {
      for (let b = 0; b < 360; b += 30) {
        const p = at(origin, b, 2000);
        const turfMetres = distance([origin[0], origin[1]], p, { units: 'meters' });
        expect(Math.abs(localDistanceMeters(origin[0], origin[1], p[0], p[1]) - turfMetres)).toBeLessThan(0.001);
        // And the bearing matches turf's great-circle initial bearing to 0.001° (3 cm sideways at
        // 2 km): a camera aimed at turf's bearing with a 0.002° field of view sees the point, one
        // aimed 0.002° off does not. (Plain atan2(east, north) fails this by ~0.009° at 45° N.)
        const tb = bearing([origin[0], origin[1]], p);
        const c = cam(1, origin, tb, 0.002, 2100);
        expect(pointInSector(p[0], p[1], c), `bearing ${b}`).toBe(true);
        expect(pointInSector(p[0], p[1], { ...c, headingDeg: tb + 0.002 })).toBe(false);
        expect(pointInSector(p[0], p[1], { ...c, headingDeg: tb - 0.002 })).toBe(false);
      }
    }
  });
});

describe('CameraIndex', () => {
  // A: at the origin looking east (45°–135°), 100 m. B: dome of 30 m at the origin.
  // C: 200 m east of the origin looking back west (240°–300°), 150 m.
  const cPos = at(ORIGIN, 90, 200);
  const cameras = [cam(11, ORIGIN, 90, 90, 100), cam(12, ORIGIN, 0, 360, 30), cam(13, cPos, 270, 60, 150)];
  const index = new CameraIndex(cameras);

  it('finds exactly the cameras whose sector holds the point', () => {
    // 20 m east: A (20 ≤ 100, bearing 90) and B (20 ≤ 30); C is 180 m away (> 150).
    const p1 = at(ORIGIN, 90, 20);
    expect(index.coveringCameras(p1[0], p1[1])).toEqual([11, 12]);
    // 80 m east: A; not B (80 > 30); C: 120 m away, due west of it (270°) → seen.
    const p2 = at(ORIGIN, 90, 80);
    expect(index.coveringCameras(p2[0], p2[1])).toEqual([11, 13]);
    // 20 m west: only B (A looks east; C is 220 m away).
    const p3 = at(ORIGIN, 270, 20);
    expect(index.coveringCameras(p3[0], p3[1])).toEqual([12]);
    // 60 m north: A's bearing 0° is 90° off its axis (> 45), B's range is 30, C is √(200² + 60²) ≈ 209 m away.
    const p4 = at(ORIGIN, 0, 60);
    expect(index.coveringCameras(p4[0], p4[1])).toEqual([]);
    expect([p1, p2, p3, p4].map((p) => index.covers(p[0], p[1]))).toEqual([true, true, true, false]);
  });

  it('indexes only the cameras given, and none of the unusable ones', () => {
    const empty = new CameraIndex([]);
    expect(empty.size).toBe(0);
    expect(empty.covers(ORIGIN[0], ORIGIN[1])).toBe(false);
    expect(empty.coveringCameras(ORIGIN[0], ORIGIN[1])).toEqual([]);
    const withBad = new CameraIndex([cam(1, ORIGIN, 0, 360, 0), cam(2, ORIGIN, 0, 360, 10)]);
    expect(withBad.size).toBe(1);
    expect(withBad.coveringCameras(ORIGIN[0], ORIGIN[1])).toEqual([2]);
  });

  it('agrees with pointInSector on every point of a pseudo-random cloud', () => {
    const rand = prng(7);
    const many: IndexedCamera[] = [];
    for (let i = 0; i < 200; i++) {
      const pos = at(at(ORIGIN, 90, rand() * 2000), 0, rand() * 2000);
      many.push(cam(i, pos, rand() * 360, rand() < 0.2 ? 360 : 20 + rand() * 100, 20 + rand() * 200));
    }
    const big = new CameraIndex(many);
    let seen = 0;
    for (let i = 0; i < 1000; i++) {
      const p = at(at(ORIGIN, 90, rand() * 2000), 0, rand() * 2000);
      const expected = many.filter((c) => pointInSector(p[0], p[1], c)).map((c) => c.id);
      expect(big.coveringCameras(p[0], p[1])).toEqual(expected);
      expect(big.covers(p[0], p[1])).toBe(expected.length > 0);
      if (expected.length > 0) seen++;
    }
    expect(seen).toBeGreaterThan(20);
  });
});

describe('cameraRule', () => {
  it('requires 5 per village and 2 per natural village, counting all cameras for met', () => {
    const rows = cameraRule([
      { code: 'V1', level: 'village', cameras: 3, online: 2 },
      { code: 'V2', level: 'village', cameras: 7, online: 4 },
      { code: 'N1', level: 'natural_village', cameras: 2, online: 0 },
      { code: 'N2', level: 'natural_village', cameras: 0, online: 0 },
    ]);
    expect(rows).toEqual([
      // 5 − 3 = 2 to install; 5 − 2 = 3 short of working ones.
      { code: 'V1', level: 'village', required: 5, cameras: 3, online: 2, shortfall: 2, onlineShortfall: 3, met: false },
      // 7 ≥ 5: met, yet only 4 online: 1 short.
      { code: 'V2', level: 'village', required: 5, cameras: 7, online: 4, shortfall: 0, onlineShortfall: 1, met: true },
      { code: 'N1', level: 'natural_village', required: 2, cameras: 2, online: 0, shortfall: 0, onlineShortfall: 2, met: true },
      { code: 'N2', level: 'natural_village', required: 2, cameras: 0, online: 0, shortfall: 2, onlineShortfall: 2, met: false },
    ]);
  });
});

describe('householdCoverage', () => {
  it('sums the households of the points a camera sees', () => {
    const index = new CameraIndex([cam(1, ORIGIN, 0, 360, 50)]);
    const pt = (b: number, m: number, households: number) => {
      const [lon, lat] = at(ORIGIN, b, m);
      return { lon, lat, households };
    };
    // 10 at 10 m and 20 at 40 m are inside the 50 m dome; 30 at 60 m and 40 at 200 m are not.
    const r = householdCoverage([pt(0, 10, 10), pt(90, 40, 20), pt(180, 60, 30), pt(270, 200, 40)], index);
    expect(r).toEqual({ households: 100, covered: 30, share: 0.3 });
  });

  it('gives a null share when there are no households', () => {
    const index = new CameraIndex([cam(1, ORIGIN, 0, 360, 50)]);
    expect(householdCoverage([], index)).toEqual({ households: 0, covered: 0, share: null });
  });
});

describe('coverageGaps', () => {
  it('lists the cells with unseen households or incidents, most unseen incidents first', () => {
    const res = 9;
    // Cell 0 is the res-9 cell of the origin; its centre carries a 30 m dome. A res-9 cell's
    // inner radius is ~150 m, so points 10 and 60 m from its centre stay in it.
    const cell0 = latLngToCell(ORIGIN[1], ORIGIN[0], res);
    const [clat, clon] = cellToLatLng(cell0);
    const centre: [number, number] = [clon, clat];
    const north = at(centre, 0, 2000);
    const south = at(centre, 180, 2000);
    const east = at(centre, 90, 2000);
    const west = at(centre, 270, 2000);
    const index = new CameraIndex([cam(1, centre, 0, 360, 30), cam(2, east, 0, 360, 30)]);
    const item = (p: [number, number], households: number, incidents: number) => ({ lon: p[0], lat: p[1], households, incidents });
    const gaps = coverageGaps(
      [
        item(at(centre, 0, 10), 5, 0), // seen
        item(at(centre, 90, 10), 0, 1), // seen
        item(at(centre, 180, 60), 3, 0), // unseen, cell 0
        item(at(centre, 270, 60), 0, 1), // unseen, cell 0
        item(north, 8, 0),
        item(north, 0, 1),
        item(south, 20, 0),
        item(east, 4, 0), // seen by camera 2: no gap
        item(west, 0, 0), // nothing there: ignored
      ],
      index,
      res,
    );
    const cellOf = (p: [number, number]) => latLngToCell(p[1], p[0], res);
    // Cell 0 and north both have 1 unseen incident; north has more unseen households (8 > 3).
    expect(gaps).toEqual([
      { cell: cellOf(north), households: 8, incidents: 1, uncoveredHouseholds: 8, uncoveredIncidents: 1 },
      { cell: cell0, households: 8, incidents: 2, uncoveredHouseholds: 3, uncoveredIncidents: 1 },
      { cell: cellOf(south), households: 20, incidents: 0, uncoveredHouseholds: 20, uncoveredIncidents: 0 },
    ]);
    expect(coverageGaps([], index, res)).toEqual([]);
  });
});

describe('cellCameraCoverage', () => {
  const cell = latLngToCell(ORIGIN[1], ORIGIN[0], 9);
  const [lat, lon] = cellToLatLng(cell);

  it('is 1 under a dome that covers the whole cell and 0 with no camera', () => {
    // A res-9 cell's outer radius is ~200 m; a 400 m dome at its centre sees all of it.
    expect(cellCameraCoverage(cell, new CameraIndex([cam(1, [lon, lat], 0, 360, 400)]))).toBe(1);
    expect(cellCameraCoverage(cell, new CameraIndex([]))).toBe(0);
  });

  it('counts one of 49 samples (or 1 of 7 at res + 1) for a 1 m dome on the centre', () => {
    // H3 centre children share their parent's centre; the other children's centres are ≥ 20 m away.
    const centreChild = cellToCenterChild(cell, 11);
    const [clat, clon] = cellToLatLng(centreChild);
    expect(localDistanceMeters(lon, lat, clon, clat)).toBeLessThan(0.5);
    const tiny = new CameraIndex([cam(1, [lon, lat], 0, 360, 1)]);
    expect(cellCameraCoverage(cell, tiny)).toBeCloseTo(1 / 49, 12);
    expect(cellCameraCoverage(cell, tiny, 10)).toBeCloseTo(1 / 7, 12);
    expect(() => cellCameraCoverage(cell, tiny, 8)).toThrow(RangeError);
  });

  it('samples a pentagon by its 41 grandchildren', () => {
    const pentagon = getPentagons(5)[0]!;
    const [plat, plon] = cellToLatLng(pentagon);
    const tiny = new CameraIndex([cam(1, [plon, plat], 0, 360, 1)]);
    // Pentagon: 1 pentagon child + 5 hexagons at res + 1; at res + 2: 6 + 5 × 7 = 41.
    expect(cellCameraCoverage(pentagon, tiny)).toBeCloseTo(1 / 41, 12);
  });
});
