import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Geometry, Polygon } from 'geojson';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGeoPackage } from '../../geo/export/gpkg.js';
import type { ExportFeature, ExportLayer } from '../../geo/export/types.js';
import { loadSqlJs, parseGeoPackageGeometry, readGeoPackage } from '../../geo/import/gpkg.js';
import { DEFAULT_IMPORT_LIMITS, ImportFileError, type SourceLayer, type SourceRow } from '../../geo/import/types.js';
import { reportMissing } from '../support/environment.js';

const gdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' });
const gdalAvailable = gdal.status === 0 && /GDAL/.test(gdal.stdout ?? '');
const GDAL_MISSING = 'ogrinfo (Debian gdal-bin) not found';

const dir = mkdtempSync(join(tmpdir(), 'atlas-gpkg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a GDAL command; GDAL 3.6 warns on stderr that GeoPackage 1.4 is newer than it knows. */
function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', env: { ...process.env, CPL_DEBUG: 'OFF' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

const read = (bytes: Uint8Array, layerName?: string) => readGeoPackage(bytes, layerName === undefined ? {} : { layerName }, DEFAULT_IMPORT_LIMITS);
const all = (layer: SourceLayer): SourceRow[] => [...layer.rows];

const village: Polygon = {
  type: 'Polygon',
  coordinates: [
    [[120.1, 30.2], [120.2, 30.2], [120.2, 30.3], [120.1, 30.3], [120.1, 30.2]],
    [[120.12, 30.22], [120.12, 30.24], [120.14, 30.24], [120.12, 30.22]],
  ],
};

const sampleFeatures: ExportFeature[] = [
  {
    id: 42,
    geometry: { type: 'Point', coordinates: [120.153576, 30.287459] },
    properties: { 名称: '平安路派出所「东」', level: 3, score: 0.1 + 0.2, closed: true, day: '2024-05-01', reported_at: new Date('2024-05-01T10:30:00+08:00') },
  },
  { id: 'uuid-a', geometry: village, properties: { 名称: '西湖村', level: '7', score: '2.5', closed: 'false', day: null, reported_at: '2024-05-02T00:00:00Z' } },
  { id: 7, geometry: null, properties: { 名称: '无坐标', level: null, score: null, closed: null } },
  { id: 8, geometry: { type: 'MultiLineString', coordinates: [[[120, 30], [121, 31]], [[122, 32], [123, 33]]] }, properties: { 名称: 'x', level: 2.9, score: Number.NaN } },
  { id: 9, geometry: { type: 'Polygon', coordinates: [] }, properties: { 名称: '空' } },
  { id: 42, geometry: { type: 'MultiPoint', coordinates: [[119, 29], [119.5, 29.5]] }, properties: { 名称: '重复 id' } },
];

const sample: ExportLayer = {
  name: '事件',
  fields: [
    { name: '名称', type: 'string' },
    { name: 'level', type: 'integer' },
    { name: 'score', type: 'real' },
    { name: 'closed', type: 'boolean' },
    { name: 'day', type: 'date' },
    { name: 'reported_at', type: 'datetime' },
  ],
  features: sampleFeatures,
};

async function modify(bytes: Uint8Array, sql: string): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    db.run(sql);
    return db.export();
  } finally {
    db.close();
  }
}

async function query(bytes: Uint8Array, sql: string): Promise<unknown[][]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

async function fileError(promise: Promise<unknown>): Promise<ImportFileError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  return error as ImportFileError;
}

