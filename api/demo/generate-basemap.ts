/**
 * The demo county's base map: roads and rivers, so the offline map has more than boundaries.
 *
 * What it draws (all invented, lines in WGS 84 like every demo geometry):
 * - a main river (rank 1, …江) across the county, passing beside the county seat, and one
 *   tributary (rank 2, …溪) running from the county's edge into it;
 * - two trunk roads of kind `expressway`: an expressway (rank 1, S…高速) that bypasses the county
 *   seat, and a provincial road (rank 2, S…省道) through it, both from edge to edge;
 * - county roads (县道X…) between township seats: a minimum spanning tree over the seats plus a few
 *   short extra links, so every seat is reachable; each road starts and ends exactly at a seat;
 * - one village road per village or community, from its township's seat to the village's seat.
 *
 * Lines are gently curved (a sum of sines that vanishes at both ends, so the ends stay exact, and
 * that is a function along the chord, so a line never crosses itself); rivers take more harmonics
 * that fade more slowly, which makes them meander. Everything stays within the
 * county's bounding box plus 0.3 km. Deterministic: it reads only the world and its own stream
 * `root.fork('basemap')`, so adding it changed nothing else the generator produces.
 */
import type { LineString } from 'geojson';
import type { World } from './generate-regions.js';
import type { XY } from './planar-partition.js';
import { shortName } from './names.js';
import { toLonLat, toPlane } from './projection.js';
import type { Rng } from './random.js';
import type { BasemapKind, DemoBasemapFeature } from './types.js';

export const BASEMAP_KINDS: readonly BasemapKind[] = ['expressway', 'county_road', 'village_road', 'river'];

/** How far (km) a curve may stray beyond the county's bounding box. */
const BOX_MARGIN_KM = 0.3;

