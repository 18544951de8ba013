/**
 * Camera coverage (雪亮工程): which ground a camera sees, which address points and incidents no
 * online camera sees, and the per-village camera-count rule.
 *
 * Geometry. A camera sees the ground within `rangeMeters` (great-circle distance, the haversine of
 * turf's `distance` with turf's earth radius) whose bearing from the camera lies within ±fovDeg/2 of
 * headingDeg (clockwise from north, wrapping across 0/360); fovDeg ≥ 360 is a full circle (a dome).
 * That is the shape `cameraSector` (camera-sector.ts) draws, except that its polygon is inscribed in
 * the true arc: its straight chords lie up to r·(1 − cos(Δ/2)) inside the arc for arc steps of Δ
 * (0.48 m for a 100 m dome at the default 32 steps). `pointInSector` and `CameraIndex` follow
 * the true arc, i.e. the camera's nominal range.
 *
 * Speed. Both are computed from small-angle expansions instead of haversine and the full bearing
 * formula: distance in a local equirectangular frame (metres east = Δλ·cos φ̄, north = Δφ, × R,
 * with cos φ̄ the mean of the two latitudes' cosines), bearing = atan2(Δλ·cos φ₂,
 * Δφ + sin φ₁·cos φ₂·Δλ²/2), the great-circle initial bearing (turf's `bearing`, which
 * `cameraSector`'s `destination` inverts) to second order; plain atan2(east, north) would be off by
 * half the meridian convergence, 0.3 m sideways at 2 km and 45° N. At camera ranges (≤ 2 km, the
 * schema's cap) the distance differs from turf's haversine by well under a millimetre and the
 * bearing by far less than 0.001°; tests/geo/camera-coverage.test.ts checks both against turf and
 * checks the whole test against `cameraSector` + booleanPointInPolygon on points more than 0.5 m
 * from the polygon's edge. In `CameraIndex` a point-camera test costs one atan2 and no other
 * trigonometry: the cosines and sines of latitudes are computed once per query and once per camera. The frame does
 * not wrap across the antimeridian (the product's data lie in China).
 */
import Flatbush from 'flatbush';
import { cellToChildren, cellToLatLng, getResolution, latLngToCell } from 'h3-js';

/** turf's earth radius (mean radius, metres): the one `cameraSector`'s `destination` uses. */
export const EARTH_RADIUS_METERS = 6371008.8;
const DEG = Math.PI / 180;
const METERS_PER_DEGREE = EARTH_RADIUS_METERS * DEG;

/** The part of a camera record that decides what it sees. */
export interface SectorCamera {
  readonly lon: number;
  readonly lat: number;
  /** View axis, degrees clockwise from north; any value, taken modulo 360. */
  readonly headingDeg: number;
  /** Full field of view in degrees; ≥ 360 is a circle. */
  readonly fovDeg: number;
  readonly rangeMeters: number;
}

/** A camera as the index needs it; a full camera record (status, villageCode, …) fits too. */
export interface IndexedCamera extends SectorCamera {
  readonly id: number;
}

/**
 * Ground distance in metres between two nearby points, by the local equirectangular frame described
 * at the top of this module. Meant for distances up to a few kilometres; camera-siting.ts uses the
 * same metric so that a new camera's "covers" means the same as an existing one's.
 */
export function localDistanceMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const cosMean = (Math.cos(lat1 * DEG) + Math.cos(lat2 * DEG)) / 2;
  const dx = (lon2 - lon1) * METERS_PER_DEGREE * cosMean;
  const dy = (lat2 - lat1) * METERS_PER_DEGREE;
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * Half-widths in degrees of a box that contains every point within `rangeMeters` of (., lat): the
 * longitude pad uses the cosine at the box's far edge from the equator, where a metre spans the
 * most longitude, plus a hair of slack for rounding.
 */
