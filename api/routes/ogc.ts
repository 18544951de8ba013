import { Hono, type Context } from 'hono';
import { LAYERS, isLayerId, type LayerId } from '../../geo/layers.js';
import { databaseRoleOf } from '../../geo/access.js';
import type { AppEnv } from '../app.js';
import { requirePermission } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import { SqlConditions } from '../db/sql-conditions.js';
import { findExtent, findItem, findItems, type ItemsQuery } from '../ogc/items.js';
import { OGC_CONFORMANCE, buildOgcOpenApi } from '../ogc/openapi.js';
import { queryablesOf } from '../ogc/queryables.js';
import { compileCql2 } from '../ogc/cql2-sql.js';
import { Cql2Error, parseCql2Text } from '../../geo/cql2.js';
import { bboxCondition, parseFeatureId, rejectUnknownParameters } from '../query-params.js';
import { readableLayerIds } from './layers.js';

/**
 * OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) at /ogc, one collection per catalogue
 * layer the caller may read, within the caller's region (the request's scoped transaction).
 * What is and is not supported: FEATURES.md.
 */

const GEOJSON = 'application/geo+json';
export const SELECTION_PARAMS = ['bbox', 'bbox-crs', 'datetime', 'properties', 'sortby', 'filter', 'filter-lang', 'filter-crs'];
const ITEM_PARAMS = ['bbox', 'bbox-crs', 'datetime', 'limit', 'offset', 'properties', 'sortby', 'filter', 'filter-lang', 'filter-crs', 'f'];
/** Default page size when `limit` is absent (OGC's example default). */
export const OGC_DEFAULT_LIMIT = 10;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

function bad(message: string): never {
  throw new ApiError(400, 'InvalidParameter', message);
}

function checkFormat(c: Context<AppEnv>): void {
  const f = c.req.query('f');
  if (f !== undefined && !['json', 'geojson'].includes(f)) bad(`f must be json or geojson; got "${f}"`);
}

/** The collection a caller may read, or 404 (unknown, or a layer walls do not get). */
function collectionOf(c: Context<AppEnv>): LayerId {
  const id = c.req.param('collectionId') ?? '';
  if (!isLayerId(id) || !readableLayerIds(c.var.principal.role).includes(id)) {
    throw new ApiError(404, 'NotFound', `No collection "${id}"`);
  }
  return id;
}

/** `datetime`: an instant, or an interval `a/b` with `..` or empty for an open end. */
export function parseDatetime(raw: string): { from: string | null; to: string | null; instant: boolean } {
  const instantOf = (s: string): string | null => {
    if (s === '..' || s === '') return null;
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) || Number.isNaN(Date.parse(s))) {
      bad(`datetime "${s}" is not an RFC 3339 date or date-time (e.g. 2026-11-23T08:00:00Z)`);
    }
    return new Date(s).toISOString();
  };
  const parts = raw.split('/');
  if (parts.length === 1) {
    if (raw === '..' || raw === '') bad('datetime needs a date-time or an interval');
    const at = instantOf(raw)!;
    // A bare date means that whole day.
    return /T/.test(raw) ? { from: at, to: at, instant: true } : { from: at, to: new Date(Date.parse(at) + 86_400_000).toISOString(), instant: false };
  }
  if (parts.length !== 2) bad('datetime interval must be start/end');
  const from = instantOf(parts[0]!);
  const to = instantOf(parts[1]!);
  if (from === null && to === null) bad('datetime interval needs at least one end');
  if (from && to && from > to) bad('datetime interval ends before it starts');
  return { from, to, instant: false };
}

function parseLimit(raw: string | undefined, max: number): number {
  if (raw === undefined) return Math.min(OGC_DEFAULT_LIMIT, max);
  if (!/^\d+$/.test(raw) || Number(raw) < 1) bad(`limit must be a whole number from 1 to ${max}; got "${raw}"`);
  // Above the documented maximum the server returns the maximum (OGC API Features 7.15.3).
  return Math.min(Number(raw), max);
}

function parseOffset(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^\d{1,9}$/.test(raw)) bad(`offset must be a whole number ≥ 0; got "${raw}"`);
  return Number(raw);
}

function pageLink(c: Context<AppEnv>, rel: string, offset: number, limit: number) {
  const url = new URL(c.req.url);
  url.searchParams.set('offset', String(offset));
  url.searchParams.set('limit', String(limit));
  return { href: url.toString(), rel, type: GEOJSON, title: rel === 'next' ? 'Next page' : 'Previous page' };
}

