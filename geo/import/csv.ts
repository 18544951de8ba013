import { parse } from 'csv-parse/sync';
import type { Geometry } from 'geojson';
import { Geometry as WkxGeometry } from 'wkx';
import { parseCrsName } from './crs.js';
import { checkRowLimit } from './geojson.js';
import { ImportFileError, type ImportLimits, type ReadOptions, type SourceCrs, type SourceLayer, type SourceRow } from './types.js';

/**
 * CSV reader: points from a longitude and a latitude column, or any geometry from a WKT column.
 *
 * Encoding: `options.encoding`, else UTF-8, else GB18030 (a superset of GBK: what Excel in China
 * saves "CSV" as), with a note; UTF-16 with a BOM (Excel's "Unicode text") is recognised too.
 * The delimiter is the most frequent of , ; and tab in the header line (or Excel's `sep=` line).
 * Every value stays a string: the pipeline coerces properties to the target's column types.
 *
 * A row's number is its line in the file counted from the header: 1 is the line right after it,
 * so blank lines and values spanning lines keep the numbers in step with a text editor. Blank
 * lines and lines of empty values only are skipped.
 */

/** Candidate column names, in order of preference (compared trimmed and case-insensitively). */
const LON_NAMES = ['lon', 'lng', 'long', 'longitude', 'x', '经度', '东经'];
const LAT_NAMES = ['lat', 'latitude', 'y', '纬度', '北纬'];
const WKT_NAMES = ['wkt', 'geometry', 'geom', 'the_geom'];

/** A plain decimal number: '120.5', '-3', '1e3'. Not '120,5' (decimal comma), '', '0x10', 'Infinity'. */
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function decode(bytes: Uint8Array, encoding: string | undefined, notes: string[]): string {
  const strict = (label: string, data: Uint8Array): string => new TextDecoder(label, { fatal: true }).decode(data);
  if (encoding !== undefined) {
    try {
      new TextDecoder(encoding);
    } catch {
      throw new ImportFileError('unreadable', `unknown text encoding "${encoding}" (try utf-8, gbk or gb18030)`);
    }
    try {
      // TextDecoder drops a BOM only for the UTF encodings; a GB18030 BOM decodes to U+FEFF.
      return strict(encoding, bytes).replace(/^\uFEFF/, '');
    } catch {
      throw new ImportFileError('unreadable', `the file is not valid ${encoding} text`);
    }
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const label = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    notes.push(`encoding ${label.toUpperCase()} (byte order mark)`);
    try {
      return strict(label, bytes);
    } catch {
      throw new ImportFileError('unreadable', `the file is not valid ${label} text`);
    }
  }
  try {
    return strict('utf-8', bytes);
  } catch {
    // Not UTF-8: in China that almost always means GBK from Excel or WPS.
  }
  try {
    const text = strict('gb18030', bytes).replace(/^\uFEFF/, '');
    notes.push('not UTF-8: read as GB18030 (GBK), as Excel in China saves CSV; set encoding if that is wrong');
    return text;
  } catch {
    throw new ImportFileError('unreadable', 'the file is neither UTF-8 nor GB18030/GBK text (set encoding)');
  }
}

/** The delimiter among , ; and tab that occurs most often outside quotes in the header line. */
function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    ['\t', 0],
    [';', 0],
  ]);
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

function findColumn(header: readonly string[], names: readonly string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const name of names) {
    const i = lower.indexOf(name.toLowerCase());
    if (i !== -1) return i;
  }
  return -1;
}

/** A named column (options.lonColumn...), or ImportFileError naming the columns there are. */
function namedColumn(header: readonly string[], name: string, role: string): number {
  const i = findColumn(header, [name.trim()]);
  if (i === -1) throw new ImportFileError('unreadable', `no ${role} column "${name}"; the columns are: ${header.join(', ')}`);
  return i;
}

/** Unique, non-empty column names (property keys must be). */
function uniqueHeader(raw: readonly string[], notes: string[]): string[] {
  const seen = new Set<string>();
  let renamed = 0;
  const header = raw.map((name, i) => {
    let key = name.trim() || `column${i + 1}`;
    if (key !== name.trim() || seen.has(key)) renamed++;
    for (let k = 2; seen.has(key); k++) key = `${name.trim() || `column${i + 1}`}_${k}`;
    seen.add(key);
    return key;
  });
  if (renamed > 0) notes.push(`${renamed} empty or repeated column name(s) renamed (column3, name_2...)`);
  return header;
}

type Coordinates = { kind: 'lonlat'; lon: number; lat: number } | { kind: 'wkt'; column: number };

function pointOrProblem(values: readonly string[], header: readonly string[], lon: number, lat: number): { geometry: Geometry | null; problem?: string } {
  const numbers: number[] = [];
  for (const i of [lon, lat]) {
    const value = (values[i] ?? '').trim();
    if (value === '') return { geometry: null, problem: `${header[i]} is empty` };
    if (!NUMBER.test(value)) {
      const hint = /^[-+]?\d+,\d+$/.test(value) ? ' (use a decimal point, not a comma)' : '';
      return { geometry: null, problem: `${header[i]} "${value}" is not a number${hint}` };
    }
    numbers.push(Number(value));
  }
  return { geometry: { type: 'Point', coordinates: numbers } };
}

interface WktResult {
  geometry: Geometry | null;
  srid?: number;
  problem?: string;
}

