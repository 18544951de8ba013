import { readFileSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { currentDeadline } from '../../geo/flow-deadline.js';
import { FLOW_LEVELS, WARNING_COLOURS } from '../../geo/layers.js';
import { WorkCalendar } from '../../geo/working-days.js';
import { defineAnalytic } from './analytic.js';
import { incidentFilterSql } from './params.js';
import { findCalendarDays, likePrefix } from './sources.js';

const OPEN_INCIDENTS_SQL = readFileSync(new URL('./sql/open-incidents-steps.sql', import.meta.url), 'utf8');

type DeadlineWarning = 'overdue' | 'due_soon' | 'on_time' | 'none';

export interface OpenIncidentDeadline {
  id: number;
  lon: number;
  lat: number;
  category: string;
  level: string;
  status: string;
  flowLevel: string;
  villageCode: string;
  warningColour: string | null;
  /** The step whose period is running: its level and action. */
  stepAction: string;
  deadline: string | null;
  overdueWorkingDays: number;
  warning: DeadlineWarning;
}

export interface FlowDeadlinesResult {
  open: number;
  /** Open incidents per flow level and deadline warning. */
  byLevel: Record<string, Record<DeadlineWarning, number>>;
  /** Open incidents per three-colour warning of major instability issues (red, orange, yellow). */
  byColour: Record<string, number>;
  /** Overdue incidents per village. */
  overdueByVillage: { villageCode: string; overdue: number }[];
  /** Overdue and due-soon incidents, most overdue first. */
  items: OpenIncidentDeadline[];
}

/**
 * Flow deadlines (issue 5 §5): for every open incident of the region (reported in the window) the
 * deadline of its current step from the three-level rules and the working-day calendar
 * (geo/flow-deadline.ts), overdue lists by level and region, and counts by three-colour warning.
 * "Now" is `at` (default the request time).
 */
export const flowDeadlinesAnalytic = defineAnalytic<FlowDeadlinesResult>({
  id: 'flow-deadlines',
  title: 'Flow deadlines and overdue incidents',
  permission: 'aggregates.read',
  reads: ['incidents', 'incident_flow_steps', 'calendar_days'],
  spec: { defaultDays: 365, extra: [] },
  usesNow: true,
  async run(tx, query) {
    const calendar = new WorkCalendar(await findCalendarDays(tx));
    const filter = incidentFilterSql(query, 3);
    const rows = await tx.query<{
      id: string | number; lon: number; lat: number; category: string; level: string; status: string; flow_level: string;
      village_code: string; warning_colour: string | null; steps: [number, string, string, number][];
    }>(OPEN_INCIDENTS_SQL.replace('{{filters}}', filter.sql), [likePrefix(query.region), query.fromMs, query.toMs, ...filter.params]);
    const byLevel: FlowDeadlinesResult['byLevel'] = {};
    for (const level of FLOW_LEVELS) byLevel[level] = { overdue: 0, due_soon: 0, on_time: 0, none: 0 };
    const byColour: Record<string, number> = Object.fromEntries(WARNING_COLOURS.map((c) => [c, 0]));
    const villages = new Map<string, number>();
    const items: OpenIncidentDeadline[] = [];
    for (const r of rows) {
      const steps = (r.steps ?? []).map(([seq, level, action, at]) => ({ seq, level, action, atMs: Number(at) }));
      const d = currentDeadline(steps as Parameters<typeof currentDeadline>[0], calendar, query.atMs);
      byLevel[r.flow_level]![d.warning]++;
      if (r.warning_colour) byColour[r.warning_colour] = (byColour[r.warning_colour] ?? 0) + 1;
      if (d.warning === 'overdue') villages.set(r.village_code, (villages.get(r.village_code) ?? 0) + 1);
      if (d.warning === 'overdue' || d.warning === 'due_soon') {
        items.push({
          id: Number(r.id), lon: r.lon, lat: r.lat, category: r.category, level: r.level, status: r.status, flowLevel: r.flow_level,
          villageCode: r.village_code, warningColour: r.warning_colour, stepAction: d.action ?? '',
          deadline: d.deadlineMs === null ? null : new Date(d.deadlineMs).toISOString(), overdueWorkingDays: d.overdueWorkingDays, warning: d.warning,
        });
      }
    }
    items.sort((a, b) => b.overdueWorkingDays - a.overdueWorkingDays || (a.deadline ?? '').localeCompare(b.deadline ?? '') || a.id - b.id);
    return {
      open: rows.length, byLevel, byColour,
      overdueByVillage: [...villages].map(([villageCode, overdue]) => ({ villageCode, overdue })).sort((a, b) => b.overdue - a.overdue || a.villageCode.localeCompare(b.villageCode)),
      items,
    };
  },
  geojson(result): FeatureCollection {
    return {
      type: 'FeatureCollection',
      features: result.items.map(({ lon, lat, ...p }) => ({ type: 'Feature', id: p.id, geometry: { type: 'Point', coordinates: [lon, lat] }, properties: p })),
    };
  },
  table(result) {
    return {
      columns: ['id', 'category', 'level', 'status', 'flow_level', 'village_code', 'warning_colour', 'step', 'deadline', 'overdue_working_days', 'warning', 'lon', 'lat'],
      rows: result.items.map((i) => [i.id, i.category, i.level, i.status, i.flowLevel, i.villageCode, i.warningColour ?? '', i.stepAction, i.deadline ?? '', i.overdueWorkingDays, i.warning, i.lon, i.lat]),
    };
  },
});
