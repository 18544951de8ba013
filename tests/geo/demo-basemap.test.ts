import type { LineString, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { generateDemoCounty } from '../../api/demo/generate.js';
import { BASEMAP_KINDS, countyRoadLinks, generateBasemap } from '../../api/demo/generate-basemap.js';
import { buildWorld } from '../../api/demo/generate-regions.js';
import { geometryBbox } from '../../api/demo/point-locator.js';
import { toLonLat } from '../../api/demo/projection.js';
import { Rng } from '../../api/demo/random.js';
import type { DemoBasemapFeature } from '../../api/demo/types.js';

/**
 * The demo base map (roads and rivers), checked in memory against the world it is drawn on: the
 * township seats and village seats are the generator's own inputs, so every link can be checked
 * by exact coordinates.
 */
const SEED = 20261123;

function make(seed = SEED) {
  const root = Rng.fromSeed(seed);
  const world = buildWorld(root, 1);
  return { world, features: generateBasemap(root, world) };
}

const { world, features } = make();
const ofKind = (kind: DemoBasemapFeature['kind']) => features.filter((f) => f.kind === kind);
const key = (p: Position) => `${p[0]},${p[1]}`;
const ends = (g: LineString): [string, string] => [key(g.coordinates[0]!), key(g.coordinates[g.coordinates.length - 1]!)];

describe('countyRoadLinks', () => {
  it('links a T of four seats by its spanning tree alone (every extra pair runs parallel to a link)', () => {
    // MST: 0-1 (10), 1-2 (10), 1-3 (30). 0-2 leaves 0 along 0-1; 0-3 and 2-3 reach 3 within 18.4° of 1-3.
    expect(countyRoadLinks([[0, 0], [10, 0], [20, 0], [10, 30]])).toEqual([[0, 1], [1, 2], [1, 3]]);
  });

  it('adds up to max(2, n/4) short extra links to a square: the closing side, then one diagonal', () => {
    // Tree 0-1, 1-2, 0-3 (ties go to the lower index); then 2-3 (10) and 0-2 (14.1, at 45° from every link).
    expect(countyRoadLinks([[0, 0], [10, 0], [10, 10], [0, 10]])).toEqual([[0, 1], [1, 2], [0, 3], [2, 3], [0, 2]]);
  });

  it('has nothing to link for one seat', () => {
    expect(countyRoadLinks([[3, 4]])).toEqual([]);
  });
});

describe('demo base map', () => {
  it('holds every kind: a main river and a tributary, two trunk roads, county and village roads', () => {
    expect(new Set(features.map((f) => f.kind))).toEqual(new Set(BASEMAP_KINDS));
    expect(ofKind('river').map((f) => f.rank).sort()).toEqual([1, 2]);
    expect(ofKind('expressway').map((f) => f.rank).sort()).toEqual([1, 2]);
    expect(ofKind('county_road').length).toBeGreaterThanOrEqual(world.townships.length - 1);
    expect(ofKind('village_road').length).toBe(world.villages.length);
  });

  it('reaches every township seat by county roads, which start and end at seats', () => {
    const seatKeys = world.townships.map((t) => key(toLonLat(t.centre[0], t.centre[1])));
    const parent = new Map(seatKeys.map((k) => [k, k]));
    const find = (k: string): string => (parent.get(k) === k ? k : find(parent.get(k)!));
    for (const road of ofKind('county_road')) {
      const [a, b] = ends(road.geom);
      expect(parent.has(a) && parent.has(b), `${road.name} ends at seats`).toBe(true);
      expect(a).not.toBe(b);
      parent.set(find(a), find(b));
    }
    expect(new Set(seatKeys.map(find)).size).toBe(1);
  });

  it('links every village seat to its own township seat', () => {
    const roads = new Set(ofKind('village_road').map((f) => ends(f.geom).join('|')));
    for (const v of world.villages) {
      const seat = world.townships[v.township]!.centre;
      const link = `${key(toLonLat(seat[0], seat[1]))}|${key(toLonLat(v.seat[0], v.seat[1]))}`;
      expect(roads.has(link), `${v.name}`).toBe(true);
    }
  });

  it('lets the tributary end on a vertex of the main river', () => {
    const main = ofKind('river').find((f) => f.rank === 1)!;
    const tributary = ofKind('river').find((f) => f.rank === 2)!;
    const vertices = new Set(main.geom.coordinates.map(key));
    expect(vertices.has(ends(tributary.geom)[1])).toBe(true);
    expect(vertices.has(ends(tributary.geom)[0])).toBe(false);
  });

  it('names every line in Chinese, uniquely within its kind', () => {
    const patterns: Record<DemoBasemapFeature['kind'], RegExp> = {
      river: /^\p{Script=Han}{2}[江溪]$/u,
      expressway: /^S\d{2,3}\p{Script=Han}*(高速|省道)$/u,
      county_road: /^县道X\d{3}$/u,
      village_road: /^\p{Script=Han}+(村道|路)\d*$/u,
    };
    for (const kind of BASEMAP_KINDS) {
      const names = ofKind(kind).map((f) => f.name);
      expect(new Set(names).size, kind).toBe(names.length);
      for (const name of names) expect(name, kind).toMatch(patterns[kind]);
    }
    expect(ofKind('county_road').map((f) => f.name)[0]).toBe('县道X101');
  });

  it('draws curved, valid lines inside the county bounding box (0.01° margin)', () => {
    const county = world.regions.find((r) => r.level === 'county')!;
    const [minX, minY, maxX, maxY] = geometryBbox(county.geom);
    const m = 0.01;
    for (const f of features) {
      const c = f.geom.coordinates;
      expect(f.geom.type).toBe('LineString');
      expect(c.length, f.name).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < c.length; i++) {
        const [x, y] = c[i]!;
        expect(x! >= minX - m && x! <= maxX + m && y! >= minY - m && y! <= maxY + m, `${f.name} ${x},${y}`).toBe(true);
        if (i > 0) expect(key(c[i]!)).not.toBe(key(c[i - 1]!));
      }
    }
    // Curved, not straight: a county road of 2 km or more strays from its chord somewhere.
    const strays = ofKind('county_road').filter((f) => f.geom.coordinates.length > 8).map((f) => maxChordDistance(f.geom));
    expect(strays.length).toBeGreaterThan(0);
    expect(Math.max(...strays)).toBeGreaterThan(1e-4);
    // The rivers cross the county: both ends of the main river lie on the bounding box.
    const main = ofKind('river').find((f) => f.rank === 1)!.geom.coordinates;
    for (const [x, y] of [main[0]!, main[main.length - 1]!]) {
      const onEdge = [x! - minX, maxX - x!, y! - minY, maxY - y!].some((d) => Math.abs(d) < 1e-4);
      expect(onEdge, `${x},${y}`).toBe(true);
    }
  });

  it('is deterministic for a seed and differs for another', () => {
    expect(JSON.stringify(make().features)).toBe(JSON.stringify(features));
    expect(JSON.stringify(make(SEED + 1).features)).not.toBe(JSON.stringify(features));
  });

  it('is what the demo county carries, from its own stream', () => {
    const demo = generateDemoCounty({ seed: SEED, scale: 0.05, now: new Date('2026-11-20T02:00:00Z') });
    expect(demo.basemapFeatures).toEqual(features);
    expect(demo.meta.counts.basemap_features).toBe(features.length);
  }, 60_000);
});

/** Largest distance (degrees) of a vertex from the straight line between the ends. */
function maxChordDistance(g: LineString): number {
  const [x0, y0] = g.coordinates[0]!;
  const [x1, y1] = g.coordinates[g.coordinates.length - 1]!;
  const len = Math.hypot(x1! - x0!, y1! - y0!);
  return Math.max(...g.coordinates.map(([x, y]) => Math.abs((x1! - x0!) * (y0! - y!) - (x0! - x!) * (y1! - y0!)) / len));
}