/** WKT or EWKT ('SRID=4490;POINT(…)'), or hex (E)WKB as PostGIS exports a geometry column. */
function wktOrProblem(value: string, column: string): WktResult {
  const text = value.trim();
  if (text === '') return { geometry: null, problem: `${column} is empty` };
  try {
    const parsed = /^(?:[0-9a-fA-F]{2})+$/.test(text) ? WkxGeometry.parse(Buffer.from(text, 'hex')) : WkxGeometry.parse(text);
    const geometry = parsed.toGeoJSON() as Geometry;
    return typeof parsed.srid === 'number' && parsed.srid > 0 ? { geometry, srid: parsed.srid } : { geometry };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { geometry: null, problem: `${column} "${text.length > 60 ? `${text.slice(0, 60)}…` : text}" is not WKT (${reason})` };
  }
}

export function readCsv(bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): SourceLayer {
  const notes: string[] = [];
  // One line ending, so that csv-parse's line count is the editor's (it counts CRLF oddly).
  let text = decode(bytes, options.encoding, notes).replace(/\r\n?/g, '\n');

  // Excel's `sep=;` first line names the delimiter; blanked, so that line numbers stay true.
  let delimiter: string;
  const sep = /^sep=(.)\n/i.exec(text);
  if (sep) {
    delimiter = sep[1]!;
    text = `\n${text.slice(sep[0].length)}`;
  } else {
    delimiter = detectDelimiter(/^\n*([^\n]*)/.exec(text)![1]!);
  }
  if (delimiter !== ',') notes.push(`delimiter ${delimiter === '\t' ? 'tab' : `"${delimiter}"`}`);

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      record_delimiter: '\n',
      info: true,
      relax_column_count: true, // a row with too few or too many values is that row's problem
      relax_quotes: true, // a stray quote inside an unquoted value is kept as text
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImportFileError('unreadable', `the CSV file cannot be parsed: ${reason}`);
  }
  const [headerRecord, ...data] = records;
  if (!headerRecord) throw new ImportFileError('unreadable', 'the CSV file is empty');
  checkRowLimit(data.length, limits);
  const header = uniqueHeader(headerRecord.record, notes);

  // Longitude/latitude columns: as named in the options, else detected; else a WKT column.
  const lonGiven = options.lonColumn !== undefined ? namedColumn(header, options.lonColumn, 'longitude') : -1;
  const latGiven = options.latColumn !== undefined ? namedColumn(header, options.latColumn, 'latitude') : -1;
  const lon = lonGiven !== -1 ? lonGiven : findColumn(header, LON_NAMES);
  const lat = latGiven !== -1 ? latGiven : findColumn(header, LAT_NAMES);
  let coordinates: Coordinates;
  if (lon !== -1 && lat !== -1 && lon !== lat) {
    coordinates = { kind: 'lonlat', lon, lat };
    notes.push(`coordinates from columns ${header[lon]} (longitude) and ${header[lat]} (latitude)`);
  } else {
    const wkt = options.lonColumn === undefined && options.latColumn === undefined ? findColumn(header, WKT_NAMES) : -1;
    if (wkt === -1) {
      throw new ImportFileError(
        'unreadable',
        `no coordinate columns: expected longitude and latitude columns (${LON_NAMES.join('/')} and ${LAT_NAMES.join('/')}, ` +
          `or name them with lonColumn/latColumn) or a WKT column (${WKT_NAMES.join('/')}); the columns are: ${header.join(', ')}`,
      );
    }
    coordinates = { kind: 'wkt', column: wkt };
    notes.push(`geometry from the WKT column ${header[wkt]}`);
  }
  const geometryColumns = new Set(coordinates.kind === 'lonlat' ? [coordinates.lon, coordinates.lat] : [coordinates.column]);

  // Rows of empty values only (",,," — Excel exports formatted but empty rows so) are no rows.
  const filled = data.filter(({ record }) => record.some((value) => value.trim() !== ''));
  if (filled.length < data.length) notes.push(`${data.length - filled.length} empty row(s) skipped`);

  const headerEnd = headerRecord.info.lines;
  let fileSrid: number | undefined;
  const rows: SourceRow[] = filled.map(({ record, info }) => {
    // csv-parse reports the line a record ends on; a quoted value may span several.
    const newlines = record.reduce((sum, value) => sum + (value.match(/\n/g)?.length ?? 0), 0);
    const row = info.lines - newlines - headerEnd;
    const properties: Record<string, string> = {};
    header.forEach((name, i) => {
      if (!geometryColumns.has(i) && record[i] !== undefined) properties[name] = record[i];
    });
    if (record.length !== header.length) {
      return { row, geometry: null, properties, problem: `${record.length} values where the header has ${header.length} columns` };
    }
    if (coordinates.kind === 'lonlat') {
      const { geometry, problem } = pointOrProblem(record, header, coordinates.lon, coordinates.lat);
      return { row, geometry, properties, ...(problem ? { problem } : {}) };
    }
    const { geometry, srid, problem } = wktOrProblem(record[coordinates.column]!, header[coordinates.column]!);
    if (srid !== undefined) {
      fileSrid ??= srid;
      if (srid !== fileSrid) return { row, geometry: null, properties, problem: `SRID ${srid} differs from the file's SRID ${fileSrid}` };
    }
    return { row, geometry, properties, ...(problem ? { problem } : {}) };
  });

  // EWKT/EWKB carry their SRID: the file's CRS when the rows agree on one.
  let crs: SourceCrs | null = null;
  if (fileSrid !== undefined) {
    crs = parseCrsName(`EPSG:${fileSrid}`);
    notes.push(`CRS EPSG:${fileSrid} from the WKT's SRID`);
  }
  return { format: 'csv', crs, name: null, total: rows.length, rows, notes };
}
