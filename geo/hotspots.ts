/**
 * Mediation hotspots: dispute incidents counted on H3 hexagons (h3-js 4.5.0) and the Getis-Ord Gi*
 * statistic per hexagon, with its z-score, two-sided p-value and ArcGIS-style confidence bin.
 *
 * Study area. The hexagons whose centres lie in the region in view (county, township, village),
 * INCLUDING the hexagons without a single dispute: Gi* compares a neighbourhood's sum with what the
 * whole study area would give, so leaving the zeros out would inflate the mean and hide hot spots.
 * `studyAreaCells` builds it; a cell absent from the study area is simply not there (it is neither
 * a value nor a neighbour), which is what ArcGIS does with features outside the input layer.
 *
 * Neighbours (spatial weights). Binary: w_ij = 1 when j lies within `gridDisk(i, ring)` (H3 grid
 * distance ≤ ring, default ring 1 = the hexagon and its 6 neighbours) AND j is a study cell;
 * otherwise w_ij = 0. The disk includes i itself (w_ii = 1): that self-weight is the "star" of Gi*
 * (Gi without the star excludes i). A hexagon at the edge of the study area has fewer neighbours
 * (e.g. 4 instead of 7), it is not padded with zeros. Binary weights make Σ_j w_ij² = Σ_j w_ij = k_i,
 * the number of study cells in i's disk (reported as `neighbours`).
 *
 * Statistic (Ord & Getis 1995; ArcGIS "Hot Spot Analysis (Getis-Ord Gi*)"), with n study cells,
 * X̄ = Σx/n and S = √(Σx²/n − X̄²) (population standard deviation):
 *
 *   Gi* = (Σ_j w_ij x_j − X̄ Σ_j w_ij) / ( S · √[(n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)] )
 *       = Σ_{j∈disk(i)} (x_j − X̄) / ( S · √[(n k_i − k_i²) / (n − 1)] )      (binary weights)
 *
 * Gi* is already a z-score; p = 2·(1 − Φ(|z|)) = erfc(|z|/√2) (two-sided), computed with W. J. Cody's
 * rational Chebyshev erfc (relative error ~1e-16, far inside the 1e-7 asked for; simple-statistics'
 * `cumulativeStdNormalProbability` is a 2-decimal table and is not used). Bins as in ArcGIS: ±3 when
 * p < 0.01 (|z| ≥ 2.576), ±2 when p < 0.05 (≥ 1.960), ±1 when p < 0.10 (≥ 1.645), 0 otherwise,
 * signed by z (positive = hot, negative = cold). There is no multiple-testing (FDR) correction: with
 * thousands of hexagons, roughly 10% of them land in some bin by chance under pure noise, and
 * neighbouring Gi* values are strongly correlated (they share cells), so read the bins as a map of
 * where to look, not as proofs.
 *
 * Degenerate cases (all z = 0, p = 1, bin 0, neighbours still reported):
 * - n < 3 study cells (the variance term is meaningless);
 * - S = 0: every study cell has the same value, up to rounding (S ≤ 1e-12·max|x|), e.g. no disputes
 *   at all, or a uniform field;
 * - per cell, k_i = n: the disk covers the whole study area, so the local sum IS the global sum and
 *   the formula is 0/0; such a cell carries no local information and gets z = 0.
 */
import {
  cellToLatLng, getIcosahedronFaces, getRes0Cells, getResolution, gridDisk, isPentagon, latLngToCell,
  polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS,
} from 'h3-js';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { labelPoint } from './label-point.js';

// ---------------------------------------------------------------------------------------------
// Resolution for a map zoom
// ---------------------------------------------------------------------------------------------

/** H3 resolutions the hotspot layer uses, coarsest first (see `hexResolutionForZoom`). */
export const HOTSPOT_RESOLUTIONS = [6, 7, 8, 9, 10] as const;
export type HotspotResolution = (typeof HOTSPOT_RESOLUTIONS)[number];