describe('writeGeoPackage', () => {
  it('writes the GeoPackage 1.4 header, metadata tables and a declared geometry type', async () => {
    const bytes = writeGeoPackage(sample);
    expect(new TextDecoder().decode(bytes.subarray(0, 15))).toBe('SQLite format 3');
    expect(await query(bytes, 'PRAGMA application_id')).toEqual([[0x47504b47]]);
    expect(await query(bytes, 'PRAGMA user_version')).toEqual([[10400]]);
    expect(await query(bytes, 'SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys ORDER BY srs_id')).toEqual([
      [-1, 'NONE', -1],
      [0, 'NONE', 0],
      [4326, 'EPSG', 4326],
    ]);
    expect(await query(bytes, 'SELECT table_name, data_type, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents')).toEqual([['事件', 'features', 119, 29, 123, 33, 4326]]);
    expect(await query(bytes, 'SELECT table_name, column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns')).toEqual([['事件', 'geom', 'GEOMETRY', 4326, 0, 0]]);
    const columns = await query(bytes, 'SELECT name, type, pk FROM pragma_table_info(\'事件\')');
    expect(columns).toEqual([
      ['fid', 'INTEGER', 1],
      ['geom', 'GEOMETRY', 0],
      ['名称', 'TEXT', 0],
      ['level', 'INTEGER', 0],
      ['score', 'REAL', 0],
      ['closed', 'BOOLEAN', 0],
      ['day', 'DATE', 0],
      ['reported_at', 'DATETIME', 0],
    ]);
    // The staging table lives in the temp database and never reaches the file.
    expect(await query(bytes, "SELECT name FROM sqlite_master WHERE name LIKE '%staging%'")).toEqual([]);
  });

  it('declares the single geometry type of a homogeneous layer', async () => {
    const bytes = writeGeoPackage({ name: 'pts', fields: [], features: [{ id: 1, geometry: { type: 'Point', coordinates: [1, 2] }, properties: {} }] });
    expect(await query(bytes, 'SELECT geometry_type_name FROM gpkg_geometry_columns')).toEqual([['POINT']]);
    expect(await query(bytes, "SELECT type FROM pragma_table_info('pts') WHERE name = 'geom'")).toEqual([['POINT']]);
  });

  it('encodes geometry blobs with the GP header: version 0, little-endian, XY envelope, srs_id 4326', async () => {
    const bytes = writeGeoPackage(sample);
    const rows = (await query(bytes, 'SELECT fid, geom FROM "事件" ORDER BY fid')) as [number, Uint8Array | null][];
    const byFid = new Map(rows);
    const polygon = byFid.get(1)!; // 'uuid-a' got the first free fid
    const view = new DataView(polygon.buffer, polygon.byteOffset, polygon.byteLength);
    expect([polygon[0], polygon[1], polygon[2], polygon[3]]).toEqual([0x47, 0x50, 0, 0b11]);
    expect(view.getInt32(4, true)).toBe(4326);
    expect([8, 16, 24, 32].map((at) => view.getFloat64(at, true))).toEqual([120.1, 120.2, 30.2, 30.3]); // minX, maxX, minY, maxY
    expect(polygon[40]).toBe(1); // WKB little-endian
    expect(view.getUint32(41, true)).toBe(3); // WKB Polygon
    // An empty geometry: empty flag, no envelope (as GDAL writes it).
    expect(Array.from(byFid.get(9)!.subarray(0, 4))).toEqual([0x47, 0x50, 0, 0x11]);
    expect(byFid.get(7)).toBeNull();
  });

  it('keeps integer ids as fids and gives string and repeated ids the next free fid', async () => {
    const bytes = writeGeoPackage(sample);
    const rows = await query(bytes, 'SELECT fid, "名称" FROM "事件" ORDER BY fid');
    expect(rows).toEqual([
      [1, '西湖村'],
      [2, '重复 id'],
      [7, '无坐标'],
      [8, 'x'],
      [9, '空'],
      [42, '平安路派出所「东」'],
    ]);
  });

  it('renames the fid and geometry columns when fields already use those names', async () => {
    const layer: ExportLayer = {
      name: 'gpkg_x',
      fields: [{ name: 'fid', type: 'string' }, { name: 'GEOM', type: 'string' }],
      features: [{ id: 5, geometry: { type: 'Point', coordinates: [1, 2] }, properties: { fid: 'a', GEOM: 'b' } }],
    };
    const bytes = writeGeoPackage(layer);
    expect(await query(bytes, 'SELECT table_name, column_name FROM gpkg_geometry_columns')).toEqual([['layer_gpkg_x', 'geom_2']]);
    const [row] = all(await read(bytes));
    expect(row).toMatchObject({ id: 5, properties: { fid: 'a', GEOM: 'b' }, geometry: { type: 'Point', coordinates: [1, 2] } });
  });
});

