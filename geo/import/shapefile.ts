import { open } from 'shapefile';
import type { Geometry } from 'geojson';
import { readZipEntries } from './archive.js';
import { crsFromPrj } from './crs.js';
import {
  ImportFileError,
  type ImportLimits,
  type ReadOptions,
  type SourceCrs,
  type SourceLayer,
  type SourceRow,
} from './types.js';

/**
 * Reads a zipped shapefile: one `.shp` with its `.dbf` (required), `.prj` and `.cpg` (optional).
 * Rows are the records, numbered from 1. The attributes' encoding is `options.encoding`, else the
 * `.cpg`, else detected: UTF-8 when every text value is valid UTF-8, else GB18030 (Chinese shapefiles
 * are usually GBK and often come without a `.cpg`; GB18030 is a superset of GBK).
 */
export async function readShapefileZip(bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): Promise<SourceLayer> {
  const entries = await readZipEntries(bytes, limits);
  const notes: string[] = [];

  const { base, shp } = chooseShapefile(entries, options, notes);
  const part = (extension: string): Uint8Array | undefined => {
    for (const [name, data] of entries) {
      if (name.toLowerCase() === `${base}.${extension}`.toLowerCase()) return data;
    }
    return undefined;
  };
  const dbf = part('dbf');
  if (!dbf) throw new ImportFileError('archive_missing_part', `the shapefile ${base}.shp has no ${base}.dbf (attributes) in the archive`);

  const header = readDbfHeader(dbf);
  if (header.records > limits.maxRows) {
    throw new ImportFileError('too_many_rows', `the shapefile has ${header.records} records; the limit is ${limits.maxRows}`);
  }

  const encoding = chooseEncoding(options, part('cpg'), dbf, header, notes);
  const crs = readCrs(part('prj'), base, notes);

  let source;
  try {
    source = await open(shp, dbf, { encoding });
  } catch (error) {
    throw new ImportFileError('unreadable', `not a readable shapefile: ${messageOf(error)}`);
  }

  // The shapefile package turns dates into local-midnight Date objects and blank dates into 1899:
  // read date fields from the raw record instead, as 'YYYY-MM-DD' or null.
  const dateFields = header.fields
    .filter((field) => field.type === 'D')
    .map((field) => ({ ...field, key: new TextDecoder(encoding).decode(field.name) }));
  const latin1 = new TextDecoder('latin1');
  const dates = (index: number): Record<string, string | null> => {
    const out: Record<string, string | null> = {};
    if (index >= header.records) return out;
    const start = header.headerLength + index * header.recordLength;
    for (const field of dateFields) {
      if (start + field.offset + field.length > dbf.byteLength) continue;
      const raw = latin1.decode(dbf.subarray(start + field.offset, start + field.offset + field.length));
      const ymd = /^\s*(\d{4})(\d{2})(\d{2})\s*$/.exec(raw);
      const valid = ymd && Number(ymd[2]) >= 1 && Number(ymd[2]) <= 12 && Number(ymd[3]) >= 1 && Number(ymd[3]) <= 31;
      out[field.key] = valid ? `${ymd[1]}-${ymd[2]}-${ymd[3]}` : null;
    }
    return out;
  };

  const rows: SourceRow[] = [];
  let missingAttributes = 0;
  for (;;) {
    const row = rows.length + 1;
    let result;
    try {
      result = await source.read();
    } catch (error) {
      throw new ImportFileError('unreadable', `shapefile record ${row} cannot be read: ${messageOf(error)}`);
    }
    if (result.done) break;
    if (row > limits.maxRows) {
      throw new ImportFileError('too_many_rows', `the shapefile has more than ${limits.maxRows} records`);
    }
    const feature = result.value;
    // The dbf ran out before the shp: keep the geometry, say so once in the notes.
    if (!feature.properties) missingAttributes += 1;
    const properties = { ...(feature.properties ?? {}), ...dates(row - 1) };
    const geometry = (feature.geometry as Geometry | null) ?? null;
    // A row with a problem carries no geometry (the contract): a deleted record is not imported.
    if (header.deleted(row - 1)) {
      rows.push({ row, geometry: null, properties, problem: 'the record is marked deleted in the .dbf' });
    } else if (geometry === null) {
      rows.push({ row, geometry: null, properties, problem: 'the record has no geometry (null shape)' });
    } else {
      rows.push({ row, geometry, properties });
    }
  }
  if (missingAttributes > 0) {
    notes.push(`${missingAttributes} record${missingAttributes === 1 ? '' : 's'} in the .shp have no row in the .dbf`);
  }
  if (header.records > rows.length) {
    notes.push(`the .dbf has ${header.records} records but the .shp only ${rows.length}`);
  }

  return {
    format: 'shapefile',
    crs,
    name: base.split(/[/\\]/).pop() ?? base,
    total: header.records,
    rows,
    notes,
  };
}

