import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { offsetToWgs84 } from '../../geo/import/crs.js';
import { createLogger } from '../../api/logger.js';
import { bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';
import { reportMissing } from '../support/environment.js';

const quiet = createLogger('error', () => undefined);
const gdalAvailable = spawnSync('ogr2ogr', ['--version'], { encoding: 'utf8' }).status === 0;
const REAL = path.resolve(import.meta.dirname, '../../../shared/data/real');
const realAvailable = existsSync(path.join(REAL, 'ningbo-330200.topojson'));

interface Job {
  id: string;
  state: string;
  progress: { phase: string; done: number; total: number | null };
  error: { code: string; message: string } | null;
  report: {
    counts: { read: number; create: number; update: number; unchanged: number; rejected: number };
    committed: boolean;
    refused?: string;
    batchId: number | null;
    crs: string;
    format: string;
    notes: string[];
    earlierImports: { id: number }[];
    rows: { row: number; action: string; id?: string; reason?: string }[];
  } | null;
}

describeEachDatabase('imports', ({ db, owner }) => {
  // One app for the suite: import jobs live in the app that started them.
  let shared: ReturnType<typeof createApp> | null = null;
  const app = (importMaxBytes?: number) => {
    if (importMaxBytes) return createApp({ db: db(), log: quiet, webDist: null, importMaxBytes });
    shared ??= createApp({ db: db(), log: quiet, webDist: null });
    return shared;
  };
  let r: TestRegions;
  const t = { plannerX: '', adminCounty: '', analystX: '' };
  /** Points inside village X (from its incidents) and one inside village Y. */
  let inX: [number, number][] = [];
  let inY: [number, number] = [0, 0];
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const upload = async (query: string, body: Uint8Array | string, token = t.plannerX, size?: number): Promise<{ status: number; job: Job }> => {
    const res = await app(size).request(`/api/imports?wait=true&${query}`, {
      method: 'POST', headers: { ...bearer(token), 'content-type': 'application/octet-stream' },
      body: (typeof body === 'string' ? strToU8(body) : body) as Uint8Array<ArrayBuffer>,
    });
    return { status: res.status, job: (await res.json()) as Job };
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await owner().query<{ n: number }>(sql, params))[0]!.n);

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    t.plannerX = (await tokenFor(owner(), 'planner', r.villageX.code)).token;
    t.adminCounty = (await tokenFor(owner(), 'admin', r.county.code)).token;
    t.analystX = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    // Points well inside the village: incident points, which the demo places inside their grids.
    const rows = await owner().query<{ x: number; y: number }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE village_code = $1 AND grid_code IS NOT NULL ORDER BY id LIMIT 6`, [r.villageX.code],
    );
    inX = rows.map((p) => [p.x, p.y]);
    const [y] = await owner().query<{ x: number; y: number }>(`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE village_code = $1 LIMIT 1`, [r.villageY.code]);
    inY = [y!.x, y!.y];
  });

  const pointFeature = (coordinates: unknown, properties: Record<string, unknown>, id?: number) => ({
    type: 'Feature', ...(id === undefined ? {} : { id }), geometry: coordinates === null ? null : { type: 'Point', coordinates }, properties,
  });

  it('GeoJSON address points: dry run reports every row and writes nothing; a commit with rejects is refused; skipRejected commits the rest; a second import changes nothing', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        pointFeature(inX[0], { households: 12, building_kind: 'residential' }),
        pointFeature(inX[1], { 户数: '30', 建筑类型: 'mixed' }),
        pointFeature(inX[2], { households: 4 }),
        pointFeature(inY, { households: 5 }), // another village: outside the planner's region
        pointFeature(null, { households: 5 }), // no geometry
        pointFeature(inX[3], { households: -3 }), // bad value
        pointFeature([inX[3]![0] + 400, inX[3]![1]], { households: 3 }), // longitude out of range
      ],
    };
    const file = JSON.stringify(fc);
    const before = await count('SELECT count(*)::int AS n FROM address_points');

    const dry = await upload('layer=address_points&mode=dry-run&filename=points.geojson', file);
    expect(dry.status).toBe(200);
    expect(dry.job.state).toBe('done');
    expect(dry.job.report!.counts).toEqual({ read: 7, create: 3, update: 0, unchanged: 0, rejected: 4 });
    const reasons = Object.fromEntries(dry.job.report!.rows.filter((x) => x.action === 'rejected').map((x) => [x.row, x.reason]));
    expect(reasons[4]).toMatch(/outside your region/);
    expect(reasons[5]).toMatch(/no geometry/);
    expect(reasons[6]).toMatch(/households/);
    expect(reasons[7]).toMatch(/longitude .* outside -180\.\.180/);
    expect(await count('SELECT count(*)::int AS n FROM address_points')).toBe(before);

    const refused = await upload('layer=address_points&mode=commit&filename=points.geojson', file);
    expect(refused.job.report!.committed).toBe(false);
    expect(refused.job.report!.refused).toMatch(/4 of 7 rows are rejected/);
    expect(await count('SELECT count(*)::int AS n FROM address_points')).toBe(before);

    const done = await upload('layer=address_points&mode=commit&skipRejected=true&filename=points.geojson', file);
    expect(done.job.report!.committed).toBe(true);
    expect(done.job.report!.counts.create).toBe(3);
    const batch = done.job.report!.batchId!;
    const written = await owner().query<{ households: number; building_kind: string; village_code: string; grid_code: string | null }>(
      'SELECT households, building_kind, village_code, grid_code FROM address_points WHERE import_batch_id = $1 ORDER BY id', [batch],
    );
    expect(written.map((w) => [w.households, w.building_kind, w.village_code])).toEqual([
      [12, 'residential', r.villageX.code], [30, 'mixed', r.villageX.code], [4, 'residential', r.villageX.code],
    ]);
    expect(written.every((w) => w.grid_code?.startsWith(r.villageX.code))).toBe(true);
    // One audit entry for the import, none per row.
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'import' AND row_id = $1`, [String(batch)])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'address_points' AND action = 'insert' AND after->>'import_batch_id' = $1`, [String(batch)])).toBe(0);

    const again = await upload('layer=address_points&mode=commit&skipRejected=true&filename=points-copy.geojson', file);
    expect(again.job.report!.counts).toMatchObject({ create: 0, update: 0, unchanged: 3, rejected: 4 });
    expect(again.job.report!.earlierImports.map((e) => e.id)).toContain(batch);
    expect(await count('SELECT count(*)::int AS n FROM address_points')).toBe(before + 3);
  });

  it('CSV cameras in GCJ-02 land where they are in WGS 84; the code is the key: a changed row updates, the privacy guard rejects a phone number', async () => {
    const code = `IMP-${Date.now().toString(36)}`;
    const [lon, lat] = inX[4]!;
    // The GCJ-02 position of [lon, lat]: the inverse of the importer's conversion, found by iterating.
    let [glon, glat] = [lon, lat];
    for (let i = 0; i < 5; i++) {
      const back = (offsetToWgs84({ type: 'Point', coordinates: [glon, glat] }, { kind: 'gcj02' }) as GeoJSON.Point).coordinates;
      glon += lon - back[0]!;
      glat += lat - back[1]!;
    }
    expect(Math.abs(glon - lon) + Math.abs(glat - lat)).toBeGreaterThan(0.002); // a real offset, hundreds of metres
    const header = '编号,类型,朝向,视场角,可视距离,状态,权属单位,经度,纬度';
    const csv = (status: string, owner2 = '县公安局') => `${header}\n${code},dome,90,60,80,${status},${owner2},${glon},${glat}\n${code}-2,bullet,10,45,50,online,联系人13812345678,${glon},${glat}\n`;
    const first = await upload('layer=cameras&mode=commit&skipRejected=true&crs=gcj02&filename=cameras.csv', csv('online'));
    expect(first.status).toBe(200);
    expect(first.job.report!.crs).toBe('GCJ-02');
    expect(first.job.report!.counts).toMatchObject({ create: 1, rejected: 1 });
    expect(first.job.report!.rows[1]!.reason).toMatch(/owner.*mobile|mobile.*owner/i);
    const [stored] = await owner().query<{ d: number; status: string; row_version: number }>(
      `SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) AS d, status, row_version FROM cameras WHERE code = $1`, [code, lon, lat],
    );
    expect(stored!.d).toBeLessThan(1); // GCJ-02 offsets are ~300–600 m; converted back within a metre
    expect(stored!.status).toBe('online');

    const second = await upload('layer=cameras&mode=commit&skipRejected=true&crs=gcj02&filename=cameras.csv', csv('offline'));
    expect(second.job.report!.counts).toMatchObject({ create: 0, update: 1, rejected: 1 });
    const [after] = await owner().query<{ status: string; row_version: number }>('SELECT status, row_version FROM cameras WHERE code = $1', [code]);
    expect(after).toEqual({ status: 'offline', row_version: stored!.row_version + 1 });
  });

  it('a projected source (CGCS2000 / 3-degree Gauss-Krüger, EPSG:4549) is transformed to WGS 84 by PostGIS', async () => {
    const [lon, lat] = inX[5]!;
    const [gk] = await owner().query<{ x: number; y: number }>(
      'SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4549) AS p', [lon, lat],
    );
    const fc = { type: 'FeatureCollection', features: [pointFeature([gk!.x, gk!.y], { name: '投影坐标的学校', place_type: 'school' })] };
    const done = await upload('layer=key_places&mode=commit&crs=EPSG:4549&filename=places.geojson', JSON.stringify(fc));
    expect(done.job.report!.counts.create).toBe(1);
    const [row] = await owner().query<{ d: number }>(
      `SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d FROM key_places WHERE import_batch_id = $3`, [lon, lat, done.job.report!.batchId],
    );
    expect(row!.d).toBeLessThan(0.01);
  });

  it('incidents keyed by a property: a re-import updates the changed row only and every new incident gets its report step', async () => {
    const rows = (summary: string) => ({
      type: 'FeatureCollection',
      features: [0, 1, 2].map((i) => pointFeature(inX[i], {
        ext_id: `E${i}`, category: 'dispute', level: 'general', source: 'public',
        summary: i === 1 ? summary : '邻里纠纷', occurred_at: `2026-10-0${i + 1}T08:00:00+08:00`,
      })),
    });
    const first = await upload('layer=incidents&mode=commit&key=ext_id&filename=incidents.geojson', JSON.stringify(rows('宅基地纠纷')));
    expect(first.status, JSON.stringify(first.job.error)).toBe(200);
    expect(first.job.report!.counts.create).toBe(3);
    const ids = first.job.report!.rows.map((x) => Number(x.id));
    expect(await count('SELECT count(*)::int AS n FROM incident_flow_steps WHERE incident_id = ANY($1) AND action = $2', [ids, 'report'])).toBe(3);
    const second = await upload('layer=incidents&mode=commit&key=ext_id&filename=incidents.geojson', JSON.stringify(rows('宅基地纠纷（已调解）')));
    expect(second.job.report!.counts).toMatchObject({ create: 0, update: 1, unchanged: 2 });
    expect(second.job.report!.rows[1]).toMatchObject({ action: 'update', id: String(ids[1]) });
    const [changed] = await owner().query<{ summary: string }>('SELECT summary FROM incidents WHERE id = $1', [ids[1]]);
    expect(changed!.summary).toBe('宅基地纠纷（已调解）');
  });

  it('refuses before any work: unsafe archive paths, DOCTYPE, over-size files, unknown formats, roles without the right', async () => {
    const before = await count('SELECT count(*)::int AS n FROM key_places');
    const evil = zipSync({ '../../etc/x.shp': new Uint8Array(10), 'x.dbf': new Uint8Array(10) });
    const traversal = await upload('layer=key_places&mode=commit&filename=x.zip', evil);
    expect(traversal.status).toBe(400);
    expect(traversal.job.error!.message).toMatch(/archive_unsafe_path/);

    const kml = `<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name><Point><coordinates>${inX[0]!.join(',')}</coordinates></Point></Placemark></kml>`;
    const doctype = await upload('layer=key_places&mode=commit&filename=x.kml', kml);
    expect(doctype.status).toBe(400);
    expect(doctype.job.error!.message).toMatch(/xml_doctype/);

    const big = await upload('layer=key_places&mode=commit&filename=x.geojson', JSON.stringify({ type: 'FeatureCollection', features: [], pad: 'x'.repeat(5000) }), t.plannerX, 2048);
    expect(big.status).toBe(413);

    const unknown = await upload('layer=key_places&mode=commit&filename=x.bin', new Uint8Array([1, 2, 3, 4, 5]));
    expect(unknown.status).toBe(400);
    expect(unknown.job.error!.message).toMatch(/unknown_format/);

    expect((await upload('layer=key_places&filename=x.geojson', '{}', t.analystX)).status).toBe(403);
    expect((await upload('layer=regions&filename=x.geojson', '{}', t.plannerX)).status).toBe(403);
    expect((await upload('layer=grids&filename=x.geojson', '{}')).status).toBe(400);
    expect((await upload('layer=key_places&filename=x.geojson&sql=1', '{}')).status).toBe(400);
    expect(await count('SELECT count(*)::int AS n FROM key_places')).toBe(before);
  });

  it('reports progress on a job that is polled instead of awaited', async () => {
    const features = Array.from({ length: 2000 }, (_, i) => pointFeature([inX[i % 6]![0] + (i % 7) * 1e-6, inX[i % 6]![1]], { households: i % 50 }));
    const res = await app().request('/api/imports?layer=address_points&mode=dry-run&filename=many.geojson', {
      method: 'POST', headers: { ...bearer(t.plannerX), 'content-type': 'application/geo+json' }, body: JSON.stringify({ type: 'FeatureCollection', features }),
    });
    expect(res.status).toBe(202);
    const started = (await res.json()) as Job;
    const location = res.headers.get('location')!;
    expect(location).toBe(`/api/imports/jobs/${started.id}`);
    let job = started;
    const phases = new Set<string>([job.progress.phase]);
    for (let i = 0; i < 600 && job.state === 'running'; i++) {
      await new Promise((done) => setTimeout(done, 50));
      job = (await (await app().request(location, { headers: bearer(t.plannerX) })).json()) as Job;
      phases.add(job.progress.phase);
    }
    expect(job.state).toBe('done');
    expect(job.progress.phase).toBe('done');
    expect(job.report!.counts.read).toBe(2000);
    // Identical rows in one file are one record: the rest are reported as duplicates of the first.
    // (a few may match address points the first test wrote: unchanged)
    expect(job.report!.counts.create + job.report!.counts.rejected + job.report!.counts.unchanged).toBe(2000);
    expect(job.report!.counts.create).toBeGreaterThan(300);
    const csv = await app().request(`${location}/report.csv`, { headers: bearer(t.plannerX) });
    expect((await csv.text()).trim().split('\n')).toHaveLength(2001);
    // Another caller cannot read it.
    expect((await app().request(location, { headers: bearer(t.adminCounty) })).status).toBe(404);
  });

  const gdalMustFail = reportMissing('imports of files written by ogr2ogr', { available: gdalAvailable, reason: 'ogr2ogr (Debian gdal-bin) not found' });
  it.skipIf(!gdalAvailable && !gdalMustFail)('files written by GDAL (GeoPackage, zipped Shapefile with .prj in EPSG:4549, KML, CSV) import the same rows to the same places', async () => {
    if (!gdalAvailable) throw new Error('ogr2ogr (Debian gdal-bin) not found');
    const source = path.join(dir, 'places.geojson');
    writeFileSync(source, JSON.stringify({
      type: 'FeatureCollection',
      features: inX.slice(0, 4).map((p, i) => pointFeature(p, { name: `重点场所${i}`, place_type: 'market', risk_level: 'high' })),
    }));
    const ogr = (...args: string[]) => {
      const run = spawnSync('ogr2ogr', args, { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`ogr2ogr ${args.join(' ')}: ${run.stderr}`);
    };
    ogr('-f', 'GPKG', path.join(dir, 'places.gpkg'), source);
    ogr('-f', 'ESRI Shapefile', '-t_srs', 'EPSG:4549', '-lco', 'ENCODING=UTF-8', path.join(dir, 'shp'), source);
    ogr('-f', 'KML', path.join(dir, 'places.kml'), source);
    ogr('-f', 'CSV', '-lco', 'GEOMETRY=AS_XY', path.join(dir, 'places.csv'), source);
    const shpDir = path.join(dir, 'shp');
    const zip = zipSync(Object.fromEntries(readdirSync(shpDir).map((f) => [f, new Uint8Array(readFileSync(path.join(shpDir, f)))])));
    const files: [string, Uint8Array][] = [
      ['places.gpkg', new Uint8Array(readFileSync(path.join(dir, 'places.gpkg')))],
      ['places.zip', zip],
      ['places.kml', new Uint8Array(readFileSync(path.join(dir, 'places.kml')))],
      ['places.csv', new Uint8Array(readFileSync(path.join(dir, 'places.csv')))],
    ];
    for (const [name, bytes] of files) {
      // KML keeps only name/description: the place type comes from the importer's mapping.
      const extra = name.endsWith('.kml') ? '&map=place_type:description' : '';
      const body = name.endsWith('.kml') ? strToU8(new TextDecoder().decode(bytes).replace(/<Placemark>/g, '<Placemark><description>market</description>')) : bytes;
      const done = await upload(`layer=key_places&mode=dry-run&filename=${name}${extra}`, body);
      expect(done.status, `${name}: ${JSON.stringify(done.job.error)}`).toBe(200);
      expect(done.job.report!.counts, `${name}: ${JSON.stringify(done.job.report!.rows)}`).toMatchObject({ read: 4, create: 4, rejected: 0 });
    }
    // The shapefile's projected coordinates come back to the same places.
    const committed = await upload('layer=key_places&mode=commit&filename=places.zip', zip);
    expect(committed.job.report!.crs).toBe('EPSG:4549');
    const places = await owner().query<{ name: string; d: number }>(
      `SELECT k.name, ST_Distance(k.geom::geography, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326)::geography) AS d
       FROM key_places k JOIN unnest($2::text[], $3::float8[], $4::float8[]) AS p (name, x, y) ON p.name = k.name
       WHERE k.import_batch_id = $1 ORDER BY k.name`,
      [committed.job.report!.batchId, inX.slice(0, 4).map((_, i) => `重点场所${i}`), inX.slice(0, 4).map((p) => p[0]), inX.slice(0, 4).map((p) => p[1])],
    );
    expect(places).toHaveLength(4);
    expect(Math.max(...places.map((p) => p.d))).toBeLessThan(0.01);
  });

  const realMustFail = reportMissing('imports of the real division files', { available: realAvailable, reason: `${REAL} not found (the shared data folder)` });
  it.skipIf(!realAvailable && !realMustFail)('the real Ningbo division file: the county admin\'s own county is updated (24 island parts merged), the rest reported, nothing crashes', async () => {
    if (!realAvailable) throw new Error(`${REAL} not found`);
    // A county of Ningbo with a placeholder boundary and an admin for it (owner set-up).
    await owner().query(
      `INSERT INTO regions (code, parent_code, level, kind, name, county_code, geom)
       VALUES ('330226000000', NULL, 'county', NULL, '宁海县（占位）', '330226', ST_Multi(ST_MakeEnvelope(121.0, 29.0, 121.1, 29.1, 4326)))
       ON CONFLICT (code) DO NOTHING`,
    );
    const admin = (await tokenFor(owner(), 'admin', '330226000000')).token;
    const file = new Uint8Array(readFileSync(path.join(REAL, 'ningbo-330200.topojson')));
    const done = await upload('layer=regions&mode=commit&skipRejected=true&filename=ningbo-330200.topojson', file, admin);
    expect(done.status, JSON.stringify(done.job.error)).toBe(200);
    const report = done.job.report!;
    expect(report.counts.read).toBe(1033);
    // The answer carries the first 1000 rows of the report; the rest come by paging.
    expect(report.rows).toHaveLength(1000);
    const rest = (await (await app().request(`/api/imports/jobs/${done.job.id}?offset=1000&limit=1000`, { headers: bearer(admin) })).json()) as Job;
    report.rows = [...report.rows, ...rest.report!.rows];
    expect(report.rows.map((x) => x.row)).toEqual(Array.from({ length: 1033 }, (_, i) => i + 1));
    // The file's own rows of 宁海县 with a geometry: each is a part of the updated county, or
    // rejected for its geometry (quantised slivers), never lost without a word.
    const topology = JSON.parse(new TextDecoder().decode(file)) as { objects: Record<string, { geometries: { type: string | null; properties: { QUHUADAIMA: string } }[] }> };
    const own = Object.values(topology.objects)[0]!.geometries
      .map((g, i) => ({ row: i + 1, code: g.properties.QUHUADAIMA, type: g.type }))
      .filter((g) => g.code === '330226' && g.type !== null);
    expect(own).toHaveLength(24);
    const byRow = new Map(report.rows.map((x) => [x.row, x]));
    const updated = own.filter((g) => byRow.get(g.row)?.action === 'update' && byRow.get(g.row)?.id === '330226000000');
    const badGeometry = own.filter((g) => byRow.get(g.row)?.action === 'rejected' && /^geometry/.test(byRow.get(g.row)?.reason ?? ''));
    const other = own.filter((g) => !updated.includes(g) && !badGeometry.includes(g)).map((g) => JSON.stringify(byRow.get(g.row)));
    expect(updated.length + badGeometry.length, other.join('\n')).toBe(24);
    expect(updated.length).toBeGreaterThan(12);
    expect(updated.slice(1).every((g) => /merged into row/.test(byRow.get(g.row)!.reason ?? ''))).toBe(true);
    expect(report.rows.some((x) => x.action === 'rejected' && /no geometry/.test(x.reason ?? ''))).toBe(true);
    expect(report.rows.some((x) => x.action === 'rejected' && /fanwei|division code/.test(x.reason ?? ''))).toBe(true);
    expect(report.rows.some((x) => x.action === 'rejected' && /outside your region/.test(x.reason ?? ''))).toBe(true);
    expect(report.counts.create).toBe(0);
    const [county] = await owner().query<{ name: string; parts: number; area: number }>(
      `SELECT name, ST_NumGeometries(geom) AS parts, ST_Area(geom::geography) / 1e6 AS area FROM regions WHERE code = '330226000000'`,
    );
    expect(county!.name).toBe('宁海县');
    expect(county!.parts).toBeGreaterThan(1);
    expect(county!.area).toBeGreaterThan(1000); // 宁海县 is ~1,800 km² of land
  });
});