/**
 * Zoom at which each resolution after the first takes over (res 7 from 9.21, 8 from 10.62, …).
 *
 * Why these numbers. The web client is MapLibre (and deck.gl on it), whose zoom z shows the world
 * 512·2^z px wide, so a pixel covers 40 075 017 m · cos φ / (512 · 2^z); at φ = 30° (the middle of
 * China, the demo county is at 29.7° N) that is 67.8 m at z 9 and 8.5 m at z 12. A hexagon's
 * on-screen size is taken as its flat-to-flat width √3 · e, with e = getHexagonEdgeLengthAvg(res, 'm')
 * (res 6: 3724.5 m, 7: 1406.5, 8: 531.4, 9: 200.8, 10: 75.9). Each finer resolution divides e by √7,
 * i.e. is the same size 1.4037 zoom levels later. Switching from res r to r+1 at the zoom where the
 * geometric mean of their widths equals the target √(20·60) ≈ 34.6 px keeps every hexagon between
 * 21.3 and 56.4 px wide in the whole range of use; those zooms are 9.210, 10.615, 12.019 and 13.423
 * (kept to 0.01 here: rounding 12.019 to 12.0 would flip integer zoom 12 to res 9).
 * Resulting widths at integer zooms: z 8 → res 6, 24 px; z 9 → 6, 49 px; z 10 → 7, 37 px;
 * z 11 → 8, 28 px; z 12 → 8, 56 px; z 13 → 9, 42 px; z 14 → 10, 32 px; z 15 → 10, 64 px.
 * Outside z ≈ 7.8…14.8 the size leaves the band because the resolution is clamped to 6…10: below
 * res 6 a hexagon (≈ 36 km²) is larger than many townships and a "hot spot" stops being a place; above
 * res 10 (≈ 0.015 km²) the cells are smaller than a building block and counts become 0/1 noise.
 * A 256-px-tile map (Leaflet, classic XYZ) should pass its zoom − 1.
 */
const ZOOM_THRESHOLDS = [9.21, 10.62, 12.02, 13.42] as const;

/**
 * H3 resolution for a web-map zoom (MapLibre convention, fractional zooms allowed) so hexagons stay
 * about 20–60 px wide on screen; always one of HOTSPOT_RESOLUTIONS, non-decreasing in `zoom`.
 * Throws a RangeError for NaN.
 */
export function hexResolutionForZoom(zoom: number): HotspotResolution {
  if (Number.isNaN(zoom)) throw new RangeError('zoom must be a number');
  let i = 0;
  while (i < ZOOM_THRESHOLDS.length && zoom >= ZOOM_THRESHOLDS[i]!) i++;
  return HOTSPOT_RESOLUTIONS[i]!;
}

// ---------------------------------------------------------------------------------------------
// Study area
// ---------------------------------------------------------------------------------------------

/**
 * The study area at `res`: every hexagon whose centre lies in one of the polygons (centre
 * containment, holes respected), deduplicated across overlapping polygons and parts, in first-seen
 * order. A polygon part so small that no hexagon centre falls in it (a small village at a coarse
 * resolution, a little island of a multipolygon) contributes the hexagon of an interior point (its
 * pole of inaccessibility, `labelPoint`), so no region vanishes from the map. Parts without a usable
 * outer ring (< 4 positions, or zero area) are skipped; an empty input gives [].
 * Coordinates are WGS84 [lon, lat]. The caller bounds the output size (a county at res 10 is
 * ~10⁵ cells): h3-js throws when the output is too large for memory.
 */
export function studyAreaCells(polygons: readonly (Polygon | MultiPolygon)[], res: number): string[] {
  const seen = new Set<string>();
  for (const geometry of polygons) {
    const parts: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    for (const rings of parts) {
      if (!rings[0] || rings[0].length < 4) continue;
      // The experimental polyfill with centre containment returns the same set as polygonToCells
      // (tests check it) and is 3–6× faster on a county-sized polygon.
      const cells = polygonToCellsExperimental(rings, res, POLYGON_TO_CELLS_FLAGS.containmentCenter, true);
      if (cells.length > 0) {
        for (const c of cells) seen.add(c);
        continue;
      }
      const p = labelPoint({ type: 'Polygon', coordinates: rings });
      if (p) seen.add(latLngToCell(p[1], p[0], res));
    }
  }
  return [...seen];
}

// ---------------------------------------------------------------------------------------------
// Binning points on hexagons
// ---------------------------------------------------------------------------------------------

/**
 * Weighted count per hexagon at `res` of the points in `lonLat` (flat: lon0, lat0, lon1, lat1, …,
 * WGS84 degrees). Each point adds its weight (weights[i], default 1). A point with a non-finite
 * coordinate or weight is skipped. Cells without points are absent (the caller's study area supplies
 * the zeros). The cell of each point is exactly h3-js `latLngToCell` (see `assignCells` for how it
 * is computed faster than one call per point).
 */
