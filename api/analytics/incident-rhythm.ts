import { readFileSync } from 'node:fs';
import { hourBandContains } from '../../geo/patrol-gaps.js';
import { defineAnalytic } from './analytic.js';
import { incidentFilterSql } from './params.js';
import { likePrefix } from './sources.js';

const RHYTHM_SQL = readFileSync(new URL('./sql/incident-rhythm.sql', import.meta.url), 'utf8');

export interface IncidentRhythmResult {
  region: string;
  from: string;
  to: string;
  /** Incidents counted (the sum of every cell). */
  total: number;
  /**
   * `cells[w][h]`: incidents on ISO weekday w + 1 (index 0 = Monday … 6 = Sunday) in local hour h
   * (0–23, Asia/Shanghai). Hours outside the `hours` band are 0.
   */
  cells: number[][];
  /** Per local hour, all weekdays together. */
  byHour: number[];
  /** Per ISO weekday (index 0 = Monday), all hours together. */
  byWeekday: number[];
}

/**
 * The weekly rhythm of incidents (issue 6 §5, analyst views): the filtered incidents of the region
 * and window counted by local hour of day × ISO weekday, for a 7 × 24 heat grid. Local means
 * Asia/Shanghai (`occurred_at AT TIME ZONE 'Asia/Shanghai'`): an incident at 00:30 local on a
 * Tuesday is stored as 16:30 UTC on Monday and counts on Tuesday, hour 0. One GROUP BY in SQL, so
 * the database sends back at most 168 counts whatever the scale. The `hours` band, like every
 * filter, narrows what is counted: the hours outside it are 0.
 */
export const incidentRhythmAnalytic = defineAnalytic<IncidentRhythmResult>({
  id: 'incident-rhythm',
  title: 'Incidents by hour of day and weekday',
  permission: 'aggregates.read',
  reads: ['incidents'],
  spec: { defaultDays: 90, extra: [] },
  async run(tx, query) {
    const filter = incidentFilterSql(query, 3);
    const rows = await tx.query<{ weekday: number; hour: number; n: number }>(
      RHYTHM_SQL.replace('{{filters}}', filter.sql),
      [likePrefix(query.region), query.fromMs, query.toMs, ...filter.params],
    );
    const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    const byHour = new Array<number>(24).fill(0);
    const byWeekday = new Array<number>(7).fill(0);
    let total = 0;
    for (const r of rows) {
      const weekday = Number(r.weekday);
      const hour = Number(r.hour);
      const n = Number(r.n);
      if (!hourBandContains(hour, query.hours)) continue;
      cells[weekday - 1]![hour] = n;
      byHour[hour]! += n;
      byWeekday[weekday - 1]! += n;
      total += n;
    }
    return { region: query.region, from: query.from, to: query.to, total, cells, byHour, byWeekday };
  },
  table(result) {
    const rows: number[][] = [];
    for (let w = 0; w < 7; w++) for (let h = 0; h < 24; h++) rows.push([w + 1, h, result.cells[w]![h]!]);
    return { columns: ['weekday', 'hour', 'count'], rows };
  },
});
