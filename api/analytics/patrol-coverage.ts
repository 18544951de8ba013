import type { FeatureCollection } from 'geojson';
import {
  PATROL_COVERAGE_RES, cellsAlongTracks, coverageShare, evaluatePatrolCompliance, gridCells, isoWeekLabel, mergeOverlappingPieces, preparePolygon,
  splitPiecesByLocalDay, trackPiecesInPolygon, type PreparedPolygon, type RuleResult, type TrackPiece,
} from '../../geo/patrol-coverage.js';
import { choiceParam } from './params.js';
import { defineAnalytic, round } from './analytic.js';
import { findCurrentGrids, findTracks, type GridRow } from './sources.js';

const PERIODS = ['day', 'week', 'month'] as const;
type Period = (typeof PERIODS)[number];

export interface PatrolSeriesRow {
  /** `YYYY-MM-DD`, ISO week `YYYY-Www` or `YYYY-MM`. */
  period: string;
  seconds: number;
  amSeconds: number;
  pmSeconds: number;
  meters: number;
  daysPatrolled: number;
}

export interface GridPatrolCoverage {
  code: string;
  name: string;
  gridClass: 'A' | 'B' | 'C';
  villageCode: string;
  /** Time with at least one worker in the grid (overlaps of several tracks count once). */
  seconds: number;
  /** Distance walked inside the grid by all its tracks. */
  meters: number;
  tracks: number;
  daysPatrolled: number;
  /** Share of the grid's H3 res-10 cells the tracks passed through (0…1). */
  coverageShare: number;
  compliant: boolean;
  rules: RuleResult[];
  series: PatrolSeriesRow[];
}

export interface PatrolCoverageResult {
  period: Period;
  coverageResolution: number;
  grids: GridPatrolCoverage[];
  summary: { grids: number; compliant: number; complianceRate: number | null; hours: number; meanCoverageShare: number | null };
  /** Grids out of compliance, the furthest first: the rules they miss and by how much. */
  outOfCompliance: { code: string; name: string; gridClass: string; villageCode: string; unmet: RuleResult[] }[];
  /** Grid boundaries for format=geojson (not in the JSON answer). */
  geometries?: Map<string, GridRow['geometry']>;
}

/**
 * What each grid boundary needs, kept across requests: its H3 cells and its prepared edge index.
 * They depend only on the boundary, which the grid's id and row version name (an edit bumps the
 * version, a new version is a new row), and building them for a city's grids takes seconds.
 * Bounded; the oldest go first.
 */
const GRID_SHAPES = new Map<string, { cells: string[]; prepared: PreparedPolygon }>();
const GRID_SHAPES_MAX = 50_000;
function shapeOfGrid(grid: GridRow): { cells: string[]; prepared: PreparedPolygon } {
  const key = `${grid.id}:${grid.rowVersion}`;
  let shape = GRID_SHAPES.get(key);
  if (!shape) {
    shape = { cells: gridCells(grid.geometry, PATROL_COVERAGE_RES), prepared: preparePolygon(grid.geometry) };
    GRID_SHAPES.set(key, shape);
    if (GRID_SHAPES.size > GRID_SHAPES_MAX) GRID_SHAPES.delete(GRID_SHAPES.keys().next().value!);
  }
  return shape;
}

/** Pieces cut to the window [fromS, toS), metres in proportion to the time kept. */
function clipToWindow(pieces: TrackPiece[], fromS: number, toS: number): TrackPiece[] {
  const out: TrackPiece[] = [];
  for (const p of pieces) {
    const start = Math.max(p.start, fromS);
    const end = Math.min(p.end, toS);
    if (end < start || (end === start && p.end > p.start)) continue;
    const share = p.end > p.start ? (end - start) / (p.end - p.start) : 1;
    out.push({ start, end, meters: p.meters * share });
  }
  return out;
}

function periodOf(date: string, period: Period): string {
  return period === 'day' ? date : period === 'week' ? isoWeekLabel(date) : date.slice(0, 7);
}

/** How far out of compliance a grid is, for ordering: unmet rules first, then the hours short per day. */
function severity(rules: readonly RuleResult[]): number {
  const unmet = rules.filter((r) => !r.met);
  const hours = unmet.find((r) => r.rule === 'daily_mean_2h')?.shortfall ?? 0;
  return unmet.length * 100 + hours;
}

/**
 * Patrol coverage (issue 5 §1) per grid for the window: time inside the grid, distance, share of the
 * grid covered (H3 res-10 cells visited over the grid's cells: geo/patrol-coverage.ts says why), and
 * compliance with the grid's class rule and the 2-hour daily mean, with a series per day, ISO week
 * or month (`period`). Each track is clipped exactly to its own grid's boundary, so a walk that
 * leaves the grid counts only its time inside.
 */
