import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../api/logger.js';
import { readGeoPackage } from '../../geo/import/gpkg.js';
import { DEFAULT_IMPORT_LIMITS } from '../../geo/import/types.js';
import { bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';
import { reportMissing } from '../support/environment.js';

const quiet = createLogger('error', () => undefined);
const gdalAvailable = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' }).status === 0;

describeEachDatabase('exports (streamed GeoJSON and CSV, GeoPackage, zipped Shapefile)', ({ db, owner }) => {
  const app = () => createApp({ db: db(), log: quiet, webDist: null });
  let r: TestRegions;
  let analystCounty = '';
  let analystX = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const get = (url: string, token = analystCounty) => app().request(url, { headers: bearer(token) });
  const truth = async (sql: string, params: unknown[] = []) => Number((await owner().query<{ n: number }>(sql, params))[0]!.n);

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    analystCounty = (await tokenFor(owner(), 'analyst', r.county.code)).token;
    analystX = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
  });

  it('GeoJSON of every incident in the county streams in pages (more than one), each feature once, in id order', async () => {
    const expected = await truth('SELECT count(*)::int AS n FROM incidents');
    expect(expected).toBeGreaterThan(5000); // more than one page of 5,000
    const res = await get('/api/export/incidents.geojson?properties=id,level');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    const body = await res.json();
    expect(body.numberMatched).toBe(expected);
    expect(body.numberReturned).toBe(expected);
    const ids = body.features.map((f: { id: number }) => f.id);
    expect(ids).toHaveLength(expected);
    expect(ids.every((id: number, i: number) => i === 0 || id > ids[i - 1])).toBe(true);
    expect(Object.keys(body.features[0].properties)).toEqual(['id', 'level']);
  });

  it('a sorted export pages by offset and keeps the order; a filtered CSV has exactly the matching rows', async () => {
    const geo = await (await get('/api/export/incidents.geojson?properties=occurred_at&sortby=-occurred_at')).json();
    const times = geo.features.map((f: { properties: { occurred_at: string } }) => Date.parse(f.properties.occurred_at));
    expect(times.length).toBe(await truth('SELECT count(*)::int AS n FROM incidents'));
    expect(times.every((t: number, i: number) => i === 0 || t <= times[i - 1])).toBe(true);
    expect(new Set(geo.features.map((f: { id: number }) => f.id)).size).toBe(times.length);
    const csv = await (await get(`/api/export/incidents.csv?filter=${encodeURIComponent("level <> 'general'")}`, analystX)).text();
    const rows = csv.replace(/^\uFEFF/, '').trim().split('\n');
    expect(rows.length - 1).toBe(await truth(`SELECT count(*)::int AS n FROM incidents WHERE level <> 'general' AND village_code = $1`, [r.villageX.code]));
  });

  it('GeoPackage: the village\'s cameras with their typed fields, read back by our reader', async () => {
    const res = await get('/api/export/cameras.gpkg', analystX);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`cameras-${r.villageX.code}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const layer = await readGeoPackage(bytes, {}, DEFAULT_IMPORT_LIMITS);
    const rows = [...layer.rows];
    const cameras = await owner().query<{ id: number; code: string; heading_deg: number; owner: string }>(
      'SELECT id::int, code, heading_deg, owner FROM cameras WHERE village_code = $1 ORDER BY id', [r.villageX.code],
    );
    expect(rows.map((x) => x.id)).toEqual(cameras.map((c) => c.id));
    expect(rows[0]!.properties.code).toBe(cameras[0]!.code);
    expect(rows[0]!.properties.heading_deg).toBeCloseTo(cameras[0]!.heading_deg, 3);
    expect(rows[0]!.geometry?.type).toBe('Point');
    expect(layer.crs).toEqual({ kind: 'epsg', code: 4326 });
    writeFileSync(path.join(dir, 'cameras.gpkg'), bytes);
  });

  const mustFail = reportMissing('exports opened by GDAL', { available: gdalAvailable, reason: 'ogrinfo (Debian gdal-bin) not found' });
  it.skipIf(!gdalAvailable && !mustFail)('GDAL opens the GeoPackage and the zipped Shapefile with the right counts, types and Chinese text', async () => {
    if (!gdalAvailable) throw new Error('ogrinfo (Debian gdal-bin) not found');
    const ogrinfo = (...args: string[]) => {
      const run = spawnSync('ogrinfo', ['-ro', ...args], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`ogrinfo ${args.join(' ')}: ${run.stderr}`);
      return run.stdout;
    };
    const gpkg = path.join(dir, 'cameras-gdal.gpkg');
    writeFileSync(gpkg, new Uint8Array(await (await get('/api/export/cameras.gpkg', analystX)).arrayBuffer()));
    const cameraCount = await truth('SELECT count(*)::int AS n FROM cameras WHERE village_code = $1', [r.villageX.code]);
    const summary = ogrinfo('-al', '-so', gpkg);
    expect(summary).toMatch(new RegExp(`Feature Count: ${cameraCount}\\b`));
    expect(summary).toMatch(/Geometry: Point/);
    expect(summary).toMatch(/heading_deg: Real/);

    // Key places are points and polygons: one shapefile per type in the zip.
    const zip = path.join(dir, 'key_places.shp.zip');
    writeFileSync(zip, new Uint8Array(await (await get('/api/export/key_places.shp.zip')).arrayBuffer()));
    const listing = ogrinfo('-al', '-so', `/vsizip/${zip}`);
    const counts = [...listing.matchAll(/Feature Count: (\d+)/g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(await truth('SELECT count(*)::int AS n FROM key_places'));
    const [place] = await owner().query<{ name: string }>('SELECT name FROM key_places ORDER BY id LIMIT 1');
    expect(ogrinfo('-al', `/vsizip/${zip}`)).toContain(place!.name);
  });

  it('refuses unknown formats and layers with a clear error', async () => {
    expect((await get('/api/export/cameras.xlsx')).status).toBe(404);
    expect((await get('/api/export/nothing.gpkg')).status).toBe(404);
    expect((await get('/api/export/cameras.gpkg?limit=3')).status).toBe(400);
  });
});
