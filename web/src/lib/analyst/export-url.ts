/**
 * The download URL of "this view's" incidents: `/api/export/incidents.{csv|geojson}` (the OGC
 * selection of api/routes/export.ts) with the filters and the focused region as one CQL2 text
 * filter. Pure and import-free, so the API tests check that it selects what the analytics count.
 *
 * The window is half-open in local time, [from 00:00, the day after `to` 00:00) at +08:00, exactly
 * as the analytics read it. The hour band cannot be said in CQL2 (it has no hour-of-day function):
 * an export covers whole days, and the panel says so.
 */

export interface IncidentExportSelection {
  /** Region code prefix (6, 9 or 12 digits); null = the caller's whole region. */
  region: string | null;
  /** First and last local date, inclusive (`YYYY-MM-DD`). */
  from: string;
  to: string;
  categories: readonly string[];
  levels: readonly string[];
  statuses: readonly string[];
  sources: readonly string[];
}

export type IncidentExportFormat = 'csv' | 'geojson';

/** `YYYY-MM-DD` plus one day (calendar arithmetic in UTC, so no daylight-saving surprise). */
function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A CQL2 string literal (a quote is doubled). */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The CQL2 text selecting the incidents of `s`. */
export function incidentExportFilter(s: IncidentExportSelection): string {
  const parts: string[] = [];
  if (s.region) {
    if (!/^\d{6}(\d{3}){0,2}$/.test(s.region)) throw new RangeError(`not a region prefix: ${s.region}`);
    parts.push(`village_code LIKE ${literal(`${s.region}%`)}`);
  }
  parts.push(`occurred_at >= TIMESTAMP(${literal(`${s.from}T00:00:00+08:00`)})`);
  parts.push(`occurred_at < TIMESTAMP(${literal(`${nextDate(s.to)}T00:00:00+08:00`)})`);
  const list = (column: string, values: readonly string[]) => {
    if (values.length) parts.push(`${column} IN (${values.map(literal).join(', ')})`);
  };
  list('category', s.categories);
  list('level', s.levels);
  list('status', s.statuses);
  list('source', s.sources);
  return parts.join(' AND ');
}

/** Same-origin URL of the incidents export for `s` in `format`. */
export function incidentExportUrl(format: IncidentExportFormat, s: IncidentExportSelection): string {
  return `/api/export/incidents.${format}?filter-lang=cql2-text&filter=${encodeURIComponent(incidentExportFilter(s))}`;
}
