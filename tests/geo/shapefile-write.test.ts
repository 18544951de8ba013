import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Feature, Geometry, Position } from 'geojson';
import { read as readShapefile } from 'shapefile';
import { afterAll, describe, expect, it } from 'vitest';
import { writeShapefileZip } from '../../geo/export/shapefile.js';
import type { ExportFeature, ExportLayer } from '../../geo/export/types.js';
import { reportMissing } from '../support/environment.js';

const gdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' });
const gdalAvailable = gdal.status === 0 && /GDAL/.test(gdal.stdout ?? '');
const GDAL_MISSING = 'ogrinfo (Debian gdal-bin) not found';

const dir = mkdtempSync(join(tmpdir(), 'atlas-shp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const utf8 = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
const longText = '平安'.repeat(200); // 1,200 UTF-8 bytes

/** Twice the signed area: > 0 counter-clockwise (y up). */
function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return sum;
}

// GeoJSON (RFC 7946) orientation: outer ring counter-clockwise, hole clockwise.
const outer: Position[] = [[120.1, 30.2], [120.2, 30.2], [120.2, 30.3], [120.1, 30.3], [120.1, 30.2]];
const hole: Position[] = [[120.12, 30.22], [120.12, 30.24], [120.14, 30.24], [120.12, 30.22]];

const fields: ExportLayer['fields'] = [
  { name: '名称', type: 'string' },
  { name: '事件类型描述信息', type: 'string' }, // 24 bytes: cut to '事件类' (9 bytes)
  { name: '事件类型描述信息备注', type: 'string' }, // same cut: made unique
  { name: 'level', type: 'integer' },
  { name: 'score', type: 'real' },
  { name: 'closed', type: 'boolean' },
  { name: 'day', type: 'date' },
  { name: 'reported_at', type: 'datetime' },
];

const points: ExportFeature[] = [
  {
    id: 1,
    geometry: { type: 'Point', coordinates: [120.153576, 30.287459, 15] },
    properties: { 名称: '平安路派出所', 事件类型描述信息: longText, 事件类型描述信息备注: '备注', level: 3, score: 0.1 + 0.2, closed: true, day: '2024-05-01', reported_at: new Date('2024-05-01T10:30:00+08:00') },
  },
  { id: 2, geometry: null, properties: { 名称: '无坐标', level: null, score: null, closed: null, day: null } },
  { id: 3, geometry: { type: 'Point', coordinates: [120.2, 30.3] }, properties: { 名称: 'Ascii only', level: -12345, score: -2.5, closed: false, day: new Date(2024, 11, 31) } },
];

async function readEntry(files: Record<string, Uint8Array>, base: string) {
  return readShapefile(files[`${base}.shp`]!, files[`${base}.dbf`]!, { encoding: 'utf-8' });
}

describe('writeShapefileZip', () => {
  it('writes .shp/.shx/.dbf/.prj/.cpg that the shapefile package reads back with Chinese text intact', async () => {
    const files = unzipSync(writeShapefileZip({ name: '巡逻点', fields, features: points }));
    expect(Object.keys(files).sort()).toEqual(['巡逻点.cpg', '巡逻点.dbf', '巡逻点.prj', '巡逻点.shp', '巡逻点.shx']);
    expect(utf8(files['巡逻点.cpg'])).toBe('UTF-8');
    expect(utf8(files['巡逻点.prj'])).toMatch(/^GEOGCS\["GCS_WGS_1984",DATUM\["D_WGS_1984"/);

    const collection = await readEntry(files, '巡逻点');
    expect(collection.features).toHaveLength(3);
    const [first, none, third] = collection.features as [Feature, Feature, Feature];
    expect(first.geometry).toEqual({ type: 'Point', coordinates: [120.153576, 30.287459] }); // Z dropped
    expect(first.properties).toEqual({
      名称: '平安路派出所',
      事件类: '平安'.repeat(42), // 254 bytes → 84 whole characters (252 bytes)
      事件_2: '备注',
      level: 3,
      score: 0.30000000000000004,
      closed: true,
      day: new Date(2024, 4, 1), // the shapefile package reads D fields as local dates
      reported_a: '2024-05-01T02:30:00.000Z',
    });
    expect(none.geometry).toBeNull();
    // A null date is written as blanks (GDAL reads null); the shapefile package turns blanks into a
    // bogus 1899 date, so check the bytes instead.
    expect(none.properties).toMatchObject({ 名称: '无坐标', level: null, score: null, closed: null });
    expect(third.properties).toMatchObject({ 名称: 'Ascii only', level: -12345, score: -2.5, closed: false, day: new Date(2024, 11, 31) });
  });

  it('sizes DBF fields in UTF-8 bytes and truncates names to 10 bytes on a character boundary', () => {
    const dbf = unzipSync(writeShapefileZip({ name: 't', fields, features: points }))['t.dbf']!;
    const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength);
    expect(view.getUint32(4, true)).toBe(3); // records
    const descriptors = Array.from({ length: fields.length }, (_, i) => {
      const at = 32 + i * 32;
      const raw = dbf.subarray(at, at + 11);
      return { name: utf8(raw.subarray(0, raw.indexOf(0))), type: String.fromCharCode(dbf[at + 11]!), width: dbf[at + 16], decimals: dbf[at + 17] };
    });
    expect(descriptors).toEqual([
      { name: '名称', type: 'C', width: 18, decimals: 0 }, // '平安路派出所' = 6 characters, 18 bytes
      { name: '事件类', type: 'C', width: 254, decimals: 0 },
      { name: '事件_2', type: 'C', width: 6, decimals: 0 },
      { name: 'level', type: 'N', width: 6, decimals: 0 },
      { name: 'score', type: 'N', width: 19, decimals: 15 }, // '0.30000000000000004', at most 15 declared decimals
      { name: 'closed', type: 'L', width: 1, decimals: 0 },
      { name: 'day', type: 'D', width: 8, decimals: 0 },
      { name: 'reported_a', type: 'C', width: 24, decimals: 0 },
    ]);
    expect(dbf[32 + 32 * fields.length]).toBe(0x0d);
    // Second record: blanks for every null field.
    const headerLength = view.getUint16(8, true);
    const recordLength = view.getUint16(10, true);
    expect(recordLength).toBe(1 + 18 + 254 + 6 + 6 + 19 + 1 + 8 + 24);
    const second = dbf.subarray(headerLength + recordLength, headerLength + 2 * recordLength);
    expect(utf8(second)).toBe(` ${'无坐标'.padEnd(18 - 6)}${' '.repeat(254 + 6 + 6 + 19 + 1 + 8 + 24)}`);
    expect(dbf[dbf.length - 1]).toBe(0x1a);
  });

  it('writes polygon rings clockwise (outer) and counter-clockwise (holes), whatever the input order', async () => {
    const reversed = (ring: Position[]) => [...ring].reverse();
    const features: ExportFeature[] = [
      { id: 1, geometry: { type: 'Polygon', coordinates: [outer, hole] }, properties: {} }, // RFC 7946 order
      { id: 2, geometry: { type: 'Polygon', coordinates: [reversed(outer), reversed(hole)] }, properties: {} }, // already shapefile order
      { id: 3, geometry: { type: 'MultiPolygon', coordinates: [[outer], [outer.map(([x, y]) => [x! + 1, y!])]] }, properties: {} },
      { id: 4, geometry: { type: 'Polygon', coordinates: [outer.slice(0, -1)] }, properties: {} }, // unclosed ring
    ];
    const files = unzipSync(writeShapefileZip({ name: 'grid', fields: [], features }));
    const collection = await readEntry(files, 'grid');
    const [a, b, c, d] = collection.features.map((f) => f.geometry) as [Geometry, Geometry, Geometry, Geometry];
    for (const polygon of [a, b]) {
      expect(polygon.type).toBe('Polygon');
      const [shell, inner] = (polygon as { coordinates: Position[][] }).coordinates as [Position[], Position[]];
      expect(signedArea(shell)).toBeLessThan(0);
      expect(signedArea(inner)).toBeGreaterThan(0);
      expect(shell).toEqual(reversed(outer));
      expect(inner).toEqual(reversed(hole));
    }
    expect(c.type).toBe('MultiPolygon');
    expect((c as { coordinates: Position[][][] }).coordinates).toHaveLength(2);
    expect((d as { coordinates: Position[][] }).coordinates[0]).toEqual(reversed(outer));
  });

  it('splits a mixed layer into one shapefile per type and keeps null geometries in the first', async () => {
    const features: ExportFeature[] = [
      { id: 1, geometry: { type: 'Polygon', coordinates: [outer] }, properties: { 名称: '网格一' } },
      { id: 2, geometry: { type: 'Point', coordinates: [120, 30] }, properties: { 名称: '点一' } },
      { id: 3, geometry: null, properties: { 名称: '无' } },
      { id: 4, geometry: { type: 'LineString', coordinates: [[120, 30], [121, 31]] }, properties: { 名称: '线一' } },
      { id: 5, geometry: { type: 'MultiLineString', coordinates: [[[120, 30], [121, 31]], [[122, 32], [123, 33]]] }, properties: { 名称: '线二' } },
      {
        id: 6,
        geometry: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'Polygon', coordinates: [outer] }] },
        properties: { 名称: '集合' },
      },
    ];
    const files = unzipSync(writeShapefileZip({ name: '事件', fields: [{ name: '名称', type: 'string' }], features }));
    expect(Object.keys(files).filter((n) => n.endsWith('.shp')).sort()).toEqual(['事件_line.shp', '事件_point.shp', '事件_polygon.shp']);
    const names = async (base: string) => (await readEntry(files, base)).features.map((f) => [f.geometry?.type ?? null, f.properties!['名称']]);
    expect(await names('事件_point')).toEqual([
      ['Point', '点一'],
      [null, '无'],
      ['Point', '集合'],
    ]);
    expect(await names('事件_line')).toEqual([
      ['LineString', '线一'],
      ['MultiLineString', '线二'],
    ]);
    expect(await names('事件_polygon')).toEqual([
      ['Polygon', '网格一'],
      ['Polygon', '集合'],
    ]);
  });

  it('promotes points to multipoints when the layer has both', async () => {
    const features: ExportFeature[] = [
      { id: 1, geometry: { type: 'Point', coordinates: [120, 30] }, properties: {} },
      { id: 2, geometry: { type: 'MultiPoint', coordinates: [[121, 31], [122, 32]] }, properties: {} },
    ];
    const files = unzipSync(writeShapefileZip({ name: 'p', fields: [], features }));
    expect(Object.keys(files).filter((n) => n.endsWith('.shp'))).toEqual(['p.shp']);
    expect((await readEntry(files, 'p')).features.map((f) => f.geometry)).toEqual([
      { type: 'MultiPoint', coordinates: [[120, 30]] },
      { type: 'MultiPoint', coordinates: [[121, 31], [122, 32]] },
    ]);
  });

  it('writes a consistent .shx index and file lengths', () => {
    const features: ExportFeature[] = [
      { id: 1, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1], [2, 0]] }, properties: {} },
      { id: 2, geometry: null, properties: {} },
      { id: 3, geometry: { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[5, 5], [6, 6]]] }, properties: {} },
    ];
    const files = unzipSync(writeShapefileZip({ name: 'l', fields: [], features }));
    const shp = new DataView(files['l.shp']!.buffer, files['l.shp']!.byteOffset, files['l.shp']!.byteLength);
    const shx = new DataView(files['l.shx']!.buffer, files['l.shx']!.byteOffset, files['l.shx']!.byteLength);
    expect(shp.getInt32(0)).toBe(9994);
    expect(shp.getInt32(24) * 2).toBe(shp.byteLength);
    expect(shx.getInt32(24) * 2).toBe(shx.byteLength);
    expect(shp.getInt32(32, true)).toBe(3); // PolyLine
    expect([36, 44, 52, 60].map((at) => shp.getFloat64(at, true))).toEqual([0, 0, 6, 6]);
    const records = (shx.byteLength - 100) / 8;
    expect(records).toBe(3);
    const expectedLengths = [44 + 4 + 48, 4, 44 + 8 + 64];
    for (let i = 0; i < records; i++) {
      const offset = shx.getInt32(100 + i * 8) * 2;
      const length = shx.getInt32(104 + i * 8) * 2;
      expect(shp.getInt32(offset)).toBe(i + 1); // record number
      expect(shp.getInt32(offset + 4) * 2).toBe(length);
      expect(length).toBe(expectedLengths[i]);
    }
  });

  it('writes a layer without any geometry as null shapes', async () => {
    const files = unzipSync(writeShapefileZip({ name: 'n', fields: [{ name: 'a', type: 'string' }], features: [{ id: 1, geometry: null, properties: { a: '甲' } }] }));
    const shp = files['n.shp']!;
    expect(new DataView(shp.buffer, shp.byteOffset).getInt32(32, true)).toBe(0);
    expect((await readEntry(files, 'n')).features).toEqual([{ type: 'Feature', properties: { a: '甲' }, geometry: null }]);
  });
});

