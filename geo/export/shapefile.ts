import { zipSync } from 'fflate';
import type { Geometry, Position } from 'geojson';
import { asBoolean, asDate, asDateTime, asInteger, asReal, asText, type ExportFeature, type ExportField, type ExportLayer } from './types.js';

/**
 * Zipped ESRI shapefile writer (.shp/.shx/.dbf/.prj/.cpg), WGS 84, attributes in UTF-8.
 *
 * Written here rather than with @mapbox/shp-write (and its `dbf` package): `dbf` sizes fields by
 * JS string length and writes each UTF-16 code unit with setUint8(charCodeAt), so Chinese text
 * ('平' = U+5E73) is truncated to one wrong byte per character; it also writes no .cpg and leaves
 * polygon rings in GeoJSON order (the shapefile spec wants outer rings clockwise). Here DBF fields
 * are sized in UTF-8 bytes and cut on character boundaries, and rings are re-oriented.
 *
 * Shapefiles hold one shape type per file, so a layer with several (points and polygons, say)
 * becomes one shapefile per type in the zip: name_point.*, name_multipoint.*, name_line.*,
 * name_polygon.*. Points are promoted to multipoints when the layer also has multipoints.
 * Z and M values are dropped (2D shape types only).
 */

type Family = 'point' | 'multipoint' | 'line' | 'polygon';

const SHAPE_TYPE: Record<Family | 'null', number> = { null: 0, point: 1, line: 3, polygon: 5, multipoint: 8 };
const FAMILY_ORDER: readonly Family[] = ['point', 'multipoint', 'line', 'polygon'];

const WGS84_ESRI_WKT =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

/** One shapefile record: the feature it comes from and its parts (null = null shape). */
interface ShapeRecord {
  feature: ExportFeature;
  /** point: [position]; multipoint: the points; line: the parts; polygon: the oriented rings. */
  parts: Position[] | Position[][] | null;
}

export function writeShapefileZip(layer: ExportLayer): Uint8Array {
  const base = fileBase(layer.name);
  const groups = new Map<Family, ShapeRecord[]>();
  const nulls: ShapeRecord[] = [];
  const order: { family: Family | null; record: ShapeRecord }[] = [];
  for (const feature of layer.features) {
    const pieces = feature.geometry ? split(feature.geometry) : [];
    if (pieces.length === 0) {
      const record = { feature, parts: null };
      nulls.push(record);
      order.push({ family: null, record });
    }
    for (const [family, parts] of pieces) order.push({ family, record: { feature, parts } });
  }
  const families = new Set(order.map((o) => o.family).filter((f): f is Family => f !== null));
  if (families.has('point') && families.has('multipoint')) families.delete('point');
  // Null geometries stay with the first shapefile (in feature order) so no feature is lost.
  const first = FAMILY_ORDER.find((f) => families.has(f)) ?? null;
  for (const { family, record } of order) {
    const target = family === 'point' && !families.has('point') ? 'multipoint' : (family ?? first);
    if (target === null) continue;
    let list = groups.get(target);
    if (!list) groups.set(target, (list = []));
    list.push(record);
  }

  const dbfFields = describeFields(layer.fields, order.map((o) => o.record.feature));
  const files: Record<string, Uint8Array> = {};
  const add = (name: string, family: Family | 'null', records: ShapeRecord[]) => {
    const { shp, shx } = writeShp(family, records);
    files[`${name}.shp`] = shp;
    files[`${name}.shx`] = shx;
    files[`${name}.dbf`] = writeDbf(dbfFields, records);
    files[`${name}.prj`] = new TextEncoder().encode(WGS84_ESRI_WKT);
    files[`${name}.cpg`] = new TextEncoder().encode('UTF-8');
  };
  if (groups.size === 0) {
    add(base, 'null', nulls); // no geometry at all: a shapefile of null shapes
  } else if (groups.size === 1) {
    const [family, records] = [...groups][0]!;
    add(base, family, records);
  } else {
    for (const family of FAMILY_ORDER) {
      const records = groups.get(family);
      if (records) add(`${base}_${family}`, family, records);
    }
  }
  return zipSync(files, { level: 6 });
}

/** Zip entry base name: the layer name without path separators or characters Windows refuses. */
function fileBase(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '').trim();
  return cleaned || 'layer';
}