/** The `.shp` to read (path without extension, as in the zip) and its bytes. */
function chooseShapefile(
  entries: ReadonlyMap<string, Uint8Array>,
  options: ReadOptions,
  notes: string[],
): { base: string; shp: Uint8Array } {
  const shps = [...entries.keys()].filter((name) => /\.shp$/i.test(name));
  const baseOf = (name: string): string => name.slice(0, -4);
  const layerOf = (name: string): string => baseOf(name).split(/[/\\]/).pop() ?? name;
  if (shps.length === 0) {
    const held = [...entries.keys()].slice(0, 10).join(', ') || 'nothing';
    throw new ImportFileError('archive_missing_part', `the archive holds no .shp file (it holds ${held})`);
  }
  let chosen: string | undefined;
  if (shps.length === 1) {
    chosen = shps[0];
  } else {
    const listed = shps.map(layerOf).join(', ');
    const wanted = options.layerName;
    if (wanted === undefined) {
      throw new ImportFileError(
        'unreadable',
        `the archive holds ${shps.length} shapefiles (${listed}); choose one with the layer name`,
      );
    }
    chosen = shps.find((name) => layerOf(name) === wanted || baseOf(name) === wanted)
      ?? shps.find((name) => layerOf(name).toLowerCase() === wanted.toLowerCase());
    if (chosen === undefined) {
      throw new ImportFileError('archive_missing_part', `the archive has no shapefile named "${wanted}" (it holds ${listed})`);
    }
    notes.push(`${shps.length} shapefiles in the archive, read '${layerOf(chosen)}'`);
  }
  return { base: baseOf(chosen!), shp: entries.get(chosen!)! };
}

function readCrs(prj: Uint8Array | undefined, base: string, notes: string[]): SourceCrs | null {
  if (!prj) {
    notes.push('no .prj: the shapefile does not say its coordinate system');
    return null;
  }
  // WKT is ASCII in practice; a Chinese name in it would be UTF-8 or GBK, which does not matter here.
  const wkt = new TextDecoder('utf-8').decode(prj).trim();
  const crs = crsFromPrj(wkt);
  if (!crs) {
    const name = /^\s*(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS)\s*\[\s*"([^"]*)"/i.exec(wkt)?.[1];
    throw new ImportFileError(
      'unknown_crs',
      `the coordinate system in ${base}.prj is not recognised${name ? ` ("${name}")` : ''}`,
    );
  }
  return crs;
}

// ---- encoding ----

/** Code pages as written in `.cpg` files by ArcGIS, QGIS and GDAL, to WHATWG encoding labels. */
const CODE_PAGES: Record<string, string> = {
  '65001': 'utf-8',
  '936': 'gbk',
  '20936': 'gbk',
  '54936': 'gb18030',
  '950': 'big5',
  '932': 'shift_jis',
  '949': 'euc-kr',
  '28591': 'iso-8859-1',
  '88591': 'iso-8859-1',
};

/** A WHATWG encoding name for an encoding label or code page, or null when unknown. */
export function encodingFromLabel(label: string): string | null {
  let text = label.trim().toLowerCase().replace(/^ansi\s*/, '').replace(/^cp\s*/, '');
  if (text === '437') return null; // CP437 (DOS) has no WHATWG decoder
  if (/^\d+$/.test(text)) {
    text = CODE_PAGES[text] ?? (/^(874|125\d)$/.test(text) ? `windows-${text}` : text);
  }
  if (text === 'utf8') text = 'utf-8';
  try {
    return new TextDecoder(text).encoding;
  } catch {
    return null;
  }
}

