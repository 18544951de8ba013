import type { FeatureCollection } from 'geojson';
import { evaluateThreeNos, threeNosShare, threeNosTarget, type ThreeNosEvent } from '../../geo/three-nos.js';
import { localDate } from '../../geo/local-time.js';
import { defineAnalytic, round } from './analytic.js';
import { intParam, localMidnightMs } from './params.js';
import { likePrefix, numericColumns } from './sources.js';
import { FLOW_LEVELS, INCIDENT_LEVELS } from '../../geo/layers.js';

type Evaluation = ReturnType<typeof evaluateThreeNos>;

export interface VillageThreeNos {
  code: string;
  name: string;
  townshipCode: string;
  lon: number;
  lat: number;
  assessed: boolean;
  status: Evaluation['status'];
  vetoed: boolean;
  vetoedBy: number[];
  metCount: number;
  criteria: Evaluation['criteria'];
}

export interface ThreeNosShareRow {
  code: string;
  name: string;
  villages: number;
  achieved: number;
  failed: number;
  inProgress: number;
  share: number | null;
  /** Null for a year before the programme started. */
  target: number | null;
  meetsTarget: boolean | null;
}

export interface ThreeNosResult {
  year: number;
  programmeStartYear: number;
  programmeYear: number;
  target: number | null;
  yearComplete: boolean;
  region: ThreeNosShareRow;
  townships: ThreeNosShareRow[];
  villages: VillageThreeNos[];
}

/**
 * Three-nos progress (issue 5 §4) per village for a year: the manual assessment's 16 criteria
 * combined with the automatic signals of the year's incidents (geo/three-nos.ts: which incident
 * breaks which criterion, and the veto events), the status, which events broke it, and the shares
 * per township and for the region against the programme year's target (85/90/95%). `year` defaults
 * to the year of `at`; `startYear` (the programme's first year) to the earliest assessed year.
 */
