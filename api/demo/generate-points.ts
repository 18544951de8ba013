/**
 * Address points (buildings with household counts) and cameras for the demo county.
 *
 * Both are sampled where they would be (apartment blocks filling urban grids, farmhouses clustered
 * in hamlets in rural grids; cameras at town centres and key places) and then *located*: the grid,
 * village and natural village they carry are found by point-in-polygon on the stored, rounded
 * coordinates, never copied from the generator's intent.
 */
import type { CameraKind, CameraStatus, KeyPlaceType } from '../../geo/layers.js';
import { DAY_MS, localDate } from './calendar.js';
import { COUNTY_CODE, type GridInfo, type World } from './generate-regions.js';
import { geometryBbox, pointInGeometry } from './point-locator.js';
import { KM_PER_DEG_LAT, KM_PER_DEG_LON, round7, toLonLat } from './projection.js';
import { type Rng, WeightedSampler, apportion } from './random.js';
import type { BuildingKind, DemoAddressPoint, DemoCamera } from './types.js';

/** A position already located: rounded coordinates plus the grid that contains them. */
export interface Located {
  lon: number;
  lat: number;
  grid: number;
}

/** Samples points inside grids and locates arbitrary points, with per-grid bounding boxes cached. */
export class Sampler {
  private readonly bboxes: [number, number, number, number][];

  constructor(readonly world: World) {
    this.bboxes = world.grids.map((g) => geometryBbox(g.geom));
  }

  /** Locates a rounded position: its grid index, or null outside the county. */
  locate(lon: number, lat: number): Located | null {
    const rlon = round7(lon);
    const rlat = round7(lat);
    const grid = this.world.gridLocator.locate(rlon, rlat);
    return grid === null ? null : { lon: rlon, lat: rlat, grid };
  }

  /**
   * A point inside grid `g`: near (lon, lat) with a Gaussian spread of `sigmaKm` when given, else
   * uniform. Falls back to uniform after repeated misses (a centre near the grid's edge).
   */
  inGrid(rng: Rng, g: number, near?: { lon: number; lat: number; sigmaKm: number }): Located {
    const [minX, minY, maxX, maxY] = this.bboxes[g]!;
    const geom = this.world.grids[g]!.geom;
    for (let attempt = 0; attempt < 400; attempt++) {
      let lon: number;
      let lat: number;
      if (near && attempt < 40) {
        lon = near.lon + rng.normal(0, near.sigmaKm / KM_PER_DEG_LON);
        lat = near.lat + rng.normal(0, near.sigmaKm / KM_PER_DEG_LAT);
      } else {
        lon = rng.uniform(minX, maxX);
        lat = rng.uniform(minY, maxY);
      }
      if (!pointInGeometry(lon, lat, geom)) continue;
      const hit = this.locate(lon, lat);
      if (hit && hit.grid === g) return hit;
    }
    throw new Error(`could not sample a point in grid ${this.world.grids[g]!.code}`);
  }

  /** A point near (x, y) km with spread `sigmaKm`, located; null if it fell outside the county. */
  near(rng: Rng, x: number, y: number, sigmaKm: number): Located | null {
    const [lon, lat] = toLonLat(rng.normal(x, sigmaKm), rng.normal(y, sigmaKm));
    return this.locate(lon, lat);
  }
}

export interface AddressResult {
  points: DemoAddressPoint[];
  /** Households per grid index (sum of its located points). */
  households: number[];
}

/** Households targeted per grid: urban grids hold ~300–500 (the planners' sizing rule), rural fewer. */
function householdTarget(rng: Rng, grid: GridInfo, world: World): number {
  if (grid.gridClass === 'A') return Math.round(rng.normalClamped(400, 45, 270, 540));
  if (grid.gridClass === 'B') return Math.round(rng.normalClamped(160, 50, 50, 320));
  const type = world.keyPlaces[grid.keyPlace!]!.type;
  if (type === 'scenic_spot') return rng.int(5, 40);
  if (type === 'school' || type === 'hospital' || type === 'market') return rng.int(0, 15);
  return 0;
}

