/**
 * The demo county's geography: outline, townships, villages, natural villages, key places and grids.
 *
 * How it is built (and why):
 * 1. Town seats are placed first; a density of "grid sites" peaks at each seat (urban grids are small,
 *    ~0.25 km², rural ones ~5 km²), and sites are drawn from it by dart throwing with a minimum
 *    spacing, which gives even, natural-looking Voronoi cells.
 * 2. The Voronoi cells whose site lies inside an irregular blob form the county; each cell is one
 *    grid. Cells are then grouped bottom-up: townships grow from the seats over the cell adjacency
 *    graph, villages split each township, natural villages split some rural villages. Every region
 *    is a union of whole cells, so the hierarchy tiles exactly (see planar-partition.ts).
 * 3. Class C grids are small rectangles around key places (a mall, a school, …) placed strictly inside
 *    one cell: the cell's grid keeps the rest, with the rectangle as a hole of identical coordinates.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { GridClass, KeyPlaceType, RiskLevel } from '../../geo/layers.js';
import { carveClassC, placeKeyPlaces } from './generate-key-places.js';
import { type Adjacency, growRegions, splitIntoGroups } from './graph.js';
import { NameBook } from './names.js';
import {
  type Partition, type XY, buildPartition, refPolyline, roughenEdges, unionCells,
} from './planar-partition.js';
import { PolygonLocator } from './point-locator.js';
import { planarToMultiPolygon } from './projection.js';
import type { Rng } from './random.js';
import type { DemoRegion, PatrolSchedule, TownshipKind, VillageKind } from './types.js';

export const COUNTY_CODE = '330699';
export const COUNTY_NAME = '示范县';

export interface TownshipInfo {
  readonly index: number;
  code: string;
  name: string;
  readonly kind: TownshipKind;
  /** Town seat, km. */
  readonly centre: XY;
  readonly cells: number[];
  readonly villages: number[];
}

export interface VillageInfo {
  readonly index: number;
  code: string;
  name: string;
  readonly kind: VillageKind;
  readonly township: number;
  readonly cells: number[];
  /** Site of the village's seat cell (its committee, its main hamlet), km. */
  readonly seat: XY;
  readonly naturalVillages: number[];
}

export interface NaturalVillageInfo {
  readonly index: number;
  code: string;
  name: string;
  readonly village: number;
  readonly cells: number[];
  readonly seat: XY;
}

export interface GridInfo {
  index: number;
  code: string;
  name: string;
  readonly gridClass: GridClass;
  readonly village: number;
  /** The Voronoi cell of an A/B grid; for a C grid the cell it was carved from. */
  readonly cell: number;
  /** Key place index of a C grid, else null. */
  readonly keyPlace: number | null;
  geom: MultiPolygon;
  /** Label point (site or rectangle centre), km: used to number grids north→south, west→east. */
  readonly centre: XY;
}

export interface KeyPlaceInfo {
  readonly index: number;
  name: string;
  readonly type: KeyPlaceType;
  readonly risk: RiskLevel;
  /** Position, km (the footprint's centre for polygon places). */
  x: number;
  y: number;
  /** Footprint ring (km, counter-clockwise) for places that anchor a C grid. */
  footprint: XY[] | null;
  schedule: PatrolSchedule | null;
  /** Grid index of its class C grid, set when one is carved. */
  cGrid: number | null;
}

export interface World {
  readonly partition: Partition;
  readonly inside: boolean[];
  readonly urban: boolean[];
  readonly cellVillage: Map<number, number>;
  readonly townships: TownshipInfo[];
  readonly villages: VillageInfo[];
  readonly naturalVillages: NaturalVillageInfo[];
  readonly grids: GridInfo[];
  readonly keyPlaces: KeyPlaceInfo[];
  readonly regions: DemoRegion[];
  readonly cityCentre: XY;
  readonly citySigmaKm: number;
  readonly gridLocator: PolygonLocator<number>;
  readonly naturalVillageLocator: PolygonLocator<number>;
  /** Urban density at a point, cells/km² (drives where things concentrate). */
  readonly urbanDensity: (x: number, y: number) => number;
}

