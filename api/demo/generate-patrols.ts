/**
 * Patrol tracks of the grid workers over the last days before `now`.
 *
 * Each grid gets a patrol habit so that the patrol-gap analysis has contrasts to find: "well
 * patrolled" grids are walked daily for 2–5 h (the class A rule and the 2 h/day minimum), "moderate"
 * ones every other day or so, "neglected" ones rarely and briefly. A class C grid is patrolled on
 * its place's own schedule. A session is a correlated random walk kept inside the grid polygon, one
 * vertex every 60–120 s, with the vertex's time as its M value (epoch seconds, UTC).
 */
import { addDays, isoWeekday, localDate, localToUtcMs } from './calendar.js';
import { COUNTY_CODE, type World } from './generate-regions.js';
import type { Sampler } from './generate-points.js';
import { geometryBbox, pointInGeometry } from './point-locator.js';
import { distance as greatCircleDistance } from '@turf/turf';
import { KM_PER_DEG_LAT, KM_PER_DEG_LON, round7 } from './projection.js';
import type { Rng } from './random.js';
import type { DemoPatrolTrack } from './types.js';

type Habit = 'well' | 'moderate' | 'neglected';

export function generatePatrols(
  root: Rng,
  world: World,
  sampler: Sampler,
  workerOfGrid: readonly number[],
  days: number,
  now: Date,
  vertexBudget: number,
): DemoPatrolTrack[] {
  const rng = root.fork('patrols');
  const today = localDate(now.getTime());

  // First plan every session (date, start, duration), then walk them: the plan's total duration
  // decides the vertex interval, so the total number of vertices stays within the budget whatever
  // the seed's mix of habits.
  interface Plan {
    grid: number;
    rng: Rng;
    speed: number;
    sizeKm: number;
    sessions: { start: number; durationS: number }[];
  }
  const plans: Plan[] = [];
  let totalS = 0;
  for (const grid of world.grids) {
    const gr = rng.fork(grid.code);
    const habit: Habit = gr.pickWeighted<Habit>(
      grid.gridClass === 'A' ? [['well', 0.45], ['moderate', 0.4], ['neglected', 0.15]]
        : grid.gridClass === 'B' ? [['well', 0.15], ['moderate', 0.55], ['neglected', 0.3]]
          : [['well', 0.4], ['moderate', 0.45], ['neglected', 0.15]],
    );
    const schedule = grid.keyPlace === null ? null : world.keyPlaces[grid.keyPlace]!.schedule;
    const [minX, minY, maxX, maxY] = geometryBbox(grid.geom);
    const plan: Plan = {
      grid: grid.index,
      rng: gr,
      // Rural workers ride e-bikes between hamlets; urban and key-place workers walk.
      speed: grid.gridClass === 'B' ? gr.uniform(3.5, 5) : gr.uniform(1.0, 1.4),
      sizeKm: Math.sqrt((maxX - minX) * KM_PER_DEG_LON * (maxY - minY) * KM_PER_DEG_LAT),
      sessions: [],
    };
    for (let d = days; d >= 1; d--) {
      const date = addDays(today, -d);
      if (schedule && !schedule.days.includes(isoWeekday(date))) continue;
      const p = habit === 'well' ? 0.93 : habit === 'moderate' ? 0.45 : 0.08;
      if (!gr.chance(p)) continue;
      const totalH = habit === 'well' ? gr.uniform(2, 4.5) : habit === 'moderate' ? gr.uniform(0.75, 2) : gr.uniform(0.2, 0.8);
      const sessions: [number, number][] = []; // [start hour, duration h]
      if (totalH > 2.5 && gr.chance(0.6)) {
        sessions.push([gr.uniform(8, 10.5), totalH * 0.55], [gr.uniform(14, 16.5), totalH * 0.45]);
      } else {
        sessions.push([gr.chance(0.6) ? gr.uniform(8, 10.5) : gr.uniform(14, 16.5), totalH]);
      }
      if (schedule) {
        // Stay inside the place's opening hours.
        const from = hours(schedule.from);
        const to = hours(schedule.to);
        for (const s of sessions) {
          s[1] = Math.min(s[1], Math.max(0.25, to - from - 0.25));
          s[0] = Math.min(Math.max(s[0], from), to - s[1]);
        }
      }
      for (const [startH, durH] of sessions) {
        const start = Math.round((localToUtcMs(date) + startH * 3600_000) / 1000);
        if (start * 1000 >= now.getTime()) continue;
        const durationS = Math.round(durH * 3600);
        plan.sessions.push({ start, durationS });
        totalS += durationS;
      }
    }
    plans.push(plan);
  }

  // Mean interval between vertices: 90 s (uniform 60–120 s) unless the budget asks for sparser
  // vertices, then up to 115 s (uniform up to 120 s, never below 60 s).
  const meanInterval = Math.min(115, Math.max(90, totalS / Math.max(1, vertexBudget)));
  const minInterval = Math.round(2 * meanInterval - 120);

  const tracks: DemoPatrolTrack[] = [];
  for (const plan of plans) {
    const grid = world.grids[plan.grid]!;
    const village = world.villages[grid.village]!;
    for (const session of plan.sessions) {
      const track = walk(plan.rng, sampler, plan.grid, session.start, session.durationS, plan.speed, plan.sizeKm, minInterval);
      tracks.push({
        county_code: COUNTY_CODE, village_code: village.code, grid_code: grid.code, worker_id: workerOfGrid[plan.grid]!,
        started_at: new Date(track.path[2]! * 1000).toISOString(),
        ended_at: new Date(track.path[track.path.length - 1]! * 1000).toISOString(),
        distance_m: track.distance, path: track.path,
      });
    }
  }
  return tracks;
}

function hours(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h + m / 60;
}

/** A correlated random walk inside grid `g` starting at epoch second `start` for `durationS` seconds. */
function walk(
  rng: Rng,
  sampler: Sampler,
  g: number,
  start: number,
  durationS: number,
  speedMs: number,
  sizeKm: number,
  minIntervalS: number,
): { path: number[]; distance: number } {
  const geom = sampler.world.grids[g]!.geom;
  const first = sampler.inGrid(rng, g);
  let lon = first.lon;
  let lat = first.lat;
  let heading = rng.uniform(0, 2 * Math.PI);
  let t = start;
  const path = [lon, lat, t];
  let distance = 0;
  const maxStepKm = Math.max(0.01, sizeKm / 4);
  while (t - start < durationS) {
    const dt = rng.int(minIntervalS, 120);
    t += dt;
    // Stops (checking a building, talking to residents) make about a fifth of the steps short.
    let stepKm = Math.min(maxStepKm, (speedMs * dt) / 1000) * (rng.chance(0.2) ? 0.05 : rng.uniform(0.5, 1));
    heading += rng.normal(0, 0.6);
    let moved = false;
    for (let tries = 0; tries < 12 && !moved; tries++) {
      if (tries > 0) heading = rng.uniform(0, 2 * Math.PI);
      if (tries >= 8) stepKm /= 2;
      const nlon = round7(lon + (Math.sin(heading) * stepKm) / KM_PER_DEG_LON);
      const nlat = round7(lat + (Math.cos(heading) * stepKm) / KM_PER_DEG_LAT);
      if (pointInGeometry(nlon, nlat, geom)) {
        distance += greatCircleDistance([lon, lat], [nlon, nlat], { units: 'meters' });
        lon = nlon;
        lat = nlat;
        moved = true;
      }
    }
    path.push(lon, lat, t);
  }
  return { path, distance: Math.round(distance * 10) / 10 };
}
