import { cellToLatLng } from 'h3-js';
import type { FeatureCollection } from 'geojson';
import { suggestCameraSites, type SitingResult } from '../../geo/camera-siting.js';
import { assignCells, countByCell } from '../../geo/hotspots.js';
import { defineAnalytic, round } from './analytic.js';
import { onlineCameraIndex } from './camera-coverage.js';
import { intParam } from './params.js';
import { findAddressPoints, findCameras, findIncidentPoints } from './sources.js';

/** Demand is aggregated on H3 res-11 cells (edge ≈ 29 m): finer than any camera's range, so the choice barely moves, and 300k incidents become tens of thousands of weights. */
const DEMAND_RES = 11;
/** One candidate site per res-12 cell (edge ≈ 11 m): neighbouring buildings of one block are one site to a planner. */
const CANDIDATE_RES = 12;

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
 * points, one per ~11 m cell; the product stores no road network to offer road points) that cover
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
    const uncoveredLonLat: number[] = [];
    for (const p of incidents) if (!index.covers(p.lon, p.lat)) uncoveredLonLat.push(p.lon, p.lat);
    const uncovered = uncoveredLonLat.length / 2;
    const demand = [...countByCell(uncoveredLonLat, DEMAND_RES)].map(([cell, weight]) => {
      const [lat, lon] = cellToLatLng(cell);
      return { lon, lat, weight };
    });
    // One candidate per cell: the first address point (lowest id) found in it.
    const points = await findAddressPoints(tx, query.region);
    const lonLat = new Float64Array(points.ids.length * 2);
    points.lon.forEach((lon, i) => {
      lonLat[2 * i] = lon;
      lonLat[2 * i + 1] = points.lat[i]!;
    });
    const { cellOfPoint, cells } = assignCells(lonLat, CANDIDATE_RES);
    const taken = new Uint8Array(cells.length);
    const candidates: { id: number; lon: number; lat: number }[] = [];
    for (let i = 0; i < points.ids.length; i++) {
      const c = cellOfPoint[i]!;
      if (c < 0 || taken[c]) continue;
      taken[c] = 1;
      candidates.push({ id: points.ids[i]!, lon: points.lon[i]!, lat: points.lat[i]! });
    }
    const result = suggestCameraSites({ candidates, demand, k, rangeMeters });
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