export const patrolCoverageAnalytic = defineAnalytic<PatrolCoverageResult>({
  id: 'patrol-coverage',
  title: 'Patrol coverage and compliance per grid',
  permission: 'aggregates.read',
  reads: ['grids', 'patrol_tracks', 'key_places'],
  spec: { defaultDays: 7, maxDays: 93, extra: ['period'] },
  async run(tx, query) {
    const period = choiceParam(query, 'period', PERIODS, 'day');
    const grids = await findCurrentGrids(tx, query.region);
    const tracks = await findTracks(tx, query.region, query.fromMs, query.toMs);
    const tracksOf = new Map<string, typeof tracks>();
    for (const t of tracks) {
      const list = tracksOf.get(t.gridCode) ?? [];
      list.push(t);
      tracksOf.set(t.gridCode, list);
    }
    const fromS = query.fromMs / 1000;
    const toS = query.toMs / 1000;
    const rows: GridPatrolCoverage[] = grids.map((grid) => {
      const own = tracksOf.get(grid.code) ?? [];
      const { cells, prepared } = shapeOfGrid(grid);
      const all: TrackPiece[] = [];
      for (const t of own) all.push(...clipToWindow(trackPiecesInPolygon(t.coords, prepared), fromS, toS));
      // Cells from the part of each track inside the window only (a track may straddle its edges).
      const visited = cellsAlongTracks(own.map((t) => (t.startedAtMs >= query.fromMs && t.endedAtMs < query.toMs
        ? t.coords : t.coords.filter((c) => c[2]! >= fromS && c[2]! < toS))), PATROL_COVERAGE_RES);
      const meters = all.reduce((s, p) => s + p.meters, 0);
      const merged = mergeOverlappingPieces(all);
      const days = splitPiecesByLocalDay(merged);
      const series = new Map<string, PatrolSeriesRow>();
      for (const d of days) {
        const key = periodOf(d.date, period);
        const row = series.get(key) ?? { period: key, seconds: 0, amSeconds: 0, pmSeconds: 0, meters: 0, daysPatrolled: 0 };
        row.seconds += d.seconds;
        row.amSeconds += d.amSeconds;
        row.pmSeconds += d.pmSeconds;
        row.daysPatrolled += d.seconds > 0 ? 1 : 0;
        series.set(key, row);
      }
      // Distance per period from the unmerged pieces (each worker's walk), split like the time.
      for (const d of splitPiecesByLocalDay(all)) series.get(periodOf(d.date, period))!.meters += d.meters;
      const compliance = evaluatePatrolCompliance({ gridClass: grid.gridClass, schedule: grid.schedule, from: query.from, to: query.to, pieces: all });
      return {
        code: grid.code, name: grid.name, gridClass: grid.gridClass, villageCode: grid.villageCode,
        seconds: round(merged.reduce((s, p) => s + (p.end - p.start), 0), 1), meters: round(meters, 1), tracks: own.length,
        daysPatrolled: days.filter((d) => d.seconds > 0).length,
        coverageShare: round(coverageShare(visited, cells)),
        compliant: compliance.compliant,
        rules: compliance.rules.map((r) => ({ ...r, actual: round(r.actual), shortfall: round(r.shortfall) })),
        series: [...series.values()].map((s) => ({ ...s, seconds: round(s.seconds, 1), amSeconds: round(s.amSeconds, 1), pmSeconds: round(s.pmSeconds, 1), meters: round(s.meters, 1) })),
      };
    });
    const compliant = rows.filter((g) => g.compliant).length;
    const result: PatrolCoverageResult = {
      period, coverageResolution: PATROL_COVERAGE_RES, grids: rows,
      summary: {
        grids: rows.length, compliant, complianceRate: rows.length ? round(compliant / rows.length) : null,
        hours: round(rows.reduce((s, g) => s + g.seconds, 0) / 3600, 1),
        meanCoverageShare: rows.length ? round(rows.reduce((s, g) => s + g.coverageShare, 0) / rows.length) : null,
      },
      outOfCompliance: rows.filter((g) => !g.compliant)
        .sort((a, b) => severity(b.rules) - severity(a.rules) || a.code.localeCompare(b.code))
        .map((g) => ({ code: g.code, name: g.name, gridClass: g.gridClass, villageCode: g.villageCode, unmet: g.rules.filter((r) => !r.met) })),
    };
    // Kept for format=geojson but not enumerable: the JSON answer (and the cache's size estimate) leave it out.
    Object.defineProperty(result, 'geometries', { value: new Map(grids.map((g) => [g.code, g.geometry])), enumerable: false });
    return result;
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.grids.map(({ series: _s, rules, ...g }) => ({
        type: 'Feature', id: g.code, geometry: result.geometries!.get(g.code)!,
        properties: { ...g, hours: round(g.seconds / 3600, 2), unmet: rules.filter((r) => !r.met).map((r) => r.rule).join(',') },
      })),
    };
  },
  table(result) {
    return {
      columns: ['grid_code', 'name', 'class', 'village_code', 'hours', 'km', 'days_patrolled', 'coverage_share', 'compliant', 'unmet_rules', 'shortfalls'],
      rows: result.grids.map((g) => [
        g.code, g.name, g.gridClass, g.villageCode, round(g.seconds / 3600, 2), round(g.meters / 1000, 2), g.daysPatrolled, g.coverageShare, g.compliant,
        g.rules.filter((r) => !r.met).map((r) => `${r.rule}@${r.period}`).join(' '),
        g.rules.filter((r) => !r.met).map((r) => `${r.shortfall} ${r.unit}`).join(' '),
      ]),
    };
  },
});
