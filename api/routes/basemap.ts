import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { AppEnv } from '../app.js';
import { authenticate, requirePermission, scopedTransaction, type AuthSettings } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import { rejectUnknownParameters } from '../query-params.js';

/**
 * The offline base map (docs/basemap.md), for every signed-in caller, walls included:
 * - `GET /api/basemap/style.json`: which base map the client draws (built-in, an internal style, or a
 *   PMTiles archive);
 * - `GET /api/basemap/features`: the built-in roads and rivers as GeoJSON (public reference data,
 *   not region-scoped; a few hundred lines);
 * - `GET /api/basemap/tiles.pmtiles`: the configured PMTiles archive, read by byte ranges.
 * Only the features touch the database; the other two answer from the configuration and the file.
 */
export interface BasemapSettings {
  /** ATLAS_BASEMAP_STYLE: a MapLibre style URL to use instead of the built-in base map. */
  styleUrl?: string | null;
  /** ATLAS_BASEMAP_PMTILES: absolute path of a .pmtiles vector archive to serve. */
  pmtilesPath?: string | null;
}

export const PMTILES_URL = '/api/basemap/tiles.pmtiles';

/** What `style.json` answers: the client's base-map mode. */
export type BasemapConfig =
  | { mode: 'builtin' }
  | { mode: 'style'; styleUrl: string; pmtilesUrl?: string }
  | { mode: 'pmtiles'; url: string };

/** The mode: an internal style wins (it may itself use the served archive), then PMTiles, else built-in. */
export function basemapConfigOf(settings: BasemapSettings): BasemapConfig {
  if (settings.styleUrl) {
    return settings.pmtilesPath ? { mode: 'style', styleUrl: settings.styleUrl, pmtilesUrl: PMTILES_URL } : { mode: 'style', styleUrl: settings.styleUrl };
  }
  if (settings.pmtilesPath) return { mode: 'pmtiles', url: PMTILES_URL };
  return { mode: 'builtin' };
}

/**
 * One byte range of a `size`-byte file from a Range header (RFC 9110 §14): `{ start, end }`
 * (inclusive), null to send the whole file (no header, another unit, several ranges or bad syntax:
 * all may be ignored), or 'unsatisfiable' for a range that starts past the end (416).
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  if (match[2] !== '' && Number(match[2]) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1) };
}

const FEATURES_SQL = `SELECT coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', b.id, 'geometry', ST_AsGeoJSON(b.geom, 7)::json,
    'properties', json_build_object('kind', b.kind, 'name', b.name, 'rank', b.rank)) ORDER BY b.id), '[]'::json)::text AS features
  FROM basemap_features b`;

export function basemapRoutes(auth: AuthSettings, settings: BasemapSettings = {}) {
  const config = basemapConfigOf(settings);
  return new Hono<AppEnv>()
    .use('*', authenticate(auth))
    .get('/style.json', (c) => {
      rejectUnknownParameters(c.req.url, []);
      return c.json(config, 200, { 'Cache-Control': 'private, no-cache' });
    })
    .get('/features', requirePermission('layers.read'), scopedTransaction(), async (c) => {
      rejectUnknownParameters(c.req.url, []);
      const [row] = await c.var.tx.query<{ features: string }>(FEATURES_SQL);
      return c.body(`{"type":"FeatureCollection","features":${row?.features ?? '[]'}}`, 200, {
        'content-type': 'application/geo+json; charset=utf-8',
        'Cache-Control': 'private, max-age=300',
      });
    })
    .get('/tiles.pmtiles', (c) => {
      const path = settings.pmtilesPath;
      const stat = path ? statSync(path, { throwIfNoEntry: false }) : undefined;
      if (!path || !stat?.isFile()) {
        throw new ApiError(404, 'NotFound', path ? 'The PMTiles archive is missing on the server' : 'No PMTiles archive is configured (ATLAS_BASEMAP_PMTILES)');
      }
      const size = stat.size;
      const headers: Record<string, string> = {
        'Content-Type': 'application/vnd.pmtiles',
        'Accept-Ranges': 'bytes',
        // PMTiles readers compare ETags to notice a replaced archive; no-transform keeps proxies from recompressing.
        ETag: `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
        'Last-Modified': stat.mtime.toUTCString(),
        'Cache-Control': 'private, max-age=300, no-transform',
      };
      const range = parseRange(c.req.header('range'), size);
      if (range === 'unsatisfiable') {
        return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${size}` });
      }
      const { start, end } = range ?? { start: 0, end: size - 1 };
      const length = Math.max(0, end - start + 1);
      const status = range ? 206 : 200;
      Object.assign(headers, { 'Content-Length': String(length) }, range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {});
      if (length === 0) return c.body(null, status, headers);
      const stream = Readable.toWeb(createReadStream(path, { start, end })) as unknown as ReadableStream<Uint8Array>;
      return c.body(stream, status, headers);
    });
}
