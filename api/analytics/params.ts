import { addDays, localDate } from '../../geo/local-time.js';
import {
  INCIDENT_CATEGORIES, INCIDENT_LEVELS, INCIDENT_SOURCES, INCIDENT_STATUSES,
} from '../../geo/layers.js';
import { ApiError } from '../errors.js';
import { rejectUnknownParameters } from '../query-params.js';

/**
 * The query parameters every analytic shares, parsed once: the region (inside the caller's scope),
 * the time window in local dates, an hour-of-day band and the incident filters. Unknown parameters
 * and malformed values are 400 naming the parameter, so a typo never silently changes a result.
 */
export interface AnalyticsQuery {
  /** Region code prefix the analytic covers: 6 (county), 9 (township) or 12 (village) digits. */
  region: string;
  /** First and last local date of the window, inclusive (`YYYY-MM-DD`). */
  from: string;
  to: string;
  /** The window as instants: [fromMs, toMs) from local midnight of `from` to local midnight after `to`. */
  fromMs: number;
  toMs: number;
  /** Hour-of-day band, local, `to` exclusive; from = 0, to = 24 is the whole day. Wraps (22–6). */
  hours: { from: number; to: number };
  categories: string[] | null;
  levels: string[] | null;
  statuses: string[] | null;
  sources: string[] | null;
  /** "Now" for deadlines and "hours since": the `at` parameter, or the request time. */
  atMs: number;
  /** Everything else the analytic declared, raw (validated by the analytic). */
  extra: Record<string, string>;
}

export interface AnalyticsQuerySpec {
  /** Parameters beyond the shared ones that this analytic accepts. */
  extra?: readonly string[];
  /** Length of the default window ending today, in days. */
  defaultDays: number;
  /** Longest window accepted, in days (a year and a day by default). */
  maxDays?: number;
}

const SHARED = ['region', 'from', 'to', 'hours', 'category', 'level', 'status', 'source', 'at', 'format'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function bad(message: string): never {
  throw new ApiError(400, 'InvalidParameter', message);
}

function parseDate(name: string, raw: string): string {
  if (!DATE.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) || new Date(`${raw}T00:00:00Z`).toISOString().slice(0, 10) !== raw) {
    bad(`${name} must be a date YYYY-MM-DD, got "${raw.slice(0, 40)}"`);
  }
  return raw;
}

function parseList(name: string, raw: string | null, allowed: readonly string[]): string[] | null {
  if (raw === null || raw === '') return null;
  const values = [...new Set(raw.split(',').map((v) => v.trim()).filter(Boolean))];
  for (const v of values) {
    if (!allowed.includes(v)) bad(`${name} "${v.slice(0, 40)}" is not one of: ${allowed.join(', ')}`);
  }
  return values;
}

/** Local midnight of a date as epoch milliseconds. */
export function localMidnightMs(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

/**
 * Parses the shared parameters of `url` for a caller whose rows are limited to `scope` (a region
 * code prefix). A region outside the scope is 403: the caller may not ask about it at all.
 */
export function parseAnalyticsQuery(url: string, scope: string, spec: AnalyticsQuerySpec, nowMs = Date.now()): AnalyticsQuery {
  const extraNames = spec.extra ?? [];
  rejectUnknownParameters(url, [...SHARED, ...extraNames]);
  const q = new URL(url).searchParams;

  const region = q.get('region') ?? scope;
  if (!/^\d{6}(\d{3}){0,2}$/.test(region)) bad(`region must be a county (6 digits), township (9) or village (12) code prefix, got "${region.slice(0, 40)}"`);
  if (!region.startsWith(scope)) throw new ApiError(403, 'Forbidden', `Region ${region} is outside your region ${scope}`);

  const at = q.get('at');
  let atMs = nowMs;
  if (at !== null) {
    atMs = Date.parse(at);
    if (!Number.isFinite(atMs) || !/^\d{4}-\d{2}-\d{2}T/.test(at)) bad(`at must be an ISO 8601 instant such as 2026-11-23T09:00:00+08:00, got "${at.slice(0, 40)}"`);
  }

  const to = q.get('to') === null ? localDate(atMs) : parseDate('to', q.get('to')!);
  const from = q.get('from') === null ? addDays(to, 1 - spec.defaultDays) : parseDate('from', q.get('from')!);
  if (from > to) bad(`from (${from}) is after to (${to})`);
  const fromMs = localMidnightMs(from);
  const toMs = localMidnightMs(addDays(to, 1));
  const maxDays = spec.maxDays ?? 367;
  if ((toMs - fromMs) / 86_400_000 > maxDays) bad(`the window ${from}..${to} is longer than ${maxDays} days`);

  let hours = { from: 0, to: 24 };
  const rawHours = q.get('hours');
  if (rawHours !== null) {
    const m = /^(\d{1,2})-(\d{1,2})$/.exec(rawHours);
    const a = m ? Number(m[1]) : Number.NaN;
    const b = m ? Number(m[2]) : Number.NaN;
    if (!(a >= 0 && a <= 23 && b >= 1 && b <= 24 && a !== b)) bad(`hours must be a local hour band "from-to" such as 18-24 or 22-6 (0 ≤ from ≤ 23, 1 ≤ to ≤ 24), got "${rawHours.slice(0, 20)}"`);
    hours = { from: a, to: b };
  }

  const extra: Record<string, string> = {};
  for (const name of extraNames) {
    const v = q.get(name);
    if (v !== null) extra[name] = v;
  }
  return {
    region, from, to, fromMs, toMs, hours, atMs, extra,
    categories: parseList('category', q.get('category'), INCIDENT_CATEGORIES),
    levels: parseList('level', q.get('level'), INCIDENT_LEVELS),
    statuses: parseList('status', q.get('status'), INCIDENT_STATUSES),
    sources: parseList('source', q.get('source'), INCIDENT_SOURCES),
  };
}

/** An integer parameter of the analytic within [min, max], or `fallback` when absent. */
export function intParam(query: AnalyticsQuery, name: string, fallback: number, min: number, max: number): number {
  const raw = query.extra[name];
  if (raw === undefined) return fallback;
  const n = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= max)) bad(`${name} must be an integer from ${min} to ${max}, got "${raw.slice(0, 20)}"`);
  return n;
}

/** One of `allowed` for parameter `name`, or `fallback` when absent. */
export function choiceParam<T extends string>(query: AnalyticsQuery, name: string, allowed: readonly T[], fallback: T): T {
  const raw = query.extra[name];
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) bad(`${name} must be one of ${allowed.join(', ')}, got "${raw.slice(0, 20)}"`);
  return raw as T;
}

/**
 * The incident filters as SQL conditions on alias `i` with positional parameters starting after
 * `offset`. Used by every analytic that reads incidents, so a filter means the same everywhere.
 */
export function incidentFilterSql(query: AnalyticsQuery, offset: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, values: string[] | null) => {
    if (values === null) return;
    params.push(values);
    parts.push(`i.${column} = ANY($${offset + params.length}::text[])`);
  };
  add('category', query.categories);
  add('level', query.levels);
  add('status', query.statuses);
  add('source', query.sources);
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', params };
}
