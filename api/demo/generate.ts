/**
 * The synthetic demo county 示范县 (330699): a pure, deterministic generator.
 *
 * `generateDemoCounty({ seed, scale, now })` does no I/O and reads no clock: the same inputs give
 * byte-identical output (`JSON.stringify` of two runs is equal), so tests can pin it and a bug report
 * can name its seed. Everything is invented; nothing describes a real person (DESIGN.md, privacy).
 *
 * What `scale` does:
 * - scale = 1: ~10 townships, ~70 villages, ~420 grids, 300 key places, 20 000 address points,
 *   1 500 cameras, 30 000 incidents, 5 000 mediations, 30 days of patrol tracks.
 * - scale > 1 grows the county itself (area and number of townships, villages, grids and key places
 *   grow with `scale`, so scale = 10 is a city-sized set) as well as every point-like count.
 * - scale < 1 keeps the regions, grids and key places exactly as at scale 1 (same seed, same
 *   geography: the structure tests need ≥ 8 townships and ≥ 60 villages) and shrinks only the
 *   point-like counts (address points, cameras, incidents, mediations) and the patrol window
 *   (30 × scale days, at least 2). Below ~0.5 the camera baseline (≥5 per village) no longer fits in
 *   the budget and is skipped, and at very small scales grids may hold a single address point.
 */
import { holidayCalendar, localDate, localToUtcMs, WorkCalendar, DAY_MS } from './calendar.js';
import { generateBasemap } from './generate-basemap.js';
import { generateAddressPoints, generateCameras, Sampler } from './generate-points.js';
import { generateIncidents } from './generate-incidents.js';
import { generatePatrols } from './generate-patrols.js';
import { keyPlaceGeometry } from './generate-key-places.js';
import { COUNTY_CODE, buildWorld } from './generate-regions.js';
import { toLonLat } from './projection.js';
import { Rng } from './random.js';
import type { DemoCounts, DemoCounty, DemoGrid, DemoGridVersion, DemoKeyPlace, DemoStaff } from './types.js';

export type * from './types.js';

export interface DemoOptions {
  /** Any integer; the same seed gives the same county. */
  seed: number;
  /** Size factor, 1 = one county (see the module comment); must be in (0, 50]. */
  scale: number;
  /** The generator's "now": incidents cover the 12 months before it, patrols the days before it. */
  now: Date;
}