export const threeNosAnalytic = defineAnalytic<ThreeNosResult>({
  id: 'three-nos',
  title: 'Three-nos villages progress',
  permission: 'aggregates.read',
  reads: ['incidents', 'three_nos_assessments', 'regions'],
  spec: { defaultDays: 1, extra: ['year', 'startYear'] },
  usesNow: true,
  async run(tx, query) {
    const nowYear = Number(localDate(query.atMs).slice(0, 4));
    const year = intParam(query, 'year', nowYear, 2000, 2100);
    const [first] = await tx.query<{ y: number | null }>('SELECT min(year)::int AS y FROM three_nos_assessments');
    const programmeStartYear = intParam(query, 'startYear', first?.y ?? year, 2000, 2100);
    const yearStartMs = localMidnightMs(`${year}-01-01`);
    const yearEndMs = localMidnightMs(`${year + 1}-01-01`);
    const yearComplete = query.atMs >= yearEndMs;

    const villages = await tx.query<{
      code: string; name: string; parent_code: string; lon: number; lat: number;
      no_case: boolean[] | null; no_accident: boolean[] | null; no_petition: boolean[] | null; vetoed: boolean | null; status: string | null;
    }>(
      `SELECT r.code, r.name, r.parent_code, ST_X(ST_PointOnSurface(r.geom)) AS lon, ST_Y(ST_PointOnSurface(r.geom)) AS lat,
              a.no_case, a.no_accident, a.no_petition, a.vetoed, a.status
       FROM regions r LEFT JOIN three_nos_assessments a ON a.village_code = r.code AND a.year = $2
       WHERE r.level = 'village' AND r.code LIKE $1 ORDER BY r.code`,
      [likePrefix(query.region), year],
    );
    // Only incidents that can signal anything: the categories of the signal table and mass incidents.
    // The events travel as numbers (codes as positions in lists): a city's year is tens of thousands
    // of rows, which PGlite would decode one by one.
    const codes = (await tx.query<{ code: string }>('SELECT code FROM incident_categories ORDER BY code')).map((r) => r.code);
    const e = await numericColumns(tx, {
      id: 'i.id', village: 'i.village_code::bigint', category: 'array_position($4::text[], i.category)',
      subcategory: 'coalesce(array_position($4::text[], i.subcategory), 0)', level: 'array_position($5::text[], i.level)',
      people: 'coalesce(i.people_involved, -1)',
      // For petitions the highest level the flow reached (one the county returned down still went over
      // levels); no other signal reads the level, so other events skip the look-up of their steps.
      flow: `CASE WHEN i.category = 'petition' THEN coalesce((SELECT max(array_position($6::text[], s.flow_level))
               FROM incident_flow_steps s WHERE s.incident_id = i.id), array_position($6::text[], i.flow_level))
             ELSE array_position($6::text[], i.flow_level) END`,
      at: 'extract(epoch FROM i.occurred_at) * 1000',
    }, `FROM incidents i
       WHERE i.village_code LIKE $1 AND i.occurred_at >= to_timestamp($2 / 1000.0) AND i.occurred_at < to_timestamp($3 / 1000.0)
         AND (i.category IN ('criminal_case', 'public_order', 'traffic', 'work_safety', 'fire', 'petition') OR i.people_involved >= 10)`,
    'i.occurred_at, i.id', [likePrefix(query.region), yearStartMs, yearEndMs, codes, INCIDENT_LEVELS, FLOW_LEVELS]);
    const byVillage = new Map<string, ThreeNosEvent[]>();
    for (let i = 0; i < e.id.length; i++) {
      const village = String(e.village[i]);
      const list = byVillage.get(village) ?? [];
      list.push({
        id: e.id[i]!, category: codes[e.category[i]! - 1]!, subcategory: e.subcategory[i]! > 0 ? codes[e.subcategory[i]! - 1]! : null,
        level: INCIDENT_LEVELS[e.level[i]! - 1]!, peopleInvolved: e.people[i]! < 0 ? null : e.people[i]!,
        flowLevel: FLOW_LEVELS[e.flow[i]! - 1]!, occurredAtMs: e.at[i]!,
      });
      byVillage.set(village, list);
    }
    const rows: VillageThreeNos[] = villages.map((v) => {
      const manual = v.no_case && v.no_accident && v.no_petition
        ? { no_case: v.no_case, no_accident: v.no_accident, no_petition: v.no_petition, vetoed: v.vetoed ?? false, status: v.status as 'in_progress' }
        : null;
      const e = evaluateThreeNos({ year, manual, events: byVillage.get(v.code) ?? [], yearComplete });
      return {
        code: v.code, name: v.name, townshipCode: v.parent_code, lon: round(v.lon, 6), lat: round(v.lat, 6), assessed: manual !== null,
        status: e.status, vetoed: e.vetoed, vetoedBy: e.vetoedBy, metCount: e.metCount, criteria: e.criteria,
      };
    });
    const target = threeNosTarget(year, programmeStartYear);
    const shareRow = (code: string, name: string, list: VillageThreeNos[]): ThreeNosShareRow => {
      const raw = threeNosShare(list.map((v) => v.status), yearComplete);
      const share = raw === null ? null : round(raw);
      return {
        code, name, villages: list.length,
        achieved: list.filter((v) => v.status === 'achieved').length,
        failed: list.filter((v) => v.status === 'failed').length,
        inProgress: list.filter((v) => v.status === 'in_progress').length,
        share, target, meetsTarget: share === null || target === null ? null : share >= target,
      };
    };
    const townships = await tx.query<{ code: string; name: string }>(
      `SELECT code, name FROM regions WHERE level = 'township' AND code LIKE left($1, 9) || '%' ORDER BY code`, [likePrefix(query.region)],
    );
    const [self] = await tx.query<{ code: string; name: string }>('SELECT code, name FROM regions WHERE code = $1', [query.region.padEnd(12, '0')]);
    return {
      year, programmeStartYear, programmeYear: year - programmeStartYear + 1, target, yearComplete,
      region: shareRow(self?.code ?? query.region, self?.name ?? query.region, rows),
      townships: townships.map((t) => shareRow(t.code, t.name, rows.filter((v) => v.townshipCode === t.code))),
      villages: rows,
    };
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.villages.map(({ lon, lat, criteria, ...v }) => ({
        type: 'Feature', id: v.code, geometry: { type: 'Point', coordinates: [lon, lat] },
        properties: { ...v, broken: criteria.filter((c) => !c.met).map((c) => `${c.grp}.${c.idx}`).join(',') },
      })),
    };
  },
  table(result) {
    return {
      columns: ['village_code', 'name', 'township_code', 'status', 'assessed', 'vetoed', 'vetoed_by', 'criteria_met', 'broken_criteria', 'broken_by'],
      rows: result.villages.map((v) => [
        v.code, v.name, v.townshipCode, v.status, v.assessed, v.vetoed, v.vetoedBy.join(' '), v.metCount,
        v.criteria.filter((c) => !c.met).map((c) => `${c.grp}.${c.idx}`).join(' '),
        [...new Set(v.criteria.flatMap((c) => c.brokenBy))].join(' '),
      ]),
    };
  },
});