describe('readGeoPackage', () => {
  it('round-trips a written layer: fid order, ids, Chinese text, typed values and geometries', async () => {
    const layer = await read(writeGeoPackage(sample));
    expect(layer).toMatchObject({ format: 'geopackage', crs: { kind: 'epsg', code: 4326 }, name: '事件', total: 6, notes: [] });
    const rows = all(layer);
    expect(rows.map((r) => [r.row, r.id])).toEqual([
      [1, 1],
      [2, 2],
      [3, 7],
      [4, 8],
      [5, 9],
      [6, 42],
    ]);
    const [polygon, multipoint, none, lines, empty, point] = rows as [SourceRow, SourceRow, SourceRow, SourceRow, SourceRow, SourceRow];
    expect(point).toEqual({
      row: 6,
      id: 42,
      geometry: { type: 'Point', coordinates: [120.153576, 30.287459] },
      properties: { 名称: '平安路派出所「东」', level: 3, score: 0.30000000000000004, closed: true, day: '2024-05-01', reported_at: '2024-05-01T02:30:00.000Z' },
    });
    expect(polygon.geometry).toEqual(village);
    expect(polygon.properties).toEqual({ 名称: '西湖村', level: 7, score: 2.5, closed: false, day: null, reported_at: '2024-05-02T00:00:00.000Z' });
    expect(multipoint.geometry).toEqual({ type: 'MultiPoint', coordinates: [[119, 29], [119.5, 29.5]] });
    expect(lines.geometry).toEqual(sampleFeatures[3]!.geometry);
    expect(lines.properties).toMatchObject({ level: 2, score: null });
    expect(none).toMatchObject({ geometry: null, problem: 'no geometry', properties: { 名称: '无坐标', closed: null } });
    expect(empty).toMatchObject({ geometry: null, problem: 'empty geometry', properties: { 名称: '空' } });
    expect(point.problem).toBeUndefined();
  });

  it('reads a one-shot generator of features written by the exporter', async () => {
    function* features() {
      for (let i = 1; i <= 1000; i++) yield { id: i, geometry: { type: 'Point', coordinates: [100 + i / 1000, 20] } as Geometry, properties: { n: i } };
    }
    const layer = await read(writeGeoPackage({ name: 'gen', fields: [{ name: 'n', type: 'integer' }], features: features() }));
    const rows = all(layer);
    expect(layer.total).toBe(1000);
    expect(rows).toHaveLength(1000);
    expect(rows[999]).toEqual({ row: 1000, id: 1000, geometry: { type: 'Point', coordinates: [101, 20] }, properties: { n: 1000 } });
  });

  it('iterates lazily, can stop early and iterate again', async () => {
    const layer = await read(writeGeoPackage(sample));
    const first: SourceRow[] = [];
    for (const row of layer.rows) {
      first.push(row);
      if (first.length === 2) break; // closes the statement and the database
    }
    expect(first.map((r) => r.id)).toEqual([1, 2]);
    expect(all(layer).map((r) => r.id)).toEqual([1, 2, 7, 8, 9, 42]);
    expect(all(layer)).toHaveLength(6);
  });

  it('keeps a column named __proto__ as an own property', async () => {
    const bytes = writeGeoPackage({ name: 't', fields: [{ name: '__proto__', type: 'string' }], features: [{ id: 1, geometry: null, properties: { ['__proto__']: 'polluted?' } }] });
    // The writer looked the value up with properties['__proto__'] (the prototype), so set it in SQL.
    const patched = await modify(bytes, `UPDATE t SET "__proto__" = 'value'`);
    const [row] = all(await read(patched));
    expect(Object.getPrototypeOf(row!.properties)).toBe(Object.prototype);
    expect(Object.keys(row!.properties)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(row!.properties, '__proto__')?.value).toBe('value');
  });

  it('returns blob attributes as base64 and BOOLEAN columns as booleans', async () => {
    const bytes = await modify(
      writeGeoPackage({ name: 't', fields: [{ name: 'b', type: 'boolean' }, { name: 's', type: 'string' }], features: [{ id: 1, geometry: null, properties: { b: 0 } }] }),
      `UPDATE t SET s = X'00FF10'`,
    );
    const [row] = all(await read(bytes));
    expect(row!.properties).toEqual({ b: false, s: 'AP8Q' });
  });

  it('refuses a file that is not SQLite, a SQLite file that is not a GeoPackage, and a truncated one', async () => {
    expect((await fileError(read(new TextEncoder().encode('{"type":"FeatureCollection"}'.padEnd(200))))).code).toBe('unreadable');
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE t (a)');
    const plain = db.export();
    db.close();
    const notGpkg = await fileError(read(plain));
    expect(notGpkg.code).toBe('unreadable');
    expect(notGpkg.message).toContain('gpkg_contents');
    const bytes = writeGeoPackage(sample);
    expect((await fileError(read(bytes.subarray(0, 1024)))).code).toBe('unreadable');
  });

  it('enforces maxBytes and maxRows', async () => {
    const bytes = writeGeoPackage(sample);
    expect((await fileError(readGeoPackage(bytes, {}, { ...DEFAULT_IMPORT_LIMITS, maxBytes: bytes.byteLength - 1 }))).code).toBe('too_large');
    const tooMany = await fileError(readGeoPackage(bytes, {}, { ...DEFAULT_IMPORT_LIMITS, maxRows: 5 }));
    expect(tooMany.code).toBe('too_many_rows');
    expect(tooMany.message).toContain('6 rows');
  });

  it('with several feature tables, refuses without layerName (listing them) and reads the one named', async () => {
    const second = await modify(
      writeGeoPackage(sample),
      `CREATE TABLE "网格" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POLYGON, name TEXT);
       INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('网格', 'features', 4326);
       INSERT INTO gpkg_geometry_columns VALUES ('网格', 'geom', 'POLYGON', 4326, 0, 0);
       INSERT INTO "网格" (fid, geom, name) SELECT fid, geom, "名称" FROM "事件" WHERE fid = 1;
       CREATE TABLE attrs (id INTEGER PRIMARY KEY, x TEXT);
       INSERT INTO gpkg_contents (table_name, data_type) VALUES ('attrs', 'attributes');`,
    );
    const refused = await fileError(read(second));
    expect(refused.code).toBe('unreadable');
    expect(refused.message).toContain("'事件'");
    expect(refused.message).toContain("'网格'");
    expect(refused.message).not.toContain('attrs');
    const grid = await read(second, '网格');
    expect(grid).toMatchObject({ name: '网格', total: 1, notes: ["2 tables, read '网格'"] });
    expect(all(grid)).toEqual([{ row: 1, id: 1, geometry: village, properties: { name: '西湖村' } }]);
    expect((await read(second, '事件')).total).toBe(6);
    expect((await fileError(read(second, 'nope'))).message).toContain("no feature table 'nope'");
  });

  it('reads the CRS: EPSG organisation, an EPSG authority in a custom definition, undefined SRS', async () => {
    const base = writeGeoPackage(sample);
    const custom = await modify(
      base,
      `INSERT INTO gpkg_spatial_ref_sys VALUES ('CGCS2000 / 3-degree Gauss-Kruger CM 120E', 100000, 'NONE', 100000,
        'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 120E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",120],UNIT["metre",1],AUTHORITY["EPSG","4549"]]', NULL);
       UPDATE gpkg_geometry_columns SET srs_id = 100000; UPDATE gpkg_contents SET srs_id = 100000;`,
    );
    const layer = await read(custom);
    expect(layer.crs).toEqual({ kind: 'epsg', code: 4549 });
    expect(layer.notes[0]).toContain('EPSG:4549');

    const undefinedSrs = await read(await modify(base, 'UPDATE gpkg_geometry_columns SET srs_id = 0; UPDATE gpkg_contents SET srs_id = 0;'));
    expect(undefinedSrs.crs).toBeNull();
    expect(undefinedSrs.notes[0]).toContain('undefined geographic CRS');

    const unknown = await read(
      await modify(base, `INSERT INTO gpkg_spatial_ref_sys VALUES ('local', 100001, 'NONE', 1, 'LOCAL_CS["x"]', NULL); UPDATE gpkg_geometry_columns SET srs_id = 100001;`),
    );
    expect(unknown.crs).toBeNull();
    expect(unknown.notes[0]).toContain('not an EPSG CRS');
  });

  it('reads a database whose header says WAL journal mode', async () => {
    const bytes = writeGeoPackage(sample).slice();
    bytes[18] = 2;
    bytes[19] = 2;
    expect(all(await read(bytes))).toHaveLength(6);
  });
});