export function rangePadDegrees(lat: number, rangeMeters: number): { latPad: number; lonPad: number } {
  const latPad = (rangeMeters / METERS_PER_DEGREE) * (1 + 1e-9);
  const farLat = Math.min(89.9, Math.abs(lat) + latPad);
  return { latPad, lonPad: latPad / Math.cos(farLat * DEG) };
}

/**
 * Core sector test of the point (lon, lat, cos lat) against a camera at (lon0, lat0) with the cos
 * and sin of its latitude precomputed (see the module comment for the expansions). `halfFovDeg`
 * ≥ 180 means a circle. The camera's own position (distance 0) counts as seen.
 */
function sectorContains(
  lon: number, lat: number, cosLat: number,
  lon0: number, lat0: number, cosLat0: number, sinLat0: number,
  rangeSq: number, headingDeg: number, halfFovDeg: number,
): boolean {
  const dLambda = (lon - lon0) * DEG;
  const dPhi = (lat - lat0) * DEG;
  const east = dLambda * (cosLat0 + cosLat) * 0.5 * EARTH_RADIUS_METERS;
  const north = dPhi * EARTH_RADIUS_METERS;
  const d2 = east * east + north * north;
  if (d2 > rangeSq) return false;
  if (halfFovDeg >= 180 || d2 === 0) return true;
  // Initial great-circle bearing, then its signed difference from the heading folded into [-180, 180).
  let delta = Math.atan2(dLambda * cosLat, dPhi + sinLat0 * cosLat * dLambda * dLambda * 0.5) / DEG - headingDeg;
  delta -= 360 * Math.floor((delta + 180) / 360);
  return delta <= halfFovDeg && delta >= -halfFovDeg;
}

/** True when a camera's numbers describe a real sector (the schema guarantees it; imports may not). */
function isUsableCamera(c: SectorCamera): boolean {
  return (
    Number.isFinite(c.lon) &&
    Number.isFinite(c.lat) &&
    Number.isFinite(c.headingDeg) &&
    c.fovDeg > 0 &&
    c.rangeMeters > 0 &&
    Number.isFinite(c.rangeMeters)
  );
}

/**
 * Whether the camera sees the point (lon, lat): within its range and its field of view, edges
 * included (see the module comment for the geometry and its agreement with `cameraSector`).
 * A camera with a non-positive or non-finite range or field of view (which `cameraSector` refuses)
 * sees nothing, so one bad record cannot make a whole map fail.
 */
export function pointInSector(lon: number, lat: number, camera: SectorCamera): boolean {
  if (!isUsableCamera(camera)) return false;
  const lat0 = camera.lat;
  return sectorContains(
    lon, lat, Math.cos(lat * DEG),
    camera.lon, lat0, Math.cos(lat0 * DEG), Math.sin(lat0 * DEG),
    camera.rangeMeters * camera.rangeMeters, camera.headingDeg, camera.fovDeg / 2,
  );
}

/**
 * Spatial index of cameras: a Flatbush R-tree over each camera's range box, then the exact sector
 * test of `pointInSector` on the few cameras whose box holds the point. It indexes exactly the
 * cameras it is given: pass only the online ones for "covered by a working camera" (the caller
 * filters on status). Unusable cameras (see `pointInSector`) are left out.
 */
export class CameraIndex {
  /** Number of cameras indexed (after dropping unusable ones). */
  readonly size: number;
  private readonly tree: Flatbush | null;
  private readonly ids: Float64Array;
  private readonly lon: Float64Array;
  private readonly lat: Float64Array;
  private readonly cosLat: Float64Array;
  private readonly sinLat: Float64Array;
  private readonly rangeSq: Float64Array;
  private readonly heading: Float64Array;
  private readonly halfFov: Float64Array;

