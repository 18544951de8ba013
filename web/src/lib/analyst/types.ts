/**
 * What the analyst panel reads from /api/analytics: the parts of each analytic's `result` it uses
 * (api/analytics/patrol-gaps.ts, camera-coverage.ts, hotspots.ts + mediation.ts, incident-rhythm.ts).
 */

export const ANALYST_TABS = ['patrol', 'camera', 'rhythm', 'mediation', 'export'] as const;
export type AnalystTab = (typeof ANALYST_TABS)[number];

/** The analytic each data tab reads. */
export const TAB_ANALYTIC = {
  patrol: 'patrol-gaps',
  camera: 'camera-coverage',
  rhythm: 'incident-rhythm',
  mediation: 'hotspots',
} as const;
export type DataTab = keyof typeof TAB_ANALYTIC;

/** Every analytic answers `{ id, region, from, to, hours, at, result }`. */
export interface AnalyticEnvelope<R> {
  id: string;
  region: string;
  from: string;
  to: string;
  hours: { from: number; to: number };
  at: string;
  result: R;
}

export type PatrolGapReasonCode = 'incidents' | 'no_patrol' | 'rare_patrol' | 'no_camera' | 'cameras_offline';

export interface PatrolGapCell {
  rank: number;
  cell: string;
  lon: number;
  lat: number;
  incidents: number;
  patrolCoverage: number;
  cameraCoverage: number;
  hoursSinceLastPatrol: number | null;
  camerasOffline: number;
  areaKm2: number;
  incidentsPerKm2: number;
  score: number;
  reasons: { code: PatrolGapReasonCode; value: number }[];
}

export interface PatrolGapsResult {
  resolution: number;
  days: number;
  hours: { from: number; to: number };
  incidents: number;
  cells: PatrolGapCell[];
}

export interface CameraGapCell {
  cell: string;
  households: number;
  incidents: number;
  uncoveredHouseholds: number;
  uncoveredIncidents: number;
}

export interface CameraCoverageResult {
  cameras: number;
  online: number;
  onlineRate: number | null;
  households: { households: number; covered: number; share: number | null };
  gapResolution: number;
  gaps: CameraGapCell[];
}

export type MediationOutcomeKey = 'resolved_on_spot' | 'resolved' | 'controlled' | 'escalated' | 'litigation' | 'none';

export interface TownshipResolution {
  code: string;
  name: string;
  disputes: number;
  resolvedLocally: number;
  resolvedAtCounty: number;
  open: number;
  openUnderControl: number;
  localRate: number | null;
  target: number;
  meetsTarget: boolean | null;
  outcomes: Partial<Record<MediationOutcomeKey, number>> & Record<string, number>;
}

export interface HotspotsResult {
  disputes: number;
  townships: TownshipResolution[];
}

export interface IncidentRhythmResult {
  region: string;
  from: string;
  to: string;
  total: number;
  /** `cells[weekday - 1][hour]`, Monday first, local hours. */
  cells: number[][];
  byHour: number[];
  byWeekday: number[];
}

export interface TabResults {
  patrol: AnalyticEnvelope<PatrolGapsResult>;
  camera: AnalyticEnvelope<CameraCoverageResult>;
  rhythm: AnalyticEnvelope<IncidentRhythmResult>;
  mediation: AnalyticEnvelope<HotspotsResult>;
}

export type LoadStatus = 'idle' | 'loading' | 'loaded' | 'error';

/** One ranked gap as a list shows it (each gap tab turns its analytic's rows into these). */
export interface GapRow {
  rank: number;
  cell: string;
  /** 0..1 of the main bar (relative to the top row). */
  bar: number;
  /** Text beside the bar (the score, or the unseen incidents). */
  barLabel: string;
  /** Figures on the right: label and value (the first is emphasised). */
  figures: { label: string; value: string }[];
  tags: { text: string; tone: 'warn' | 'info' }[];
  /** The row's full description for assistive technology. */
  description: string;
}