/**
 * A GeoJSON geometry as shapefile pieces, one per shape family it contains (a geometry collection
 * of a polygon and a point gives a polygon record and a point record with the same attributes).
 * Empty geometries give no piece (a null shape record).
 */
function split(geometry: Geometry): [Family, Position[] | Position[][]][] {
  switch (geometry.type) {
    case 'Point':
      return isPosition(geometry.coordinates) ? [['point', [geometry.coordinates]]] : [];
    case 'MultiPoint': {
      const points = geometry.coordinates.filter(isPosition);
      return points.length > 0 ? [['multipoint', points]] : [];
    }
    case 'LineString':
      return geometry.coordinates.length > 0 ? [['line', [geometry.coordinates]]] : [];
    case 'MultiLineString': {
      const lines = geometry.coordinates.filter((line) => line.length > 0);
      return lines.length > 0 ? [['line', lines]] : [];
    }
    case 'Polygon':
    case 'MultiPolygon': {
      const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
      const rings = polygons.flatMap(orientRings);
      return rings.length > 0 ? [['polygon', rings]] : [];
    }
    case 'GeometryCollection': {
      // Members of one family are merged into one record; a lone point stays a point.
      const merged = new Map<Family, (Position | Position[])[]>();
      for (const [family, parts] of geometry.geometries.flatMap(split)) {
        if (family === 'point' || family === 'multipoint') {
          const earlier = merged.get('point') ?? merged.get('multipoint');
          merged.delete('point');
          merged.set(earlier || family === 'multipoint' ? 'multipoint' : 'point', [...(earlier ?? []), ...parts]);
        } else {
          merged.set(family, [...(merged.get(family) ?? []), ...parts]);
        }
      }
      return [...merged].map(([family, parts]) => [family, parts as Position[] | Position[][]]);
    }
    default:
      return [];
  }
}

function isPosition(position: Position): boolean {
  return position.length >= 2 && Number.isFinite(position[0]) && Number.isFinite(position[1]);
}

/**
 * Shapefile rings: closed, the outer ring clockwise and holes counter-clockwise (the reverse of
 * GeoJSON's right-hand rule), as readers use the orientation to tell holes from outer rings.
 * A polygon without an outer ring gives nothing.
 */
function orientRings(polygon: Position[][]): Position[][] {
  if (!polygon[0] || polygon[0].length === 0) return [];
  return polygon
    .filter((ring) => ring.length > 0)
    .map((ring, i) => {
      const closed = samePosition(ring[0]!, ring[ring.length - 1]!) ? ring : [...ring, ring[0]!];
      const area = signedArea(closed); // > 0: counter-clockwise
      const outer = i === 0;
      return (outer && area > 0) || (!outer && area < 0) ? [...closed].reverse() : closed;
    });
}

function samePosition(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Twice the signed area (shoelace): positive for a counter-clockwise ring with y up. */
function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return sum;
}

/* ---------------------------------------------------------------------------------- .shp/.shx */

function contentBytes(family: Family | 'null', parts: ShapeRecord['parts']): number {
  if (parts === null) return 4;
  if (family === 'point') return 20;
  if (family === 'multipoint') return 40 + 16 * parts.length;
  const lines = parts as Position[][];
  return 44 + 4 * lines.length + 16 * lines.reduce((n, line) => n + line.length, 0);
}