export function generateDemoCounty(options: DemoOptions): DemoCounty {
  const { seed, scale, now } = options;
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  if (!(scale > 0 && scale <= 50)) throw new RangeError('scale must be in (0, 50]');
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid date');
  const nowMs = now.getTime();
  const root = Rng.fromSeed(seed);
  const regionScale = Math.max(1, scale);

  const world = buildWorld(root, regionScale);
  const sampler = new Sampler(world);
  const today = localDate(nowMs);
  const year = Number(today.slice(0, 4));

  // --- Grid versions: one published version per village, in force for about a year ------------
  const validFrom = localDate(nowMs - 365 * DAY_MS);
  const publishedAt = new Date(localToUtcMs(validFrom, 9)).toISOString();
  const createdAt = new Date(localToUtcMs(validFrom, 9) - 7 * DAY_MS).toISOString();
  const villagesByCode = world.villages.slice().sort((p, q) => (p.code < q.code ? -1 : 1));
  const versionOfVillage = new Map<number, number>();
  const gridVersions: DemoGridVersion[] = villagesByCode.map((v, i) => {
    versionOfVillage.set(v.index, i + 1);
    return {
      id: i + 1, village_code: v.code, county_code: COUNTY_CODE, version_no: 1, status: 'published',
      valid_from: validFrom, note: '示范数据初始版本', created_at: createdAt, published_at: publishedAt,
    };
  });

  // --- Key places: located by their representative point -------------------------------------
  const keyPlaces: DemoKeyPlace[] = world.keyPlaces.map((kp) => {
    let [lon, lat] = toLonLat(kp.x, kp.y);
    let hit = sampler.locate(lon, lat);
    // A point a centimetre outside the county after rounding: nudge it towards the county centre.
    for (let k = 1; !hit && k <= 10; k++) {
      [lon, lat] = toLonLat(kp.x * (1 - 0.01 * k), kp.y * (1 - 0.01 * k));
      hit = sampler.locate(lon, lat);
    }
    if (!hit) throw new Error(`key place ${kp.name} lies outside the county`);
    const grid = world.grids[hit.grid]!;
    return {
      id: kp.index + 1, name: kp.name, place_type: kp.type, risk_level: kp.risk, county_code: COUNTY_CODE,
      village_code: world.villages[grid.village]!.code, grid_code: grid.code, patrol_schedule: kp.schedule,
      geom: kp.footprint ? keyPlaceGeometry(kp) : { type: 'Point', coordinates: [hit.lon, hit.lat] },
      lon: hit.lon, lat: hit.lat,
    };
  });

  // --- Address points, then the grids' household counts and staffing --------------------------------
  const address = generateAddressPoints(root, world, sampler, Math.round(20000 * scale));
  const staffRng = root.fork('staffing');
  const grids: DemoGrid[] = world.grids.map((g) => {
    const households = address.households[g.index]!;
    const urban = g.gridClass === 'A';
    return {
      code: g.code, name: g.name, grid_class: g.gridClass, county_code: COUNTY_CODE,
      village_code: world.villages[g.village]!.code, version_id: versionOfVillage.get(g.village)!,
      households, residents: Math.round(households * staffRng.uniform(2.5, 3.0)),
      // "1+1+X": one leader, one instructor, X workers (full-time) plus part-time helpers.
      leader_count: 1, instructor_count: 1,
      worker_count: urban ? staffRng.int(1, 2) : 1,
      part_time_count: urban ? staffRng.int(2, 6) : g.gridClass === 'B' ? staffRng.int(1, 4) : staffRng.int(1, 3),
      key_place_id: g.keyPlace === null ? null : g.keyPlace + 1,
      geom: g.geom,
    };
  });

  // --- One grid worker per grid (no login: no password hash) --------------------------------------
  const staff: DemoStaff[] = world.grids.map((g) => ({
    id: g.index + 1, username: `gw-${g.code}`, display_name: `网格员 ${g.code.slice(-3)}`, role: 'grid_worker',
    region_code: world.villages[g.village]!.code, active: true, created_at: publishedAt,
  }));

  const cameras = generateCameras(root, world, sampler, address.points, Math.round(1500 * scale), now);

  // Holidays for every year the data touches: three assessment years, and deadlines into next year.
  const calendarDays = holidayCalendar([year - 3, year - 2, year - 1, year, year + 1]);
  const calendar = new WorkCalendar(calendarDays);
  const activity = generateIncidents(root, world, sampler, address.points,
    { incidents: Math.round(30000 * scale), mediations: Math.round(5000 * scale) }, now, calendar);

  const patrolDays = scale >= 1 ? 30 : Math.max(2, Math.min(30, Math.round(30 * scale)));
  // ~560 000 vertices for 30 days of one county keeps the scale-1 load well within its time budget.
  const vertexBudget = Math.round(560_000 * regionScale * (patrolDays / 30));
  const patrolTracks = generatePatrols(root, world, sampler, staff.map((s) => s.id), patrolDays, now, vertexBudget);
  const basemapFeatures = generateBasemap(root, world);

  const counts: DemoCounts = {
    regions: world.regions.length,
    grid_versions: gridVersions.length,
    grids: grids.length,
    key_places: keyPlaces.length,
    address_points: address.points.length,
    cameras: cameras.length,
    incidents: activity.incidents.length,
    incident_flow_steps: activity.flowSteps.length,
    mediations: activity.mediations.length,
    staff: staff.length,
    patrol_tracks: patrolTracks.length,
    three_nos_assessments: activity.threeNos.length,
    calendar_days: calendarDays.length,
    basemap_features: basemapFeatures.length,
    app_meta: 1,
  };
  return {
    regions: world.regions,
    gridVersions,
    grids,
    keyPlaces,
    addressPoints: address.points,
    cameras,
    incidents: activity.incidents,
    flowSteps: activity.flowSteps,
    mediations: activity.mediations,
    staff,
    patrolTracks,
    threeNosAssessments: activity.threeNos,
    calendarDays,
    basemapFeatures,
    meta: { seed, scale, generatedAt: now.toISOString(), counts },
  };
}