function collectionJson(origin: string, id: LayerId, extent: Awaited<ReturnType<typeof findExtent>> | null) {
  const layer = LAYERS[id];
  return {
    id,
    title: layer.title.en,
    description: layer.title.zh,
    itemType: 'feature',
    crs: [CRS84],
    ...(extent
      ? {
          extent: {
            spatial: { bbox: [extent.bbox ?? [-180, -90, 180, 90]], crs: CRS84 },
            ...(extent.interval ? { temporal: { interval: [extent.interval], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
          },
        }
      : {}),
    links: [
      { href: `${origin}/ogc/collections/${id}`, rel: 'self', type: 'application/json', title: layer.title.en },
      { href: `${origin}/ogc/collections/${id}/items`, rel: 'items', type: GEOJSON, title: `${layer.title.en} items` },
      { href: `${origin}/ogc/collections/${id}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: 'application/schema+json', title: 'Queryables' },
    ],
  };
}

/**
 * The selection a request asks for on one collection — bbox, datetime, CQL2 filter, properties,
 * sortby — as conditions with bound parameters. Shared by /ogc items and /api/export, so an export
 * carries exactly the filter of the view it came from.
 */
export async function selectionFrom(c: Context<AppEnv>, id: LayerId): Promise<Omit<ItemsQuery, 'limit' | 'offset'>> {
  const layer = LAYERS[id];
  const where = new SqlConditions();
  const add = (fragment: string, values: unknown[]) => where.add(fragment, values);
  const bboxCrs = c.req.query('bbox-crs');
  if (bboxCrs !== undefined && bboxCrs !== CRS84) bad(`bbox-crs: only ${CRS84} is supported`);
  const rawBbox = c.req.query('bbox');
  if (rawBbox !== undefined) {
    const b = bboxCondition(rawBbox);
    add(b.fragment, b.params);
  }
  const rawDatetime = c.req.query('datetime');
  if (rawDatetime !== undefined) {
    if (!layer.timeColumn) bad(`collection ${id} has no time property: datetime does not apply`);
    const d = parseDatetime(rawDatetime);
    const col = `t."${layer.timeColumn}"`;
    if (d.instant) add(`${col} = ?::timestamptz`, [d.from]);
    else {
      if (d.from) add(`${col} >= ?::timestamptz`, [d.from]);
      if (d.to) add(`${col} ${/T/.test(rawDatetime.split('/')[1] ?? '') ? '<=' : '<'} ?::timestamptz`, [d.to]);
    }
  }
  const filter = c.req.query('filter');
  const filterLang = c.req.query('filter-lang');
  const filterCrs = c.req.query('filter-crs');
  if (filterLang !== undefined && filterLang !== 'cql2-text') bad(`filter-lang: only cql2-text is supported; got "${filterLang}"`);
  if (filterCrs !== undefined && filterCrs !== CRS84) bad(`filter-crs: only ${CRS84} is supported`);
  if (filter !== undefined) {
    // Parsed into a tree, then compiled against the collection's allow-list: property names only
    // select catalogue columns, every literal is a bound parameter.
    try {
      const compiled = compileCql2(parseCql2Text(filter), await queryablesOf(c.var.tx, id, databaseRoleOf(c.var.principal.role)), where.params.length + 1);
      where.conditions.push(compiled.sql);
      where.params.push(...compiled.params);
    } catch (error) {
      if (error instanceof Cql2Error) bad(`filter: ${error.message}`);
      throw error;
    }
  }
  const rawProperties = c.req.query('properties');
  let properties: readonly string[] = layer.properties;
  if (rawProperties !== undefined) {
    const asked = rawProperties.split(',').map((p) => p.trim()).filter(Boolean);
    const unknown = asked.filter((p) => !layer.properties.includes(p));
    if (unknown.length) bad(`properties: unknown ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${layer.properties.join(', ')}`);
    properties = layer.properties.filter((p) => asked.includes(p));
  }
  const rawSort = c.req.query('sortby');
  const sortBy: { column: string; descending: boolean }[] = [];
  if (rawSort !== undefined) {
    for (const term of rawSort.split(',').map((s) => s.trim()).filter(Boolean)) {
      const m = /^([+-]?)([a-z_][a-z0-9_]*)$/.exec(term);
      if (!m || !layer.properties.includes(m[2]!)) bad(`sortby: "${term}" is not [+|-]<property>; properties: ${layer.properties.join(', ')}`);
      sortBy.push({ column: m[2]!, descending: m[1] === '-' });
    }
  }
  return { layerId: id, conditions: where.conditions, params: where.params, properties, sortBy };
}

export const ogcRoutes = new Hono<AppEnv>()
  .use(requirePermission('layers.read'))
  .get('/', (c) => {
    rejectUnknownParameters(c.req.url, ['f']);
    checkFormat(c);
    const origin = new URL(c.req.url).origin;
    return c.json({
      title: 'Pingan Atlas 平安一张图 — OGC API Features',
      description: 'Grids, cameras, key places, incidents and patrols of the caller\'s region.',
      links: [
        { href: `${origin}/ogc`, rel: 'self', type: 'application/json', title: 'This document' },
        { href: `${origin}/ogc/api`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'The API definition' },
        { href: `${origin}/ogc/conformance`, rel: 'conformance', type: 'application/json', title: 'Conformance classes' },
        { href: `${origin}/ogc/collections`, rel: 'data', type: 'application/json', title: 'Collections' },
      ],
    });
  })
  .get('/conformance', (c) => {
    rejectUnknownParameters(c.req.url, ['f']);
    checkFormat(c);
    return c.json({ conformsTo: OGC_CONFORMANCE });
  })
  .get('/api', (c) => {
    rejectUnknownParameters(c.req.url, ['f']);
    return c.body(JSON.stringify(buildOgcOpenApi(new URL(c.req.url).origin, readableLayerIds(c.var.principal.role))), 200, {
      'content-type': 'application/vnd.oai.openapi+json;version=3.0',
    });
  })
  .get('/collections', async (c) => {
    rejectUnknownParameters(c.req.url, ['f']);
    checkFormat(c);
    const origin = new URL(c.req.url).origin;
    const ids = readableLayerIds(c.var.principal.role);
    const collections = [];
    for (const id of ids) collections.push(collectionJson(origin, id, await findExtent(c.var.tx, id)));
    return c.json({
      links: [{ href: `${origin}/ogc/collections`, rel: 'self', type: 'application/json', title: 'Collections' }],
      collections,
    });
  })
  .get('/collections/:collectionId', async (c) => {
    rejectUnknownParameters(c.req.url, ['f']);
    checkFormat(c);
    const id = collectionOf(c);
    return c.json(collectionJson(new URL(c.req.url).origin, id, await findExtent(c.var.tx, id)));
  })
  .get('/collections/:collectionId/queryables', async (c) => {
    rejectUnknownParameters(c.req.url, ['f']);
    const id = collectionOf(c);
    const queryables = await queryablesOf(c.var.tx, id, databaseRoleOf(c.var.principal.role));
    const origin = new URL(c.req.url).origin;
    return c.body(JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `${origin}/ogc/collections/${id}/queryables`,
      type: 'object',
      title: LAYERS[id].title.en,
      properties: Object.fromEntries(Object.entries(queryables).map(([name, q]) => [name, q.schema])),
      additionalProperties: false,
    }), 200, { 'content-type': 'application/schema+json' });
  })
  .get('/collections/:collectionId/items', async (c) => {
    rejectUnknownParameters(c.req.url, ITEM_PARAMS);
    checkFormat(c);
    const id = collectionOf(c);
    const layer = LAYERS[id];
    const selection = await selectionFrom(c, id);
    const limit = parseLimit(c.req.query('limit'), layer.maxLimit);
    const offset = parseOffset(c.req.query('offset'));
    const page = await findItems(c.var.tx, { ...selection, limit, offset });
    const matched = page.numberMatched ?? 0; // counted: `count` is left at its default
    const origin = new URL(c.req.url).origin;
    const links = [
      { href: c.req.url, rel: 'self', type: GEOJSON, title: 'This page' },
      { href: `${origin}/ogc/collections/${id}`, rel: 'collection', type: 'application/json', title: layer.title.en },
      ...(offset + page.numberReturned < matched ? [pageLink(c, 'next', offset + page.numberReturned, limit)] : []),
      ...(offset > 0 ? [pageLink(c, 'prev', Math.max(0, offset - limit), limit)] : []),
    ];
    const head = JSON.stringify({
      type: 'FeatureCollection', numberMatched: page.numberMatched, numberReturned: page.numberReturned,
      timeStamp: new Date().toISOString(), links,
    });
    return c.body(`${head.slice(0, -1)},"features":${page.features}}`, 200, { 'content-type': GEOJSON });
  })
  .get('/collections/:collectionId/items/:featureId', async (c) => {
    rejectUnknownParameters(c.req.url, ['f']);
    checkFormat(c);
    const id = collectionOf(c);
    const layer = LAYERS[id];
    const raw = c.req.param('featureId');
    const feature = await findItem(c.var.tx, id, parseFeatureId(id, raw));
    if (!feature) throw new ApiError(404, 'NotFound', `No feature "${raw}" in ${id}`);
    const origin = new URL(c.req.url).origin;
    const links = [
      { href: c.req.url, rel: 'self', type: GEOJSON, title: 'This feature' },
      { href: `${origin}/ogc/collections/${id}`, rel: 'collection', type: 'application/json', title: layer.title.en },
    ];
    return c.body(`${feature.slice(0, -1)},"links":${JSON.stringify(links)}}`, 200, { 'content-type': GEOJSON });
  });