describe('decodeGeometry (GeoPackage binary)', () => {
  /** A blob: header (flags, srs_id 4326, `envelope` doubles) + WKB. */
  function blob(flags: number, envelope: number[], wkb: number[], bigEndianHeader = false): Uint8Array {
    const bytes = new Uint8Array(8 + envelope.length * 8 + wkb.length);
    const view = new DataView(bytes.buffer);
    bytes.set([0x47, 0x50, 0, flags]);
    view.setInt32(4, 4326, !bigEndianHeader);
    envelope.forEach((v, i) => view.setFloat64(8 + i * 8, v, !bigEndianHeader));
    bytes.set(wkb, 8 + envelope.length * 8);
    return bytes;
  }
  function pointWkb(x: number, y: number, little = true, z?: number): number[] {
    const view = new DataView(new ArrayBuffer(z === undefined ? 21 : 29));
    view.setUint8(0, little ? 1 : 0);
    view.setUint32(1, z === undefined ? 1 : 1001, little);
    view.setFloat64(5, x, little);
    view.setFloat64(13, y, little);
    if (z !== undefined) view.setFloat64(21, z, little);
    return [...new Uint8Array(view.buffer)];
  }

  it.each([
    [0, 0],
    [1, 4],
    [2, 6],
    [3, 6],
    [4, 8],
  ])('skips an envelope of indicator %i (%i doubles)', (indicator, doubles) => {
    const parsed = parseGeoPackageGeometry(blob(1 | (indicator << 1), Array.from({ length: doubles }, () => 99), pointWkb(120.5, 30.25)));
    expect(parsed).toEqual({ geometry: { type: 'Point', coordinates: [120.5, 30.25] } });
  });

  it('reads big-endian headers and big-endian WKB, and keeps Z', () => {
    expect(parseGeoPackageGeometry(blob(0b0010, [1, 2, 3, 4], pointWkb(121, 31, false), true)).geometry).toEqual({ type: 'Point', coordinates: [121, 31] });
    expect(parseGeoPackageGeometry(blob(1, [], pointWkb(121, 31, true, 12.5))).geometry).toEqual({ type: 'Point', coordinates: [121, 31, 12.5] });
  });

  it('reads other geometry types with wkx', () => {
    const line = [1, 2, 0, 0, 0, 2, 0, 0, 0, ...new Uint8Array(new Float64Array([120, 30, 121, 31]).buffer)];
    expect(parseGeoPackageGeometry(blob(1, [], line))).toEqual({ geometry: { type: 'LineString', coordinates: [[120, 30], [121, 31]] } });
  });

  it.each([
    ['the empty flag', blob(0x11, [], [1, 3, 0, 0, 0, 0, 0, 0, 0]), 'empty geometry'],
    ['a NaN point', blob(1, [], pointWkb(Number.NaN, Number.NaN)), 'empty geometry'],
    ['a polygon without rings and no flag', blob(1, [], [1, 3, 0, 0, 0, 0, 0, 0, 0]), 'empty geometry'],
    ['envelope indicator 5', blob(1 | (5 << 1), [], pointWkb(1, 2)), 'invalid envelope indicator 5'],
    ['an extended geometry', blob(0x21, [], pointWkb(1, 2)), 'extended'],
    ['a blob without GP magic', new Uint8Array([0x58, 0x50, 0, 1, 0, 0, 0, 0, 1]), 'no GP magic'],
    ['a truncated point', blob(1, [], pointWkb(1, 2)).subarray(0, 20), 'truncated'],
    ['a CircularString (not in wkx)', blob(1, [], [1, 8, 0, 0, 0, 0]), 'unreadable geometry'],
  ])('reports %s as a problem, not an exception', (_, bytes, problem) => {
    const parsed = parseGeoPackageGeometry(bytes);
    expect(parsed.geometry).toBeNull();
    expect(parsed.problem).toContain(problem);
  });

  it('gives each bad blob its reason in the row problem', async () => {
    const bad = [
      ["X'47500011E6100000010300000000000000'", 'empty geometry'],
      ["X'4750000BE6100000'", 'invalid envelope indicator 5'],
      ["X'0102'", 'no GP magic'],
      ["'text'", 'does not hold a GeoPackage geometry blob'],
    ] as const;
    const statements = bad.map(([value], i) => `INSERT INTO t (fid, geom) VALUES (${i + 1}, ${value});`).join('\n');
    const bytes = await modify(writeGeoPackage({ name: 't', fields: [], features: [] }), statements);
    const rows = all(await read(bytes));
    expect(rows).toHaveLength(bad.length);
    rows.forEach((row, i) => {
      expect(row.geometry).toBeNull();
      expect(row.problem).toContain(bad[i]![1]);
    });
  });
});

