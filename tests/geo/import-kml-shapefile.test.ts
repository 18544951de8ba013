import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { readKml, readKmz } from '../../geo/import/kml.js';
import { encodingFromLabel, readShapefileZip } from '../../geo/import/shapefile.js';
import { assertSafeXml, decodeXml } from '../../geo/import/xml.js';
import { DEFAULT_IMPORT_LIMITS, ImportFileError, type SourceLayer, type SourceRow } from '../../geo/import/types.js';
import { reportMissing } from '../support/environment.js';
import { asyncRefusal, refusal } from '../support/import-refusal.js';

const LIMITS = DEFAULT_IMPORT_LIMITS;



const rowsOf = (layer: SourceLayer): SourceRow[] => [...layer.rows];

/** GBK bytes of a few characters (Node has no GBK encoder): 道路 and 派出所. */
const GBK = {
  道路: [0xb5, 0xc0, 0xc2, 0xb7],
  派出所: [0xc5, 0xc9, 0xb3, 0xf6, 0xcb, 0xf9],
};

const kmlDoc = (body: string, prolog = '<?xml version="1.0" encoding="UTF-8"?>\n'): Uint8Array =>
  strToU8(`${prolog}<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n<name>平安巡查点</name>\n${body}\n</Document>\n</kml>\n`);

// ---------------------------------------------------------------------------------------------
// XML safety and decoding
// ---------------------------------------------------------------------------------------------