const RIVER_FIRST = [...'浦兰清白青金灵桐云龙凤玉曹秀'];
const RIVER_SECOND = [...'阳川源宁泉丰'];
const TRIBUTARY_SECOND = [...'石竹枫梅岩沙'];

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function generateBasemap(root: Rng, world: World): DemoBasemapFeature[] {
  const rng = root.fork('basemap');
  const box = countyBox(world);
  const clampBox: Box = {
    minX: box.minX - BOX_MARGIN_KM, minY: box.minY - BOX_MARGIN_KM, maxX: box.maxX + BOX_MARGIN_KM, maxY: box.maxY + BOX_MARGIN_KM,
  };
  const line = (points: readonly XY[]): LineString => toLineString(points, clampBox);
  const city = world.cityCentre;
  const out: DemoBasemapFeature[] = [];

  // --- Rivers: the main one beside the county seat, a tributary into it ------------------------------
  const riverAngle = rng.uniform(0, Math.PI);
  const riverDir: XY = [Math.cos(riverAngle), Math.sin(riverAngle)];
  const riverNormal: XY = [-riverDir[1], riverDir[0]];
  const riverOffset = rng.uniform(0.8, 1.8) * (rng.chance(0.5) ? 1 : -1);
  const riverThrough: XY = [city[0] + riverNormal[0] * riverOffset, city[1] + riverNormal[1] * riverOffset];
  const riverA = exitPoint(riverThrough, [-riverDir[0], -riverDir[1]], box);
  const riverB = exitPoint(riverThrough, riverDir, box);
  const main = curve(riverA, riverB, rng, { amplitude: 0.05, harmonics: 16, stepKm: 0.15, decay: 0.6 });
  const mainName = `${rng.pick(RIVER_FIRST)}${rng.pick(RIVER_SECOND)}江`;
  out.push({ kind: 'river', name: mainName, rank: 1, geom: line(main) });

  // Joins the main river at one of its middle vertices, coming from a random side at 55–85°.
  const join = main[Math.floor(main.length * rng.uniform(0.3, 0.7))]!;
  let side = rng.chance(0.5) ? 1 : -1;
  const tilt = rng.uniform((55 * Math.PI) / 180, (85 * Math.PI) / 180);
  const sourceDir = (s: number): XY => [Math.cos(riverAngle + s * tilt), Math.sin(riverAngle + s * tilt)];
  const lengthTo = (s: number) => distance(join, exitPoint(join, sourceDir(s), box));
  if (lengthTo(side) < 6 && lengthTo(-side) > lengthTo(side)) side = -side;
  const source = exitPoint(join, sourceDir(side), box);
  const tributary = curve(source, join, rng, { amplitude: 0.06, harmonics: 10, stepKm: 0.15, decay: 0.6 });
  let tributaryName = `${rng.pick(RIVER_FIRST)}${rng.pick(TRIBUTARY_SECOND)}溪`;
  if (tributaryName.slice(0, 1) === mainName.slice(0, 1)) tributaryName = `${rng.pick(TRIBUTARY_SECOND)}${tributaryName.slice(1)}`;
  out.push({ kind: 'river', name: tributaryName, rank: 2, geom: line(tributary) });

  // --- Trunk roads: an expressway bypassing the county seat, a provincial road through it ------------
  const nearestTownship = (p: XY) => {
    let best = world.townships[0]!;
    for (const t of world.townships) if (distance(t.centre, p) < distance(best.centre, p)) best = t;
    return shortName(best.name);
  };
  const expresswayAngle = riverAngle + rng.uniform(Math.PI / 4, (3 * Math.PI) / 4);
  const eDir: XY = [Math.cos(expresswayAngle), Math.sin(expresswayAngle)];
  const eOffset = rng.uniform(2.5, 4) * (rng.chance(0.5) ? 1 : -1);
  const eThrough: XY = [city[0] - eDir[1] * eOffset, city[1] + eDir[0] * eOffset];
  const eA = exitPoint(eThrough, [-eDir[0], -eDir[1]], box);
  const eB = exitPoint(eThrough, eDir, box);
  const expressway = curve(eA, eB, rng, { amplitude: 0.03, harmonics: 2, stepKm: 0.4 });
  const startWord = nearestTownship(eA).slice(0, 1);
  const endName = nearestTownship(eB);
  const endWord = endName.slice(0, 1) === startWord ? (endName.slice(1, 2) || '南') : endName.slice(0, 1);
  out.push({ kind: 'expressway', name: `S${rng.int(20, 39)}${startWord}${endWord}高速`, rank: 1, geom: line(expressway) });

  // Through the seat with a slight bend there: two curves meeting at the city centre.
  const provincialAngle = expresswayAngle + rng.uniform(Math.PI / 3, (2 * Math.PI) / 3);
  const bend = rng.uniform(-0.25, 0.25);
  const pA = exitPoint(city, [-Math.cos(provincialAngle), -Math.sin(provincialAngle)], box);
  const pB = exitPoint(city, [Math.cos(provincialAngle + bend), Math.sin(provincialAngle + bend)], box);
  const provincial = [
    ...curve(pA, city, rng, { amplitude: 0.04, harmonics: 2, stepKm: 0.3 }),
    ...curve(city, pB, rng, { amplitude: 0.04, harmonics: 2, stepKm: 0.3 }).slice(1),
  ];
  out.push({ kind: 'expressway', name: `S${rng.int(201, 329)}省道`, rank: 2, geom: line(provincial) });

  // --- County roads: spanning tree over the township seats, plus a few short extra links -------------
  const seats = world.townships.map((t) => t.centre);
  const links = countyRoadLinks(seats);
  links.sort((p, q) => {
    const mp = midpoint(seats[p[0]]!, seats[p[1]]!);
    const mq = midpoint(seats[q[0]]!, seats[q[1]]!);
    return mq[1] - mp[1] || mp[0] - mq[0];
  });
  links.forEach(([i, j], n) => {
    const road = curve(seats[i]!, seats[j]!, rng, { amplitude: 0.05, harmonics: 2, stepKm: 0.25 });
    out.push({ kind: 'county_road', name: `县道X${101 + n}`, rank: 1, geom: line(road) });
  });

  // --- Village roads: township seat → village seat ----------------------------------------------------
  const villageRoadNames = new Set<string>();
  const villages = world.villages.slice().sort((p, q) => (p.code < q.code ? -1 : 1));
  for (const v of villages) {
    const seat = world.townships[v.township]!.centre;
    const base = `${shortName(v.name)}${v.kind === 'community' ? '路' : '村道'}`;
    let name = base;
    for (let k = 2; villageRoadNames.has(name); k++) name = `${base}${k}`;
    villageRoadNames.add(name);
    const road = curve(seat, v.seat, rng, { amplitude: 0.07, harmonics: 2, stepKm: 0.2 });
    out.push({ kind: 'village_road', name, rank: 1, geom: line(road) });
  }
  return out;
}

/**
 * Pairs of seat indices to link: Prim's minimum spanning tree (connects them all), then up to
 * max(2, n/4) of the shortest remaining pairs that are at most 1.8 × the longest tree link and
 * leave both seats at least 30° away from the links already there (no near-parallel doubles).
 */