interface DensityPeak {
  readonly x: number;
  readonly y: number;
  readonly sigma: number;
  readonly peak: number;
}

/** Rural background density of grid sites, per km²: tuned so that scale 1 gives ~400 grids. */
const RURAL_DENSITY = 0.165;
/** Dart-throwing spacing factor: spacing = SPACING / sqrt(density) (≈ density-true for maximal packing). */
const SPACING = 0.8;
/** A cell is urban (class A, community) when the urban part of the density exceeds this. */
const URBAN_DENSITY = 1.0;
/** Cells per village on average (so ~70 villages for ~370 cells at scale 1). */
const CELLS_PER_VILLAGE = 5.3;

export function buildWorld(root: Rng, regionScale: number): World {
  const rng = root.fork('regions');
  const sqrtScale = Math.sqrt(regionScale);

  // --- County outline: a star-shaped blob r(θ) = R (1 + Σ a_k cos(kθ + φ_k)) -----------------------
  const radius = 19 * sqrtScale;
  const harmonics = [2, 3, 4, 5, 6, 7].map((k) => ({
    k,
    a: rng.uniform(0.02, 0.065) * (k <= 3 ? 1.4 : 1),
    phase: rng.uniform(0, 2 * Math.PI),
  }));
  const blobRadius = (theta: number): number =>
    radius * (1 + harmonics.reduce((s, h) => s + h.a * Math.cos(h.k * theta + h.phase), 0));
  const inBlob = (x: number, y: number, marginKm = 0): boolean => Math.hypot(x, y) <= blobRadius(Math.atan2(y, x)) - marginKm;
  let maxBlob = 0;
  for (let i = 0; i < 360; i++) maxBlob = Math.max(maxBlob, blobRadius((i / 180) * Math.PI));

  // --- Town seats ------------------------------------------------------------------------------
  const nTownships = Math.max(8, Math.round(10 * regionScale));
  const nStreets = Math.max(2, Math.round(3 * sqrtScale));
  const nRuralTownships = Math.max(1, Math.round(0.2 * nTownships));
  const nTowns = nTownships - nStreets - nRuralTownships;
  const cityCentre: XY = [rng.uniform(-0.12, 0.12) * radius, rng.uniform(-0.12, 0.12) * radius];
  const citySigma = 2.0 * sqrtScale;
  const seats: { kind: TownshipKind; centre: XY }[] = [];
  const rot = rng.uniform(0, 2 * Math.PI);
  for (let i = 0; i < nStreets; i++) {
    const a = rot + (2 * Math.PI * i) / nStreets;
    const d = citySigma * (nStreets > 4 && i % 2 === 1 ? 1.6 : 0.9);
    seats.push({ kind: 'street', centre: [cityCentre[0] + d * Math.cos(a), cityCentre[1] + d * Math.sin(a)] });
  }
  const others: XY[] = [];
  let minApart = 6.5;
  for (let attempt = 0; others.length < nTowns + nRuralTownships; attempt++) {
    if (attempt > 0 && attempt % 4000 === 0) minApart *= 0.9; // relax if the blob is crowded
    const x = rng.uniform(-maxBlob, maxBlob);
    const y = rng.uniform(-maxBlob, maxBlob);
    if (!inBlob(x, y, 3)) continue;
    if (Math.hypot(x - cityCentre[0], y - cityCentre[1]) < citySigma * 3.5) continue;
    if (others.some((o) => Math.hypot(o[0] - x, o[1] - y) < minApart)) continue;
    others.push([x, y]);
  }
  // The remotest seats become 乡 (rural townships), the others 镇 (towns).
  others.sort((p, q) => Math.hypot(p[0] - cityCentre[0], p[1] - cityCentre[1]) - Math.hypot(q[0] - cityCentre[0], q[1] - cityCentre[1]));
  others.forEach((c, i) => seats.push({ kind: i < nTowns ? 'town' : 'township', centre: c }));

  // --- Site density and dart throwing ----------------------------------------------------------------
  const peaks: DensityPeak[] = [{ x: cityCentre[0], y: cityCentre[1], sigma: citySigma, peak: 5 }];
  for (const s of seats) {
    if (s.kind === 'town') peaks.push({ x: s.centre[0], y: s.centre[1], sigma: 0.9, peak: 3.5 });
    if (s.kind === 'township') peaks.push({ x: s.centre[0], y: s.centre[1], sigma: 0.5, peak: 1.5 });
  }
  const urbanDensity = (x: number, y: number): number => {
    let u = 0;
    for (const p of peaks) {
      const d2 = (x - p.x) ** 2 + (y - p.y) ** 2;
      if (d2 < 36 * p.sigma * p.sigma) u += p.peak * Math.exp(-d2 / (2 * p.sigma * p.sigma));
    }
    return u;
  };
  const spacing = (x: number, y: number): number => SPACING / Math.sqrt(RURAL_DENSITY + urbanDensity(x, y));
  const half = maxBlob + 6;
  const sites = throwDarts(rng.fork('sites'), half, peaks, spacing);
  const extentHalf = half + 8;
  const partition = buildPartition(sites, [-extentHalf, -extentHalf, extentHalf, extentHalf]);
  const nCells = partition.cells.length;

  // Adjacency over all cells (used for the inside/outside clean-up, then for the hierarchy).
  const allAdj: { to: number; km: number }[][] = Array.from({ length: nCells }, () => []);
  for (const e of partition.edges) {
    if (e.cells.length !== 2) continue;
    const [c1, c2] = e.cells as [number, number];
    const s1 = partition.cells[c1]!.site;
    const s2 = partition.cells[c2]!.site;
    const km = Math.hypot(s1[0] - s2[0], s1[1] - s2[1]);
    allAdj[c1]!.push({ to: c2, km });
    allAdj[c2]!.push({ to: c1, km });
  }
  const inside = cleanInside(partition, allAdj, sites.map((s) => inBlob(s[0], s[1])), cityCentre);
  const urban = partition.cells.map((c, i) => inside[i]! && urbanDensity(c.site[0], c.site[1]) >= URBAN_DENSITY);
  const insideCells: number[] = [];
  for (let i = 0; i < nCells; i++) if (inside[i]) insideCells.push(i);
  const adj: Adjacency = allAdj.map((list, i) => (inside[i] ? list.filter((n) => inside[n.to]) : []));

  // --- Natural-looking boundaries ------------------------------------------------------------------
  roughenEdges(partition, rng.fork('roughen'), (edge) => {
    const ins = edge.cells.filter((c) => inside[c]);
    if (ins.length === 0) return null;
    const len = Math.hypot(partition.vx[edge.a]! - partition.vx[edge.b]!, partition.vy[edge.a]! - partition.vy[edge.b]!);
    const levels = Math.max(0, Math.min(5, Math.round(Math.log2(len / 0.09))));
    if (ins.length === 1) return { amplitude: 0.22, levels }; // county boundary: the most irregular
    if (urban[edge.cells[0]!] && urban[edge.cells[1]!]) return { amplitude: 0.05, levels: Math.min(2, levels) }; // streets
    return { amplitude: 0.15, levels };
  });

  // --- Townships: grown from the seats over the cells, by distance -------------------------------------
  const seatCells: number[] = [];
  for (const s of seats) {
    let best = -1;
    let bestD = Infinity;
    for (const c of insideCells) {
      if (seatCells.includes(c)) continue;
      const site = partition.cells[c]!.site;
      const d = Math.hypot(site[0] - s.centre[0], site[1] - s.centre[1]);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    seatCells.push(best);
  }
  const townshipOf = growRegions(adj, insideCells, seatCells, (n) => n.km);
  const townships: TownshipInfo[] = seats.map((s, i) => ({
    index: i, code: '', name: '', kind: s.kind, centre: s.centre, cells: [], villages: [],
  }));
  for (const c of insideCells) townships[townshipOf.get(c)!]!.cells.push(c);

  // --- Villages within each township, natural villages within some rural villages ---------------------
  const villages: VillageInfo[] = [];
  const naturalVillages: NaturalVillageInfo[] = [];
  const cellVillage = new Map<number, number>();
  const nvRng = rng.fork('natural-villages');
  for (const t of townships) {
    const k = Math.max(2, Math.round(t.cells.length / CELLS_PER_VILLAGE));
    const { groups, seeds: villageSeats } = splitIntoGroups(adj, t.cells, k, seatCells[t.index]!);
    for (const [gi, group] of groups.entries()) {
      const urbanShare = group.filter((c) => urban[c]).length / group.length;
      const kind: VillageKind = urbanShare >= (t.kind === 'street' ? 0.34 : 0.5) ? 'community' : 'village';
      const seatCell = villageSeats[gi]!;
      const v: VillageInfo = {
        index: villages.length, code: '', name: '', kind, township: t.index, cells: group,
        seat: partition.cells[seatCell]!.site, naturalVillages: [],
      };
      villages.push(v);
      t.villages.push(v.index);
      for (const c of group) cellVillage.set(c, v.index);
      if (kind === 'village' && group.length >= 3 && nvRng.chance(0.45)) {
        const kNv = Math.min(4, group.length >= 6 ? nvRng.int(2, 4) : group.length >= 4 ? nvRng.int(2, 3) : 2);
        const nvSplit = splitIntoGroups(adj, group, kNv, seatCell, 1);
        for (const [ni, g] of nvSplit.groups.entries()) {
          const nv: NaturalVillageInfo = {
            index: naturalVillages.length, code: '', name: '', village: v.index, cells: g,
            seat: partition.cells[nvSplit.seeds[ni]!]!.site,
          };
          naturalVillages.push(nv);
          v.naturalVillages.push(nv.index);
        }
      }
    }
  }

  // --- Codes and names ---------------------------------------------------------------------------
  const names = new NameBook(rng.fork('names'));
  const kindOrder: Record<TownshipKind, number> = { street: 0, town: 1, township: 2 };
  const townshipOrder = townships.slice().sort((p, q) =>
    kindOrder[p.kind] - kindOrder[q.kind] || q.centre[1] - p.centre[1] || p.centre[0] - q.centre[0]);
  townshipOrder.forEach((t, i) => {
    t.code = `${COUNTY_CODE}${pad3(i + 1)}000`;
    t.name = names.township(t.kind);
  });
  for (const t of townships) {
    const vs = t.villages.map((i) => villages[i]!)
      .sort((p, q) => q.seat[1] - p.seat[1] || p.seat[0] - q.seat[0]);
    let community = 0;
    let village = 0;
    for (const v of vs) {
      if (v.kind === 'community') {
        community++;
        v.code = `${t.code.slice(0, 9)}${pad3(community)}`;
        v.name = names.community();
      } else {
        v.code = `${t.code.slice(0, 9)}${pad3(200 + village)}`;
        village++;
        v.name = names.village();
      }
      const nvNames = new NameBook(rng.fork(`nv-names-${v.code}`));
      v.naturalVillages
        .map((i) => naturalVillages[i]!)
        .sort((p, q) => q.seat[1] - p.seat[1] || p.seat[0] - q.seat[0])
        .forEach((nv, i) => {
          nv.code = `${v.code}${pad3(i + 1)}`;
          nv.name = nvNames.naturalVillage();
        });
    }
  }

  // --- Key places, then the class C grids carved around some of them -------------------------------------
  const cellLocator = new PolygonLocator(insideCells.map((c) => ({ value: c, geom: cellPolygonPlane(partition, c) })));
  const keyPlaces = placeKeyPlaces(rng.fork('key-places'), regionScale, {
    partition, townships, villages, cityCentre, citySigma, urban, insideCells, cellLocator, cellVillage,
  });
  const cRects = carveClassC(rng.fork('class-c'), partition, keyPlaces, cellLocator);

  // --- Grids -----------------------------------------------------------------------------------
  const grids: GridInfo[] = [];
  for (const v of villages) {
    const drafts: { cell: number; keyPlace: number | null; centre: XY; gridClass: GridClass }[] = [];
    for (const c of v.cells) {
      drafts.push({ cell: c, keyPlace: null, centre: partition.cells[c]!.site, gridClass: urban[c] ? 'A' : 'B' });
      const rect = cRects.get(c);
      if (rect) {
        const kp = keyPlaces[rect.keyPlace]!;
        drafts.push({ cell: c, keyPlace: rect.keyPlace, centre: [kp.x, kp.y], gridClass: 'C' });
      }
    }
    // Number north→south in bands about one grid tall, west→east within a band.
    const ys = drafts.map((d) => d.centre[1]);
    const band = Math.max(0.3, (Math.max(...ys) - Math.min(...ys)) / Math.max(1, Math.round(Math.sqrt(drafts.length))));
    const top = Math.max(...ys);
    drafts.sort((p, q) => Math.floor((top - p.centre[1]) / band) - Math.floor((top - q.centre[1]) / band) || p.centre[0] - q.centre[0]);
    drafts.forEach((d, i) => {
      const code = `${v.code}${pad3(i + 1)}`;
      let geom: MultiPolygon;
      let name: string;
      if (d.keyPlace !== null) {
        const rect = cRects.get(d.cell)!;
        geom = { type: 'MultiPolygon', coordinates: [[rect.lonLat]] };
        name = `${keyPlaces[d.keyPlace]!.name}专属网格`;
        keyPlaces[d.keyPlace]!.cGrid = grids.length;
      } else {
        const polys = unionCells(partition, [d.cell]);
        geom = planarToMultiPolygon(polys);
        const rect = cRects.get(d.cell);
        if (rect) geom.coordinates[0]!.push(rect.lonLat.slice().reverse());
        name = `${v.name}第${i + 1}网格`;
      }
      grids.push({
        index: grids.length, code, name, gridClass: d.gridClass, village: v.index, cell: d.cell,
        keyPlace: d.keyPlace, geom, centre: d.centre,
      });
    });
  }

  // --- Region polygons: unions of whole cells ---------------------------------------------------------
  const regions: DemoRegion[] = [];
  regions.push({
    code: `${COUNTY_CODE}000000`, parent_code: null, level: 'county', kind: null, name: COUNTY_NAME,
    county_code: COUNTY_CODE, geom: planarToMultiPolygon(unionCells(partition, insideCells)),
  });
  for (const t of townshipOrder) {
    regions.push({
      code: t.code, parent_code: `${COUNTY_CODE}000000`, level: 'township', kind: t.kind, name: t.name,
      county_code: COUNTY_CODE, geom: planarToMultiPolygon(unionCells(partition, t.cells)),
    });
  }
  const villageOrder = villages.slice().sort((p, q) => (p.code < q.code ? -1 : 1));
  for (const v of villageOrder) {
    regions.push({
      code: v.code, parent_code: townships[v.township]!.code, level: 'village', kind: v.kind, name: v.name,
      county_code: COUNTY_CODE, geom: planarToMultiPolygon(unionCells(partition, v.cells)),
    });
  }
  const nvOrder = naturalVillages.slice().sort((p, q) => (p.code < q.code ? -1 : 1));
  for (const nv of nvOrder) {
    regions.push({
      code: nv.code, parent_code: villages[nv.village]!.code, level: 'natural_village', kind: null, name: nv.name,
      county_code: COUNTY_CODE, geom: planarToMultiPolygon(unionCells(partition, nv.cells)),
    });
  }
  grids.sort((p, q) => (p.code < q.code ? -1 : 1));
  grids.forEach((g, i) => {
    g.index = i;
    if (g.keyPlace !== null) keyPlaces[g.keyPlace]!.cGrid = i;
  });

  return {
    partition, inside, urban, cellVillage, townships, villages, naturalVillages, grids, keyPlaces, regions,
    cityCentre, citySigmaKm: citySigma,
    gridLocator: new PolygonLocator(grids.map((g) => ({ value: g.index, geom: g.geom }))),
    naturalVillageLocator: new PolygonLocator(nvOrder.map((nv) => ({
      value: nv.index,
      geom: regions.find((r) => r.code === nv.code)!.geom,
    }))),
    urbanDensity,
  };
}

export function pad3(n: number): string {
  return String(n).padStart(3, '0');
}

/** Variable-radius dart throwing (Poisson-disk sampling) in the square [-half, half]². */
function throwDarts(rng: Rng, half: number, peaks: readonly DensityPeak[], spacing: (x: number, y: number) => number): XY[] {
  const side = 2 * half;
  // Candidates come from a mixture shaped like the density, so dense areas get enough darts.
  const weights = [RURAL_DENSITY * side * side, ...peaks.map((p) => 2 * Math.PI * p.sigma * p.sigma * p.peak)];
  const expected = weights.reduce((s, w) => s + w, 0);
  const darts = Math.round(30 * expected);
  const bucket = 1; // km
  const nb = Math.ceil(side / bucket) + 1;
  const buckets: number[][] = Array.from({ length: nb * nb }, () => []);
  const xs: number[] = [];
  const ys: number[] = [];
  const rs: number[] = [];
  const maxSpacing = SPACING / Math.sqrt(RURAL_DENSITY);
  for (let i = 0; i < darts; i++) {
    const which = rng.weightedIndex(weights);
    let x: number;
    let y: number;
    if (which === 0) {
      x = rng.uniform(-half, half);
      y = rng.uniform(-half, half);
    } else {
      const p = peaks[which - 1]!;
      x = rng.normal(p.x, p.sigma);
      y = rng.normal(p.y, p.sigma);
      if (Math.abs(x) > half || Math.abs(y) > half) continue;
    }
    const r = spacing(x, y);
    const reach = Math.ceil((r + maxSpacing) / 2 / bucket);
    const bx = Math.floor((x + half) / bucket);
    const by = Math.floor((y + half) / bucket);
    let ok = true;
    for (let gx = Math.max(0, bx - reach); ok && gx <= Math.min(nb - 1, bx + reach); gx++) {
      for (let gy = Math.max(0, by - reach); ok && gy <= Math.min(nb - 1, by + reach); gy++) {
        for (const j of buckets[gx * nb + gy]!) {
          if (Math.hypot(xs[j]! - x, ys[j]! - y) < (r + rs[j]!) / 2) {
            ok = false;
            break;
          }
        }
      }
    }
    if (!ok) continue;
    buckets[bx * nb + by]!.push(xs.length);
    xs.push(x);
    ys.push(y);
    rs.push(r);
  }
  return xs.map((x, i) => [x, ys[i]!] as const);
}

/**
 * Makes the county one piece without holes: keeps the inside component that holds the city, and
 * turns outside cells that are not connected to the diagram's rim into inside cells.
 */
function cleanInside(part: Partition, adj: readonly (readonly { to: number }[])[], inside: boolean[], city: XY): boolean[] {
  const n = part.cells.length;
  let start = -1;
  let bestD = Infinity;
  for (let i = 0; i < n; i++) {
    if (!inside[i]) continue;
    const s = part.cells[i]!.site;
    const d = Math.hypot(s[0] - city[0], s[1] - city[1]);
    if (d < bestD) {
      bestD = d;
      start = i;
    }
  }
  const reach = (from: number[], flag: boolean, flags: boolean[]): Set<number> => {
    const seen = new Set(from);
    const queue = from.slice();
    while (queue.length > 0) {
      const c = queue.pop()!;
      for (const nb of adj[c]!) {
        if (flags[nb.to] === flag && !seen.has(nb.to)) {
          seen.add(nb.to);
          queue.push(nb.to);
        }
      }
    }
    return seen;
  };
  const core = reach([start], true, inside);
  const out = inside.map((_, i) => core.has(i));
  // Rim cells: those with an edge that has a single cell (the extent's border).
  const rim: number[] = [];
  for (const e of part.edges) if (e.cells.length === 1 && !out[e.cells[0]!]) rim.push(e.cells[0]!);
  const outside = reach([...new Set(rim)], false, out);
  return out.map((v, i) => v || !outside.has(i));
}

/** One cell as a GeoJSON polygon in the plane (km): used to locate drafts before grids exist. */
function cellPolygonPlane(part: Partition, cell: number): Polygon {
  const ring: Position[] = [];
  for (const ref of part.cells[cell]!.refs) {
    const line = refPolyline(part, ref);
    for (let i = 0; i + 2 < line.length; i += 2) ring.push([line[i]!, line[i + 1]!]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}