function writeShp(family: Family | 'null', records: ShapeRecord[]): { shp: Uint8Array; shx: Uint8Array } {
  const lengths = records.map((r) => contentBytes(family, r.parts));
  const shpLength = 100 + lengths.reduce((n, l) => n + 8 + l, 0);
  const shxLength = 100 + 8 * records.length;
  const shp = new Uint8Array(shpLength);
  const shx = new Uint8Array(shxLength);
  const s = new DataView(shp.buffer);
  const x = new DataView(shx.buffer);
  const box = [Infinity, Infinity, -Infinity, -Infinity];

  let offset = 100;
  records.forEach((record, i) => {
    const length = lengths[i]!;
    x.setInt32(100 + i * 8, offset / 2); // offsets and lengths in 16-bit words, big-endian
    x.setInt32(104 + i * 8, length / 2);
    s.setInt32(offset, i + 1);
    s.setInt32(offset + 4, length / 2);
    const at = offset + 8;
    const parts = record.parts;
    if (parts === null) {
      s.setInt32(at, 0, true);
    } else if (family === 'point') {
      const [px, py] = (parts as Position[])[0]!;
      s.setInt32(at, SHAPE_TYPE.point, true);
      s.setFloat64(at + 4, px!, true);
      s.setFloat64(at + 12, py!, true);
      grow(box, parts as Position[]);
    } else if (family === 'multipoint') {
      const points = parts as Position[];
      s.setInt32(at, SHAPE_TYPE.multipoint, true);
      writeBox(s, at + 4, grow([Infinity, Infinity, -Infinity, -Infinity], points));
      s.setInt32(at + 36, points.length, true);
      points.forEach((p, k) => {
        s.setFloat64(at + 40 + k * 16, p[0]!, true);
        s.setFloat64(at + 48 + k * 16, p[1]!, true);
      });
      grow(box, points);
    } else {
      const lines = parts as Position[][];
      const recordBox = [Infinity, Infinity, -Infinity, -Infinity];
      for (const line of lines) grow(recordBox, line);
      s.setInt32(at, SHAPE_TYPE[family as Family], true);
      writeBox(s, at + 4, recordBox);
      const pointCount = lines.reduce((n, line) => n + line.length, 0);
      s.setInt32(at + 36, lines.length, true);
      s.setInt32(at + 40, pointCount, true);
      let first = 0;
      let p = at + 44 + 4 * lines.length;
      lines.forEach((line, k) => {
        s.setInt32(at + 44 + 4 * k, first, true);
        first += line.length;
        for (const position of line) {
          s.setFloat64(p, position[0]!, true);
          s.setFloat64(p + 8, position[1]!, true);
          p += 16;
        }
      });
      for (const line of lines) grow(box, line);
    }
    offset += 8 + length;
  });

  const fileBox = box[0]! <= box[2]! ? box : [0, 0, 0, 0];
  for (const [view, bytes] of [
    [s, shpLength],
    [x, shxLength],
  ] as const) {
    view.setInt32(0, 9994); // file code, big-endian
    view.setInt32(24, bytes / 2); // file length in 16-bit words, big-endian
    view.setInt32(28, 1000, true); // version
    view.setInt32(32, SHAPE_TYPE[family], true);
    writeBox(view, 36, fileBox);
    // Z and M ranges (68..99) stay 0: 2D shape types.
  }
  return { shp, shx };
}

function grow(box: number[], positions: Position[]): number[] {
  for (const [px, py] of positions) {
    if (px! < box[0]!) box[0] = px!;
    if (py! < box[1]!) box[1] = py!;
    if (px! > box[2]!) box[2] = px!;
    if (py! > box[3]!) box[3] = py!;
  }
  return box;
}

function writeBox(view: DataView, at: number, box: number[]): void {
  box.forEach((value, i) => view.setFloat64(at + i * 8, value, true));
}

/* ---------------------------------------------------------------------------------------- .dbf */

interface DbfField {
  source: ExportField;
  /** Name as written: at most 10 UTF-8 bytes, unique regardless of case. */
  name: Uint8Array;
  type: 'C' | 'N' | 'L' | 'D';
  width: number;
  decimals: number;
  /** The value as DBF text (before padding), or null. */
  format: (value: unknown) => string | null;
}

const encoder = new TextEncoder();
const MAX_C_WIDTH = 254;

/** Number text for N fields: the shortest exact form, or fixed-point when JS would use an exponent. */
function numberText(n: number, decimals: number): string {
  const text = String(n);
  return /e/i.test(text) ? n.toFixed(decimals) : text;
}