export function countyRoadLinks(seats: readonly XY[]): [number, number][] {
  const n = seats.length;
  if (n < 2) return [];
  const links: [number, number][] = [];
  const inTree = new Array<boolean>(n).fill(false);
  const best = new Array<number>(n).fill(Infinity);
  const from = new Array<number>(n).fill(-1);
  best[0] = 0;
  for (let step = 0; step < n; step++) {
    let u = -1;
    for (let i = 0; i < n; i++) if (!inTree[i] && (u < 0 || best[i]! < best[u]!)) u = i;
    inTree[u] = true;
    if (from[u]! >= 0) links.push([Math.min(u, from[u]!), Math.max(u, from[u]!)]);
    for (let i = 0; i < n; i++) {
      const d = distance(seats[u]!, seats[i]!);
      if (!inTree[i] && d < best[i]!) {
        best[i] = d;
        from[i] = u;
      }
    }
  }
  const longest = Math.max(...links.map(([i, j]) => distance(seats[i]!, seats[j]!)));
  const has = new Set(links.map(([i, j]) => `${i}-${j}`));
  const candidates: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!has.has(`${i}-${j}`)) candidates.push([i, j, distance(seats[i]!, seats[j]!)]);
    }
  }
  candidates.sort((p, q) => p[2] - q[2] || p[0] - q[0] || p[1] - q[1]);
  const bearing = (a: number, b: number) => Math.atan2(seats[b]![1] - seats[a]![1], seats[b]![0] - seats[a]![0]);
  const clearOf = (a: number, b: number) => links.every(([i, j]) => {
    const other = i === a ? j : j === a ? i : -1;
    if (other < 0) return true;
    let diff = Math.abs(bearing(a, b) - bearing(a, other)) % (2 * Math.PI);
    if (diff > Math.PI) diff = 2 * Math.PI - diff;
    return diff >= Math.PI / 6;
  });
  let extra = Math.max(2, Math.round(n / 4));
  for (const [i, j, d] of candidates) {
    if (extra === 0 || d > 1.8 * longest) break;
    if (!clearOf(i, j) || !clearOf(j, i)) continue;
    links.push([i, j]);
    extra--;
  }
  return links;
}

/** The county's bounding box in the plane (km). */
function countyBox(world: World): Box {
  const county = world.regions.find((r) => r.level === 'county');
  if (!county) throw new Error('the world has no county region');
  const box: Box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const polygon of county.geom.coordinates) {
    for (const [lon, lat] of polygon[0]!) {
      const [x, y] = toPlane(lon!, lat!);
      box.minX = Math.min(box.minX, x);
      box.minY = Math.min(box.minY, y);
      box.maxX = Math.max(box.maxX, x);
      box.maxY = Math.max(box.maxY, y);
    }
  }
  return box;
}

/** Where the ray from `p` (inside `box`) along `dir` leaves the box. */
function exitPoint(p: XY, dir: XY, box: Box): XY {
  let t = Infinity;
  if (dir[0] > 1e-12) t = Math.min(t, (box.maxX - p[0]) / dir[0]);
  if (dir[0] < -1e-12) t = Math.min(t, (box.minX - p[0]) / dir[0]);
  if (dir[1] > 1e-12) t = Math.min(t, (box.maxY - p[1]) / dir[1]);
  if (dir[1] < -1e-12) t = Math.min(t, (box.minY - p[1]) / dir[1]);
  t = Math.max(0, t);
  return [p[0] + dir[0] * t, p[1] + dir[1] * t];
}

interface CurveOptions {
  /** Largest sideways offset of the first harmonic, as a share of the chord. */
  amplitude: number;
  /** Harmonic k has amplitude ≤ amplitude / k^decay: more of them, more bends. */
  harmonics: number;
  /** 1 (default): smooth; below 1 the short bends stay larger (a river's meanders). */
  decay?: number;
  /** Vertex spacing along the chord, km. */
  stepKm: number;
}

/** A curve from `a` to `b` that starts and ends exactly there: chord + Σ c_k sin(kπt) sideways. */
function curve(a: XY, b: XY, rng: Rng, { amplitude, harmonics, stepKm, decay = 1 }: CurveOptions): XY[] {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = Math.hypot(dx, dy);
  const coefficients = Array.from({ length: harmonics }, (_, k) => rng.uniform(-amplitude, amplitude) / (k + 1) ** decay);
  if (length < 1e-9) return [a, b];
  const n = Math.max(2, Math.ceil(length / stepKm));
  const nx = -dy / length;
  const ny = dx / length;
  const points: XY[] = [a];
  for (let i = 1; i < n; i++) {
    const t = i / n;
    let offset = 0;
    coefficients.forEach((c, k) => {
      offset += c * Math.sin((k + 1) * Math.PI * t);
    });
    offset *= length;
    points.push([a[0] + dx * t + nx * offset, a[1] + dy * t + ny * offset]);
  }
  points.push(b);
  return points;
}

/** Plane points → a LineString in degrees, clamped to `box`, without repeated vertices. */
function toLineString(points: readonly XY[], box: Box): LineString {
  const coordinates: [number, number][] = [];
  for (const [x, y] of points) {
    const p = toLonLat(Math.min(box.maxX, Math.max(box.minX, x)), Math.min(box.maxY, Math.max(box.minY, y)));
    const last = coordinates[coordinates.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) coordinates.push(p);
  }
  if (coordinates.length < 2) throw new Error('a base-map line collapsed to a point');
  return { type: 'LineString', coordinates };
}

function distance(a: XY, b: XY): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

function midpoint(a: XY, b: XY): XY {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}