export function countByCell(lonLat: ArrayLike<number>, res: number, weights?: ArrayLike<number>): Map<string, number> {
  const n = lonLat.length >> 1;
  if (weights && weights.length < n) throw new RangeError(`weights has ${weights.length} entries for ${n} points`);
  const { cellOfPoint, cells } = assignCells(lonLat, res);
  const sums = new Float64Array(cells.length);
  const used = new Uint8Array(cells.length);
  for (let i = 0; i < n; i++) {
    const c = cellOfPoint[i]!;
    if (c < 0) continue;
    const w = weights ? weights[i]! : 1;
    if (!Number.isFinite(w)) continue;
    sums[c] = sums[c]! + w;
    used[c] = 1;
  }
  const out = new Map<string, number>();
  for (let c = 0; c < cells.length; c++) if (used[c]) out.set(cells[c]!, sums[c]!);
  return out;
}

/** Disputes in one hexagon: all of them, and those not (yet) resolved. */
export interface CellIncidentCounts {
  count: number;
  unresolved: number;
}

/**
 * Incidents per hexagon at `res` with the unresolved ones counted apart (for the unresolved share
 * per hexagon). Items with a non-finite coordinate are skipped; hexagons without items are absent.
 */
export function binIncidents(
  items: readonly { lon: number; lat: number; resolved: boolean }[], res: number,
): Map<string, CellIncidentCounts> {
  const lonLat = new Float64Array(items.length * 2);
  const resolved = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    lonLat[2 * i] = it.lon;
    lonLat[2 * i + 1] = it.lat;
    resolved[i] = it.resolved ? 1 : 0;
  }
  return binIncidentsFlat(lonLat, resolved, res);
}

/**
 * `binIncidents` on flat arrays: `lonLat` as in `countByCell`, `resolved[i]` truthy (1/true) when
 * incident i is resolved. Skips non-finite coordinates; hexagons without incidents are absent.
 */
export function binIncidentsFlat(
  lonLat: ArrayLike<number>, resolved: ArrayLike<number | boolean>, res: number,
): Map<string, CellIncidentCounts> {
  const n = lonLat.length >> 1;
  if (resolved.length < n) throw new RangeError(`resolved has ${resolved.length} entries for ${n} points`);
  const { cellOfPoint, cells } = assignCells(lonLat, res);
  const count = new Int32Array(cells.length);
  const unresolved = new Int32Array(cells.length);
  for (let i = 0; i < n; i++) {
    const c = cellOfPoint[i]!;
    if (c < 0) continue;
    count[c] = count[c]! + 1;
    if (!resolved[i]) unresolved[c] = unresolved[c]! + 1;
  }
  const out = new Map<string, CellIncidentCounts>();
  for (let c = 0; c < cells.length; c++) {
    if (count[c]! > 0) out.set(cells[c]!, { count: count[c]!, unresolved: unresolved[c]! });
  }
  return out;
}

/*
 * Fast point → cell assignment.
 *
 * h3-js `latLngToCell` costs 2–3 µs a call (two wasm mallocs, an asm.js call, a hex string), i.e.
 * 0.6–1 s for 300 000 points. But a cell is a pure function of (icosahedron face, hex lattice
 * coordinates on that face): H3 computes the point's face (nearest face centre), its gnomonic
 * position in that face's plane, rounds it to the nearest centre of a regular hexagonal lattice
 * (scaled by √7 per resolution and turned by atan(√3/5) at odd ones) and only then encodes that
 * lattice position as an index. So we reproduce the first part in plain JS (a dot product per face,
 * one division, a hex rounding; no trigonometry beyond the point's own sin/cos), group points by
 * (face, lattice position), and call h3-js once per group on one of its points. Different groups can
 * be the same cell (a cell straddling a face edge), hence the final merge by index string.
 *
 * Exactness. Our floating-point path and H3's differ by rounding, so a point could only land in a
 * different group than H3 says when it is within rounding distance of a lattice or face boundary.
 * Such points go through h3-js directly: hex-rounding margin < 1e-6 lattice units (≤ 0.13 mm at
 * res 10), nearest/second-nearest face too close to call, or within ~64 km (1e-2 rad) of a face
 * centre, where H3's own acos(1 − d²/2) loses precision. For everything else those margins exceed
 * the rounding differences (~1e-9 lattice units even at res 15) by orders of magnitude, so the point
 * falls in the group H3 would give it; tests compare with `latLngToCell` on random, clustered and
 * boundary points at all resolutions, and fail if any of the three fallbacks is removed. The face centres and axis azimuths are read from h3-js itself (the 20 base cells
 * centred on a face), so no H3 tables are copied; if that ever fails, every point takes the slow path.
 */

