import type { Analytic } from './analytic.js';
import { cameraCoverageAnalytic } from './camera-coverage.js';
import { cameraSitingAnalytic } from './camera-siting.js';
import { flowDeadlinesAnalytic } from './flow-deadlines.js';
import { gridMetricsAnalytic } from './grid-metrics.js';
import { hotspotsAnalytic } from './hotspots.js';
import { incidentClustersAnalytic } from './incident-clusters.js';
import { incidentRhythmAnalytic } from './incident-rhythm.js';
import { patrolCoverageAnalytic } from './patrol-coverage.js';
import { patrolGapsAnalytic } from './patrol-gaps.js';
import { regionSummaryAnalytic } from './region-summary.js';
import { threeNosAnalytic } from './three-nos.js';

/**
 * Every analytic the API serves at /api/analytics/{id}, in the order the issue lists them. The id
 * is the one name of each from this catalogue to the web client's layer and panel.
 */
export const ANALYTICS: readonly Analytic<any>[] = [
  patrolCoverageAnalytic,
  cameraCoverageAnalytic,
  hotspotsAnalytic,
  threeNosAnalytic,
  flowDeadlinesAnalytic,
  patrolGapsAnalytic,
  cameraSitingAnalytic,
  // For the client (issue 6): the drill-down's figures and the incident clusters of the map.
  regionSummaryAnalytic,
  incidentClustersAnalytic,
  // The analyst views (issue 6 §5): incidents by hour of day × weekday.
  incidentRhythmAnalytic,
  // The analytic map layers (issue 6): figures per grid for the choropleth and the grid inspector.
  gridMetricsAnalytic,
];

export function analyticById(id: string): Analytic<any> | undefined {
  return ANALYTICS.find((a) => a.id === id);
}