describe('GeoPackage and GDAL', () => {
  const mustFail = reportMissing('GeoPackage via GDAL', { available: gdalAvailable, reason: GDAL_MISSING });

  it.skipIf(!gdalAvailable && !mustFail)('ogrinfo opens the written GeoPackage with the right count, type and Chinese text', () => {
    if (!gdalAvailable) throw new Error(GDAL_MISSING);
    const path = join(dir, 'written.gpkg');
    const points: ExportLayer = {
      name: '巡逻点',
      fields: [{ name: '名称', type: 'string' }, { name: 'closed', type: 'boolean' }, { name: 'day', type: 'date' }],
      features: Array.from({ length: 25 }, (_, i) => ({
        id: i + 1,
        geometry: { type: 'Point', coordinates: [120 + i / 100, 30] } as Geometry,
        properties: { 名称: `平安巡逻点${i + 1}号`, closed: i % 2 === 0, day: '2024-06-0' + ((i % 9) + 1) },
      })),
    };
    writeFileSync(path, writeGeoPackage(points));
    const summary = run('ogrinfo', ['-ro', '-so', path, '巡逻点']);
    expect(summary).toContain('Geometry: Point');
    expect(summary).toContain('Feature Count: 25');
    expect(summary).toContain('Extent: (120.000000, 30.000000) - (120.240000, 30.000000)');
    expect(summary).toMatch(/ID\["EPSG",4326\]|AUTHORITY\["EPSG","4326"\]/);
    expect(summary).toContain('closed: Integer(Boolean)');
    expect(summary).toContain('day: Date');
    const feature = run('ogrinfo', ['-ro', '-q', path, '-where', 'fid = 12', '巡逻点']);
    expect(feature).toContain('名称 (String) = 平安巡逻点12号');
    expect(feature).toMatch(/POINT \(120\.11 30(\.0)?\)/);

    // And GDAL reads back the mixed sample (GEOMETRY type, null and empty geometries).
    const mixed = join(dir, 'mixed.gpkg');
    writeFileSync(mixed, writeGeoPackage(sample));
    const json = JSON.parse(run('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', mixed])) as { features: { properties: Record<string, unknown>; geometry: Geometry | null }[] };
    expect(json.features).toHaveLength(6);
    const byName = new Map(json.features.map((f) => [f.properties['名称'], f]));
    expect(byName.get('西湖村')!.geometry).toEqual(village);
    expect(byName.get('平安路派出所「东」')!.properties).toMatchObject({ level: 3, closed: true, day: '2024-05-01', reported_at: '2024-05-01T02:30:00Z' });
    expect(byName.get('无坐标')!.geometry).toBeNull();
    expect(byName.get('空')!.geometry).toEqual({ type: 'Polygon', coordinates: [] });
  });

  it.skipIf(!gdalAvailable && !mustFail)('reads points with Chinese properties written by ogr2ogr', async () => {
    if (!gdalAvailable) throw new Error(GDAL_MISSING);
    const source = join(dir, 'points.geojson');
    writeFileSync(
      source,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { 名称: '平安路派出所', 等级: 3, 已结案: true, 日期: '2024-05-01' }, geometry: { type: 'Point', coordinates: [120.15, 30.28] } },
          { type: 'Feature', properties: { 名称: '西湖区综治中心', 等级: null, 已结案: false, 日期: null }, geometry: null },
          { type: 'Feature', properties: { 名称: '拱墅区', 等级: 1, 已结案: false, 日期: '2024-05-03' }, geometry: { type: 'Point', coordinates: [120.14, 30.32] } },
        ],
      }),
    );
    const path = join(dir, 'points.gpkg');
    run('ogr2ogr', ['-f', 'GPKG', path, source, '-nln', '事件点']);
    const layer = await read(readFileSync(path));
    expect(layer).toMatchObject({ format: 'geopackage', name: '事件点', crs: { kind: 'epsg', code: 4326 }, total: 3, notes: [] });
    expect(all(layer)).toEqual([
      { row: 1, id: 1, geometry: { type: 'Point', coordinates: [120.15, 30.28] }, properties: { 名称: '平安路派出所', 等级: 3, 已结案: true, 日期: '2024-05-01' } },
      { row: 2, id: 2, geometry: null, problem: 'no geometry', properties: { 名称: '西湖区综治中心', 等级: null, 已结案: false, 日期: null } },
      { row: 3, id: 3, geometry: { type: 'Point', coordinates: [120.14, 30.32] }, properties: { 名称: '拱墅区', 等级: 1, 已结案: false, 日期: '2024-05-03' } },
    ]);
  });

  it.skipIf(!gdalAvailable && !mustFail)('reads a polygon layer in EPSG:4549 written by ogr2ogr, and a GeoPackage with two tables', async () => {
    if (!gdalAvailable) throw new Error(GDAL_MISSING);
    const ring = [[500000, 3300000], [501000, 3300000], [501000, 3301000], [500000, 3301000], [500000, 3300000]];
    const hole = [[500200, 3300200], [500200, 3300400], [500400, 3300400], [500200, 3300200]];
    const source = join(dir, 'grid.geojson');
    writeFileSync(
      source,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { 网格: '一号网格' }, geometry: { type: 'Polygon', coordinates: [ring, hole] } },
          { type: 'Feature', properties: { 网格: '二号网格' }, geometry: { type: 'MultiPolygon', coordinates: [[ring]] } },
        ],
      }),
    );
    const path = join(dir, 'grid.gpkg');
    run('ogr2ogr', ['-f', 'GPKG', path, source, '-a_srs', 'EPSG:4549', '-nln', '网格', '-nlt', 'PROMOTE_TO_MULTI']);
    const grid = await read(readFileSync(path));
    expect(grid.crs).toEqual({ kind: 'epsg', code: 4549 });
    expect(grid.name).toBe('网格');
    expect(all(grid)).toEqual([
      { row: 1, id: 1, geometry: { type: 'MultiPolygon', coordinates: [[ring, hole]] }, properties: { 网格: '一号网格' } },
      { row: 2, id: 2, geometry: { type: 'MultiPolygon', coordinates: [[ring]] }, properties: { 网格: '二号网格' } },
    ]);

    // A second table in the same file.
    run('ogr2ogr', ['-f', 'GPKG', '-update', path, join(dir, 'points.geojson'), '-nln', '事件点']);
    const refused = await fileError(read(readFileSync(path)));
    expect(refused.code).toBe('unreadable');
    expect(refused.message).toMatch(/2 feature tables .*'事件点'.*'网格'/);
    const events = await read(readFileSync(path), '事件点');
    expect(events).toMatchObject({ name: '事件点', total: 3, crs: { kind: 'epsg', code: 4326 }, notes: ["2 tables, read '事件点'"] });
    expect(all(events)[0]!.properties['名称']).toBe('平安路派出所');
  });
});

describe('GeoPackage validator (GDAL validate_gpkg.py)', () => {
  const validator = spawnSync('/usr/bin/python3', ['-c', 'import osgeo_utils.samples.validate_gpkg'], { encoding: 'utf8' });
  const available = gdalAvailable && validator.status === 0;
  const reason = 'validate_gpkg.py (Debian python3-gdal) not found';
  const mustFail = reportMissing('GeoPackage validator', { available, reason });

  it.skipIf(!available && !mustFail)('accepts the written GeoPackage', () => {
    if (!available) throw new Error(reason);
    const path = join(dir, 'validate.gpkg');
    // No empty geometries here: GDAL 3.6's validator reads the empty flag from bit 3 instead of
    // bit 4 and rejects GDAL's own empty geometries (flags 0x11) too.
    writeFileSync(path, writeGeoPackage({ ...sample, features: sampleFeatures.filter((f) => f.id !== 9) }));
    const result = spawnSync('/usr/bin/python3', ['-m', 'osgeo_utils.samples.validate_gpkg', path], { encoding: 'utf8' });
    expect(result.stderr.replace(/Warning 1: This version of GeoPackage.*\n?/, '')).toBe('');
    expect(result.status).toBe(0);
  });
});
