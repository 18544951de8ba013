import area from '@turf/area';
import bearing from '@turf/bearing';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import destination from '@turf/destination';
import distance from '@turf/distance';
import { describe, expect, it } from 'vitest';
import { cameraSector } from '../../geo/camera-sector.js';

const camera: [number, number] = [120.3, 29.7];

describe('cameraSector', () => {
  it('covers what lies along the heading within range, not behind it or beyond it', () => {
    const wedge = cameraSector(camera, { headingDeg: 90, fovDeg: 60, rangeMeters: 100 });
    const at = (bearingDeg: number, metres: number) => destination(camera, metres, bearingDeg, { units: 'meters' });
    expect(booleanPointInPolygon(at(90, 80), wedge)).toBe(true);
    expect(booleanPointInPolygon(at(115, 80), wedge)).toBe(true);
    expect(booleanPointInPolygon(at(130, 80), wedge)).toBe(false); // outside the 60° field of view
    expect(booleanPointInPolygon(at(270, 50), wedge)).toBe(false); // behind the camera
    expect(booleanPointInPolygon(at(90, 120), wedge)).toBe(false); // beyond range
  });

  it('has the area of a circular sector (πr²·fov/360) within 1%', () => {
    for (const fovDeg of [30, 90, 200]) {
      const wedge = cameraSector(camera, { headingDeg: 10, fovDeg, rangeMeters: 150, steps: 64 });
      const expected = (Math.PI * 150 ** 2 * fovDeg) / 360;
      expect(Math.abs(area(wedge) - expected) / expected).toBeLessThan(0.01);
    }
  });

  it('puts `steps` + 1 vertices on the arc whatever the field of view (cheap for many cameras)', () => {
    for (const fovDeg of [5, 30, 200]) {
      const wedge = cameraSector(camera, { headingDeg: 10, fovDeg, rangeMeters: 150, steps: 16 });
      const onArc = wedge.geometry.coordinates[0]!.filter((p) => distance(camera, p, { units: 'meters' }) > 149);
      // The ring repeats its first vertex (the camera) at the end; the arc's 17 vertices lie at the range.
      expect(onArc).toHaveLength(17);
    }
  });

  it('turns a 360° dome into a circle whose vertices all lie at the range', () => {
    const disc = cameraSector(camera, { headingDeg: 0, fovDeg: 360, rangeMeters: 50 });
    for (const p of disc.geometry.coordinates[0]!) {
      expect(distance(camera, p, { units: 'meters' })).toBeCloseTo(50, 1);
    }
  });

  it('wraps headings across north', () => {
    const wedge = cameraSector(camera, { headingDeg: 350, fovDeg: 40, rangeMeters: 100 });
    const ring = wedge.geometry.coordinates[0]!;
    const bearings = ring.filter((p) => distance(camera, p, { units: 'meters' }) > 90).map((p) => bearing(camera, p));
    expect(Math.min(...bearings)).toBeLessThan(-9); // 330° = -30°
    expect(Math.max(...bearings)).toBeGreaterThan(9); // 10°
  });

  it('refuses a zero range or field of view', () => {
    expect(() => cameraSector(camera, { headingDeg: 0, fovDeg: 60, rangeMeters: 0 })).toThrow(/rangeMeters/);
    expect(() => cameraSector(camera, { headingDeg: 0, fovDeg: 0, rangeMeters: 10 })).toThrow(/fovDeg/);
  });
});
