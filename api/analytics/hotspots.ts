import { cellToLatLng } from 'h3-js';
import type { FeatureCollection } from 'geojson';
import {
  HOTSPOT_RESOLUTIONS, binIncidents, getisOrdGiStar, hexResolutionForZoom, studyAreaCells,
} from '../../geo/hotspots.js';
import { ApiError } from '../errors.js';
import { defineAnalytic, hexagonFeature, round } from './analytic.js';
import { townshipResolution, type TownshipResolution } from './mediation.js';
import { intParam } from './params.js';
import { findIncidentPoints, findRegionShape } from './sources.js';

export interface HotspotCell {
  cell: string;
  lon: number;
  lat: number;
  disputes: number;
  unresolved: number;
  /** unresolved / disputes; null for a cell without disputes. */
  unresolvedShare: number | null;
  z: number;
  p: number;
  /** −3…3: 99/95/90% cold (negative) or hot (positive), 0 not significant. */
  bin: number;
}

export interface HotspotsResult {
  resolution: number;
  /** Cells of the study area (the region's hexagons, zero counts included). */
  studyCells: number;
  disputes: number;
  neighbours: string;
  /** Cells with disputes or a significant statistic (the rest are empty and not significant). */
  cells: HotspotCell[];
  townships: TownshipResolution[];
}

/**
 * Mediation hotspots (issue 5 §3): disputes of the window counted on H3 hexagons covering the
 * region, Getis-Ord Gi* per hexagon (geo/hotspots.ts documents the neighbour definition), the
 * unresolved share per hexagon, and the local-resolution rate per township against 95%.
 * `res` picks the H3 resolution, or `zoom` derives it from the map's zoom.
 */
export const hotspotsAnalytic = defineAnalytic<HotspotsResult>({
  id: 'hotspots',
  title: 'Mediation hotspots (Getis-Ord Gi*)',
  permission: 'aggregates.read',
  reads: ['incidents', 'regions', 'mediations'],
  spec: { defaultDays: 90, extra: ['res', 'zoom'] },
  async run(tx, query) {
    const [minRes, maxRes] = [HOTSPOT_RESOLUTIONS[0]!, HOTSPOT_RESOLUTIONS[HOTSPOT_RESOLUTIONS.length - 1]!];
    const res = query.extra.res !== undefined ? intParam(query, 'res', 8, minRes, maxRes)
      : query.extra.zoom !== undefined ? hexResolutionForZoom(intParam(query, 'zoom', 10, 0, 24)) : 8;
    const region = await findRegionShape(tx, query.region);
    if (!region) throw new ApiError(404, 'NotFound', `No region ${query.region}`);
    const study = studyAreaCells([region.geometry], res);
    const disputesQuery = { ...query, categories: query.categories ?? ['dispute'] };
    const points = await findIncidentPoints(tx, disputesQuery);
    const bins = binIncidents(points, res);
    const counts = new Map<string, number>();
    for (const [cell, b] of bins) counts.set(cell, b.count);
    // A hexagon on the boundary whose centre lies outside the region still holds the region's
    // disputes near the edge: it joins the study area, or those disputes would be dropped.
    const inStudy = new Set(study);
    for (const cell of counts.keys()) if (!inStudy.has(cell)) study.push(cell);
    const stats = getisOrdGiStar(study, counts);
    const cells: HotspotCell[] = [];
    for (const s of stats) {
      const b = bins.get(s.cell);
      if (!b && s.bin === 0) continue;
      const [lat, lon] = cellToLatLng(s.cell);
      cells.push({
        cell: s.cell, lon: round(lon, 6), lat: round(lat, 6), disputes: b?.count ?? 0, unresolved: b?.unresolved ?? 0,
        unresolvedShare: b && b.count > 0 ? round(b.unresolved / b.count) : null, z: round(s.z), p: round(s.p, 6), bin: s.bin,
      });
    }
    cells.sort((a, b) => b.z - a.z || (a.cell < b.cell ? -1 : 1));
    return {
      resolution: res, studyCells: study.length, disputes: points.length,
      neighbours: 'H3 ring 1 (the hexagon and its 6 neighbours inside the study area), binary weights',
      cells, townships: await townshipResolution(tx, disputesQuery),
    };
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.cells.map((c) => hexagonFeature(c.cell, { ...c })),
    };
  },
  table(result) {
    return {
      columns: ['cell', 'lon', 'lat', 'disputes', 'unresolved', 'unresolved_share', 'gi_z', 'p_value', 'bin'],
      rows: result.cells.map((c) => [c.cell, c.lon, c.lat, c.disputes, c.unresolved, c.unresolvedShare ?? '', c.z, c.p, c.bin]),
    };
  },
});
