import { readFileSync } from 'node:fs';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import centroid from '@turf/centroid';
import type { Feature, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { labelPoint } from '../../geo/label-point.js';

const crescent = JSON.parse(readFileSync(new URL('./fixtures/crescent-village.geojson', import.meta.url), 'utf8')) as Feature<Polygon>;

describe('labelPoint', () => {
  it('puts the label inside a C-shaped village whose centroid lies outside it', () => {
    expect(booleanPointInPolygon(centroid(crescent), crescent)).toBe(false);
    const p = labelPoint(crescent.geometry)!;
    expect(booleanPointInPolygon(p, crescent)).toBe(true);
  });

  it('uses the largest part of a multipolygon (the island gets no label)', () => {
    const big = [[[120, 29], [120.1, 29], [120.1, 29.1], [120, 29.1], [120, 29]]];
    const island = [[[121, 29], [121.001, 29], [121.001, 29.001], [121, 29.001], [121, 29]]];
    const p = labelPoint({ type: 'MultiPolygon', coordinates: [island, big] })!;
    expect(p[0]).toBeGreaterThan(120);
    expect(p[0]).toBeLessThan(120.1);
  });

  it('returns null for a polygon without a usable ring', () => {
    expect(labelPoint({ type: 'Polygon', coordinates: [] })).toBeNull();
    expect(labelPoint({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 1], [0, 0]]]] })).toBeNull();
  });
});

describe('labelPoint on other geometries', () => {
  it('returns null for null and for points and lines', () => {
    expect(labelPoint(null)).toBeNull();
    expect(labelPoint({ type: 'Point', coordinates: [120, 29] })).toBeNull();
    expect(labelPoint({ type: 'LineString', coordinates: [[120, 29], [121, 30]] })).toBeNull();
  });
});