/** Gnomonic scale of a res-0 lattice unit, (3 − √5)/2 (H3's RES0_U_GNOMONIC). */
const RES0_UNIT_GNOMONIC = (3 - Math.sqrt(5)) / 2;
/** Rotation of the class III (odd resolution) lattice, atan(√3/5) (H3's M_AP7_ROT_RADS). */
const AP7_ROTATION_RADIANS = Math.atan(Math.sqrt(3) / 5);
const HEX_MARGIN_MIN = 1e-6;
const FACE_GAP_MIN = 1e-10;
/** cos(1e-2 rad): points closer than this to a face centre take the slow path. */
const NEAR_FACE_CENTRE_DOT = Math.cos(1e-2);
const DEG = Math.PI / 180;

interface FaceFrame {
  lat: number;
  lng: number;
  /** Azimuth of the face's class II i-axis, modulo 60° (the hex lattice has 6-fold symmetry). */
  axisAzimuth: number;
}

let faceFrames: FaceFrame[] | null | undefined;
const latticeBases: (Float64Array | undefined)[] = [];

function greatCircleAzimuth(lat1: number, lng1: number, lat2: number, lng2: number): number {
  return Math.atan2(
    Math.cos(lat2) * Math.sin(lng2 - lng1),
    Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(lng2 - lng1),
  );
}

/** The 20 face frames, from the res-0 hexagons centred on a face; null when they cannot be found. */
function getFaceFrames(): FaceFrame[] | null {
  if (faceFrames !== undefined) return faceFrames;
  const sixth = Math.PI / 3;
  const frames: (FaceFrame | undefined)[] = new Array(20);
  for (const cell of getRes0Cells()) {
    if (isPentagon(cell)) continue;
    const faces = getIcosahedronFaces(cell);
    if (faces.length !== 1) continue;
    const [latDeg, lngDeg] = cellToLatLng(cell);
    const lat = latDeg * DEG;
    const lng = lngDeg * DEG;
    // A face-centred base cell sees its 6 neighbours at the lattice directions, i.e. at azimuths
    // equal modulo 60°; other single-face base cells do not.
    let first = NaN;
    let centred = true;
    for (const nb of gridDisk(cell, 1)) {
      if (nb === cell) continue;
      const [a, b] = cellToLatLng(nb);
      const az = greatCircleAzimuth(lat, lng, a * DEG, b * DEG);
      const m = ((az % sixth) + sixth) % sixth;
      if (Number.isNaN(first)) first = m;
      else {
        let d = Math.abs(m - first);
        d = Math.min(d, sixth - d);
        if (d > 1e-9) centred = false;
      }
    }
    const face = faces[0]!;
    if (centred && face >= 0 && face < 20 && !frames[face]) frames[face] = { lat, lng, axisAzimuth: first };
  }
  faceFrames = frames.every((f) => f !== undefined) && frames.length === 20 ? (frames as FaceFrame[]) : null;
  return faceFrames;
}

/**
 * Per face, 9 numbers: the face centre c (unit vector) and two vectors Q, R such that for a unit
 * vector v the axial hex-lattice coordinates at `res` are (v·Q / v·c, v·R / v·c): gnomonic
 * projection onto the face plane, H3's hex2d frame (x along the i-axis, angle counter-clockwise),
 * class III rotation, resolution scale, then axial coordinates on the basis (1,0), (1/2, √3/2).
 */