describe('assertSafeXml', () => {
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<kml><Document><name>&lol3;</name></Document></kml>`;

  it.each([
    ['a billion-laughs DOCTYPE', billionLaughs, 'DOCTYPE'],
    ['a lower-case doctype after a BOM and blank lines', '\uFEFF\n\n  <!doctype kml SYSTEM "http://evil/x.dtd"><kml/>', 'DOCTYPE'],
    ['an ENTITY declaration without a DOCTYPE', '<kml>\n<x>\n<!Entity xxe SYSTEM "file:///etc/passwd">\n</x></kml>', 'ENTITY'],
    ['a DOCTYPE after the root element', '<kml></kml>\n<!DOCTYPE x>', 'DOCTYPE'],
  ])('refuses %s', (_label, xml, what) => {
    const error = refusal(() => assertSafeXml(xml));
    expect(error.code).toBe('xml_doctype');
    expect(error.message).toContain(what);
  });

  it('reports the line of the declaration', () => {
    expect(refusal(() => assertSafeXml(billionLaughs)).message).toContain('line 2');
  });

  it('accepts ordinary XML, including text that mentions doctypes', () => {
    expect(() => assertSafeXml('<?xml version="1.0"?><kml><name>DOCTYPE &amp; ENTITY &lt;!x</name></kml>')).not.toThrow();
  });
});

describe('decodeXml', () => {
  it('reads UTF-8 and drops the BOM', () => {
    const decoded = decodeXml(new Uint8Array([0xef, 0xbb, 0xbf, ...strToU8('<a>平安</a>')]));
    expect(decoded).toEqual({ text: '<a>平安</a>', encoding: 'utf-8' });
  });

  it.each(['GBK', 'gb2312', 'GB18030'])('honours encoding="%s" in the declaration', (label) => {
    const bytes = new Uint8Array([...strToU8(`<?xml version="1.0" encoding="${label}"?><a>`), ...GBK.道路, ...strToU8('</a>')]);
    const decoded = decodeXml(bytes);
    expect(decoded.text).toBe(`<?xml version="1.0" encoding="${label}"?><a>道路</a>`);
    expect(decoded.encoding).toBe('gb18030');
    expect(decoded.note).toBeUndefined();
  });

  it('reads undeclared bytes that are not UTF-8 as GB18030, with a note', () => {
    const bytes = new Uint8Array([...strToU8('<a>'), ...GBK.派出所, ...strToU8('</a>')]);
    const decoded = decodeXml(bytes);
    expect(decoded.text).toBe('<a>派出所</a>');
    expect(decoded.note).toContain('not valid UTF-8');
  });

  it('reads UTF-16 with a byte-order mark', () => {
    const body = '<a>平安</a>';
    const bytes = new Uint8Array(2 + body.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < body.length; i += 1) {
      bytes[2 + i * 2] = body.charCodeAt(i) & 0xff;
      bytes[3 + i * 2] = body.charCodeAt(i) >> 8;
    }
    expect(decodeXml(bytes)).toEqual({ text: body, encoding: 'utf-16le' });
  });
});

// ---------------------------------------------------------------------------------------------
// KML
// ---------------------------------------------------------------------------------------------

describe('readKml', () => {
  const body = `
<Folder><name>街道</name>
  <Placemark id="p1">
    <name>平安路派出所</name>
    <description>24 小时值班</description>
    <ExtendedData><Data name="电话"><value>110</value></Data></ExtendedData>
    <Point><coordinates>120.155,30.274,12</coordinates></Point>
  </Placemark>
  <Folder><name>社区</name>
    <Placemark>
      <name>西湖社区 (no geometry)</name>
    </Placemark>
    <Placemark>
      <name>网格边界</name>
      <description><![CDATA[<b>第三</b>网格]]></description>
      <Polygon>
        <outerBoundaryIs><LinearRing><coordinates>120,30 121,30 121,31 120,31 120,30</coordinates></LinearRing></outerBoundaryIs>
        <innerBoundaryIs><LinearRing><coordinates>120.2,30.2 120.4,30.2 120.4,30.4 120.2,30.2</coordinates></LinearRing></innerBoundaryIs>
      </Polygon>
    </Placemark>
  </Folder>
</Folder>
<Placemark><name>空坐标</name><Point><coordinates></coordinates></Point></Placemark>
<Placemark><name>巡逻路线</name><LineString><coordinates>120.1,30.1 120.2,30.2 120.3,30.25</coordinates></LineString></Placemark>`;

  it('reads Placemarks in document order with Chinese names and WGS 84', () => {
    const layer = readKml(kmlDoc(body), {}, LIMITS);
    expect(layer.format).toBe('kml');
    expect(layer.crs).toEqual({ kind: 'epsg', code: 4326 });
    expect(layer.name).toBe('平安巡查点');
    expect(layer.total).toBe(5);
    const rows = rowsOf(layer);
    expect(rows.map((row) => row.row)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.map((row) => row.properties.name)).toEqual(['平安路派出所', '西湖社区 (no geometry)', '网格边界', '空坐标', '巡逻路线']);

    const [station, community, grid, empty, route] = rows;
    expect(station!.id).toBe('p1');
    expect(station!.geometry).toEqual({ type: 'Point', coordinates: [120.155, 30.274, 12] });
    expect(station!.properties.电话).toBe('110');
    expect(station!.properties.description).toBe('24 小时值班');
    expect(station!.problem).toBeUndefined();

    expect(community!.geometry).toBeNull();
    expect(community!.problem).toBe('the Placemark has no geometry');
    expect(empty!.geometry).toBeNull();
    expect(empty!.problem).toBe('the Placemark geometry has no usable coordinates');

    expect(grid!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [[120, 30], [121, 30], [121, 31], [120, 31], [120, 30]],
        [[120.2, 30.2], [120.4, 30.2], [120.4, 30.4], [120.2, 30.2]],
      ],
    });
    expect(grid!.properties.description).toBe('<b>第三</b>网格'); // CDATA flattened to text
    expect(route!.geometry).toEqual({ type: 'LineString', coordinates: [[120.1, 30.1], [120.2, 30.2], [120.3, 30.25]] });
  });

  it('turns a MultiGeometry of one kind into the Multi* type and keeps mixed ones as a collection', () => {
    const layer = readKml(
      kmlDoc(`
<Placemark><name>两个点</name><MultiGeometry>
  <Point><coordinates>120,30</coordinates></Point><Point><coordinates>121,31</coordinates></Point>
</MultiGeometry></Placemark>
<Placemark><name>两条线</name><MultiGeometry>
  <LineString><coordinates>120,30 121,31</coordinates></LineString><LineString><coordinates>122,32 123,33</coordinates></LineString>
</MultiGeometry></Placemark>
<Placemark><name>混合</name><MultiGeometry>
  <Point><coordinates>120,30</coordinates></Point><LineString><coordinates>120,30 121,31</coordinates></LineString>
</MultiGeometry></Placemark>
<Placemark><name>单个</name><MultiGeometry><Point><coordinates>119,29</coordinates></Point></MultiGeometry></Placemark>`),
      {},
      LIMITS,
    );
    expect(rowsOf(layer).map((row) => row.geometry)).toEqual([
      { type: 'MultiPoint', coordinates: [[120, 30], [121, 31]] },
      { type: 'MultiLineString', coordinates: [[[120, 30], [121, 31]], [[122, 32], [123, 33]]] },
      {
        type: 'GeometryCollection',
        geometries: [
          { type: 'Point', coordinates: [120, 30] },
          { type: 'LineString', coordinates: [[120, 30], [121, 31]] },
        ],
      },
      { type: 'Point', coordinates: [119, 29] },
    ]);
  });

  it('reads a GBK-declared KML', () => {
    const bytes = new Uint8Array([
      ...strToU8('<?xml version="1.0" encoding="GBK"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>'),
      ...GBK.派出所,
      ...strToU8('</name><Point><coordinates>120,30</coordinates></Point></Placemark></kml>'),
    ]);
    const [row] = rowsOf(readKml(bytes, {}, LIMITS));
    expect(row!.properties.name).toBe('派出所');
  });

  it('notes GroundOverlays and NetworkLinks, which are not rows', () => {
    const layer = readKml(
      kmlDoc(`<Placemark><Point><coordinates>120,30</coordinates></Point></Placemark>
<GroundOverlay><Icon><href>map.png</href></Icon><LatLonBox><north>31</north><south>30</south><east>121</east><west>120</west></LatLonBox></GroundOverlay>
<NetworkLink><Link><href>http://example.com/more.kml</href></Link></NetworkLink>`),
      {},
      LIMITS,
    );
    expect(rowsOf(layer)).toHaveLength(1);
    expect(layer.notes).toEqual(expect.arrayContaining([expect.stringContaining('1 GroundOverlay'), expect.stringContaining('1 NetworkLink')]));
  });

  it('refuses a billion-laughs KML before parsing it', () => {
    const bytes = strToU8(`<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&b;</name></Placemark></kml>`);
    expect(refusal(() => readKml(bytes, {}, LIMITS)).code).toBe('xml_doctype');
  });

  it('refuses malformed XML, naming the line', () => {
    const bytes = strToU8('<kml>\n<Document>\n<Placemark><name>a</name></Placemark>\n<Placemark name=></Placemark>\n</Document></kml>');
    const error = refusal(() => readKml(bytes, {}, LIMITS));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('line 4');
  });

  it('refuses XML that is not KML', () => {
    const error = refusal(() => readKml(strToU8('<gpx><wpt lat="30" lon="120"/></gpx>'), {}, LIMITS));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('<gpx>');
  });

  it('refuses more Placemarks than maxRows', () => {
    const two = kmlDoc('<Placemark/><Placemark/>');
    expect(rowsOf(readKml(two, {}, { ...LIMITS, maxRows: 2 }))).toHaveLength(2);
    expect(refusal(() => readKml(two, {}, { ...LIMITS, maxRows: 1 })).code).toBe('too_many_rows');
  });
});

