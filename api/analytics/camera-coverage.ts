import type { FeatureCollection } from 'geojson';
import { CameraIndex, cameraRule, coverageGaps, householdCoverage } from '../../geo/camera-coverage.js';
import { defineAnalytic, hexagonFeature, round } from './analytic.js';
import { intParam } from './params.js';
import { findAddressPoints, findCameras, findIncidentPoints, findRegionsIn, type CameraRow } from './sources.js';

/** H3 resolution of the camera-gap cells: 9 (edge ≈ 174 m, ~0.1 km²), a few streets, what one new camera site can address. */
export const CAMERA_GAP_RES = 9;

export interface CameraCoverageResult {
  cameras: number;
  online: number;
  onlineRate: number | null;
  households: { households: number; covered: number; share: number | null };
  rule: {
    villages: ReturnType<typeof cameraRule>;
    naturalVillages: ReturnType<typeof cameraRule>;
    villagesMet: number;
    naturalVillagesMet: number;
  };
  gapResolution: number;
  gaps: ReturnType<typeof coverageGaps>;
}

/** The online cameras of a region as an index of their view sectors. */
export function onlineCameraIndex(cameras: readonly CameraRow[]): CameraIndex {
  return new CameraIndex(cameras.filter((c) => c.status === 'online'));
}

/**
 * Camera coverage (issue 5 §2): per village and natural village the cameras and online ones against
 * the 5-per-village / 2-per-natural-village rule, the online rate, the share of households (address
 * points) inside at least one online camera's view sector (geo/camera-coverage.ts), and the gaps:
 * H3 cells with households or incidents of the window that no online camera sees.
 */
export const cameraCoverageAnalytic = defineAnalytic<CameraCoverageResult>({
  id: 'camera-coverage',
  title: 'Camera coverage, the 5/2 rule and camera gaps',
  permission: 'aggregates.read',
  reads: ['cameras', 'address_points', 'incidents', 'regions'],
  spec: { defaultDays: 90, extra: ['res', 'limit'] },
  async run(tx, query) {
    const res = intParam(query, 'res', CAMERA_GAP_RES, 7, 11);
    const limit = intParam(query, 'limit', 500, 1, 100_000);
    const seeing = await findCameras(tx, query.region, { near: true });
    const index = onlineCameraIndex(seeing);
    const cameras = seeing.filter((c) => c.villageCode.startsWith(query.region));
    const online = cameras.filter((c) => c.status === 'online').length;

    const count = (key: (c: CameraRow) => string | null) => {
      const all = new Map<string, number>();
      const on = new Map<string, number>();
      for (const c of cameras) {
        const k = key(c);
        if (k === null) continue;
        all.set(k, (all.get(k) ?? 0) + 1);
        if (c.status === 'online') on.set(k, (on.get(k) ?? 0) + 1);
      }
      return { all, on };
    };
    const byVillage = count((c) => c.villageCode);
    const byNatural = count((c) => c.naturalVillageCode);
    const villages = cameraRule((await findRegionsIn(tx, query.region, 'village')).map((v) => ({
      code: v.code, level: 'village' as const, cameras: byVillage.all.get(v.code) ?? 0, online: byVillage.on.get(v.code) ?? 0,
    })));
    const naturalVillages = cameraRule((await findRegionsIn(tx, query.region, 'natural_village')).map((v) => ({
      code: v.code, level: 'natural_village' as const, cameras: byNatural.all.get(v.code) ?? 0, online: byNatural.on.get(v.code) ?? 0,
    })));

    const points = await findAddressPoints(tx, query.region);
    const pointItems = Array.from(points.lon, (lon, i) => ({ lon, lat: points.lat[i]!, households: points.households[i]!, incidents: 0 }));
    const households = householdCoverage(pointItems, index);
    const incidents = await findIncidentPoints(tx, query);
    const gaps = coverageGaps([...pointItems, ...incidents.map((p) => ({ lon: p.lon, lat: p.lat, households: 0, incidents: 1 }))], index, res);
    return {
      cameras: cameras.length, online, onlineRate: cameras.length ? round(online / cameras.length) : null,
      households: { ...households, share: households.share === null ? null : round(households.share) },
      rule: {
        villages, naturalVillages,
        villagesMet: villages.filter((v) => v.met).length,
        naturalVillagesMet: naturalVillages.filter((v) => v.met).length,
      },
      gapResolution: res,
      gaps: gaps.slice(0, limit),
    };
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.gaps.map((g) => hexagonFeature(g.cell, { ...g })),
    };
  },
  table(result) {
    return {
      columns: ['cell', 'households', 'incidents', 'uncovered_households', 'uncovered_incidents'],
      rows: result.gaps.map((g) => [g.cell, g.households, g.incidents, g.uncoveredHouseholds, g.uncoveredIncidents]),
    };
  },
});