describe('shapefile and GDAL', () => {
  const mustFail = reportMissing('Shapefile via GDAL', { available: gdalAvailable, reason: GDAL_MISSING });
  const run = (args: string[]) => execFileSync('ogrinfo', args, { encoding: 'utf8', env: { ...process.env, CPL_DEBUG: 'OFF' } });

  it.skipIf(!gdalAvailable && !mustFail)('ogrinfo opens the zipped shapefile through /vsizip/ with the right count, type and Chinese text', () => {
    if (!gdalAvailable) throw new Error(GDAL_MISSING);
    const path = join(dir, 'points.zip');
    writeFileSync(path, writeShapefileZip({ name: '巡逻点', fields, features: points }));
    const summary = run(['-ro', '-al', '-so', `/vsizip/${path}`]);
    expect(summary).toContain('Layer name: 巡逻点');
    expect(summary).toContain('Geometry: Point');
    expect(summary).toContain('Feature Count: 3');
    expect(summary).toMatch(/GEOGCRS\["WGS 84"|GEOGCS\["WGS 84"/);
    expect(summary).toContain('名称: String (18.0)');
    expect(summary).toContain('level: Integer (6.0)');
    expect(summary).toContain('score: Real (19.15)');
    expect(summary).toContain('day: Date (10.0)');
    const all = run(['-ro', '-al', `/vsizip/${path}`]);
    expect(all).toContain('名称 (String) = 平安路派出所');
    expect(all).toContain(`事件类 (String) = ${'平安'.repeat(42)}\n`);
    expect(all).toContain('day (Date) = 2024/12/31');
    // The feature without geometry: its null values are null for GDAL, not '?' or a zero date.
    const none = all.slice(all.indexOf('OGRFeature(巡逻点):1'), all.indexOf('OGRFeature(巡逻点):2'));
    expect(none).toContain('名称 (String) = 无坐标');
    expect(none).toContain('level (Integer) = (null)');
    expect(none).toContain('closed (String) = (null)');
    expect(none).not.toMatch(/day \(Date\) = \d/);
    expect(none).not.toMatch(/POINT/);
    expect(all).toMatch(/POINT \(120\.153576 30\.287459\)/);

    const mixed = join(dir, 'mixed.zip');
    writeFileSync(
      mixed,
      writeShapefileZip({
        name: '事件',
        fields: [{ name: '名称', type: 'string' }],
        features: [
          { id: 1, geometry: { type: 'Polygon', coordinates: [outer, hole] }, properties: { 名称: '网格一' } },
          { id: 2, geometry: { type: 'Point', coordinates: [120, 30] }, properties: { 名称: '点一' } },
          { id: 3, geometry: { type: 'Point', coordinates: [121, 31] }, properties: { 名称: '点二' } },
        ],
      }),
    );
    const layers = run(['-ro', '-al', '-so', `/vsizip/${mixed}`]);
    expect(layers).toMatch(/Layer name: 事件_point\n(.*\n)*?Geometry: Point\nFeature Count: 2/);
    expect(layers).toMatch(/Layer name: 事件_polygon\n(.*\n)*?Geometry: Polygon\nFeature Count: 1/);
    const polygon = run(['-ro', `/vsizip/${mixed}`, '事件_polygon']);
    expect(polygon).toContain('名称 (String) = 网格一');
    // GDAL reports rings as stored: the outer ring clockwise, the hole counter-clockwise.
    expect(polygon).toContain('POLYGON ((120.1 30.2,120.1 30.3,120.2 30.3,120.2 30.2,120.1 30.2),(120.12 30.22,120.14 30.24,120.12 30.24,120.12 30.22))');
  });
});
