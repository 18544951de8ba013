import type { Geometry } from 'geojson';

/** The input of the file writers (geo/export/*): one layer, its typed fields and its features. */

export type FieldType = 'string' | 'integer' | 'real' | 'boolean' | 'date' | 'datetime';

export interface ExportField {
  name: string;
  type: FieldType;
}

export interface ExportFeature {
  id: number | string;
  /** WGS 84 longitude/latitude; null = no geometry. */
  geometry: Geometry | null;
  properties: Record<string, unknown>;
}

export interface ExportLayer {
  name: string;
  fields: readonly ExportField[];
  /** Iterated once: a generator over a database cursor is fine. */
  features: Iterable<ExportFeature>;
}

/*
 * Value conventions shared by the writers, so a property exports the same way to every format.
 * Anything that does not fit the field's type becomes null rather than a wrong value.
 */

/** Text: strings as they are, Dates as ISO 8601, objects as JSON. */
export function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Whole number (truncated), from numbers, bigints, booleans and numeric strings. */
export function asInteger(value: unknown): number | null {
  const n = asReal(value);
  return n === null ? null : Math.trunc(n);
}

export function asReal(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const TRUE = new Set(['true', 't', '1', 'y', 'yes', '是']);
const FALSE = new Set(['false', 'f', '0', 'n', 'no', '否']);

export function asBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value !== 0;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    return TRUE.has(text) ? true : FALSE.has(text) ? false : null;
  }
  return null;
}

/**
 * Calendar date as 'YYYY-MM-DD'. A string keeps its own date part. A Date uses its local calendar
 * day: date-only values arrive as local midnight (node-postgres `date`, new Date(y, m, d)), and
 * in China (UTC+8) a UTC-midnight Date falls on the same local day too.
 */
export function asDate(value: unknown): string | null {
  if (typeof value === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
    if (match) return `${match[1]}-${match[2]}-${match[3]}`;
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? null : localDate(parsed);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : localDate(value);
  return null;
}

function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(date.getFullYear()).padStart(4, '0')}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Instant as ISO 8601 in UTC ('2024-05-01T02:00:00.000Z', the form GeoPackage requires). Strings
 * without an offset are read in the server's time zone, as Date does.
 */
export function asDateTime(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'string' || typeof value === 'number') {
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
  }
  return null;
}
