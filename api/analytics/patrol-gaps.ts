import { cellToLatLng, getHexagonEdgeLengthAvg, latLngToCell } from 'h3-js';
import type { FeatureCollection } from 'geojson';
import { cellCameraCoverage } from '../../geo/camera-coverage.js';
import { localDate, localHour } from '../../geo/local-time.js';
import { tracksCellVisits } from '../../geo/patrol-coverage.js';
import { hourBandContains, rankPatrolGaps, type RankedPatrolGap } from '../../geo/patrol-gaps.js';
import { defineAnalytic, hexagonFeature, round } from './analytic.js';
import { onlineCameraIndex } from './camera-coverage.js';
import { intParam } from './params.js';
import { findCameras, findIncidentPoints, findTrackTimes, findTracks } from './sources.js';

/** Patrol-gap cells: H3 res 9 (edge ≈ 174 m, ~0.1 km²), a few streets: the unit a patrol route is planned in. */
export const PATROL_GAP_RES = 9;
const HOUR_MS = 3_600_000;

export interface PatrolGapCell extends RankedPatrolGap {
  lon: number;
  lat: number;
}

export interface PatrolGapsResult {
  resolution: number;
  days: number;
  hours: { from: number; to: number };
  incidents: number;
  cells: PatrolGapCell[];
}

/**
 * Patrol gaps (issue 5 §6): for the window and hour band, H3 cells ranked by incident density ×
 * (1 − patrol coverage in the band) × (1 − camera coverage) (geo/patrol-gaps.ts), each with its
 * reasons. Patrol coverage in the band = the share of the window's days on which a patrol track was
 * in the cell during the band (tracks sampled along every segment: geo/patrol-coverage.ts
 * `tracksCellVisits`; a visit lasts until the track enters the next cell). Camera coverage = the
 * share of the cell seen by online cameras (49 sample points). Hours since the last patrol count
 * from `at` back to the last visit during the band in the window (null: none): the question is
 * whether the cell is walked at the hours its incidents happen.
 */
export const patrolGapsAnalytic = defineAnalytic<PatrolGapsResult>({
  id: 'patrol-gaps',
  title: 'Patrol gaps by hour band',
  permission: 'aggregates.read',
  reads: ['incidents', 'patrol_tracks', 'cameras'],
  spec: { defaultDays: 30, maxDays: 93, extra: ['limit', 'res'] },
  usesNow: true,
  async run(tx, query) {
    const res = intParam(query, 'res', PATROL_GAP_RES, 7, 10);
    const limit = intParam(query, 'limit', 200, 1, 10_000);
    const band = query.hours;
    const incidents = (await findIncidentPoints(tx, query)).filter((p) => hourBandContains(localHour(p.occurredAtMs), band));
    const counts = new Map<string, number>();
    for (const p of incidents) {
      const cell = latLngToCell(p.lat, p.lon, res);
      counts.set(cell, (counts.get(cell) ?? 0) + 1);
    }

    // Days with a patrol in the band, and the last visit, for the cells with incidents only.
    const bandDays = new Map<string, Set<string>>();
    const lastVisit = new Map<string, number>();
    const spacing = getHexagonEdgeLengthAvg(res, 'm') / 2;
    // Only tracks that are out during the band can patrol in it: choose them by time, then read their
    // geometry (an evening band reads about a third of a month's vertices).
    const outInBand = async () => (await findTrackTimes(tx, query.region, query.fromMs, query.toMs)).filter((t) => {
      for (let h = Math.floor(t.s / HOUR_MS) * HOUR_MS; h < t.e; h += HOUR_MS) if (hourBandContains(localHour(h), band)) return true;
      return false;
    }).map((t) => t.id);
    const allDay = band.from === 0 && band.to === 24;
    const tracks = await findTracks(tx, query.region, query.fromMs, query.toMs, allDay ? undefined : await outInBand());
    const visitsOf = tracksCellVisits(tracks.map((t) => t.coords), res, spacing);
    for (const [k, track] of tracks.entries()) {
      const visits = visitsOf[k]!;
      for (let i = 0; i < visits.length; i++) {
        const v = visits[i]!;
        if (!counts.has(v.cell)) continue;
        const startMs = Math.max(v.t * 1000, query.fromMs);
        const endMs = Math.min((i + 1 < visits.length ? visits[i + 1]!.t : track.coords[track.coords.length - 1]![2]!) * 1000, query.toMs, query.atMs);
        if (endMs < startMs) continue;
        // Every local hour the visit touches: a visit within the band marks its date.
        for (let h = Math.floor(startMs / HOUR_MS) * HOUR_MS; h <= endMs; h += HOUR_MS) {
          const at = Math.max(h, startMs);
          if (!hourBandContains(localHour(at), band)) continue;
          lastVisit.set(v.cell, Math.max(lastVisit.get(v.cell) ?? 0, Math.min(endMs, h + HOUR_MS)));
          let days = bandDays.get(v.cell);
          if (!days) bandDays.set(v.cell, (days = new Set()));
          // A band that wraps past midnight (22–6) is one night: its early hours belong to the evening before.
          const wraps = band.from > band.to;
          days.add(localDate(wraps && localHour(at) < band.to ? at - 24 * HOUR_MS : at));
        }
      }
    }

    const days = Math.round((query.toMs - query.fromMs) / (24 * HOUR_MS));
    const cameras = await findCameras(tx, query.region, { near: true });
    const index = onlineCameraIndex(cameras);
    const offline = new Map<string, number>();
    for (const c of cameras) {
      if (c.status === 'online') continue;
      const cell = latLngToCell(c.lat, c.lon, res);
      offline.set(cell, (offline.get(cell) ?? 0) + 1);
    }
    const ranked = rankPatrolGaps([...counts].map(([cell, n]) => {
      const last = lastVisit.get(cell);
      return {
        cell, incidents: n,
        patrolCoverage: Math.min(1, (bandDays.get(cell)?.size ?? 0) / days),
        cameraCoverage: cellCameraCoverage(cell, index),
        hoursSinceLastPatrol: last === undefined ? null : round((query.atMs - last) / HOUR_MS, 1),
        camerasOffline: offline.get(cell) ?? 0,
      };
    }), { limit });
    return {
      resolution: res, days, hours: band, incidents: incidents.length,
      cells: ranked.map((c) => {
        const [lat, lon] = cellToLatLng(c.cell);
        return {
          ...c, lon: round(lon, 6), lat: round(lat, 6), patrolCoverage: round(c.patrolCoverage), cameraCoverage: round(c.cameraCoverage),
          areaKm2: round(c.areaKm2, 5), incidentsPerKm2: round(c.incidentsPerKm2, 2), score: round(c.score, 3),
        };
      }),
    };
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.cells.map((c) => hexagonFeature(c.cell, { ...c, reasons: c.reasons.map((r) => r.code).join(',') })),
    };
  },
  table(result) {
    return {
      columns: ['rank', 'cell', 'lon', 'lat', 'score', 'incidents', 'incidents_per_km2', 'patrol_coverage', 'camera_coverage', 'hours_since_last_patrol', 'cameras_offline', 'reasons'],
      rows: result.cells.map((c) => [
        c.rank, c.cell, c.lon, c.lat, c.score, c.incidents, c.incidentsPerKm2, c.patrolCoverage, c.cameraCoverage, c.hoursSinceLastPatrol ?? '', c.camerasOffline,
        c.reasons.map((r) => r.code).join(' '),
      ]),
    };
  },
});
