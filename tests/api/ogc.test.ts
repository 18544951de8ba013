import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../api/logger.js';
import { LAYERS } from '../../geo/layers.js';
import { bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';
import { reportMissing } from '../support/environment.js';

const quiet = createLogger('error', () => undefined);
const gdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' });
const gdalAvailable = gdal.status === 0 && /GDAL/.test(gdal.stdout);

describeEachDatabase('OGC API – Features', ({ db, owner, engine }) => {
  const app = () => createApp({ db: db(), log: quiet, webDist: null });
  let r: TestRegions;
  let village = '';
  let county = '';
  const get = (path: string, token = village) => app().request(path, { headers: bearer(token) });
  const json = async (path: string, token = village) => {
    const res = await get(path, token);
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return res.json();
  };
  const truth = async (sql: string, params: unknown[] = []) => ((await owner().query<{ n: number }>(sql, params))[0]!.n);

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    village = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    county = (await tokenFor(owner(), 'analyst', r.county.code)).token;
  });

  it('landing page, conformance, API definition and collections link up', async () => {
    const landing = await json('/ogc');
    const rels = landing.links.map((l: { rel: string }) => l.rel);
    expect(rels).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
    const conformance = await json('/ogc/conformance');
    expect(conformance.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core');
    const api = await get('/ogc/api');
    expect(api.headers.get('content-type')).toContain('application/vnd.oai.openapi+json;version=3.0');
    const doc = await api.json();
    expect(doc.openapi).toMatch(/^3\.0/);
    expect(doc.paths['/collections/incidents/items'].get.parameters.find((p: { name: string }) => p.name === 'limit').schema.maximum).toBe(LAYERS.incidents.maxLimit);
    const { collections } = await json('/ogc/collections');
    expect(collections.map((c: { id: string }) => c.id)).toEqual(Object.keys(LAYERS));
    const incidents = collections.find((c: { id: string }) => c.id === 'incidents');
    expect(incidents.extent.temporal.interval[0][0]).toMatch(/^20\d\d-/);
    const [minx, , maxx] = incidents.extent.spatial.bbox[0];
    expect(maxx - minx).toBeLessThan(0.2); // a village, not the county
    expect((await get('/ogc/collections/people')).status).toBe(404);
  });

  it('items: numberMatched is the true count in scope, and next links page through every feature once', async () => {
    const expected = await truth('SELECT count(*)::int AS n FROM incidents WHERE village_code = $1', [r.villageX.code]);
    const seen = new Set<number>();
    let url: string | null = '/ogc/collections/incidents/items?limit=40';
    let pages = 0;
    while (url) {
      const page: any = await json(url.replace(/^https?:\/\/[^/]+/, ''));
      expect(page.numberMatched).toBe(expected);
      expect(page.numberReturned).toBe(page.features.length);
      expect(Date.parse(page.timeStamp)).toBeGreaterThan(0);
      for (const f of page.features) {
        expect(f.properties.village_code).toBe(r.villageX.code);
        seen.add(f.id);
      }
      if (pages > 0) expect(page.links.some((l: { rel: string }) => l.rel === 'prev')).toBe(true);
      url = page.links.find((l: { rel: string }) => l.rel === 'next')?.href ?? null;
      pages++;
    }
    expect(seen.size).toBe(expected);
    expect(pages).toBe(Math.ceil(expected / 40));
  });

  it('bbox (4 or 6 numbers, across the antimeridian), datetime, properties and sortby', async () => {
    const all = await json('/ogc/collections/incidents/items?limit=10000', county);
    const [box] = await owner().query<{ b: number[] }>(`SELECT ARRAY[120.2, 29.6, 120.35, 29.75]::float8[] AS b`);
    const [a, b, c, d] = box!.b as [number, number, number, number];
    const inBox = await truth('SELECT count(*)::int AS n FROM incidents WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)', [a, b, c, d]);
    expect((await json(`/ogc/collections/incidents/items?bbox=${a},${b},${c},${d}&limit=1`, county)).numberMatched).toBe(inBox);
    expect((await json(`/ogc/collections/incidents/items?bbox=${a},${b},-10,${c},${d},10&limit=1`, county)).numberMatched).toBe(inBox);
    // Across the antimeridian: from 179°E east to the county's longitudes, then the rest west of it.
    expect((await json(`/ogc/collections/incidents/items?bbox=179,${b},${c},${d}&limit=1`, county)).numberMatched)
      .toBe(await truth('SELECT count(*)::int AS n FROM incidents WHERE geom && ST_MakeEnvelope(-180, $1, $2, $3, 4326)', [b, c, d]));
    expect((await json('/ogc/collections/incidents/items?bbox=170,-10,-170,10&limit=1', county)).numberMatched).toBe(0);

    const day = '2026-11-01';
    const onDay = await truth(`SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= $1::date AND occurred_at < $1::date + 1`, [day]);
    expect((await json(`/ogc/collections/incidents/items?datetime=${day}&limit=1`, county)).numberMatched).toBe(onDay);
    const interval = await truth(`SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= '2026-10-01T00:00:00Z' AND occurred_at <= '2026-10-15T00:00:00Z'`);
    expect((await json('/ogc/collections/incidents/items?datetime=2026-10-01T00:00:00Z/2026-10-15T00:00:00Z&limit=1', county)).numberMatched).toBe(interval);
    const openEnd = await truth(`SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= '2026-11-10T00:00:00Z'`);
    expect((await json('/ogc/collections/incidents/items?datetime=2026-11-10T00:00:00Z/..&limit=1', county)).numberMatched).toBe(openEnd);

    const slim = await json('/ogc/collections/incidents/items?properties=category,level&limit=3', county);
    expect(Object.keys(slim.features[0].properties).sort()).toEqual(['category', 'level']);
    const sorted = await json('/ogc/collections/incidents/items?sortby=-occurred_at&limit=5', county);
    const times = sorted.features.map((f: { properties: { occurred_at: string } }) => Date.parse(f.properties.occurred_at));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(all.numberReturned).toBe(Math.min(10000, all.numberMatched));
  });

  it('limit: documented maximum, larger values give the maximum, unlimited/negative/zero give 400', async () => {
    const max = LAYERS.grids.maxLimit;
    const big = await json(`/ogc/collections/grids/items?limit=${max + 5000}`, county);
    expect(big.numberReturned).toBe(Math.min(max, big.numberMatched));
    for (const bad of ['unlimited', '-1', '0', '1.5', '']) {
      const res = await get(`/ogc/collections/grids/items?limit=${bad}`, county);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  it.each([
    ['unknown parameter', '/ogc/collections/incidents/items?colour=red'],
    ['bbox with 5 numbers', '/ogc/collections/incidents/items?bbox=1,2,3,4,5'],
    ['bbox injection', "/ogc/collections/incidents/items?bbox=120,29,121,30);DROP TABLE incidents;--"],
    ['bbox NaN', '/ogc/collections/incidents/items?bbox=NaN,29,121,30'],
    ['datetime garbage', '/ogc/collections/incidents/items?datetime=yesterday'],
    ['datetime backwards', '/ogc/collections/incidents/items?datetime=2026-11-10T00:00:00Z/2026-11-01T00:00:00Z'],
    ['datetime on a layer without time', '/ogc/collections/cameras/items?datetime=2026-11-01'],
    ['properties injection', '/ogc/collections/incidents/items?properties=category,summary'],
    ['properties SQL', "/ogc/collections/incidents/items?properties=id);DROP TABLE incidents;--"],
    ['sortby injection', '/ogc/collections/incidents/items?sortby=occurred_at;DROP TABLE incidents'],
    ['sortby unknown', '/ogc/collections/incidents/items?sortby=summary'],
    ['bbox-crs other', '/ogc/collections/incidents/items?bbox-crs=EPSG:3857'],
    ['f=html', '/ogc/collections/incidents/items?f=html'],
  ])('%s → 400 in the one error shape, nothing run', async (_what, path) => {
    const before = await truth('SELECT count(*)::int AS n FROM incidents');
    const res = await get(path, county);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(await truth('SELECT count(*)::int AS n FROM incidents')).toBe(before);
  });

  it('single item: own region 200 with links; another region 404; a malformed or injected id 400 and nothing run', async () => {
    const [own] = await owner().query<{ id: number }>('SELECT id FROM incidents WHERE village_code = $1 LIMIT 1', [r.villageX.code]);
    const [other] = await owner().query<{ id: number }>('SELECT id FROM incidents WHERE village_code = $1 LIMIT 1', [r.villageY.code]);
    const item = await json(`/ogc/collections/incidents/items/${own!.id}`);
    expect(item.type).toBe('Feature');
    expect(item.id).toBe(own!.id);
    expect(item.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'collection']);
    expect((await get(`/ogc/collections/incidents/items/${other!.id}`)).status).toBe(404);
    const before = await truth('SELECT count(*)::int AS n FROM incidents');
    for (const bad of ['1;DROP TABLE incidents', "1' OR '1'='1", '0', '-1', '1.5', 'abc']) {
      const res = await get(`/ogc/collections/incidents/items/${encodeURIComponent(bad)}`);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    expect((await get(`/ogc/collections/grids/items/${encodeURIComponent("33' OR 1=1")}`)).status).toBe(400);
    expect(await truth('SELECT count(*)::int AS n FROM incidents')).toBe(before);
    const grid = (await json('/ogc/collections/grids/items?limit=1')).features[0];
    expect((await json(`/ogc/collections/grids/items/${grid.id}`)).id).toBe(grid.id);
    expect((await app().request('/ogc/collections')).status).toBe(401);
  });

  it.each([
    ["level = 'major'", `level = 'major'`],
    ["category IN ('dispute','fire') AND status <> 'closed'", `category IN ('dispute', 'fire') AND status <> 'closed'`],
    ["NOT (flow_level = 'grid') OR warning_colour IS NULL", `NOT (flow_level = 'grid') OR warning_colour IS NULL`],
    ["category LIKE 'dis%'", `category LIKE 'dis%'`],
    ["occurred_at BETWEEN TIMESTAMP('2026-10-01T00:00:00Z') AND TIMESTAMP('2026-10-31T00:00:00Z')", `occurred_at BETWEEN '2026-10-01T00:00:00Z' AND '2026-10-31T00:00:00Z'`],
    ['S_INTERSECTS(geometry, BBOX(120.2, 29.6, 120.35, 29.75))', 'ST_Intersects(geom, ST_MakeEnvelope(120.2, 29.6, 120.35, 29.75, 4326))'],
    ["S_INTERSECTS(geometry, POLYGON((120.2 29.6, 120.4 29.6, 120.4 29.8, 120.2 29.6))) AND level <> 'general'",
      `ST_Intersects(geom, ST_GeomFromText('POLYGON((120.2 29.6, 120.4 29.6, 120.4 29.8, 120.2 29.6))', 4326)) AND level <> 'general'`],
  ])('CQL2 filter %s matches the same rows as SQL', async (filter, sqlWhere) => {
    const expected = await truth(`SELECT count(*)::int AS n FROM incidents WHERE ${sqlWhere}`);
    const page = await json(`/ogc/collections/incidents/items?filter-lang=cql2-text&filter=${encodeURIComponent(filter)}&limit=1`, county);
    expect(page.numberMatched).toBe(expected);
  });

  it.each([
    ['unknown property (not a queryable)', "summary LIKE '%x%'"],
    ['unsupported function', "T_INTERSECTS(occurred_at, INTERVAL('2026-01-01','2026-02-01'))"],
    ['SQL in a string is just a string', "category = 'x''; DROP TABLE incidents; --'"],
    ['SQL after the filter', "category = 'x'; DROP TABLE incidents"],
    ['comment', "category = 'x' --"],
    ['quoted property with SQL', '"category; DROP TABLE incidents" = \'x\''],
    ['type mismatch', "people_involved LIKE 'x%'"],
    ['too deep', `${'('.repeat(30)}level = 'major'${')'.repeat(30)}`],
    ['too long', `category IN (${Array.from({ length: 1200 }, () => "'dispute'").join(',')})`],
    ['other filter language', null],
  ])('filter: %s → 400 (or no rows), nothing run', async (what, filter) => {
    const before = await truth('SELECT count(*)::int AS n FROM incidents');
    const path = filter === null
      ? "/ogc/collections/incidents/items?filter-lang=cql2-json&filter=%7B%7D"
      : `/ogc/collections/incidents/items?filter=${encodeURIComponent(filter)}`;
    const res = await get(path, county);
    if (what === 'SQL in a string is just a string') {
      expect(res.status).toBe(200);
      expect((await res.json()).numberMatched).toBe(0);
    } else {
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/^filter|filter-lang/);
    }
    expect(await truth('SELECT count(*)::int AS n FROM incidents')).toBe(before);
  });

  it('exports carry the same selection as the view: CQL2 filter, datetime, properties', async () => {
    const expected = await truth(`SELECT count(*)::int AS n FROM incidents WHERE village_code = $1 AND category = 'dispute'`, [r.villageX.code]);
    const geo = await json(`/api/export/incidents.geojson?filter=${encodeURIComponent("category = 'dispute'")}`);
    expect(geo.numberMatched).toBe(expected);
    expect(geo.numberReturned).toBe(expected);
    expect(geo.features.every((f: { properties: { category: string } }) => f.properties.category === 'dispute')).toBe(true);
    const csv = await (await get(`/api/export/incidents.csv?filter=${encodeURIComponent("category = 'dispute'")}&properties=id,category,level&sortby=-occurred_at`)).text();
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('id,category,level,lon,lat');
    expect(lines.length - 1).toBe(expected);
    expect((await get(`/api/export/incidents.csv?filter=${encodeURIComponent('summary IS NULL')}`)).status).toBe(400);
    expect((await get('/api/export/incidents.csv?limit=5')).status).toBe(400);
  });

  it('queryables list the allow-list with JSON Schema types', async () => {
    const res = await get('/ogc/collections/incidents/queryables');
    expect(res.headers.get('content-type')).toContain('application/schema+json');
    const q = await res.json();
    expect(q.properties.occurred_at).toMatchObject({ type: 'string', format: 'date-time' });
    expect(q.properties.level.type).toBe('string');
    expect(q.properties.geometry.format).toBe('geometry-any');
    expect(q.properties.summary).toBeUndefined();
  });

  const mustFail = reportMissing(`GDAL reads /ogc [${engine}]`, { available: gdalAvailable, reason: 'ogrinfo (Debian gdal-bin) not found' });
  it.skipIf(!gdalAvailable && !mustFail)('GDAL (ogrinfo, ogr2ogr) lists and reads every collection of the running server with the API\'s counts', async () => {
    if (!gdalAvailable) throw new Error('ogrinfo (Debian gdal-bin) not found');
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app().fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const base = `OAPIF:http://127.0.0.1:${(server.address() as AddressInfo).port}/ogc`;
      const env = { ...process.env, GDAL_HTTP_HEADERS: `Authorization: Bearer ${village}`, CPL_DEBUG: 'OFF' };
      const run = async (cmd: string, args: string[]) => {
        // Asynchronous: the server runs in this process and must answer while GDAL waits.
        const { execFile } = await import('node:child_process');
        return new Promise<string>((resolve, reject) =>
          execFile(cmd, args, { env, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout))),
        );
      };
      const listing = await run('ogrinfo', ['-ro', '-q', base]);
      for (const id of Object.keys(LAYERS)) expect(listing).toContain(id);
      for (const id of Object.keys(LAYERS)) {
        const api = await json(`/ogc/collections/${id}/items?limit=1`);
        const out = await run('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', base, id]);
        const fc = JSON.parse(out);
        expect({ id, count: fc.features.length }).toEqual({ id, count: api.numberMatched });
      }
    } finally {
      server.close();
    }
  });
});