export function generateAddressPoints(root: Rng, world: World, sampler: Sampler, total: number): AddressResult {
  const rng = root.fork('address-points');
  const grids = world.grids;
  const targets = grids.map((g) => householdTarget(rng, g, world));
  // Points per grid: apartment blocks in class A (~10 households each), farmhouses in class B
  // (~2–3 each), a few buildings in class C.
  const weights = grids.map((g, i) => (g.gridClass === 'A' ? 40 : g.gridClass === 'B' ? 60 * (targets[i]! / 160) : 4));
  const counts = apportion(total, weights, 1);
  const points: DemoAddressPoint[] = [];
  const households = new Array<number>(grids.length).fill(0);
  for (const g of grids) {
    const n = counts[g.index]!;
    if (n === 0) continue;
    const kindWeights: readonly (readonly [BuildingKind, number])[] = g.gridClass === 'A'
      ? [['residential', 0.75], ['mixed', 0.15], ['commercial', 0.1]]
      : g.gridClass === 'B'
        ? [['residential', 0.9], ['mixed', 0.08], ['commercial', 0.02]]
        : [['commercial', 0.7], ['mixed', 0.2], ['residential', 0.1]];
    const kinds: BuildingKind[] = Array.from({ length: n }, () => rng.pickWeighted(kindWeights));
    const target = targets[g.index]!;
    if (target > 0 && !kinds.some((k) => k !== 'commercial')) kinds[0] = 'mixed';
    // Commercial buildings hold no households; the others share the grid's target.
    const shares = kinds.map((k) => (k === 'commercial' ? 0 : rng.logNormal(1, g.gridClass === 'A' ? 0.6 : 0.45)));
    const residentialCount = kinds.filter((k) => k !== 'commercial').length;
    const perPoint = apportion(target, shares, target >= residentialCount ? 1 : 0);
    // Rural houses cluster in one to three hamlets; a few stand alone.
    const hamlets = g.gridClass === 'B'
      ? Array.from({ length: rng.int(1, 3) }, () => ({ ...sampler.inGrid(rng, g.index), sigmaKm: rng.uniform(0.12, 0.25) }))
      : [];
    for (let i = 0; i < n; i++) {
      const near = hamlets.length > 0 && rng.chance(0.8) ? rng.pick(hamlets) : undefined;
      const p = sampler.inGrid(rng, g.index, near);
      const grid = grids[p.grid]!;
      const village = world.villages[grid.village]!;
      points.push({
        county_code: COUNTY_CODE, village_code: village.code, grid_code: grid.code,
        households: perPoint[i]!, building_kind: kinds[i]!, lon: p.lon, lat: p.lat,
      });
      households[p.grid] = households[p.grid]! + perPoint[i]!;
    }
  }
  return { points, households };
}

// ------------------------------------------------------------------------------------------------
// Cameras

const FOV_RANGE: Readonly<Record<CameraKind, readonly [number, number]>> = {
  dome: [90, 360],
  bullet: [40, 90],
  ptz: [60, 120],
  checkpoint: [30, 60],
};
const RANGE_M: Readonly<Record<CameraKind, readonly [number, number]>> = {
  dome: [30, 80],
  bullet: [50, 200],
  ptz: [100, 300],
  checkpoint: [30, 100],
};
/** How strongly each kind of key place attracts cameras. */
const CAMERA_PULL: Readonly<Record<KeyPlaceType, number>> = {
  school: 3, hospital: 3, mall: 4, market: 4, transport_hub: 5, hazardous_goods: 2, construction_site: 1,
  scenic_spot: 1, rental_housing: 2, government: 2, religious_site: 0.5,
};
const OWNERS = ['公安局', '乡镇政府', '村委会', '企业'] as const;

/**
 * Cameras: a baseline that meets the coverage rule (≥5 per village, ≥2 per natural village) almost
 * everywhere, with a few villages and natural villages deliberately left short so the gap analysis
 * has something to find; then the bulk concentrated at town centres, key places and along roads.
 * The baseline is skipped when the total is too small to afford it (scale < ~0.5).
 */