describe('readKmz', () => {
  const placemark = '<Placemark><name>平安路</name><Point><coordinates>120,30</coordinates></Point></Placemark>';

  it('reads doc.kml, whatever else the archive holds', async () => {
    const zip = zipSync({
      'a-first.kml': kmlDoc('<Placemark><name>not me</name></Placemark>'),
      'doc.kml': kmlDoc(placemark),
      'files/icon.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    });
    const layer = await readKmz(zip, {}, LIMITS);
    expect(layer.format).toBe('kml');
    expect(rowsOf(layer).map((row) => row.properties.name)).toEqual(['平安路']);
    expect(layer.notes[0]).toBe('read doc.kml from the KMZ; 1 other .kml file ignored');
  });

  it('reads the first .kml when there is no doc.kml', async () => {
    const zip = zipSync({ 'files/': {}, 'files/巡查.kml': kmlDoc(placemark), 'files/z.kml': kmlDoc('') });
    const layer = await readKmz(zip, {}, LIMITS);
    expect(rowsOf(layer)).toHaveLength(1);
    expect(layer.notes[0]).toContain('files/巡查.kml');
  });

  it('refuses a KMZ without KML, and passes archive refusals through', async () => {
    expect((await asyncRefusal(readKmz(zipSync({ 'x.png': new Uint8Array(4) }), {}, LIMITS))).code).toBe('archive_missing_part');
    const symlink = zipSync({ 'doc.kml': [strToU8('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] });
    expect((await asyncRefusal(readKmz(symlink, {}, LIMITS))).code).toBe('archive_symlink');
    const doctype = zipSync({ 'doc.kml': strToU8('<!DOCTYPE kml><kml/>') });
    expect((await asyncRefusal(readKmz(doctype, {}, LIMITS))).code).toBe('xml_doctype');
  });
});

// ---------------------------------------------------------------------------------------------
// Shapefile: hand-made files (no GDAL)
// ---------------------------------------------------------------------------------------------

interface DbfField {
  name: number[];
  type: 'C' | 'N' | 'D';
  length: number;
}

/** A dBase III file; `records` are raw field bytes (padded with spaces here), `deleted` flags by index. */
function makeDbf(fields: DbfField[], records: number[][][], deleted: number[] = []): Uint8Array {
  const headerLength = 32 + fields.length * 32 + 1;
  const recordLength = 1 + fields.reduce((sum, field) => sum + field.length, 0);
  const out = new Uint8Array(headerLength + records.length * recordLength + 1);
  const view = new DataView(out.buffer);
  out[0] = 0x03;
  out.set([124, 1, 1], 1);
  view.setUint32(4, records.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  fields.forEach((field, i) => {
    const at = 32 + i * 32;
    out.set(field.name.slice(0, 10), at);
    out[at + 11] = field.type.charCodeAt(0);
    out[at + 16] = field.length;
  });
  out[headerLength - 1] = 0x0d;
  records.forEach((values, r) => {
    let at = headerLength + r * recordLength;
    out[at] = deleted.includes(r) ? 0x2a : 0x20;
    at += 1;
    fields.forEach((field, f) => {
      const value = values[f] ?? [];
      out.fill(0x20, at, at + field.length);
      out.set(value.slice(0, field.length), at);
      at += field.length;
    });
  });
  out[out.length - 1] = 0x1a;
  return out;
}

/** A point .shp; null entries are null shapes. */
function makePointShp(points: ([number, number] | null)[]): Uint8Array {
  const recordBytes = points.map((point) => (point ? 8 + 20 : 8 + 4));
  const out = new Uint8Array(100 + recordBytes.reduce((a, b) => a + b, 0));
  const view = new DataView(out.buffer);
  view.setInt32(0, 9994, false);
  view.setInt32(24, out.length / 2, false);
  view.setInt32(28, 1000, true);
  view.setInt32(32, 1, true);
  let at = 100;
  points.forEach((point, i) => {
    view.setInt32(at, i + 1, false);
    view.setInt32(at + 4, (recordBytes[i]! - 8) / 2, false);
    view.setInt32(at + 8, point ? 1 : 0, true);
    if (point) {
      view.setFloat64(at + 12, point[0], true);
      view.setFloat64(at + 20, point[1], true);
    }
    at += recordBytes[i]!;
  });
  return out;
}

const ascii = (text: string): number[] => [...strToU8(text)];
const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

describe('readShapefileZip: hand-made files', () => {
  const fields: DbfField[] = [
    { name: ascii('NAME'), type: 'C', length: 12 },
    { name: ascii('N'), type: 'N', length: 5 },
    { name: ascii('DAY'), type: 'D', length: 8 },
  ];
  const gbkDbf = makeDbf(fields, [
    [GBK.派出所, ascii('3'), ascii('20240501')],
    [GBK.道路, ascii('-1.5'), ascii('        ')],
    [ascii('gone'), ascii('0'), ascii('20240101')],
  ], [2]);
  const shp = makePointShp([[120.15, 30.28], null, [120.2, 30.3]]);

  it('falls back to GB18030 when there is no .cpg and the text is not UTF-8', async () => {
    const layer = await readShapefileZip(zipSync({ 'poi.shp': shp, 'poi.dbf': gbkDbf, 'poi.prj': strToU8(WGS84_PRJ) }), {}, LIMITS);
    expect(layer.format).toBe('shapefile');
    expect(layer.name).toBe('poi');
    expect(layer.total).toBe(3);
    expect(layer.crs).toEqual({ kind: 'epsg', code: 4326 });
    expect(layer.notes).toContain('encoding gb18030 (no .cpg; the attributes are not valid UTF-8, read as GBK/GB18030)');
    const rows = rowsOf(layer);
    expect(rows).toEqual([
      { row: 1, geometry: { type: 'Point', coordinates: [120.15, 30.28] }, properties: { NAME: '派出所', N: 3, DAY: '2024-05-01' } },
      {
        row: 2,
        geometry: null,
        properties: { NAME: '道路', N: -1.5, DAY: null },
        problem: 'the record has no geometry (null shape)',
      },
      {
        row: 3,
        geometry: null,
        properties: { NAME: 'gone', N: 0, DAY: '2024-01-01' },
        problem: 'the record is marked deleted in the .dbf',
      },
    ]);
  });

  it('detects UTF-8, accepting a value cut mid-character at the field width', async () => {
    // 平安路派出所 is 18 bytes in UTF-8; a 10-byte field cuts 派 after its first byte.
    const utf8 = [...strToU8('平安路派出所')];
    const dbf = makeDbf([{ name: [...strToU8('名称')], type: 'C', length: 10 }], [[utf8], [ascii('plain')]]);
    const layer = await readShapefileZip(zipSync({ 'a.shp': makePointShp([[1, 2], [3, 4]]), 'a.dbf': dbf }), {}, LIMITS);
    expect(layer.notes).toContain('encoding utf-8 (no .cpg; the attributes are valid UTF-8)');
    const names = rowsOf(layer).map((row) => row.properties.名称 as string);
    expect(names[0]!.startsWith('平安路')).toBe(true);
    expect(names[1]).toBe('plain');
  });

  it('takes the .cpg, and options.encoding over the .cpg', async () => {
    const files: Zippable = { 'poi.shp': shp, 'poi.dbf': gbkDbf, 'poi.prj': strToU8(WGS84_PRJ), 'poi.cpg': strToU8('ANSI 936\r\n') };
    const fromCpg = await readShapefileZip(zipSync(files), {}, LIMITS);
    expect(fromCpg.notes).toContain('encoding gbk from .cpg');
    expect(rowsOf(fromCpg)[0]!.properties.NAME).toBe('派出所');

    const chosen = await readShapefileZip(zipSync(files), { encoding: 'windows-1252' }, LIMITS);
    expect(chosen.notes).toContain('encoding windows-1252 (chosen)');
    expect(rowsOf(chosen)[0]!.properties.NAME).not.toBe('派出所');

    expect((await asyncRefusal(readShapefileZip(zipSync(files), { encoding: 'klingon' }, LIMITS))).code).toBe('unreadable');
  });

  it('maps .cpg labels and code pages to encodings', () => {
    expect(encodingFromLabel('UTF-8')).toBe('utf-8');
    expect(encodingFromLabel('65001')).toBe('utf-8');
    expect(encodingFromLabel('936')).toBe('gbk');
    expect(encodingFromLabel('CP936')).toBe('gbk');
    expect(encodingFromLabel('GB2312')).toBe('gbk');
    expect(encodingFromLabel('54936')).toBe('gb18030');
    expect(encodingFromLabel('1252')).toBe('windows-1252');
    expect(encodingFromLabel('950')).toBe('big5');
    expect(encodingFromLabel('437')).toBeNull();
    expect(encodingFromLabel('nonsense')).toBeNull();
  });

  it('gives crs null and a note without a .prj, and refuses an unrecognised .prj', async () => {
    const layer = await readShapefileZip(zipSync({ 'poi.shp': shp, 'poi.dbf': gbkDbf }), {}, LIMITS);
    expect(layer.crs).toBeNull();
    expect(layer.notes).toContain('no .prj: the shapefile does not say its coordinate system');

    const odd = zipSync({ 'poi.shp': shp, 'poi.dbf': gbkDbf, 'poi.prj': strToU8('LOCAL_CS["Site grid 7",UNIT["Meter",1]]') });
    const error = await asyncRefusal(readShapefileZip(odd, {}, LIMITS));
    expect(error.code).toBe('unknown_crs');
  });

  it('names the missing part', async () => {
    const noDbf = await asyncRefusal(readShapefileZip(zipSync({ 'data/roads.shp': shp, 'data/roads.prj': strToU8(WGS84_PRJ) }), {}, LIMITS));
    expect(noDbf.code).toBe('archive_missing_part');
    expect(noDbf.message).toContain('data/roads.dbf');

    const noShp = await asyncRefusal(readShapefileZip(zipSync({ 'roads.dbf': gbkDbf }), {}, LIMITS));
    expect(noShp.code).toBe('archive_missing_part');
    expect(noShp.message).toContain('no .shp');
  });

  it('refuses several shapefiles unless the layer name picks one', async () => {
    const zip = zipSync({
      'roads.shp': shp,
      'roads.dbf': gbkDbf,
      'sub/pois.SHP': makePointShp([[1, 1]]),
      'sub/pois.DBF': makeDbf([{ name: ascii('ID'), type: 'N', length: 4 }], [[ascii('7')]]),
    });
    const error = await asyncRefusal(readShapefileZip(zip, {}, LIMITS));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('roads, pois');

    const pois = await readShapefileZip(zip, { layerName: 'pois' }, LIMITS);
    expect(pois.name).toBe('pois');
    expect(rowsOf(pois)).toEqual([{ row: 1, geometry: { type: 'Point', coordinates: [1, 1] }, properties: { ID: 7 } }]);
    expect(pois.notes).toContain("2 shapefiles in the archive, read 'pois'");

    expect((await asyncRefusal(readShapefileZip(zip, { layerName: 'rivers' }, LIMITS))).code).toBe('archive_missing_part');
  });

  it('refuses a .shp that is not a shapefile', async () => {
    const junk = strToU8('this is not a shapefile, only text that is longer than the 100-byte header'.repeat(2));
    const error = await asyncRefusal(readShapefileZip(zipSync({ 'poi.shp': junk, 'poi.dbf': gbkDbf }), {}, LIMITS));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('shape type');
  });

  it('refuses more records than maxRows from the .dbf header', async () => {
    const zip = zipSync({ 'poi.shp': shp, 'poi.dbf': gbkDbf });
    expect((await asyncRefusal(readShapefileZip(zip, {}, { ...LIMITS, maxRows: 2 }))).code).toBe('too_many_rows');
  });
});

// ---------------------------------------------------------------------------------------------
// Shapefile: real files written by GDAL's ogr2ogr
// ---------------------------------------------------------------------------------------------

function hasOgr2ogr(): boolean {
  try {
    execFileSync('ogr2ogr', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const gdalAvailable = hasOgr2ogr();
const mustFail = reportMissing('shapefile fixtures via ogr2ogr', {
  available: gdalAvailable,
  reason: 'ogr2ogr (Debian gdal-bin) not found',
});

describe('readShapefileZip: files written by ogr2ogr', () => {
  const work = mkdtempSync(join(tmpdir(), 'atlas-shp-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const source = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { 名称: '平安路派出所', kind: '派出所', n: 3 }, geometry: { type: 'Point', coordinates: [120.15, 30.28] } },
      { type: 'Feature', properties: { 名称: '西湖社区', kind: '社区', n: 7 }, geometry: null },
      { type: 'Feature', properties: { 名称: 'Road A', kind: 'road', n: 1 }, geometry: { type: 'Point', coordinates: [120.2, 30.3] } },
    ],
  };

  /** Runs ogr2ogr into a fresh folder and zips what it wrote, minus the parts in `drop`. */
  function ogrZip(name: string, args: string[], drop: string[] = []): Uint8Array {
    if (!gdalAvailable) throw new Error('ogr2ogr (Debian gdal-bin) is required for this test');
    const folder = mkdtempSync(join(work, `${name}-`));
    const input = join(folder, 'in.geojson');
    writeFileSync(input, JSON.stringify(source));
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', ...args, join(folder, `${name}.shp`), input], { stdio: 'pipe' });
    unlinkSync(input);
    for (const extension of drop) unlinkSync(join(folder, `${name}.${extension}`));
    const files: Zippable = {};
    for (const file of readdirSync(folder)) files[file] = readFileSync(join(folder, file));
    return zipSync(files);
  }

  const expectedNames = ['平安路派出所', '西湖社区', 'Road A'];

  it.skipIf(!gdalAvailable && !mustFail)('reads a UTF-8 shapefile with its .cpg and WGS 84 .prj', async () => {
    const layer = await readShapefileZip(ogrZip('utf8', ['-lco', 'ENCODING=UTF-8']), {}, LIMITS);
    expect(layer.name).toBe('utf8');
    expect(layer.total).toBe(3);
    expect(layer.crs).toEqual({ kind: 'epsg', code: 4326 });
    expect(layer.notes).toContain('encoding utf-8 from .cpg');
    const rows = rowsOf(layer);
    expect(rows.map((row) => row.properties.名称)).toEqual(expectedNames);
    expect(rows.map((row) => row.properties.n)).toEqual([3, 7, 1]);
    expect(rows[0]!.geometry).toEqual({ type: 'Point', coordinates: [120.15, 30.28] });
    expect(rows[1]!.geometry).toBeNull();
    expect(rows[1]!.problem).toBe('the record has no geometry (null shape)');
    expect(rows.map((row) => row.row)).toEqual([1, 2, 3]);
  });

  it.skipIf(!gdalAvailable && !mustFail)('reads a GBK shapefile from its .cpg, and without it by detection', async () => {
    const withCpg = await readShapefileZip(ogrZip('gbk', ['-lco', 'ENCODING=GBK']), {}, LIMITS);
    expect(withCpg.notes.some((note) => /^encoding gbk from \.cpg$/.test(note))).toBe(true);
    expect(rowsOf(withCpg).map((row) => row.properties.名称)).toEqual(expectedNames);

    const detected = await readShapefileZip(ogrZip('gbknocpg', ['-lco', 'ENCODING=GBK'], ['cpg']), {}, LIMITS);
    expect(detected.notes).toContain('encoding gb18030 (no .cpg; the attributes are not valid UTF-8, read as GBK/GB18030)');
    expect(rowsOf(detected).map((row) => row.properties.名称)).toEqual(expectedNames);
    expect(rowsOf(detected).map((row) => row.properties.kind)).toEqual(['派出所', '社区', 'road']);
  });

  it.skipIf(!gdalAvailable && !mustFail)('recognises a CGCS2000 3-degree Gauss-Kruger .prj and keeps projected coordinates', async () => {
    const zip = ogrZip('cgcs', ['-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:4549', '-lco', 'ENCODING=UTF-8']);
    const layer = await readShapefileZip(zip, {}, LIMITS);
    expect(layer.crs).toEqual({ kind: 'epsg', code: 4549 });
    const point = rowsOf(layer)[0]!.geometry;
    expect(point?.type).toBe('Point');
    const [x, y] = point?.type === 'Point' ? point.coordinates : [];
    // 120.15E 30.28N is ~14.4 km east of the 120E central meridian (false easting 500 km).
    expect(x).toBeGreaterThan(514_000);
    expect(x).toBeLessThan(515_000);
    expect(y).toBeGreaterThan(3_349_000);
    expect(y).toBeLessThan(3_352_000);
  });

  it.skipIf(!gdalAvailable && !mustFail)('reports a missing .dbf from a real shapefile', async () => {
    const error = await asyncRefusal(readShapefileZip(ogrZip('nodbf', ['-lco', 'ENCODING=UTF-8'], ['dbf']), {}, LIMITS));
    expect(error.code).toBe('archive_missing_part');
    expect(error.message).toContain('nodbf.dbf');
  });
});
