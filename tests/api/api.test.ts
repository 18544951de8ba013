import { beforeAll, expect, it } from 'vitest';
import { bearer, tokenFor } from '../support/accounts.js';
import { decodeTile, tileOf } from '../support/tiles.js';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../api/logger.js';
import { LAYERS, LAYER_IDS } from '../../geo/layers.js';
import { describeEachDatabase } from '../support/databases.js';
import { withScope } from '../../api/db/scope.js';

const quiet = createLogger('error', () => undefined);

describeEachDatabase('HTTP API', ({ db, owner, engine }) => {
  const app = () => createApp({ db: db(), log: quiet, webDist: null });
  // A county-wide analyst: sees the whole demo county.
  let headers: Record<string, string> = {};
  beforeAll(async () => {
    const [county] = await owner().query<{ code: string }>(`SELECT code FROM regions WHERE level = 'county'`);
    headers = bearer((await tokenFor(owner(), 'analyst', county!.code)).token);
  });
  const get = (path: string, init: RequestInit = {}) => app().request(path, { ...init, headers: { ...headers, ...(init.headers as object) } });

  it('GET /health names the database and the demo, and no figures (it is public)', async () => {
    const res = await app().request('/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.database.kind).toBe(engine);
    expect(body.database.postgis).toMatch(/^3\.\d+/);
    expect(body.database.version).toMatch(engine === 'pglite' ? /^18\./ : /^15\./);
    // ST_AsMVT exists on the server's PostGIS, not in PGlite's: detected at start.
    expect(body.database.mvt).toBe(engine === 'postgres');
    expect(body.demo.seed).toBe(20261123);
    expect(body.counts).toBeUndefined();
    // The test databases are migrated by a superuser: 0006 marks && leakproof.
    expect(body.database.spatialIndexUnderRls).toBe(true);
  });

  it('a bbox filter under the region policy uses the geometry index (&& is leakproof, migration 0006)', async () => {
    const [county] = await owner().query<{ code: string }>(`SELECT left(code, 6) AS code FROM regions WHERE level = 'county'`);
    const [p] = await owner().query<{ x: number; y: number }>(`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents ORDER BY id LIMIT 1`);
    const plan = await withScope(db(), { dbRole: 'atlas_app', scope: county!.code, staffId: null, actor: 'test', requestId: 'test' }, (tx) =>
      tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT count(*) FROM incidents t WHERE t.geom && ST_MakeEnvelope($1 - 0.001, $2 - 0.001, $1 + 0.001, $2 + 0.001, 4326)`,
        [p!.x, p!.y],
      ));
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('incidents_geom_gix');
    expect(text).toMatch(/atlas\.scope/); // and the policy still applies
  });

  it('GET /api/summary gives the county figures to a county-wide caller', async () => {
    const res = await get('/api/summary');
    expect(res.status).toBe(200);
    const { counts } = await res.json();
    expect(counts.incidents).toBeGreaterThanOrEqual(30000);
    expect(counts.grids).toBeGreaterThanOrEqual(400);
  });

  it('GET /api/regions/tree nests county → township → village', async () => {
    const res = await get('/api/regions/tree');
    expect(res.status).toBe(200);
    const { root } = await res.json();
    expect(root.level).toBe('county');
    expect(root.code).toMatch(/^\d{6}000000$/);
    expect(root.children.length).toBeGreaterThanOrEqual(8);
    const village = root.children[0].children[0];
    expect(village.level).toBe('village');
    expect(village.code.startsWith(root.children[0].code.slice(0, 9))).toBe(true);
    const [minx, miny, maxx, maxy] = root.bbox;
    expect(minx).toBeGreaterThan(119.5);
    expect(maxx).toBeLessThan(121);
    expect(miny).toBeGreaterThan(29);
    expect(maxy).toBeLessThan(30.5);
  });

  it.each(LAYER_IDS)('GET /api/layers/%s/features returns GeoJSON with exactly the catalogue properties', async (id) => {
    const res = await get(`/api/layers/${id}/features?limit=5`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    const fc = await res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.numberReturned).toBe(fc.features.length);
    expect(fc.features.length).toBe(5);
    for (const f of fc.features) {
      expect(Object.keys(f.properties).sort()).toEqual([...LAYERS[id].properties].sort());
      expect(f.geometry.type).toBeTruthy();
    }
  });

  it('bbox filters features to the box', async () => {
    const bbox = [120.25, 29.65, 120.35, 29.75];
    const res = await get(`/api/layers/incidents/features?bbox=${bbox.join(',')}&limit=100000`);
    const fc = await res.json();
    const all = await (await get('/api/layers/incidents/features?limit=100000')).json();
    expect(fc.features.length).toBeLessThan(all.features.length);
    expect(fc.features.length).toBeGreaterThan(0);
    for (const f of fc.features) {
      const [x, y] = f.geometry.coordinates;
      expect(x >= bbox[0]! && x <= bbox[2]! && y >= bbox[1]! && y <= bbox[3]!).toBe(true);
    }
  });

  it.each([
    ['/api/layers/incidents/features?bbox=1,2,3', 400, 'InvalidBbox'],
    ['/api/layers/incidents/features?bbox=a,2,3,4', 400, 'InvalidBbox'],
    ['/api/layers/incidents/features?bbox=120,30,121,29', 400, 'InvalidBbox'],
    ['/api/layers/incidents/features?bbox=120,29,181,30', 400, 'InvalidBbox'],
    ['/api/layers/incidents/features?limit=0', 400, 'InvalidParameter'],
    ['/api/layers/incidents/features?limit=ten', 400, 'InvalidParameter'],
    [`/api/layers/grids/features?limit=${LAYERS.grids.maxLimit + 1}`, 400, 'LimitTooLarge'],
    ['/api/layers/incidents/features?colour=red', 400, 'UnknownParameter'],
    ['/api/layers/people/features', 404, 'UnknownLayer'],
    ['/api/nothing', 404, 'NotFound'],
  ])('%s → %i %s in the one error shape', async (path, status, code) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(5);
    expect(body.error.requestId).toMatch(/\S+/);
    expect(Object.keys(body)).toEqual(['error']);
  });

  it('GET /api/openapi.json is an OpenAPI 3 document listing every layer', async () => {
    const doc = await (await get('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/layers/{layerId}/features'].get.parameters[0].schema.enum).toEqual([...LAYER_IDS]);
    expect(doc.paths['/health']).toBeDefined();
  });

  it('compresses GeoJSON for clients that accept gzip', async () => {
    const plain = await get('/api/layers/incidents/features?limit=2000');
    const zipped = await get('/api/layers/incidents/features?limit=2000', { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const zippedBytes = (await zipped.arrayBuffer()).byteLength;
    const plainBytes = (await plain.arrayBuffer()).byteLength;
    expect(zippedBytes).toBeLessThan(plainBytes / 3);
  });

  it('serves vector tiles of every layer with the catalogue properties, and TileJSON', async () => {
    const [p] = await owner().query<{ x: number; y: number }>(`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents ORDER BY id LIMIT 1`);
    const { z, x, y } = tileOf(p!.x, p!.y, 12);
    for (const id of LAYER_IDS) {
      const res = await get(`/tiles/${id}/${z}/${x}/${y}.mvt`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
      const features = decodeTile(await res.arrayBuffer())[id] ?? [];
      expect({ id, some: features.length > 0 }).toEqual({ id, some: true });
      const keys = Object.keys(features[0]!).filter((k) => !k.startsWith('$'));
      // Null properties are left out of MVT; every key is a catalogue property.
      expect(keys.filter((k) => !LAYERS[id].properties.includes(k))).toEqual([]);
    }
    const tilejson = await (await get('/tiles/incidents.json')).json();
    expect(tilejson.tilejson).toBe('3.0.0');
    expect(tilejson.tiles[0]).toMatch(/\/tiles\/incidents\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
    expect(tilejson.bounds[0]).toBeGreaterThan(119);
    expect((await get('/tiles/incidents/3/9/1.mvt')).status).toBe(400);
    expect((await get('/tiles/people/3/1/1.mvt')).status).toBe(404);
  });

  it('tiles: filters as query parameters, ETag with 304, and a write changes both ETag and tile', async () => {
    const [p] = await owner().query<{ id: number; x: number; y: number; category: string }>(
      `SELECT id, ST_X(geom) AS x, ST_Y(geom) AS y, category FROM incidents ORDER BY id LIMIT 1`,
    );
    const { z, x, y } = tileOf(p!.x, p!.y, 14);
    const path = `/tiles/incidents/${z}/${x}/${y}.mvt`;
    const all = decodeTile(await (await get(path)).arrayBuffer()).incidents!;
    const disputes = decodeTile(await (await get(`${path}?category=dispute`)).arrayBuffer()).incidents ?? [];
    expect(disputes.every((f) => f.category === 'dispute')).toBe(true);
    expect(disputes.length).toBe(all.filter((f) => f.category === 'dispute').length);
    const recent = decodeTile(await (await get(`${path}?from=2026-11-01T00:00:00Z&level=general,major,especially_major`)).arrayBuffer()).incidents ?? [];
    expect(recent.every((f) => Date.parse(String(f.occurred_at)) >= Date.parse('2026-11-01T00:00:00Z'))).toBe(true);
    expect((await get(`${path}?colour=red`)).status).toBe(400);
    expect((await get(`${path}?category=x';DROP TABLE incidents;--`)).status).toBe(400);
    expect(all.every((f) => typeof f.$id === 'number')).toBe(true);

    const first = await get(path);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+-[0-9a-f]{16}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect((await get(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    await owner().query(`UPDATE incidents SET category = CASE WHEN category = 'fire' THEN 'traffic' ELSE 'fire' END WHERE id = $1`, [p!.id]);
    const after = await get(path, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const changed = decodeTile(await after.arrayBuffer()).incidents!.find((f) => f.$id === p!.id)!;
    expect(changed.category).not.toBe(p!.category);
  });

  it('sends a Content-Security-Policy that keeps the client on its own origin', async () => {
    const res = await get('/health');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