function latticeBasis(res: number, frames: FaceFrame[]): Float64Array {
  const cached = latticeBases[res];
  if (cached) return cached;
  const out = new Float64Array(20 * 9);
  const scale = Math.pow(7, res / 2) / RES0_UNIT_GNOMONIC;
  const rho = res % 2 === 1 ? AP7_ROTATION_RADIANS : 0;
  const cr = Math.cos(rho);
  const sr = Math.sin(rho);
  const sqrt3 = Math.sqrt(3);
  frames.forEach((f, i) => {
    const sp = Math.sin(f.lat), cp = Math.cos(f.lat), sl = Math.sin(f.lng), cl = Math.cos(f.lng);
    const c = [cp * cl, cp * sl, sp];
    const north = [-sp * cl, -sp * sl, cp];
    const east = [-sl, cl, 0];
    const ca = Math.cos(f.axisAzimuth), sa = Math.sin(f.axisAzimuth);
    // H3: theta = axisAzimuth − azimuth(point), so x grows toward the axis azimuth and y toward
    // axisAzimuth − 90°.
    for (let k = 0; k < 3; k++) {
      const e1 = ca * north[k]! + sa * east[k]!;
      const e2 = sa * north[k]! - ca * east[k]!;
      // class III: theta − rho, i.e. rotate (x, y) by −rho.
      const x = (cr * e1 + sr * e2) * scale;
      const y = (-sr * e1 + cr * e2) * scale;
      out[i * 9 + k] = c[k]!;
      out[i * 9 + 3 + k] = x - y / sqrt3;
      out[i * 9 + 6 + k] = (2 * y) / sqrt3;
    }
  });
  latticeBases[res] = out;
  return out;
}

/** Fields written by `locateOnLattice`: face, q, r, face gap, hex margin, dot with the face centre. */
const LOCATION_FIELDS = 6;

/**
 * Where a point falls on the lattice of `B` (from `latticeBasis`): writes into `out` the face, the
 * axial coordinates q, r of the nearest lattice centre, the gap between the nearest and second
 * nearest face (difference of dot products; 0 on a face edge), the distance to the hexagon's edge in
 * lattice units (0.5 at its centre, 0 on its edge) and the dot product with the face centre. Returns
 * false for a latitude outside ±90°.
 */
function locateOnLattice(B: Float64Array, latDeg: number, lonDeg: number, out: Float64Array): boolean {
  if (!(latDeg >= -90 && latDeg <= 90)) return false;
  const p = latDeg * DEG, l = lonDeg * DEG, cp = Math.cos(p);
  const x = cp * Math.cos(l), y = cp * Math.sin(l), z = Math.sin(p);
  let best = -2, second = -2, face = 0;
  for (let f = 0, o = 0; f < 20; f++, o += 9) {
    const d = B[o]! * x + B[o + 1]! * y + B[o + 2]! * z;
    if (d > best) {
      second = best;
      best = d;
      face = f;
    } else if (d > second) second = d;
  }
  const o = face * 9;
  const q = (B[o + 3]! * x + B[o + 4]! * y + B[o + 5]! * z) / best;
  const r = (B[o + 6]! * x + B[o + 7]! * y + B[o + 8]! * z) / best;
  // Nearest hexagon centre: cube rounding (round all three cube coordinates, then fix the one that
  // moved most so they sum to 0).
  const s = -q - r;
  let rq = Math.round(q), rr = Math.round(r);
  const rs = Math.round(s);
  const dq = Math.abs(rq - q), dr = Math.abs(rr - r), ds = Math.abs(rs - s);
  if (dq > dr && dq > ds) rq = -rr - rs;
  else if (dr > ds) rr = -rq - rs;
  // Distance to the hexagon's edge: inradius 1/2 minus the largest projection of the offset on the
  // three neighbour directions.
  const fq = q - rq, fr = r - rr, fs = -fq - fr;
  out[0] = face;
  out[1] = rq;
  out[2] = rr;
  out[3] = best - second;
  out[4] = 0.5 - 0.5 * Math.max(Math.abs(fq - fs), Math.abs(fr - fs), Math.abs(fr - fq));
  out[5] = best;
  return true;
}

/**
 * Open-addressing table from (face, q, r) lattice keys to group numbers; much faster than a Map
 * keyed by composite numbers (which would be heap doubles at fine resolutions).
 */
class LatticeGroups {
  face: number[] = [];
  q: number[] = [];
  r: number[] = [];
  private table = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;

  get size(): number {
    return this.face.length;
  }

  private static hash(face: number, q: number, r: number): number {
    return (Math.imul(q, 0x9e3779b1) ^ Math.imul(r, 0x85ebca77) ^ Math.imul(face, 0xc2b2ae3d)) >>> 0;
  }

