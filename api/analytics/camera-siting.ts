import type { FeatureCollection } from 'geojson';
import { suggestCameraSites, type SitingResult } from '../../geo/camera-siting.js';
import { defineAnalytic, round } from './analytic.js';
import { onlineCameraIndex } from './camera-coverage.js';
import { intParam } from './params.js';
import { findAddressPoints, findCameras, findIncidentPoints } from './sources.js';

/**
 * Demand and candidates are grouped on a 0.0001° lattice (≈ 10 m): far finer than any camera's
 * range, so the choice barely moves, and a city's 300,000 incidents become a few hundred thousand
 * weighted spots at the cost of a rounding (an H3 grouping cost seconds there). Candidates one per
 * spot: neighbouring doors of one building are one site to a planner.
 */
const SNAP = 10_000;
const snapped = (deg: number) => Math.round(deg * SNAP) / SNAP;
/** A numeric key of the lattice spot of a point (lon, lat within ±180/±90). */
const snapKey = (lon: number, lat: number) => (Math.round(lon * SNAP) + 1_800_000) * 3_600_001 + (Math.round(lat * SNAP) + 900_000);

export interface CameraSitingResult extends SitingResult {
  k: number;
  rangeMeters: number;
  candidates: number;
  /** Incidents of the window that no online camera sees (the demand), and all incidents. */
  uncoveredIncidents: number;
  incidents: number;
}

/**
 * Camera siting suggestion (issue 5 §7): k new sites among candidate points (the region's address
 * points, one per ~10 m spot; the product stores no road network to offer road points) that cover
 * the most incidents of the window no online camera sees, by greedy maximal covering
 * (geo/camera-siting.ts), with the coverage each site adds. A new camera is taken as a dome of
 * `range` metres (default 100).
 */
export const cameraSitingAnalytic = defineAnalytic<CameraSitingResult>({
  id: 'camera-siting',
  title: 'Camera siting suggestion (greedy maximal covering)',
  permission: 'analytics.run',
  reads: ['cameras', 'address_points', 'incidents'],
  spec: { defaultDays: 365, extra: ['k', 'range'] },
  async run(tx, query) {
    const k = intParam(query, 'k', 10, 1, 200);
    const rangeMeters = intParam(query, 'range', 100, 20, 500);
    const index = onlineCameraIndex(await findCameras(tx, query.region, { near: true }));
    const incidents = await findIncidentPoints(tx, query);
    const demand = new Map<number, { lon: number; lat: number; weight: number }>();
    let uncovered = 0;
    for (const p of incidents) {
      if (index.covers(p.lon, p.lat)) continue;
      uncovered++;
      const key = snapKey(p.lon, p.lat);
      const d = demand.get(key);
      if (d) d.weight++;
      else demand.set(key, { lon: snapped(p.lon), lat: snapped(p.lat), weight: 1 });
    }
    // One candidate per snapped spot: the first address point (lowest id) found there.
    const points = await findAddressPoints(tx, query.region);
    const taken = new Set<number>();
    const candidates: { id: number; lon: number; lat: number }[] = [];
    for (let i = 0; i < points.ids.length; i++) {
      const key = snapKey(points.lon[i]!, points.lat[i]!);
      if (taken.has(key)) continue;
      taken.add(key);
      candidates.push({ id: points.ids[i]!, lon: points.lon[i]!, lat: points.lat[i]! });
    }
    const result = suggestCameraSites({ candidates, demand: [...demand.values()], k, rangeMeters });
    return {
      ...result, coveredShare: round(result.coveredShare), k, rangeMeters, candidates: candidates.length,
      uncoveredIncidents: uncovered, incidents: incidents.length,
    };
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.sites.map((s, i) => ({
        type: 'Feature', id: i + 1, geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
        properties: { rank: i + 1, addressPointId: s.id, gain: s.gain, cumulative: s.cumulative, covered: s.covered, rangeMeters: result.rangeMeters },
      })),
    };
  },
  table(result) {
    return {
      columns: ['rank', 'address_point_id', 'lon', 'lat', 'incidents_gained', 'cumulative', 'share_of_uncovered'],
      rows: result.sites.map((s, i) => [i + 1, s.id, s.lon, s.lat, s.gain, s.cumulative, result.totalDemand ? round(s.cumulative / result.totalDemand) : 0]),
    };
  },
});