  constructor(cameras: readonly IndexedCamera[]) {
    const usable = cameras.filter(isUsableCamera);
    const n = usable.length;
    this.size = n;
    this.ids = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.lat = new Float64Array(n);
    this.cosLat = new Float64Array(n);
    this.sinLat = new Float64Array(n);
    this.rangeSq = new Float64Array(n);
    this.heading = new Float64Array(n);
    this.halfFov = new Float64Array(n);
    // Flatbush refuses an empty index; no cameras simply means nothing is covered.
    this.tree = n > 0 ? new Flatbush(n) : null;
    for (let i = 0; i < n; i++) {
      const c = usable[i]!;
      this.ids[i] = c.id;
      this.lon[i] = c.lon;
      this.lat[i] = c.lat;
      this.cosLat[i] = Math.cos(c.lat * DEG);
      this.sinLat[i] = Math.sin(c.lat * DEG);
      this.rangeSq[i] = c.rangeMeters * c.rangeMeters;
      this.heading[i] = c.headingDeg;
      this.halfFov[i] = c.fovDeg / 2;
      const { latPad, lonPad } = rangePadDegrees(c.lat, c.rangeMeters);
      this.tree!.add(c.lon - lonPad, c.lat - latPad, c.lon + lonPad, c.lat + latPad);
    }
    this.tree?.finish();
  }

  private sees(i: number, lon: number, lat: number, cosLat: number): boolean {
    return sectorContains(
      lon, lat, cosLat,
      this.lon[i]!, this.lat[i]!, this.cosLat[i]!, this.sinLat[i]!,
      this.rangeSq[i]!, this.heading[i]!, this.halfFov[i]!,
    );
  }

  /** Whether at least one indexed camera sees the point. */
  covers(lon: number, lat: number): boolean {
    if (this.tree === null) return false;
    const cosLat = Math.cos(lat * DEG);
    let seen = false;
    // The filter does the exact test and never keeps a result, so no result array grows;
    // once seen, the remaining candidates are skipped cheaply.
    this.tree.search(lon, lat, lon, lat, (i) => {
      if (!seen && this.sees(i, lon, lat, cosLat)) seen = true;
      return false;
    });
    return seen;
  }

  /** Ids of the indexed cameras that see the point, in input order; empty when none does. */
  coveringCameras(lon: number, lat: number): number[] {
    if (this.tree === null) return [];
    const cosLat = Math.cos(lat * DEG);
    const hits = this.tree.search(lon, lat, lon, lat, (i) => this.sees(i, lon, lat, cosLat));
    hits.sort((a, b) => a - b);
    return hits.map((i) => this.ids[i]!);
  }
}

/** Cameras required by the 雪亮工程 rule: 5 per administrative village, 2 per natural village. */
export const REQUIRED_CAMERAS = { village: 5, natural_village: 2 } as const;

export interface CameraRuleUnit {
  code: string;
  level: 'village' | 'natural_village';
  /** All cameras in the unit, whatever their status. */
  cameras: number;
  /** Of those, the ones online. */
  online: number;
}

export interface CameraRuleRow {
  code: string;
  level: 'village' | 'natural_village';
  required: 5 | 2;
  cameras: number;
  online: number;
  /** required − cameras, never below 0: cameras still to install. */
  shortfall: number;
  /** required − online, never below 0: cameras to install or bring back online. */
  onlineShortfall: number;
  /** cameras ≥ required. */
  met: boolean;
}

/**
 * The camera-count rule per unit. The rule is a construction target (cameras installed per
 * village), so `met` and `shortfall` count ALL cameras; whether they work is an operations
 * question, reported beside it as `onlineShortfall` (a village can meet the rule and still have
 * fewer than 5 working cameras). Rows come back in input order.
 */
export function cameraRule(units: readonly CameraRuleUnit[]): CameraRuleRow[] {
  return units.map((u) => {
    const required = REQUIRED_CAMERAS[u.level];
    return {
      code: u.code,
      level: u.level,
      required,
      cameras: u.cameras,
      online: u.online,
      shortfall: Math.max(0, required - u.cameras),
      onlineShortfall: Math.max(0, required - u.online),
      met: u.cameras >= required,
    };
  });
}