  /** Group number of (face, q, r), or −1 when there is none. */
  find(face: number, q: number, r: number): number {
    let h = LatticeGroups.hash(face, q, r) & this.mask;
    for (;;) {
      const slot = this.table[h]!;
      if (slot === 0) return -1;
      const g = slot - 1;
      if (this.q[g] === q && this.r[g] === r && this.face[g] === face) return g;
      h = (h + 1) & this.mask;
    }
  }

  /** Group number of (face, q, r), creating it. */
  group(face: number, q: number, r: number): number {
    let h = LatticeGroups.hash(face, q, r) & this.mask;
    for (;;) {
      const slot = this.table[h]!;
      if (slot === 0) break;
      const g = slot - 1;
      if (this.q[g] === q && this.r[g] === r && this.face[g] === face) return g;
      h = (h + 1) & this.mask;
    }
    const g = this.face.length;
    this.face.push(face);
    this.q.push(q);
    this.r.push(r);
    this.table[h] = g + 1;
    if (this.face.length * 2 > this.table.length) this.grow();
    return g;
  }

  private grow(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let g = 0; g < this.face.length; g++) {
      let h = LatticeGroups.hash(this.face[g]!, this.q[g]!, this.r[g]!) & this.mask;
      while (this.table[h] !== 0) h = (h + 1) & this.mask;
      this.table[h] = g + 1;
    }
  }
}

/**
 * The cell of every point: `cells` lists the distinct cells, `cellOfPoint[i]` is point i's index in
 * it, or −1 when the point has a non-finite coordinate. Identical to calling latLngToCell per point.
 */
export function assignCells(lonLat: ArrayLike<number>, res: number): { cellOfPoint: Int32Array; cells: string[] } {
  if (!Number.isInteger(res) || res < 0 || res > 15) throw new RangeError(`H3 resolution must be an integer 0…15, got ${res}`);
  const n = lonLat.length >> 1;
  const cellOfPoint = new Int32Array(n);
  const cells: string[] = [];
  const cellIds = new Map<string, number>();
  const idOf = (cell: string): number => {
    let id = cellIds.get(cell);
    if (id === undefined) {
      id = cells.length;
      cells.push(cell);
      cellIds.set(cell, id);
    }
    return id;
  };
  const frames = getFaceFrames();
  const B = frames ? latticeBasis(res, frames) : null;
  const groups = new LatticeGroups();
  /** Per point: group number ≥ 0, or −1 (skipped), or −2 (slow path, cell already in cellOfPoint). */
  const groupOfPoint = new Int32Array(n);
  const firstPoint: number[] = [];

  const where = new Float64Array(LOCATION_FIELDS);
  for (let i = 0; i < n; i++) {
    const lon = lonLat[2 * i]!;
    const lat = lonLat[2 * i + 1]!;
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
      groupOfPoint[i] = -1;
      continue;
    }
    let group = -2;
    if (B && locateOnLattice(B, lat, lon, where)
      && where[3]! >= FACE_GAP_MIN && where[4]! >= HEX_MARGIN_MIN && where[5]! < NEAR_FACE_CENTRE_DOT) {
      group = groups.group(where[0]!, where[1]!, where[2]!);
      if (group === firstPoint.length) firstPoint.push(i);
    }
    groupOfPoint[i] = group;
    if (group === -2) cellOfPoint[i] = idOf(latLngToCell(lat, lon, res));
  }

  const cellOfGroup = new Int32Array(groups.size);
  for (let g = 0; g < groups.size; g++) {
    const i = firstPoint[g]!;
    cellOfGroup[g] = idOf(latLngToCell(lonLat[2 * i + 1]!, lonLat[2 * i]!, res));
  }
  for (let i = 0; i < n; i++) {
    const g = groupOfPoint[i]!;
    if (g >= 0) cellOfPoint[i] = cellOfGroup[g]!;
    else if (g === -1) cellOfPoint[i] = -1;
  }
  return { cellOfPoint, cells };
}

// ---------------------------------------------------------------------------------------------
// Getis-Ord Gi*
// ---------------------------------------------------------------------------------------------

/** −3…3: 99/95/90% confidence cold (negative) or hot (positive) spot; 0 = not significant. */
export type GiStarBin = -3 | -2 | -1 | 0 | 1 | 2 | 3;

