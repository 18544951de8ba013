/**
 * Patrol gaps: the H3 cells where incidents concentrate but neither patrols nor cameras watch,
 * ranked for the analyst's "act on the gaps" list (DESIGN.md: patrol gaps by time window and hour
 * of day). The caller computes, per cell and for one time window and hour band, the incidents,
 * the share of days with a patrol in the band and the camera coverage (camera-coverage.ts
 * `cellCameraCoverage`); this module scores, explains and ranks.
 */
import { cellArea } from 'h3-js';

/** Below this share of days patrolled in the band, a cell is "rarely patrolled" (≈ 2 days a week). */
export const RARE_PATROL_BELOW = 0.3;
/**
 * Below this camera-coverage share a cell counts as having no camera: with the 49 samples of
 * `cellCameraCoverage`, at most 4 sample points seen — a corner glimpse, not surveillance.
 */
export const NO_CAMERA_BELOW = 0.1;

export interface PatrolGapInput {
  /** H3 cell id (any resolution; cells of different resolutions may be mixed). */
  cell: string;
  /** Incidents in the cell during the window and hour band. */
  incidents: number;
  /** 0..1: share of the window's days with a patrol in the cell during the hour band. */
  patrolCoverage: number;
  /** 0..1: share of the cell seen by online cameras. */
  cameraCoverage: number;
  /** Hours since the cell was last patrolled (any hour); null = never patrolled or unknown. */
  hoursSinceLastPatrol: number | null;
  /** Cameras in the cell that are offline or at fault. */
  camerasOffline: number;
}

export type PatrolGapReasonCode = 'incidents' | 'no_patrol' | 'rare_patrol' | 'no_camera' | 'cameras_offline';

/** A machine-readable reason; the UI translates the code and formats the value. */
export interface PatrolGapReason {
  code: PatrolGapReasonCode;
  value: number;
}

export interface RankedPatrolGap extends PatrolGapInput {
  /** 1-based position in the ranking. */
  rank: number;
  /** Cell area in km² (h3 `cellArea`). */
  areaKm2: number;
  /** incidents / areaKm2. */
  incidentsPerKm2: number;
  /** incidentsPerKm2 × (1 − patrolCoverage) × (1 − cameraCoverage). */
  score: number;
  reasons: PatrolGapReason[];
}

/**
 * Ranks cells by gap score = incident density × (1 − patrolCoverage) × (1 − cameraCoverage).
 *
 * Density is incidents per km² of the cell, not per cell: H3 cells of one resolution still differ
 * in area (pentagons, and by up to ~2× across the globe), and a caller may mix resolutions (e.g. a
 * coarser cell in sparse countryside), so a per-cell count would favour big cells. The two factors
 * discount what is already watched: a cell patrolled every day or fully in camera view scores 0.
 *
 * Cells with no incidents (≤ 0) are left out: without incidents there is no gap to act on.
 * Order: score descending, then incidents descending, then cell id ascending, so equal scores
 * always come out the same way. `limit` (default: all) cuts the list after ranking.
 *
 * Reasons, always in this order, each only when it applies:
 * - `incidents`: value = incident count (always present);
 * - `no_patrol`: patrolCoverage is 0 (no day of the window had a patrol in the band);
 *   value = patrolCoverage (0); the item's `hoursSinceLastPatrol` tells how long ago, if ever;
 * - `rare_patrol`: 0 < patrolCoverage < RARE_PATROL_BELOW (0.3); value = patrolCoverage;
 * - `no_camera`: cameraCoverage < NO_CAMERA_BELOW (0.1); value = cameraCoverage;
 * - `cameras_offline`: camerasOffline > 0; value = camerasOffline.
 *
 * Throws a RangeError for a coverage outside 0..1 (or NaN) or a negative / non-integer limit: both
 * are caller bugs that would silently distort the ranking. An invalid H3 id makes h3-js throw.
 */
export function rankPatrolGaps(cells: readonly PatrolGapInput[], options: { limit?: number } = {}): RankedPatrolGap[] {
  const limit = options.limit ?? Infinity;
  if (!(limit >= 0) || (limit !== Infinity && !Number.isInteger(limit))) {
    throw new RangeError(`limit must be a non-negative integer, got ${options.limit}`);
  }
  const rows: RankedPatrolGap[] = [];
  for (const c of cells) {
    if (!(c.patrolCoverage >= 0 && c.patrolCoverage <= 1)) {
      throw new RangeError(`patrolCoverage of ${c.cell} must be within 0..1, got ${c.patrolCoverage}`);
    }
    if (!(c.cameraCoverage >= 0 && c.cameraCoverage <= 1)) {
      throw new RangeError(`cameraCoverage of ${c.cell} must be within 0..1, got ${c.cameraCoverage}`);
    }
    if (!(c.incidents > 0)) continue;
    const areaKm2 = cellArea(c.cell, 'km2');
    const incidentsPerKm2 = c.incidents / areaKm2;
    const score = incidentsPerKm2 * (1 - c.patrolCoverage) * (1 - c.cameraCoverage);
    const reasons: PatrolGapReason[] = [{ code: 'incidents', value: c.incidents }];
    if (c.patrolCoverage === 0) reasons.push({ code: 'no_patrol', value: 0 });
    else if (c.patrolCoverage < RARE_PATROL_BELOW) reasons.push({ code: 'rare_patrol', value: c.patrolCoverage });
    if (c.cameraCoverage < NO_CAMERA_BELOW) reasons.push({ code: 'no_camera', value: c.cameraCoverage });
    if (c.camerasOffline > 0) reasons.push({ code: 'cameras_offline', value: c.camerasOffline });
    rows.push({ ...c, rank: 0, areaKm2, incidentsPerKm2, score, reasons });
  }
  rows.sort(
    (a, b) => b.score - a.score || b.incidents - a.incidents || (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0),
  );
  const out = limit < rows.length ? rows.slice(0, limit) : rows;
  for (let i = 0; i < out.length; i++) out[i]!.rank = i + 1;
  return out;
}

/**
 * Whether an hour of day lies in a band [from, to) of local hours (0..24, fractions allowed).
 * A band with from > to wraps past midnight: {from: 22, to: 6} holds 22:00–05:59. A band with
 * from = to (24 counting as 0) holds the whole day: a zero-length band would select nothing, which
 * no caller wants, and "same start and end" is how the UI's band picker says "no filter". So
 * {from: 0, to: 24} is all day and {from: 6, to: 24} is 06:00–23:59.
 * Throws a RangeError for an hour outside [0, 24) or a bound outside [0, 24].
 */
export function hourBandContains(hour: number, band: { from: number; to: number }): boolean {
  if (!(hour >= 0 && hour < 24)) throw new RangeError(`hour must be within [0, 24), got ${hour}`);
  const { from, to } = band;
  if (!(from >= 0 && from <= 24 && to >= 0 && to <= 24)) {
    throw new RangeError(`hour band bounds must be within [0, 24], got ${from}–${to}`);
  }
  // 24 is midnight again: {6, 24} is 6–24 and {0, 24} all day.
  const f = from % 24;
  const t = to % 24;
  if (f === t) return true;
  if (f < t) return hour >= f && hour < t;
  return hour >= f || hour < t;
}
