import { readFileSync } from 'node:fs';
import { defineAnalytic } from './analytic.js';
import { incidentFilterSql } from './params.js';
import { likePrefix } from './sources.js';

const SUMMARY_SQL = readFileSync(new URL('./sql/region-summary.sql', import.meta.url), 'utf8');

export interface RegionFigures {
  incidents: number;
  open: number;
  /** Incidents with a red three-colour warning. */
  red: number;
  grids: number;
  households: number;
  cameras: number;
  camerasOnline: number;
  keyPlaces: number;
}

export interface RegionPart extends RegionFigures {
  /** A child region's code (12 digits) or, inside a village, a grid's code. */
  code: string;
  name: string;
}

export interface RegionSummaryResult {
  region: string;
  from: string;
  to: string;
  /** What the parts are: the region's townships, villages, or (inside a village) grids. */
  partKind: 'township' | 'village' | 'grid';
  totals: RegionFigures;
  parts: RegionPart[];
}

const FIGURES = ['incidents', 'open', 'red', 'grids', 'households', 'cameras', 'camerasOnline', 'keyPlaces'] as const;

/** How a region prefix splits: a county into townships, a township into villages, a village into grids. */
function partsOf(region: string): { kind: RegionSummaryResult['partKind']; prefixLength: number } {
  if (region.length === 6) return { kind: 'township', prefixLength: 9 };
  if (region.length === 9) return { kind: 'village', prefixLength: 12 };
  return { kind: 'grid', prefixLength: 12 };
}

/**
 * Figures for the drill-down (issue 6 §3): for the focused region and each of its parts, the
 * incidents of the window matching the filters (open, red warnings) and what is there (grids,
 * households, cameras, key places). The totals are the sums of the parts (plus, inside a village,
 * what lies in no grid), so the breadcrumb's figure and the list below it agree.
 */
export const regionSummaryAnalytic = defineAnalytic<RegionSummaryResult>({
  id: 'region-summary',
  title: 'Figures of a region and its parts',
  permission: 'aggregates.read',
  reads: ['incidents', 'grids', 'cameras', 'key_places', 'regions'],
  spec: { defaultDays: 90, extra: [] },
  async run(tx, query) {
    const { kind, prefixLength } = partsOf(query.region);
    const filter = incidentFilterSql(query, 5);
    const part = (alias: string) => (kind === 'grid' ? `coalesce(${alias}.grid_code, '')` : `left(${alias}.village_code, ${prefixLength})`);
    const sql = SUMMARY_SQL
      .replace('{{filters}}', filter.sql)
      .replace('{{part:i}}', part('i')).replace('{{part:c}}', part('c')).replace('{{part:k}}', part('k'))
      .replace('{{part:g}}', kind === 'grid' ? 'g.code' : part('g'))
      .replaceAll('{{gridParts}}', kind === 'grid' ? 'true' : 'false');
    const rows = await tx.query<{
      child: string; name: string; incidents: number; open: number; red: number; grids: number;
      households: number; cameras: number; cameras_online: number; key_places: number;
    }>(sql, [likePrefix(query.region), prefixLength, query.fromMs, query.toMs, kind === 'grid' ? 'village' : kind, ...filter.params]);
    const all: RegionPart[] = rows.map((r) => ({
      code: r.child, name: r.name, incidents: r.incidents, open: r.open, red: r.red, grids: r.grids,
      households: r.households, cameras: r.cameras, camerasOnline: r.cameras_online, keyPlaces: r.key_places,
    }));
    const totals = Object.fromEntries(FIGURES.map((f) => [f, all.reduce((s, p) => s + p[f], 0)])) as unknown as RegionFigures;
    const parts = all.filter((p) => p.code !== '');
    return { region: query.region, from: query.from, to: query.to, partKind: kind, totals, parts };
  },
  table(result) {
    return {
      columns: ['code', 'name', ...FIGURES],
      rows: result.parts.map((p) => [p.code, p.name, ...FIGURES.map((f) => p[f])]),
    };
  },
});