export interface GiStarResult {
  cell: string;
  /** The cell's value x_i (0 when `values` has none). */
  value: number;
  /** k_i: study cells within the disk, the cell itself included (7 inside, fewer at the edge). */
  neighbours: number;
  /** Gi*, which is a z-score. */
  z: number;
  /** Two-sided p-value of z under the standard normal. */
  p: number;
  bin: GiStarBin;
}

export interface GiStarOptions {
  /** Neighbourhood radius in H3 grid steps (gridDisk k); default 1. Integer ≥ 0. */
  ring?: number;
}

/**
 * Gi* per study cell, in the order of `studyCells` (duplicates dropped, first occurrence kept). See
 * the top of this file for the neighbour definition, formula and degenerate cases. `values` gives
 * x per cell; a study cell missing from it counts 0 (an empty hexagon), entries for cells outside
 * the study area are ignored (they are not part of the analysis, not even as neighbours). Study
 * cells must be valid H3 cells of one resolution (RangeError otherwise); a non-finite value is a
 * RangeError. An empty study area gives [].
 */
export function getisOrdGiStar(
  studyCells: readonly string[], values: ReadonlyMap<string, number>, options: GiStarOptions = {},
): GiStarResult[] {
  const ring = options.ring ?? 1;
  if (!Number.isInteger(ring) || ring < 0) throw new RangeError(`ring must be an integer ≥ 0, got ${ring}`);
  const ids = new Map<string, number>();
  const cells: string[] = [];
  for (const c of studyCells) {
    if (!ids.has(c)) {
      ids.set(c, cells.length);
      cells.push(c);
    }
  }
  const n = cells.length;
  if (n === 0) return [];
  const res = getResolution(cells[0]!);
  const x = new Float64Array(n);
  let sum = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const c = cells[i]!;
    if (getResolution(c) !== res || res < 0) throw new RangeError(`study cells must share one H3 resolution: ${c} vs ${cells[0]}`);
    const v = values.get(c) ?? 0;
    if (!Number.isFinite(v)) throw new RangeError(`value of ${c} is not finite: ${v}`);
    x[i] = v;
    sum += v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = sum / n;
  // Two-pass variance: Σx²/n − X̄² is the same number in exact arithmetic but cancels badly.
  const centred = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    centred[i] = d;
    ss += d * d;
  }
  const S = Math.sqrt(ss / n);
  const degenerate = n < 3 || !(S > 1e-12 * maxAbs);

  const neighbourhood = diskNeighbours(cells, ids, res, ring);
  const out: GiStarResult[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let k = 0;
    let local = 0;
    neighbourhood.forEach(i, (j) => {
      k++;
      local += centred[j]!;
    });
    let z = 0;
    if (!degenerate) {
      const varianceTerm = (n * k - k * k) / (n - 1);
      if (varianceTerm > 0) z = local / (S * Math.sqrt(varianceTerm));
    }
    const p = twoSidedPValue(z);
    out[i] = { cell: cells[i]!, value: x[i]!, neighbours: k, z, p, bin: confidenceBin(z, p) };
  }
  return out;
}

/**
 * The study cells within `gridDisk(cell, ring)` of each study cell, as study-cell numbers.
 *
 * Calling gridDisk for every cell and looking its answers up in a Map of strings costs ~10 µs a
 * cell (a wasm call and 7 fresh strings to hash). Instead each cell's centre is placed on its face's
 * hex lattice (as in `assignCells`) and the disk is read from the lattice: inside a face, H3's grid
 * neighbours ARE the lattice neighbours. Near a face edge (or a pentagon, which sits on face
 * vertices) that stops being true, so a cell whose centre is closer than 2·(ring + 1) lattice units
 * (in dot-product gap, which changes at most 2 per unit of chord distance) to another face uses
 * gridDisk itself; then every cell within its ring provably has its centre on the same face.
 */
