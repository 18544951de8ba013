import { readFileSync } from 'node:fs';
import type { Queryable } from '../db/types.js';
import { round } from './analytic.js';
import type { AnalyticsQuery } from './params.js';
import { incidentFilterSql } from './params.js';
import { likePrefix } from './sources.js';

const TOWNSHIP_RESOLUTION_SQL = readFileSync(new URL('./sql/township-resolution.sql', import.meta.url), 'utf8');

/** The seeds' target: at least 95% of disputes resolved locally ("小事不出村、大事不出镇、矛盾不上交"). */
export const LOCAL_RESOLUTION_TARGET = 0.95;

export interface TownshipResolution {
  code: string;
  name: string;
  disputes: number;
  /** Resolved or closed below the county level (grid, village or township). */
  resolvedLocally: number;
  /** Resolved or closed after reaching the county. */
  resolvedAtCounty: number;
  open: number;
  /** Open disputes whose latest mediation says "controlled" (the rest must be under control). */
  openUnderControl: number;
  /** resolvedLocally / disputes; null when there were no disputes. */
  localRate: number | null;
  target: number;
  meetsTarget: boolean | null;
  outcomes: Record<string, number>;
}

/**
 * The local-resolution rate of disputes per township for the window, against the 95% target, with
 * the outcomes of their mediations. A dispute counts in its township by its village code; "local"
 * means it was resolved without reaching the county level (DESIGN.md's three-level flow).
 */
export async function townshipResolution(tx: Queryable, query: AnalyticsQuery): Promise<TownshipResolution[]> {
  const categories = query.categories ?? ['dispute'];
  const filter = incidentFilterSql({ ...query, categories }, 3);
  const rows = await tx.query<Omit<TownshipResolution, 'localRate' | 'target' | 'meetsTarget'>>(
    TOWNSHIP_RESOLUTION_SQL.replace('{{filters}}', filter.sql),
    [likePrefix(query.region), query.fromMs, query.toMs, ...filter.params],
  );
  return rows.map((r) => {
    const localRate = r.disputes > 0 ? round(r.resolvedLocally / r.disputes) : null;
    return { ...r, localRate, target: LOCAL_RESOLUTION_TARGET, meetsTarget: localRate === null ? null : localRate >= LOCAL_RESOLUTION_TARGET };
  });
}
