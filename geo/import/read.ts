import { unzipSync } from 'fflate';
import { readCsv } from './csv.js';
import { readGeoJson } from './geojson.js';
import { readGeoPackage } from './gpkg.js';
import { readKml, readKmz } from './kml.js';
import { readShapefileZip } from './shapefile.js';
import { readTopoJson } from './topojson.js';
import { ImportFileError, type ImportLimits, type ReadOptions, type SourceLayer } from './types.js';

/**
 * One uploaded file to a source layer. The format is decided by the content first and the file
 * name second: uploads are often misnamed (a GeoJSON saved as .txt, a KMZ renamed .zip), and the
 * magic bytes cannot lie about a zip or a SQLite database, while a name can.
 */

const ACCEPTED =
  'GeoJSON (.geojson, .json), TopoJSON (.topojson), CSV with longitude/latitude or WKT columns (.csv, .txt, .tsv), ' +
  'KML (.kml), KMZ (.kmz), a zipped shapefile (.zip holding .shp, .shx, .dbf and .prj), GeoPackage (.gpkg)';

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4: a local file header
const SQLITE = [...'SQLite format 3'].map((c) => c.charCodeAt(0)).concat(0);
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // legacy Office (.xls)

/** First byte after a UTF-8 BOM and whitespace (-1 when there is none). */
function firstSignificantByte(bytes: Uint8Array): number {
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return i < bytes.length ? bytes[i]! : -1;
}

/**
 * The value of the top-level "type" member of a JSON object, found by scanning the bytes (no
 * decoding, no parsing: the structural characters are ASCII, and UTF-8 never uses bytes below 0x80
 * inside a multi-byte character). Stops at the first top-level "type" key, usually the first;
 * null when there is none. Decides between TopoJSON and GeoJSON without parsing the file twice.
 */
export function topLevelJsonType(bytes: Uint8Array): string | null {
  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      const start = i + 1;
      for (i = start; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
      if (depth !== 1 || i - start !== 4 || String.fromCharCode(...bytes.subarray(start, i)) !== 'type') continue;
      // A key is followed by a colon; a string value ("type" as a value) is not.
      let j = i + 1;
      while (j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x09 || bytes[j] === 0x0a || bytes[j] === 0x0d)) j++;
      if (bytes[j] !== 0x3a) continue;
      for (j++; j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x09 || bytes[j] === 0x0a || bytes[j] === 0x0d); j++);
      if (bytes[j] !== QUOTE) return null;
      const end = bytes.indexOf(QUOTE, j + 1);
      return end === -1 ? null : new TextDecoder().decode(bytes.subarray(j + 1, end));
    }
    if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) depth--;
  }
  return null;
}

/**
 * Names of a zip's entries, from the central directory only (fflate's filter sees each entry and
 * declines it, so nothing is inflated): enough to tell a KMZ from a zipped shapefile before the
 * chosen reader opens the archive with all of archive.ts's checks. Null if fflate cannot list it.
 */
function zipEntryNames(bytes: Uint8Array): string[] | null {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        return false;
      },
    });
  } catch {
    return null;
  }
  // As archive.ts does: macOS's resource forks (__MACOSX/, ._name) are not files of the upload.
  return names.filter((name) => !/(^|\/)__MACOSX\//.test(name) && !/(^|\/)\._[^/]*$/.test(name));
}

async function readZip(extension: string, bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): Promise<SourceLayer> {
  const names = zipEntryNames(bytes);
  if (names === null) {
    // Let the archive reader say what is wrong with it.
    return extension === 'kmz' ? readKmz(bytes, options, limits) : readShapefileZip(bytes, options, limits);
  }
  if (names.some((name) => /^xl\/workbook\.xml$/i.test(name))) {
    throw new ImportFileError('unknown_format', `Excel workbooks are not read: save the sheet as CSV (UTF-8) and upload that. Accepted: ${ACCEPTED}`);
  }
  if (names.some((name) => /\.kml$/i.test(name))) return readKmz(bytes, options, limits);
  return readShapefileZip(bytes, options, limits);
}

async function dispatch(extension: string, bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): Promise<SourceLayer> {
  if (startsWith(bytes, ZIP)) return readZip(extension, bytes, options, limits);
  if (startsWith(bytes, SQLITE)) return readGeoPackage(bytes, options, limits);
  if (startsWith(bytes, OLE2)) {
    throw new ImportFileError('unknown_format', `Excel workbooks are not read: save the sheet as CSV (UTF-8) and upload that. Accepted: ${ACCEPTED}`);
  }
  const first = firstSignificantByte(bytes);
  if (first === 0x3c) return readKml(bytes, options, limits); // '<': XML
  if (first === 0x7b || first === 0x5b) {
    // '{' or '[': JSON. The file's own "type" decides; the name only when it has none.
    const type = topLevelJsonType(bytes);
    if (type === 'Topology' || (type === null && extension === 'topojson')) return readTopoJson(bytes, options, limits);
    return readGeoJson(bytes, options, limits);
  }

  switch (extension) {
    case 'csv':
    case 'txt':
    case 'tsv':
      return readCsv(bytes, options, limits);
    // Named as a text format but not starting like one: its reader says what is wrong.
    case 'kml':
      return readKml(bytes, options, limits);
    case 'geojson':
    case 'json':
      return readGeoJson(bytes, options, limits);
    case 'topojson':
      return readTopoJson(bytes, options, limits);
    case 'zip':
    case 'kmz':
    case 'gpkg':
      throw new ImportFileError('unreadable', `the file is named .${extension} but is not a ${extension === 'gpkg' ? 'GeoPackage (SQLite) file' : 'zip archive'}: damaged or misnamed`);
    case 'shp':
    case 'shx':
    case 'dbf':
    case 'prj':
    case 'cpg':
      throw new ImportFileError('unknown_format', `a shapefile is several files: zip the .shp, .shx, .dbf and .prj together and upload the .zip. Accepted: ${ACCEPTED}`);
    case 'xlsx':
    case 'xls':
      throw new ImportFileError('unknown_format', `Excel workbooks are not read: save the sheet as CSV (UTF-8) and upload that. Accepted: ${ACCEPTED}`);
    default:
      throw new ImportFileError('unknown_format', `the file's format is not recognised${extension ? ` (.${extension})` : ''}. Accepted: ${ACCEPTED}`);
  }
}

/**
 * Reads one uploaded file. Throws ImportFileError for a file that cannot be read as a whole (too
 * large first of all, before anything is looked at); problems of single rows are in the rows.
 */
export async function readSource(fileName: string, bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): Promise<SourceLayer> {
  if (bytes.length > limits.maxBytes) {
    throw new ImportFileError('too_large', `the file is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  try {
    return await dispatch(extension, bytes, options, limits);
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    // A library tripping over a malformed file is the file's problem (400), not the server's.
    const reason = error instanceof Error ? error.message : String(error);
    throw Object.assign(new ImportFileError('unreadable', `the file cannot be read: ${reason}`), { cause: error });
  }
}