export function generateCameras(
  root: Rng,
  world: World,
  sampler: Sampler,
  addressPoints: readonly DemoAddressPoint[],
  total: number,
  now: Date,
): DemoCamera[] {
  const rng = root.fork('cameras');
  const { villages, naturalVillages, grids, keyPlaces, townships } = world;
  const villageCap = new Map<number, number>();
  const shuffledVillages = rng.shuffled(villages.map((v) => v.index));
  for (const v of shuffledVillages.slice(0, Math.max(2, Math.round(0.12 * villages.length)))) villageCap.set(v, rng.int(1, 4));
  const nvCap = new Map<number, number>();
  const eligibleNv = rng.shuffled(naturalVillages.filter((nv) => !villageCap.has(nv.village)).map((nv) => nv.index));
  for (const nv of eligibleNv.slice(0, Math.round(0.25 * eligibleNv.length))) nvCap.set(nv, rng.int(0, 1));

  const gridsOfVillage = villages.map(() => [] as number[]);
  for (const g of grids) gridsOfVillage[g.village]!.push(g.index);
  const villageCount = new Array<number>(villages.length).fill(0);
  const nvCount = new Array<number>(naturalVillages.length).fill(0);
  const cameras: DemoCamera[] = [];
  const nowMs = now.getTime();

  const tryAdd = (p: ReturnType<Sampler['locate']>, kindHint: CameraKind | null, ownerHint: string | null): boolean => {
    if (!p || cameras.length >= total) return false;
    const grid = grids[p.grid]!;
    const vi = grid.village;
    const nv = world.naturalVillageLocator.locate(p.lon, p.lat);
    const vCap = villageCap.get(vi);
    if (vCap !== undefined && villageCount[vi]! >= vCap) return false;
    if (nv !== null) {
      const cap = nvCap.get(nv);
      if (cap !== undefined && nvCount[nv]! >= cap) return false;
    }
    const kind = kindHint ?? rng.pickWeighted<CameraKind>([['dome', 0.33], ['bullet', 0.5], ['ptz', 0.12], ['checkpoint', 0.05]]);
    const [fovMin, fovMax] = FOV_RANGE[kind];
    const [rMin, rMax] = RANGE_M[kind];
    let heading = Math.round(rng.uniform(0, 360) * 10) / 10;
    if (heading >= 360) heading = 0;
    const fov = kind === 'dome' && rng.chance(0.4) ? 360 : Math.round(rng.uniform(fovMin, fovMax) * 10) / 10;
    villageCount[vi] = villageCount[vi]! + 1;
    if (nv !== null) nvCount[nv] = nvCount[nv]! + 1;
    cameras.push({
      code: `CAM-${COUNTY_CODE}-${String(cameras.length + 1).padStart(6, '0')}`,
      county_code: COUNTY_CODE,
      village_code: villages[vi]!.code,
      natural_village_code: nv === null ? null : naturalVillages[nv]!.code,
      grid_code: grid.code,
      kind,
      heading_deg: heading,
      fov_deg: fov,
      range_m: Math.round(rng.uniform(rMin, rMax)),
      status: rng.pickWeighted<CameraStatus>([['online', 0.88], ['offline', 0.08], ['fault', 0.04]]),
      owner: ownerHint ?? rng.pickWeighted<string>([[OWNERS[0], 0.45], [OWNERS[1], 0.25], [OWNERS[2], 0.2], [OWNERS[3], 0.1]]),
      installed_on: localDate(nowMs - rng.uniform(30, 6 * 365) * DAY_MS),
      lon: p.lon,
      lat: p.lat,
    });
    return true;
  };

  // Baseline coverage: 2 per natural village, then up to 5 per village.
  if (total >= 2 * 5 * villages.length) {
    for (const nv of naturalVillages) {
      if (nvCap.has(nv.index) || villageCap.has(nv.village)) continue;
      const cells = new Set(nv.cells);
      const nvGrids = gridsOfVillage[nv.village]!.filter((g) => cells.has(grids[g]!.cell));
      for (let tries = 0; nvCount[nv.index]! < 2 && tries < 50; tries++) {
        tryAdd(sampler.inGrid(rng, rng.pick(nvGrids)), null, null);
      }
    }
    for (const v of villages) {
      if (villageCap.has(v.index)) continue;
      for (let tries = 0; villageCount[v.index]! < 5 && tries < 50; tries++) {
        tryAdd(sampler.inGrid(rng, rng.pick(gridsOfVillage[v.index]!)), null, v.kind === 'village' ? '村委会' : null);
      }
    }
  }

  // The bulk: key places, centres, homes, road checkpoints.
  const placeSampler = new WeightedSampler(keyPlaces.map((k) => CAMERA_PULL[k.type]));
  const centres = [
    { x: world.cityCentre[0], y: world.cityCentre[1], sigma: world.citySigmaKm * 0.75, w: 6 },
    ...townships.map((t) => ({
      x: t.centre[0], y: t.centre[1],
      sigma: t.kind === 'street' ? 0.8 : t.kind === 'town' ? 0.6 : 0.4,
      w: t.kind === 'township' ? 0.6 : 2,
    })),
  ];
  const centreSampler = new WeightedSampler(centres.map((c) => c.w));
  const addressSampler = addressPoints.some((a) => a.households > 0)
    ? new WeightedSampler(addressPoints.map((a) => a.households))
    : null;
  for (let attempt = 0; cameras.length < total && attempt < total * 40; attempt++) {
    const r = rng.next();
    if (r < 0.35) {
      const kp = keyPlaces[placeSampler.sample(rng)]!;
      const owner = kp.type === 'mall' || kp.type === 'hazardous_goods' || kp.type === 'construction_site'
        ? (rng.chance(0.6) ? '企业' : null) : null;
      tryAdd(sampler.near(rng, kp.x, kp.y, 0.04), null, owner);
    } else if (r < 0.7) {
      const c = centres[centreSampler.sample(rng)]!;
      tryAdd(sampler.near(rng, c.x, c.y, c.sigma), null, null);
    } else if (r < 0.9 && addressSampler) {
      const a = addressPoints[addressSampler.sample(rng)]!;
      tryAdd(sampler.locate(a.lon + rng.normal(0, 0.0003), a.lat + rng.normal(0, 0.0003)), null, null);
    } else {
      // Checkpoints (卡口) on the roads into a town, 1–3 km out.
      const t = townships[rng.int(0, townships.length - 1)]!;
      const a = rng.uniform(0, 2 * Math.PI);
      const d = rng.uniform(1, 3);
      tryAdd(sampler.near(rng, t.centre[0] + d * Math.cos(a), t.centre[1] + d * Math.sin(a), 0.05), 'checkpoint', '公安局');
    }
  }
  return cameras;
}