function chooseEncoding(
  options: ReadOptions,
  cpg: Uint8Array | undefined,
  dbf: Uint8Array,
  header: DbfHeader,
  notes: string[],
): string {
  if (options.encoding !== undefined) {
    const encoding = encodingFromLabel(options.encoding);
    if (!encoding) throw new ImportFileError('unreadable', `unknown text encoding "${options.encoding}"`);
    notes.push(`encoding ${encoding} (chosen)`);
    return encoding;
  }
  if (cpg) {
    const label = new TextDecoder('latin1').decode(cpg).trim();
    const encoding = encodingFromLabel(label);
    if (encoding) {
      notes.push(`encoding ${encoding} from .cpg`);
      return encoding;
    }
    notes.push(`the .cpg names an unknown encoding "${label}"`);
  }
  const from = cpg ? 'unknown .cpg' : 'no .cpg';
  if (dbfTextIsUtf8(dbf, header)) {
    notes.push(`encoding utf-8 (${from}; the attributes are valid UTF-8)`);
    return 'utf-8';
  }
  notes.push(`encoding gb18030 (${from}; the attributes are not valid UTF-8, read as GBK/GB18030)`);
  return 'gb18030';
}

// ---- dbf ----

interface DbfHeader {
  /** Record count from the header. */
  readonly records: number;
  readonly headerLength: number;
  readonly recordLength: number;
  readonly fields: readonly { readonly name: Uint8Array; readonly type: string; readonly offset: number; readonly length: number }[];
  /** Whether the record at this 0-based index carries the deletion flag `*`. */
  deleted(index: number): boolean;
}

function readDbfHeader(dbf: Uint8Array): DbfHeader {
  if (dbf.byteLength < 32) throw new ImportFileError('unreadable', 'the .dbf is too short to be a dBase file');
  const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength);
  const records = view.getUint32(4, true);
  const headerLength = view.getUint16(8, true);
  const recordLength = view.getUint16(10, true);
  const fields: { name: Uint8Array; type: string; offset: number; length: number }[] = [];
  let offset = 1; // byte 0 of each record is the deletion flag
  for (let at = 32; at + 32 <= Math.min(headerLength, dbf.byteLength) && dbf[at] !== 0x0d; at += 32) {
    let nameEnd = at;
    while (nameEnd < at + 11 && dbf[nameEnd] !== 0) nameEnd += 1;
    const length = dbf[at + 16]!;
    fields.push({ name: dbf.subarray(at, nameEnd), type: String.fromCharCode(dbf[at + 11]!), offset, length });
    offset += length;
  }
  return {
    records,
    headerLength,
    recordLength,
    fields,
    deleted: (index) => dbf[headerLength + index * recordLength] === 0x2a,
  };
}

/** Whether the field names and every character field are valid UTF-8 (a value cut mid-character at the field width still counts). */
function dbfTextIsUtf8(dbf: Uint8Array, header: DbfHeader): boolean {
  for (const field of header.fields) if (!isUtf8(field.name, 0, field.name.length)) return false;
  const textFields = header.fields.filter((field) => field.type === 'C');
  if (textFields.length === 0 || header.recordLength === 0) return true;
  const available = Math.floor((dbf.byteLength - header.headerLength) / header.recordLength);
  const count = Math.max(0, Math.min(header.records, available));
  for (let record = 0; record < count; record += 1) {
    const start = header.headerLength + record * header.recordLength;
    for (const field of textFields) {
      if (!isUtf8(dbf, start + field.offset, start + field.offset + field.length)) return false;
    }
  }
  return true;
}

/**
 * Strict UTF-8 check of bytes[start, end) (no overlongs, surrogates or code points past U+10FFFF).
 * A sequence cut short by `end` is accepted: writers truncate values to the field width in bytes.
 */
function isUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) lower = 0xa0;
      if (lead === 0xed) upper = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) lower = 0x90;
      if (lead === 0xf4) upper = 0x8f;
    } else return false;
    for (let k = 1; k <= need; k += 1) {
      if (i + k >= end) return true; // truncated at the field end
      const byte = bytes[i + k]!;
      if (byte < (k === 1 ? lower : 0x80) || byte > (k === 1 ? upper : 0xbf)) return false;
    }
    i += need + 1;
  }
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
