import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import area from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import centroid from '@turf/centroid';
import { strToU8, zipSync } from 'fflate';
import type { Polygon, Position } from 'geojson';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readCsv } from '../../geo/import/csv.js';
import { jsonErrorOffset, readGeoJson } from '../../geo/import/geojson.js';
import { readGeoPackage } from '../../geo/import/gpkg.js';
import { readKml, readKmz } from '../../geo/import/kml.js';
import { readSource, topLevelJsonType } from '../../geo/import/read.js';
import { readShapefileZip } from '../../geo/import/shapefile.js';
import { readTopoJson } from '../../geo/import/topojson.js';
import { DEFAULT_IMPORT_LIMITS, ImportFileError, type ImportLimits, type SourceLayer, type SourceRow } from '../../geo/import/types.js';
import { reportMissing } from '../support/environment.js';
import { asyncRefusal, refusal } from '../support/import-refusal.js';

// readSource's other readers are stubbed: these tests are about which reader it picks (their own
// tests are in import-kml-shapefile.test.ts and import-archive.test.ts).
const stub = (name: string): SourceLayer => ({ format: 'kml', crs: null, name, total: 0, rows: [], notes: [] });
vi.mock('../../geo/import/kml.js', () => ({
  readKml: vi.fn(() => stub('readKml')),
  readKmz: vi.fn(async () => stub('readKmz')),
}));
vi.mock('../../geo/import/shapefile.js', () => ({ readShapefileZip: vi.fn(async () => stub('readShapefileZip')) }));
vi.mock('../../geo/import/gpkg.js', () => ({ readGeoPackage: vi.fn(async () => stub('readGeoPackage')) }));

const LIMITS = DEFAULT_IMPORT_LIMITS;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const REAL = resolve(repoRoot, '../shared/data/real');
const utf8 = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => utf8(JSON.stringify(value));
const rowsOf = (layer: SourceLayer): SourceRow[] => [...layer.rows];


// ---------------------------------------------------------------------------------------------

