import { LAYERS, type LayerId } from '../geo/layers.js';
import { ApiError } from './errors.js';

/** Refuses query parameters the route does not know, so a typo is an error rather than silently ignored. */
export function rejectUnknownParameters(url: string, allowed: readonly string[]): void {
  for (const key of new URL(url).searchParams.keys()) {
    if (!allowed.includes(key)) {
      throw new ApiError(400, 'UnknownParameter', `Unknown query parameter "${key}". Allowed: ${allowed.join(', ') || 'none'}`);
    }
  }
}

/**
 * A positive integer id from a path segment. Anything else is 400: it cannot name a record, and a
 * malformed id (an injection attempt) is a bad request, not a search that found nothing. A
 * well-formed id of a record the caller cannot see is 404 elsewhere.
 */
export function parseId(raw: string): number {
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new ApiError(400, 'InvalidParameter', `"${raw.slice(0, 40)}" is not an id (a positive integer)`);
  return id;
}

/** The id of a feature of a layer: a positive integer, or for regions and grids their 12- or 15-digit code. */
export function parseFeatureId(layerId: LayerId, raw: string): string | number {
  if (LAYERS[layerId].idColumn !== 'code') return parseId(raw);
  if (!/^\d{12}(\d{3})?$/.test(raw)) throw new ApiError(400, 'InvalidParameter', `"${raw.slice(0, 40)}" is not a code of ${layerId} (12 or 15 digits)`);
  return raw;
}

/**
 * `bbox=minx,miny,maxx,maxy` (or 6 numbers with z, which is ignored) in longitude/latitude, as a
 * condition on `t.geom`; minx > maxx crosses the antimeridian. 400 InvalidBbox naming what is wrong.
 * Used by every route that takes a bbox (/api/layers, /ogc items, exports).
 */
export function bboxCondition(raw: string): { fragment: string; params: number[] } {
  const bad = (message: string): never => {
    throw new ApiError(400, 'InvalidBbox', message);
  };
  const parts = raw.split(',');
  if (parts.length !== 4 && parts.length !== 6) bad(`bbox needs 4 or 6 numbers minx,miny,maxx,maxy; got ${parts.length} value(s)`);
  const nums = parts.map((p) => (/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(p) ? Number(p) : Number.NaN));
  nums.forEach((n, i) => {
    if (!Number.isFinite(n)) bad(`bbox value ${i + 1} is not a finite number: "${parts[i]}"`);
  });
  const [minx, miny, maxx, maxy] = (parts.length === 4 ? nums : [nums[0], nums[1], nums[3], nums[4]]) as [number, number, number, number];
  if (minx < -180 || minx > 180 || maxx < -180 || maxx > 180) bad('bbox longitudes must lie within -180..180');
  if (miny < -90 || miny > 90 || maxy < -90 || maxy > 90) bad('bbox latitudes must lie within -90..90');
  if (miny > maxy) bad('bbox miny is greater than maxy');
  if (minx <= maxx) return { fragment: 't.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', params: [minx, miny, maxx, maxy] };
  // Across the antimeridian: the part east of minx and the part west of maxx.
  return {
    fragment: '(t.geom && ST_MakeEnvelope(?, ?, 180, ?, 4326) OR t.geom && ST_MakeEnvelope(-180, ?, ?, ?, 4326))',
    params: [minx, miny, maxy, miny, maxx, maxy],
  };
}

/** The row version an If-Match header names; 428 without one (changes must say what they change). */
export function ifMatchVersion(header: string | undefined): number {
  if (header === undefined) throw new ApiError(428, 'PreconditionRequired', 'Send If-Match with the ETag you read, so a change made meanwhile is not overwritten');
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!m) throw new ApiError(400, 'InvalidParameter', `If-Match must be the feature's ETag, e.g. "3"; got ${header}`);
  return Number(m[1]);
}