function fractionDigits(n: number): number {
  const text = String(n);
  if (/e/i.test(text)) return 15;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Field names, DBF types and widths (sized from the values: C widths in UTF-8 bytes). */
function describeFields(fields: readonly ExportField[], features: ExportFeature[]): DbfField[] {
  const taken = new Set<string>();
  return fields.map((field, index) => {
    const name = uniqueName(field.name.trim() || `FIELD${index + 1}`, taken);
    const values = features.map((f) => f.properties[field.name]);
    switch (field.type) {
      case 'integer': {
        const format = (v: unknown) => {
          const n = asInteger(v);
          return n === null ? null : numberText(n, 0);
        };
        return { source: field, name, type: 'N', decimals: 0, format, width: Math.min(MAX_C_WIDTH, widest(values, format, 1)) };
      }
      case 'real': {
        // At least one decimal so readers (GDAL) type the field as Real rather than Integer.
        let decimals = 1;
        for (const v of values) decimals = Math.max(decimals, fractionDigits(asReal(v) ?? 0));
        decimals = Math.min(15, decimals);
        const format = (v: unknown) => {
          const n = asReal(v);
          return n === null ? null : numberText(n, decimals);
        };
        const width = Math.min(MAX_C_WIDTH, Math.max(decimals + 2, widest(values, format, 1)));
        return { source: field, name, type: 'N', decimals, format, width };
      }
      case 'boolean':
        return { source: field, name, type: 'L', decimals: 0, width: 1, format: (v: unknown) => (asBoolean(v) === null ? null : asBoolean(v) ? 'T' : 'F') };
      case 'date':
        return { source: field, name, type: 'D', decimals: 0, width: 8, format: (v: unknown) => asDate(v)?.replaceAll('-', '') ?? null };
      case 'datetime':
        return { source: field, name, type: 'C', decimals: 0, format: asDateTime, width: Math.min(MAX_C_WIDTH, widest(values, asDateTime, 1)) };
      default:
        return { source: field, name, type: 'C', decimals: 0, format: asText, width: Math.min(MAX_C_WIDTH, widest(values, asText, 1)) };
    }
  });
}

/** The largest UTF-8 byte length of the formatted values (at least `min`). */
function widest(values: unknown[], format: (v: unknown) => string | null, min: number): number {
  let width = min;
  for (const value of values) {
    const text = format(value);
    if (text !== null) width = Math.max(width, Buffer.byteLength(text, 'utf8'));
  }
  return width;
}

/**
 * A DBF field name: at most 10 bytes of UTF-8 cut on a character boundary (a Chinese character is
 * 3 bytes), and unique ignoring case (readers match names case-insensitively): '名称_2'.
 */
function uniqueName(wanted: string, taken: Set<string>): Uint8Array {
  const clean = wanted.replace(/\u0000/g, '');
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `_${n}`;
    const name = truncateUtf8(clean, 10 - suffix.length) + suffix;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return encoder.encode(name);
    }
  }
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `bytes` (whole characters only). */
function truncateUtf8(text: string, bytes: number): string {
  const { read } = encoder.encodeInto(text, new Uint8Array(bytes)); // stops before a character that does not fit
  return text.slice(0, read);
}

function writeDbf(fields: DbfField[], records: ShapeRecord[]): Uint8Array {
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((n, f) => n + f.width, 0);
  if (recordLength > 0xffff) throw new Error(`DBF record of ${recordLength} bytes exceeds the 65535-byte limit: too many or too wide fields`);
  const bytes = new Uint8Array(headerLength + recordLength * records.length + 1);
  const view = new DataView(bytes.buffer);
  const today = new Date();
  bytes[0] = 0x03; // dBase III, no memo
  bytes[1] = today.getFullYear() - 1900;
  bytes[2] = today.getMonth() + 1;
  bytes[3] = today.getDate();
  view.setUint32(4, records.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  // Byte 29 (language driver) stays 0: the encoding is declared by the .cpg file.
  fields.forEach((field, i) => {
    const at = 32 + i * 32;
    bytes.set(field.name, at); // 11 bytes, NUL-padded
    bytes[at + 11] = field.type.charCodeAt(0);
    bytes[at + 16] = field.width;
    bytes[at + 17] = field.decimals;
  });
  bytes[headerLength - 1] = 0x0d;

  let at = headerLength;
  for (const record of records) {
    bytes[at] = 0x20; // not deleted
    let cell = at + 1;
    for (const field of fields) {
      const text = field.format(record.feature.properties[field.source.name]);
      const target = bytes.subarray(cell, cell + field.width);
      if (text === null) {
        // Blanks = null, for logicals too: GDAL reads dBase's '?' as the text '?', a blank as null.
        target.fill(0x20);
      } else if (field.type === 'N') {
        // Numbers are right-aligned; the width was sized from these same texts.
        const encoded = encoder.encode(text);
        target.fill(0x20);
        target.set(encoded, field.width - encoded.length);
      } else {
        // encodeInto writes only whole characters: a long value is cut on a character boundary.
        const { written } = encoder.encodeInto(text, target);
        target.fill(0x20, written);
      }
      cell += field.width;
    }
    at += recordLength;
  }
  bytes[at] = 0x1a; // end of file
  return bytes;
}