describe('readGeoJson', () => {
  const square: Polygon = { type: 'Polygon', coordinates: [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30]]] };

  it('reads a FeatureCollection: ids, properties, rows from 1, bad features as problems', () => {
    const layer = readGeoJson(
      json({
        type: 'FeatureCollection',
        name: 'villages',
        features: [
          { type: 'Feature', id: 'v-1', properties: { 名称: '东村', households: 120 }, geometry: square },
          { type: 'Feature', id: 7, properties: null, geometry: { type: 'Point', coordinates: [120.5, 30.5] } },
          { type: 'Feature', properties: { name: 'no shape' }, geometry: null },
          42,
          { type: 'Feature', properties: {}, geometry: { type: 'Circle', coordinates: [0, 0] } },
          { type: 'Polygon', coordinates: [] },
          { type: 'Feature', properties: ['a'], geometry: square },
          { type: 'Feature', id: { nested: true }, properties: { n: 8 }, geometry: square },
        ],
      }),
      {},
      LIMITS,
    );
    expect(layer).toMatchObject({ format: 'geojson', crs: null, name: 'villages', total: 8 });
    const rows = rowsOf(layer);
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows[0]).toEqual({ row: 1, id: 'v-1', geometry: square, properties: { 名称: '东村', households: 120 } });
    expect(rows[1]).toEqual({ row: 2, id: 7, geometry: { type: 'Point', coordinates: [120.5, 30.5] }, properties: {} });
    expect(rows[2]).toEqual({ row: 3, geometry: null, properties: { name: 'no shape' }, problem: 'no geometry' });
    expect(rows[3]).toMatchObject({ row: 4, geometry: null, problem: 'feature is not an object (number)' });
    expect(rows[4]).toMatchObject({ row: 5, geometry: null, problem: 'unknown geometry type "Circle"' });
    expect(rows[5]).toMatchObject({ row: 6, geometry: null, problem: 'not a Feature (type "Polygon")' });
    expect(rows[6]).toMatchObject({ row: 7, geometry: null, problem: 'properties is not an object' });
    expect(rows[7]).toEqual({ row: 8, geometry: square, properties: { n: 8 } }); // an object id is no id
    // The rows can be read again (the pipeline reads them once for the dry run, once to write).
    expect(rowsOf(layer)).toEqual(rows);
  });

  it('reads the legacy crs member, drops a BOM, and refuses a CRS it does not know', () => {
    const withCrs = (name: string) => ({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name } },
      features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [40500000, 3300000] } }],
    });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...json(withCrs('urn:ogc:def:crs:EPSG::4528'))]);
    const layer = readGeoJson(bom, {}, LIMITS);
    expect(layer.crs).toEqual({ kind: 'epsg', code: 4528 });
    expect(layer.notes).toContain('CRS "urn:ogc:def:crs:EPSG::4528" from the file\'s "crs" member');
    expect(readGeoJson(json(withCrs('gcj02')), {}, LIMITS).crs).toEqual({ kind: 'gcj02' });
    expect(refusal(() => readGeoJson(json(withCrs('urn:ogc:def:crs:EPSG::Mars')), {}, LIMITS)).code).toBe('unknown_crs');
    expect(refusal(() => readGeoJson(json({ ...withCrs('x'), crs: { type: 'link', properties: { href: 'http://x' } } }), {}, LIMITS)).code).toBe('unknown_crs');
  });

  it('reads a single Feature and a bare geometry as one row', () => {
    const feature = readGeoJson(json({ type: 'Feature', id: 3, properties: { a: 1 }, geometry: square }), {}, LIMITS);
    expect(rowsOf(feature)).toEqual([{ row: 1, id: 3, geometry: square, properties: { a: 1 } }]);
    const bare = readGeoJson(json(square), {}, LIMITS);
    expect(bare.total).toBe(1);
    expect(rowsOf(bare)).toEqual([{ row: 1, geometry: square, properties: {} }]);
  });

  it('says where JSON is broken', () => {
    const text = '{\n  "type": "FeatureCollection",\n  "features": [ {"type": "Feature",, } ]\n}';
    const error = refusal(() => readGeoJson(utf8(text), {}, LIMITS));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('line 3, column 36 (character 69)'); // the second comma
    expect(jsonErrorOffset('{"a":}')).toBe(5);
    expect(jsonErrorOffset('{"a":1')).toBe(6);
    expect(jsonErrorOffset('[1,]')).toBe(3);
    expect(jsonErrorOffset('["a\nb"]')).toBe(3); // a raw line break inside a string
    expect(jsonErrorOffset('[01]')).toBe(2);
    expect(jsonErrorOffset('[1, {"b": [true, null, "x\\u00e9"]}] ')).toBe(-1);
    expect(refusal(() => readGeoJson(utf8(''), {}, LIMITS)).message).toContain('line 1, column 1');
  });

  it('refuses what is not UTF-8 GeoJSON', () => {
    expect(refusal(() => readGeoJson(new Uint8Array([0x7b, 0xbe, 0xad, 0x7d]), {}, LIMITS)).message).toMatch(/UTF-8/);
    expect(refusal(() => readGeoJson(json([1, 2]), {}, LIMITS)).code).toBe('unreadable');
    expect(refusal(() => readGeoJson(json({ type: 'Topology', objects: {}, arcs: [] }), {}, LIMITS)).message).toMatch(/TopoJSON/);
    expect(refusal(() => readGeoJson(json({ type: 'FeatureCollection' }), {}, LIMITS)).message).toMatch(/features/);
  });

  it('refuses more rows than the limit', () => {
    const features = Array.from({ length: 3 }, () => ({ type: 'Feature', properties: {}, geometry: square }));
    const limits: ImportLimits = { ...LIMITS, maxRows: 2 };
    expect(refusal(() => readGeoJson(json({ type: 'FeatureCollection', features }), {}, limits)).code).toBe('too_many_rows');
    expect(readGeoJson(json({ type: 'FeatureCollection', features: features.slice(1) }), {}, limits).total).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('readTopoJson', () => {
  /** Quantized: x = q·0.5 + 100, y = q·0.25 + 30, arcs delta-encoded. */
  const topology = {
    type: 'Topology',
    transform: { scale: [0.5, 0.25], translate: [100, 30] },
    arcs: [
      [[0, 0], [2, 0], [0, 4], [-2, 0], [0, -4]], // a closed square ring
      [[4, 4], [2, 2]], // a line
    ],
    objects: {
      zones: {
        type: 'GeometryCollection',
        geometries: [
          { type: 'Polygon', id: 'z1', arcs: [[0]], properties: { name: '一号' } },
          { type: null, properties: { name: 'empty' } },
          { type: 'LineString', arcs: [9], properties: { name: 'broken' } },
          { type: 'Point', coordinates: [2, 2], properties: { name: 'pt' } },
        ],
      },
      axis: { type: 'LineString', arcs: [1], properties: { name: 'axis' } },
    },
  };

  it('reads every object in key order, with problems for null and broken geometries', () => {
    const layer = readTopoJson(json(topology), {}, LIMITS);
    expect(layer).toMatchObject({ format: 'topojson', crs: null, name: 'axis, zones', total: 5 });
    expect(layer.notes).toEqual(['2 objects (axis, zones): all read, in that order; choose one with layerName']);
    const rows = rowsOf(layer);
    expect(rows[0]).toEqual({ row: 1, properties: { name: 'axis' }, geometry: { type: 'LineString', coordinates: [[102, 31], [103, 31.5]] } });
    expect(rows[1]).toEqual({
      row: 2,
      id: 'z1',
      properties: { name: '一号' },
      geometry: { type: 'Polygon', coordinates: [[[100, 30], [101, 30], [101, 31], [100, 31], [100, 30]]] },
    });
    expect(rows[2]).toEqual({ row: 3, properties: { name: 'empty' }, geometry: null, problem: 'no geometry' });
    expect(rows[3]).toMatchObject({ row: 4, properties: { name: 'broken' }, geometry: null });
    expect(rows[3]!.problem).toMatch(/^cannot decode the geometry/);
    expect(rows[4]).toEqual({ row: 5, properties: { name: 'pt' }, geometry: { type: 'Point', coordinates: [101, 30.5] } });
  });

  it('reads the object named by layerName, and says which exist when it is not there', () => {
    const layer = readTopoJson(json(topology), { layerName: 'zones' }, LIMITS);
    expect(layer.name).toBe('zones');
    expect(layer.total).toBe(4);
    expect(layer.notes).toEqual([]);
    const error = refusal(() => readTopoJson(json(topology), { layerName: 'roads' }, LIMITS));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('axis, zones');
  });

  it('reads the crs member, and refuses what is not a topology or has too many rows', () => {
    const withCrs = { ...topology, crs: { type: 'name', properties: { name: 'EPSG:4490' } } };
    expect(readTopoJson(json(withCrs), {}, LIMITS).crs).toEqual({ kind: 'epsg', code: 4490 });
    expect(refusal(() => readTopoJson(json({ ...topology, crs: { type: 'name', properties: { name: 'nowhere' } } }), {}, LIMITS)).code).toBe('unknown_crs');
    expect(refusal(() => readTopoJson(json({ type: 'FeatureCollection', features: [] }), {}, LIMITS)).code).toBe('unreadable');
    expect(refusal(() => readTopoJson(json({ ...topology, arcs: undefined }), {}, LIMITS)).message).toMatch(/arcs/);
    expect(refusal(() => readTopoJson(json(topology), {}, { ...LIMITS, maxRows: 4 })).code).toBe('too_many_rows');
  });

  // Real MCA boundary files (see ../shared/data/real/README.md), read where they are.
  const realAvailable = existsSync(resolve(REAL, 'baiyin-620400.topojson'));
  const mustFail = reportMissing('real TopoJSON boundaries', { available: realAvailable, reason: `${REAL} not found` });
  const real = (name: string) => {
    if (!realAvailable) throw new Error(`${REAL} not found`);
    return readFileSync(resolve(REAL, name));
  };
  const byCode = (rows: SourceRow[], code: string) => rows.filter((r) => r.properties.QUHUADAIMA === code);

  it.skipIf(!realAvailable && !mustFail)('Baiyin: 22 polygons incl. the frame "fanwei", CRS84, decoded to the right place', () => {
    const bytes = real('baiyin-620400.topojson');
    const layer = readTopoJson(bytes, {}, LIMITS);
    expect(layer).toMatchObject({ name: '620400', total: 22, crs: { kind: 'epsg', code: 4326 } });
    const rows = rowsOf(layer);
    expect(rows.every((r) => r.geometry?.type === 'Polygon' && !r.problem)).toBe(true);
    // The frame is a feature like any other: the reader does not judge it.
    expect(rows[0]!.properties).toEqual({ NAME: '', QUHUADAIMA: 'fanwei', FillColor: '' });

    // One position decoded by hand from the raw file: the first arc of row 2 (临夏), delta-decoded.
    const raw = JSON.parse(bytes.toString('utf8'));
    const { scale, translate } = raw.transform as { scale: [number, number]; translate: [number, number] };
    const ref = raw.objects['620400'].geometries[1].arcs[0][0] as number;
    const arc = raw.arcs[ref < 0 ? ~ref : ref] as [number, number][];
    const [q0, q1] = [arc[0]!, arc[1]!];
    const expected = [
      [q0[0] * scale[0] + translate[0], q0[1] * scale[1] + translate[1]],
      [(q0[0] + q1[0]) * scale[0] + translate[0], (q0[1] + q1[1]) * scale[1] + translate[1]],
    ];
    expect(ref).toBeGreaterThanOrEqual(0);
    expect((rows[1]!.geometry as Polygon).coordinates[0]!.slice(0, 2)).toEqual(expected);

    // The counties lie inside the city, the neighbours do not; areas as published (白银区 1372 km²).
    const city = byCode(rows, '620400')[0]!.geometry as Polygon;
    for (const code of ['620402', '620403', '620421', '620422', '620423']) {
      for (const row of byCode(rows, code)) expect({ code, inside: booleanPointInPolygon(centroid(row.geometry as Polygon), city) }).toEqual({ code, inside: true });
    }
    for (const code of ['620100', '622900']) expect(booleanPointInPolygon(centroid(byCode(rows, code)[0]!.geometry as Polygon), city)).toBe(false);
    const baiyinQu = area(byCode(rows, '620402')[0]!.geometry as Polygon) / 1e6;
    expect(baiyinQu).toBeGreaterThan(1200);
    expect(baiyinQu).toBeLessThan(1500);
  });

  it.skipIf(!realAvailable && !mustFail)('Gannan: the null geometry is a row with a problem, the multipolygon is read', () => {
    const rows = rowsOf(readTopoJson(real('gannan-623000.topojson'), {}, LIMITS));
    expect(rows).toHaveLength(25);
    const problems = rows.filter((r) => r.problem);
    expect(problems).toEqual([{ row: 6, properties: { NAME: '天水市', QUHUADAIMA: '620500', FillColor: '#ffffff' }, geometry: null, problem: 'no geometry' }]);
    const multi = rows.filter((r) => r.geometry?.type === 'MultiPolygon');
    expect(multi.map((r) => [r.row, r.properties.NAME])).toEqual([[2, '海南藏族自治州']]);
    expect((multi[0]!.geometry as { coordinates: Position[][][] }).coordinates).toHaveLength(2);
    const hezuo = byCode(rows, '623001');
    expect(hezuo).toHaveLength(1);
    expect(area(hezuo[0]!.geometry as Polygon) / 1e6).toBeGreaterThan(1500); // 合作市, 2670 km² as published
  });

  it.skipIf(!realAvailable && !mustFail)('Ningbo: 1033 rows, island polygons of 宁海县, null geometries as problems, no CRS', () => {
    const layer = readTopoJson(real('ningbo-330200.topojson'), {}, LIMITS);
    expect(layer).toMatchObject({ name: '330200', total: 1033, crs: null });
    const rows = rowsOf(layer);
    expect(rows.filter((r) => r.problem === 'no geometry')).toHaveLength(251);
    expect(rows.filter((r) => r.geometry).every((r) => r.geometry!.type === 'Polygon')).toBe(true);
    // 宁海县: the mainland and many small islands, one row each.
    const ninghai = byCode(rows, '330226').filter((r) => r.geometry);
    const areas = ninghai.map((r) => area(r.geometry as Polygon) / 1e6).sort((a, b) => b - a);
    expect(ninghai).toHaveLength(24);
    expect(areas[0]).toBeGreaterThan(1500);
    expect(areas[0]).toBeLessThan(2000);
    expect(areas.slice(1).every((a) => a < 5)).toBe(true);
    expect(byCode(rows, '330282').filter((r) => r.geometry)).toHaveLength(2); // 慈溪市 and an islet
    // Every position in the Ningbo area (no quantization left undone).
    const positions = rows.flatMap((r) => (r.geometry ? (r.geometry as Polygon).coordinates.flat() : []));
    expect(positions.every(([x, y]) => x! > 120.4 && x! < 122.8 && y! > 29.1 && y! < 30.6)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('readCsv', () => {
  it('reads lon/lat columns: points, properties as strings, line-based row numbers', () => {
    const text = '\uFEFFname,LON, Lat ,households\r\n东村,120.5,30.25,120\r\n\r\n"West, ""old""\r\nvillage",-120.5e0,+30,\r\n';
    const layer = readCsv(utf8(text), {}, LIMITS);
    expect(layer).toMatchObject({ format: 'csv', crs: null, name: null, total: 2 });
    expect(rowsOf(layer)).toEqual([
      { row: 1, geometry: { type: 'Point', coordinates: [120.5, 30.25] }, properties: { name: '东村', households: '120' } },
      // Line 3 is blank: the quoted two-line value starts on line 4, row 3.
      { row: 3, geometry: { type: 'Point', coordinates: [-120.5, 30] }, properties: { name: 'West, "old"\nvillage', households: '' } },
    ]);
    expect(layer.notes).toContain('coordinates from columns LON (longitude) and Lat (latitude)');
  });

  it('detects ; and tab delimiters and Chinese column names; refuses a decimal comma', () => {
    const semicolon = readCsv(utf8('名称;经度;纬度\n甲;120,5;30.5\n乙;120.5;30.5\n'), {}, LIMITS);
    expect(semicolon.notes).toContain('delimiter ";"');
    expect(rowsOf(semicolon)).toEqual([
      { row: 1, geometry: null, properties: { 名称: '甲' }, problem: '经度 "120,5" is not a number (use a decimal point, not a comma)' },
      { row: 2, geometry: { type: 'Point', coordinates: [120.5, 30.5] }, properties: { 名称: '乙' } },
    ]);
    const tab = readCsv(utf8('id\t东经\t北纬\tnote\n1\t121\t29\ta;b,c\n'), {}, LIMITS);
    expect(tab.notes).toContain('delimiter tab');
    expect(rowsOf(tab)).toEqual([{ row: 1, geometry: { type: 'Point', coordinates: [121, 29] }, properties: { id: '1', note: 'a;b,c' } }]);
    // Excel's sep= line.
    const sep = readCsv(utf8('sep=;\nx;y\n1,5;2\n3;4\n'), {}, LIMITS);
    expect(rowsOf(sep).map((r) => [r.row, r.geometry, r.problem])).toEqual([
      [1, null, 'x "1,5" is not a number (use a decimal point, not a comma)'],
      [2, { type: 'Point', coordinates: [3, 4] }, undefined],
    ]);
  });

  it('reports bad rows, naming the column and the value', () => {
    const text = 'name,lng,lat\na,,30\nb,abc,30\nc,120\nd,120,30,x\ne,120, 30 \nf,0x10,30\ng,Infinity,1\n';
    expect(rowsOf(readCsv(utf8(text), {}, LIMITS)).map((r) => [r.row, r.problem ?? r.geometry])).toEqual([
      [1, 'lng is empty'],
      [2, 'lng "abc" is not a number'],
      [3, '2 values where the header has 3 columns'],
      [4, '4 values where the header has 3 columns'],
      [5, { type: 'Point', coordinates: [120, 30] }],
      [6, 'lng "0x10" is not a number'],
      [7, 'lng "Infinity" is not a number'],
    ]);
  });

  it('takes the columns named in the options, and names the columns there are when none fit', () => {
    const layer = readCsv(utf8('E,N,x\n500000.5,3300000,keep\n'), { lonColumn: 'e', latColumn: 'N' }, LIMITS);
    expect(rowsOf(layer)).toEqual([{ row: 1, geometry: { type: 'Point', coordinates: [500000.5, 3300000] }, properties: { x: 'keep' } }]);
    const missing = refusal(() => readCsv(utf8('名称,地址,电话\n甲,乙,丙\n'), {}, LIMITS));
    expect(missing.code).toBe('unreadable');
    expect(missing.message).toContain('the columns are: 名称, 地址, 电话');
    expect(refusal(() => readCsv(utf8('a,b\n1,2\n'), { lonColumn: 'east' }, LIMITS)).message).toBe('no longitude column "east"; the columns are: a, b');
    expect(refusal(() => readCsv(utf8('lon,name\n1,2\n'), {}, LIMITS)).code).toBe('unreadable'); // no latitude
  });

  it('reads a WKT column (and EWKT with its SRID, hex EWKB) when there are no lon/lat columns', () => {
    const text = [
      'name;WKT',
      'a;POINT(120 30)',
      'b;LINESTRING(120 30, 121 31)',
      'c;POLYGON((0 0, 1 0, 1 1, 0 0))',
      'd;POINT(1',
      'e;',
      'f;0101000020E6100000000000000000F03F0000000000000040',
    ].join('\n');
    const layer = readCsv(utf8(text), {}, LIMITS);
    expect(layer.crs).toEqual({ kind: 'epsg', code: 4326 }); // from the EWKB's SRID
    expect(rowsOf(layer).map((r) => [r.row, r.geometry, r.problem, r.properties])).toEqual([
      [1, { type: 'Point', coordinates: [120, 30] }, undefined, { name: 'a' }],
      [2, { type: 'LineString', coordinates: [[120, 30], [121, 31]] }, undefined, { name: 'b' }],
      [3, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, undefined, { name: 'c' }],
      [4, null, 'WKT "POINT(1" is not WKT (Expected coordinates)', { name: 'd' }],
      [5, null, 'WKT is empty', { name: 'e' }],
      [6, { type: 'Point', coordinates: [1, 2] }, undefined, { name: 'f' }],
    ]);
    const ewkt = readCsv(utf8('geom\nSRID=4490;POINT(120 30)\nSRID=4326;POINT(1 1)\n'), {}, LIMITS);
    expect(ewkt.crs).toEqual({ kind: 'epsg', code: 4490 });
    expect(rowsOf(ewkt)[1]!.problem).toBe("SRID 4326 differs from the file's SRID 4490");
  });

  /** 名称,经度,纬度 / 甲村,120.5,30.25 in GBK, byte by byte (名称 C3FB B3C6, 经度 BEAD B6C8, 纬度 CEB3 B6C8, 甲 BCD7, 村 B4E5). */
  const GBK_FILE = new Uint8Array([
    0xc3, 0xfb, 0xb3, 0xc6, 0x2c, 0xbe, 0xad, 0xb6, 0xc8, 0x2c, 0xce, 0xb3, 0xb6, 0xc8, 0x0d, 0x0a,
    0xbc, 0xd7, 0xb4, 0xe5, 0x2c, ...utf8('120.5,30.25'), 0x0d, 0x0a,
  ]);

  it('falls back to GB18030 for a GBK file from Excel, with a note', () => {
    const layer = readCsv(GBK_FILE, {}, LIMITS);
    expect(rowsOf(layer)).toEqual([{ row: 1, geometry: { type: 'Point', coordinates: [120.5, 30.25] }, properties: { 名称: '甲村' } }]);
    expect(layer.notes[0]).toMatch(/^not UTF-8: read as GB18030/);
    // The encoding named in the options: no guessing, no note; a wrong one is refused.
    const named = readCsv(GBK_FILE, { encoding: 'gbk' }, LIMITS);
    expect(rowsOf(named)[0]!.properties).toEqual({ 名称: '甲村' });
    expect(named.notes.some((n) => n.includes('GB18030'))).toBe(false);
    expect(refusal(() => readCsv(GBK_FILE, { encoding: 'utf-8' }, LIMITS)).message).toBe('the file is not valid utf-8 text');
    expect(refusal(() => readCsv(GBK_FILE, { encoding: 'klingon' }, LIMITS)).message).toMatch(/unknown text encoding/);
  });

  const iconvAvailable = (() => {
    try {
      execFileSync('iconv', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const iconvMustFail = reportMissing('GBK CSV via iconv', { available: iconvAvailable, reason: 'iconv (Debian libc-bin) not found' });
  it.skipIf(!iconvAvailable && !iconvMustFail)('reads a GBK file that iconv wrote, rare characters included', () => {
    if (!iconvAvailable) throw new Error('iconv not found');
    const text = '名称,经度,纬度,地址\r\n碌曲县政府,102.49,34.59,甘肃省甘南藏族自治州碌曲县\r\n合作市,102.91,34.98,"当周街道, 伊合昂路"\r\n';
    const gbk = new Uint8Array(execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: text }));
    expect(gbk.length).toBeLessThan(utf8(text).length); // really two bytes a character
    const layer = readCsv(gbk, {}, LIMITS);
    expect(rowsOf(layer)).toEqual([
      { row: 1, geometry: { type: 'Point', coordinates: [102.49, 34.59] }, properties: { 名称: '碌曲县政府', 地址: '甘肃省甘南藏族自治州碌曲县' } },
      { row: 2, geometry: { type: 'Point', coordinates: [102.91, 34.98] }, properties: { 名称: '合作市', 地址: '当周街道, 伊合昂路' } },
    ]);
  });

  it('reads UTF-16 with a BOM (Excel "Unicode text", tab-separated)', () => {
    const text = '\uFEFF名称\t经度\t纬度\r\n甲\t120\t30\r\n';
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      bytes[2 * i] = text.charCodeAt(i) & 0xff;
      bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    const layer = readCsv(bytes, {}, LIMITS);
    expect(rowsOf(layer)).toEqual([{ row: 1, geometry: { type: 'Point', coordinates: [120, 30] }, properties: { 名称: '甲' } }]);
  });

  it('refuses an empty file, broken quoting and too many rows', () => {
    expect(refusal(() => readCsv(utf8(''), {}, LIMITS)).message).toBe('the CSV file is empty');
    expect(refusal(() => readCsv(utf8('lon,lat\n"1,2\n'), {}, LIMITS)).message).toMatch(/^the CSV file cannot be parsed: Quote Not Closed/);
    const limits = { ...LIMITS, maxRows: 2 };
    expect(refusal(() => readCsv(utf8('lon,lat\n1,2\n1,2\n1,2\n'), {}, limits)).code).toBe('too_many_rows');
    expect(readCsv(utf8('lon,lat\n1,2\n1,2\n'), {}, limits).total).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('readSource', () => {
  beforeEach(() => vi.clearAllMocks());
  const FC = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { a: 1 }, geometry: { type: 'Point', coordinates: [120, 30] } }] };
  const TOPO = { type: 'Topology', arcs: [], objects: { o: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }] } } };

  it('goes by content, whatever the name says', async () => {
    expect((await readSource('points.csv', json(FC), {}, LIMITS)).format).toBe('geojson');
    expect((await readSource('boundaries.json', json(TOPO), {}, LIMITS)).format).toBe('topojson');
    expect((await readSource('boundaries.geojson', new Uint8Array([0xef, 0xbb, 0xbf, 0x0a, ...json(TOPO)]), {}, LIMITS)).format).toBe('topojson');
    expect((await readSource('export', utf8('lon,lat\n1,2\n'), {}, LIMITS).catch((e: unknown) => e)) as ImportFileError).toMatchObject({ code: 'unknown_format' });
    expect((await readSource('export.TXT', utf8('lon,lat\n1,2\n'), {}, LIMITS)).format).toBe('csv');
    expect((await readSource('export.tsv', utf8('lon\tlat\n1\t2\n'), {}, LIMITS)).format).toBe('csv');

    await readSource('doc.csv', utf8('  <?xml version="1.0"?><kml/>'), {}, LIMITS);
    expect(vi.mocked(readKml)).toHaveBeenCalledTimes(1);

    const sqlite = new Uint8Array(1024);
    sqlite.set(utf8('SQLite format 3\0'));
    expect((await readSource('layer.geojson', sqlite, { layerName: 't' }, LIMITS)).name).toBe('readGeoPackage');
    expect(vi.mocked(readGeoPackage)).toHaveBeenCalledWith(sqlite, { layerName: 't' }, LIMITS);
  });

  it('tells a KMZ from a zipped shapefile by the entries, not the name', async () => {
    const kmz = zipSync({ 'doc.kml': strToU8('<kml/>'), 'files/icon.png': new Uint8Array(10) });
    const shp = zipSync({ 'roads.shp': new Uint8Array(100), 'roads.dbf': new Uint8Array(10), 'roads.shx': new Uint8Array(10) });
    // macOS's Finder adds __MACOSX/ copies and ._ resource forks: not KML files.
    const macFolder = zipSync({ 'roads.shp': new Uint8Array(100), 'roads.dbf': new Uint8Array(10), '__MACOSX/doc.kml': new Uint8Array(4) });
    const macFork = zipSync({ 'roads.shp': new Uint8Array(100), 'roads.dbf': new Uint8Array(10), 'data/._doc.kml': new Uint8Array(4) });
    expect((await readSource('upload.zip', kmz, {}, LIMITS)).name).toBe('readKmz');
    expect((await readSource('upload.kmz', shp, {}, LIMITS)).name).toBe('readShapefileZip');
    expect((await readSource('upload.zip', macFolder, {}, LIMITS)).name).toBe('readShapefileZip');
    expect((await readSource('upload.zip', macFork, {}, LIMITS)).name).toBe('readShapefileZip');
    expect(vi.mocked(readKmz)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(readShapefileZip)).toHaveBeenCalledTimes(3);
    expect(vi.mocked(readShapefileZip)).toHaveBeenCalledWith(shp, {}, LIMITS);
    // A damaged zip goes to the reader the name suggests, which says what is wrong.
    const damaged = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    expect((await readSource('a.kmz', damaged, {}, LIMITS)).name).toBe('readKmz');
    expect((await readSource('a.zip', damaged, {}, LIMITS)).name).toBe('readShapefileZip');
    // An Excel workbook is a zip too.
    const xlsx = zipSync({ '[Content_Types].xml': strToU8('<x/>'), 'xl/workbook.xml': strToU8('<x/>') });
    const excel = await asyncRefusal(readSource('points.zip', xlsx, {}, LIMITS));
    expect(excel.code).toBe('unknown_format');
    expect(excel.message).toMatch(/save the sheet as CSV/);
  });

  it('refuses a file over the size limit before looking at it', async () => {
    const kmz = zipSync({ 'doc.kml': strToU8('<kml/>') });
    const error = await asyncRefusal(readSource('a.kmz', kmz, {}, { ...LIMITS, maxBytes: kmz.length - 1 }));
    expect(error.code).toBe('too_large');
    expect(vi.mocked(readKmz)).not.toHaveBeenCalled();
    expect((await readSource('a.kmz', kmz, {}, { ...LIMITS, maxBytes: kmz.length })).name).toBe('readKmz');
  });

  it('says what it accepts, and what is wrong with a misnamed or partial upload', async () => {
    const unknown = await asyncRefusal(readSource('photo.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), {}, LIMITS));
    expect(unknown.code).toBe('unknown_format');
    expect(unknown.message).toMatch(/GeoJSON.*TopoJSON.*CSV.*KML.*KMZ.*shapefile.*GeoPackage/);
    expect((await asyncRefusal(readSource('a.gpkg', utf8('hello'), {}, LIMITS))).code).toBe('unreadable');
    expect((await asyncRefusal(readSource('roads.shp', new Uint8Array([0, 0, 0x27, 0x0a]), {}, LIMITS))).message).toMatch(/zip the \.shp/);
    // Named JSON but not starting like JSON: the GeoJSON reader explains.
    expect((await asyncRefusal(readSource('a.geojson', utf8('type: FeatureCollection'), {}, LIMITS))).message).toMatch(/not valid JSON at line 1, column 1/);
  });

  it('turns a reader crashing on a malformed file into unreadable', async () => {
    vi.mocked(readKml).mockImplementationOnce(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    });
    const error = await asyncRefusal(readSource('a.kml', utf8('<kml>'), {}, LIMITS));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain("reading 'x'");
  });

  it('finds the top-level "type" of JSON without parsing it', () => {
    const type = (value: string) => topLevelJsonType(utf8(value));
    expect(type('{"type":"Topology","arcs":[]}')).toBe('Topology');
    expect(type('{"arcs":[[[0,0]]],"objects":{"a":{"type":"GeometryCollection"}}, "type" : "Topology"}')).toBe('Topology');
    expect(type('{"features":[{"type":"Feature","properties":{"type":"Topology"}}],"type":"FeatureCollection"}')).toBe('FeatureCollection');
    expect(type('{"name":"type","x":"a\\"type\\":\\"Topology"}')).toBeNull();
    expect(type('{"名称":"拓扑","type":"Topology"}')).toBe('Topology');
  });
});