/**
 * Households at address points seen by at least one camera of `index` (index online cameras for
 * the usual figure). `share` = covered / households, or null when there are no households at all
 * (nothing to cover: neither 0 nor 1 would be true). Non-finite or negative household counts count
 * as 0.
 */
export function householdCoverage(
  points: readonly { lon: number; lat: number; households: number }[],
  index: CameraIndex,
): { households: number; covered: number; share: number | null } {
  let households = 0;
  let covered = 0;
  for (const p of points) {
    const h = p.households > 0 && Number.isFinite(p.households) ? p.households : 0;
    if (h === 0) continue;
    households += h;
    if (index.covers(p.lon, p.lat)) covered += h;
  }
  return { households, covered, share: households > 0 ? covered / households : null };
}

export interface CoverageGapCell {
  /** H3 cell id at the requested resolution. */
  cell: string;
  /** All households / incidents in the cell, seen or not. */
  households: number;
  incidents: number;
  /** Those no indexed camera sees. */
  uncoveredHouseholds: number;
  uncoveredIncidents: number;
}

/**
 * The "camera gaps" map layer: H3 cells (resolution `res`) holding households or incidents that no
 * camera of `index` sees (index the online cameras). Items are address points (households > 0,
 * incidents 0) and incident points (incidents 1), mixed freely; items with neither are ignored.
 * Only cells with something uncovered are returned, most uncovered incidents first (where things
 * happen unseen matters most), then most uncovered households, then cell id (deterministic).
 * Empty input → empty list.
 */
export function coverageGaps(
  items: readonly { lon: number; lat: number; households: number; incidents: number }[],
  index: CameraIndex,
  res: number,
): CoverageGapCell[] {
  const cells = new Map<string, CoverageGapCell>();
  for (const it of items) {
    const h = it.households > 0 && Number.isFinite(it.households) ? it.households : 0;
    const n = it.incidents > 0 && Number.isFinite(it.incidents) ? it.incidents : 0;
    if (h === 0 && n === 0) continue;
    const cell = latLngToCell(it.lat, it.lon, res);
    let row = cells.get(cell);
    if (row === undefined) {
      row = { cell, households: 0, incidents: 0, uncoveredHouseholds: 0, uncoveredIncidents: 0 };
      cells.set(cell, row);
    }
    row.households += h;
    row.incidents += n;
    if (!index.covers(it.lon, it.lat)) {
      row.uncoveredHouseholds += h;
      row.uncoveredIncidents += n;
    }
  }
  const gaps = [...cells.values()].filter((r) => r.uncoveredHouseholds > 0 || r.uncoveredIncidents > 0);
  gaps.sort(
    (a, b) =>
      b.uncoveredIncidents - a.uncoveredIncidents ||
      b.uncoveredHouseholds - a.uncoveredHouseholds ||
      (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0),
  );
  return gaps;
}

/**
 * Share (0..1) of an H3 cell's ground that the cameras of `index` see, estimated as the share of
 * the centres of its descendants at `sampleRes` (default: the cell's resolution + 2, i.e. 49
 * evenly spread samples for a hexagon, 41 for a pentagon; capped at 15) that are covered. The
 * estimate moves in steps of 1/49 ≈ 0.02, enough to rank cells, not to survey them.
 * Throws a RangeError when `sampleRes` is below the cell's resolution or above 15.
 */
export function cellCameraCoverage(cell: string, index: CameraIndex, sampleRes?: number): number {
  const res = getResolution(cell);
  const at = sampleRes ?? Math.min(15, res + 2);
  if (!Number.isInteger(at) || at < res || at > 15) {
    throw new RangeError(`sampleRes must be an integer from ${res} to 15, got ${sampleRes}`);
  }
  const children = cellToChildren(cell, at);
  let covered = 0;
  for (const child of children) {
    const [lat, lon] = cellToLatLng(child);
    if (index.covers(lon, lat)) covered++;
  }
  return covered / children.length;
}
