import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { Hono } from 'hono';
import { databaseRoleOf, roleCan } from '../../geo/access.js';
import type { AppEnv } from '../app.js';
import { assertPermission, requirePermission } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import { neutraliseCell } from '../exports/export.js';
import { ANALYTICS, analyticById } from '../analytics/catalogue.js';
import { AnalyticsCache } from '../analytics/cache.js';
import { parseAnalyticsQuery, type AnalyticsQuery } from '../analytics/params.js';

/** The parsed query as a stable cache-key fragment; `at` only for analytics that depend on now (per minute). */
function queryKey(query: AnalyticsQuery, usesNow: boolean): string {
  const { atMs, fromMs: _f, toMs: _t, ...rest } = query;
  return JSON.stringify({ ...rest, at: usesNow ? Math.floor(atMs / 60_000) : null });
}

/**
 * GET /api/analytics — the catalogue; GET /api/analytics/{id} — one analytic for the caller's
 * region (or `region=` inside it), the window `from`/`to` (local dates), `hours`, incident filters and
 * the analytic's own parameters. `format=json` (default), `geojson` for analytics with a map layer,
 * `csv` for those with a table to export. Results are cached per scope and parameters, keyed by the
 * data versions of the tables read (a write invalidates); `X-Analytics-Cache: hit|miss` says which,
 * the ETag lets a client revalidate, `Cache-Control: no-cache` on the request forces a recomputation.
 */
export function analyticsRoutes(cache = new AnalyticsCache()) {
  return new Hono<AppEnv>()
    .get('/', requirePermission('aggregates.read'), (c) =>
      c.json({
        analytics: ANALYTICS.filter((a) => roleCan(c.var.principal.role, a.permission)).map((a) => ({
          id: a.id, title: a.title, href: `/api/analytics/${a.id}`, parameters: [...(a.spec.extra ?? [])],
          formats: ['json', ...(a.geojson ? ['geojson'] : []), ...(a.table ? ['csv'] : [])], defaultDays: a.spec.defaultDays,
        })),
      }))
    .get('/:id', async (c) => {
      const analytic = analyticById(c.req.param('id'));
      if (!analytic) throw new ApiError(404, 'NotFound', `No analytic "${c.req.param('id').slice(0, 40)}". Known: ${ANALYTICS.map((a) => a.id).join(', ')}`);
      assertPermission(c, analytic.permission);
      const p = c.var.principal;
      const query = parseAnalyticsQuery(c.req.url, p.scope, analytic.spec);
      const format = c.req.query('format') ?? 'json';
      if (!(format === 'json' || (format === 'geojson' && analytic.geojson) || (format === 'csv' && analytic.table))) {
        throw new ApiError(400, 'InvalidParameter', `format must be one of json${analytic.geojson ? ', geojson' : ''}${analytic.table ? ', csv' : ''} for ${analytic.id}`);
      }
      // A table to take away is an export: the roles that may export data (walls may not).
      if (format === 'csv') assertPermission(c, 'data.export');
      const versions = await AnalyticsCache.versionsOf(c.var.tx, analytic.reads);
      const key = [analytic.id, databaseRoleOf(p.role), p.scope, queryKey(query, analytic.usesNow ?? false), versions].join('|');
      const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}-${format}"`;
      c.header('ETag', etag);
      c.header('Cache-Control', 'private, no-cache');
      if (c.req.header('if-none-match') === etag) return c.body(null, 304);
      const fresh = /\bno-cache\b/i.test(c.req.header('cache-control') ?? '');
      const compute = () => analytic.run(c.var.tx, query);
      const { value, cached } = fresh ? { value: await compute(), cached: false } : await cache.getOrCompute(key, compute);
      c.header('X-Analytics-Cache', cached ? 'hit' : 'miss');
      if (format === 'geojson') {
        c.header('Content-Type', 'application/geo+json; charset=utf-8');
        return c.body(JSON.stringify(analytic.geojson!(value)));
      }
      if (format === 'csv') {
        const table = analytic.table!(value);
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', `attachment; filename="${analytic.id}-${query.region}-${query.from}-${query.to}.csv"`);
        // A BOM so that spreadsheet programs read the Chinese names as UTF-8.
        return c.body(`\uFEFF${stringify([table.columns as string[], ...table.rows.map((r) => r.map(neutraliseCell))])}`);
      }
      return c.json({ id: analytic.id, region: query.region, from: query.from, to: query.to, hours: query.hours, at: new Date(query.atMs).toISOString(), result: value });
    });
}