function diskNeighbours(
  cells: readonly string[], ids: ReadonlyMap<string, number>, res: number, ring: number,
): { forEach(i: number, visit: (j: number) => void): void } {
  const n = cells.length;
  const frames = getFaceFrames();
  const latticeOf = new Int32Array(n).fill(-1);
  const groups = new LatticeGroups();
  const cellOfGroup: number[] = [];
  const offsets: number[] = [];
  if (frames && n > 0) {
    const B = latticeBasis(res, frames);
    const unitRadians = RES0_UNIT_GNOMONIC / Math.pow(7, res / 2);
    const minGap = 2 * (ring + 1) * unitRadians;
    const where = new Float64Array(LOCATION_FIELDS);
    let consistent = true;
    for (let i = 0; i < n && consistent; i++) {
      const [lat, lng] = cellToLatLng(cells[i]!);
      if (!locateOnLattice(B, lat, lng, where) || where[3]! < FACE_GAP_MIN) continue; // on a face edge
      const g = groups.group(where[0]!, where[1]!, where[2]!);
      // A cell centre is a lattice point (margin 0.5) and no two cells share one; if that ever fails,
      // trust nothing of the lattice and use gridDisk everywhere.
      if (where[4]! < 0.25 || g !== cellOfGroup.length) consistent = false;
      cellOfGroup.push(i);
      if (where[3]! >= minGap) latticeOf[i] = g;
    }
    if (!consistent) latticeOf.fill(-1);
    for (let dq = -ring; dq <= ring; dq++) {
      for (let dr = Math.max(-ring, -dq - ring); dr <= Math.min(ring, -dq + ring); dr++) offsets.push(dq, dr);
    }
  }
  return {
    forEach(i, visit) {
      const g = latticeOf[i]!;
      if (g >= 0) {
        const face = groups.face[g]!, q = groups.q[g]!, r = groups.r[g]!;
        for (let o = 0; o < offsets.length; o += 2) {
          const h = groups.find(face, q + offsets[o]!, r + offsets[o + 1]!);
          if (h >= 0) visit(cellOfGroup[h]!);
        }
        return;
      }
      for (const nb of gridDisk(cells[i]!, ring)) {
        const j = ids.get(nb);
        if (j !== undefined) visit(j);
      }
    },
  };
}

/** ArcGIS confidence bin of a z-score and its two-sided p-value (p < 0.01 → ±3, < 0.05 → ±2, < 0.10 → ±1). */
export function confidenceBin(z: number, p: number): GiStarBin {
  const level = p < 0.01 ? 3 : p < 0.05 ? 2 : p < 0.1 ? 1 : 0;
  if (level === 0) return 0;
  return (z > 0 ? level : -level) as GiStarBin;
}

/** Two-sided standard-normal p-value 2·(1 − Φ(|z|)) = erfc(|z|/√2); NaN for NaN. */
export function twoSidedPValue(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Complementary error function, W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
 * approximations for the error function", Math. Comp. 23, 1969; netlib specfun CALERF): relative
 * error about 1e-16 over the whole line. Coefficients from that paper.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    // erf by a rational function of x², erfc = 1 − erf.
    const ysq = y > 1.11e-16 ? y * y : 0;
    let num = ERF_A[4] * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + ERF_A[i]!) * ysq;
      den = (den + ERF_B[i]!) * ysq;
    }
    return 1 - (x * (num + ERF_A[3])) / (den + ERF_B[3]);
  } else if (y <= 4) {
    let num = ERFC_C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]!) * y;
      den = (den + ERFC_D[i]!) * y;
    }
    result = expMinusSquare(y) * ((num + ERFC_C[7]) / (den + ERFC_D[7]));
  } else if (y >= 26.543) {
    result = 0; // underflows a double
  } else {
    const ysq = 1 / (y * y);
    let num = ERFC_P[5] * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + ERFC_P[i]!) * ysq;
      den = (den + ERFC_Q[i]!) * ysq;
    }
    const r = (ysq * (num + ERFC_P[4])) / (den + ERFC_Q[4]);
    result = expMinusSquare(y) * ((1 / Math.sqrt(Math.PI) - r) / y);
  }
  return x < 0 ? 2 - result : result;
}

/** exp(−y²) without the rounding error of squaring y first (split y into a 1/16-grid part and the rest). */
function expMinusSquare(y: number): number {
  const ySixteenths = Math.trunc(y * 16) / 16;
  const del = (y - ySixteenths) * (y + ySixteenths);
  return Math.exp(-ySixteenths * ySixteenths) * Math.exp(-del);
}

const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153] as const;
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062] as const;
const ERFC_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
] as const;
const ERFC_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
] as const;
const ERFC_P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766,
  6.58749161529837803e-4, 0.0163153871373020978,
] as const;
const ERFC_Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185] as const;
