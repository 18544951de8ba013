import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Geometry } from 'geojson';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';
import { Geometry as Wkb } from 'wkx';
import { ImportFileError, type ImportLimits, type ReadOptions, type SourceCrs, type SourceLayer, type SourceRow } from './types.js';

/**
 * GeoPackage reader (OGC 12-128r18, versions 1.0–1.4) on sql.js, the WASM build of SQLite.
 *
 * The whole file is opened in memory (sql.js has no streaming VFS), but rows are produced lazily
 * from one prepared statement so a million-row table is never materialised as JS objects at once.
 * Each iteration of `rows` owns one sql.js database and closes it when the loop ends or breaks.
 */

let sqlJs: Promise<SqlJsStatic> | undefined;

/**
 * The sql.js module, initialised once per process. The wasm binary is read from node_modules
 * with fs: sql.js would otherwise try to fetch it, and the server must not need the network.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'));
    return initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
  })().catch((error: unknown) => {
    sqlJs = undefined;
    throw error;
  });
  return sqlJs;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** Byte length of the envelope for each envelope indicator (flags bits 1–3); 5–7 are invalid. */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64] as const;

/** Quotes an SQL identifier (table and column names come from the file: never trust them). */
const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;

interface FeatureTable {
  table: string;
  geometryColumn: string;
  srsId: number;
}

export async function readGeoPackage(bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): Promise<SourceLayer> {
  if (bytes.byteLength > limits.maxBytes) {
    throw new ImportFileError('too_large', `GeoPackage of ${bytes.byteLength} bytes exceeds the limit of ${limits.maxBytes} bytes`);
  }
  if (bytes.byteLength < 100 || String.fromCharCode(...bytes.subarray(0, 16)) !== SQLITE_MAGIC) {
    throw new ImportFileError('unreadable', 'not a GeoPackage: the file has no SQLite header');
  }
  // A WAL-mode database (header bytes 18/19 = 2) needs its -wal file and shared memory, which an
  // upload never has and sql.js cannot provide: mark it as a rollback-journal database instead.
  const data = bytes[18] === 2 || bytes[19] === 2 ? legacyJournalCopy(bytes) : bytes;

  const SQL = await loadSqlJs();
  let db: Database;
  try {
    db = new SQL.Database(data);
  } catch (error) {
    throw new ImportFileError('unreadable', `not a readable SQLite database: ${message(error)}`);
  }

  let layer: ReturnType<typeof describe>;
  try {
    layer = describe(db, options, limits);
  } catch (error) {
    db.close();
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError('unreadable', `not a readable GeoPackage: ${message(error)}`);
  }

  // The database opened for the metadata serves the first iteration; a later iteration (a dry run
  // followed by the import, say) opens the bytes again. If `rows` is never iterated, the registry
  // closes the database once the layer is garbage-collected so the WASM heap is not leaked.
  const pending: { db: Database | null } = { db };
  const { sql, names, booleans } = layer;
  const rows: Iterable<SourceRow> = {
    [Symbol.iterator]: () => {
      const own = pending.db ?? openAgain(SQL, data);
      pending.db = null;
      return iterateRows(own, sql, names, booleans);
    },
  };
  unusedDatabases.register(rows, pending);

  return { format: 'geopackage', crs: layer.crs, name: layer.name, total: layer.total, rows, notes: layer.notes };
}

const unusedDatabases = new FinalizationRegistry<{ db: Database | null }>((pending) => {
  pending.db?.close();
  pending.db = null;
});

function openAgain(SQL: SqlJsStatic, data: Uint8Array): Database {
  try {
    return new SQL.Database(data);
  } catch (error) {
    throw new ImportFileError('unreadable', `not a readable SQLite database: ${message(error)}`);
  }
}

function legacyJournalCopy(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Picks the feature table, its CRS and columns, and counts the rows; throws ImportFileError. */
function describe(db: Database, options: ReadOptions, limits: ImportLimits) {
  const hasContents = db.exec("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name IN ('gpkg_contents', 'gpkg_geometry_columns')");
  if ((hasContents[0]?.values.length ?? 0) < 2) {
    throw new ImportFileError('unreadable', 'not a GeoPackage: no gpkg_contents / gpkg_geometry_columns tables');
  }
  const tables: FeatureTable[] = (
    db.exec(
      `SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
        WHERE lower(c.data_type) = 'features' ORDER BY c.table_name`,
    )[0]?.values ?? []
  ).map(([table, column, srsId]) => ({ table: String(table), geometryColumn: String(column), srsId: Number(srsId) }));
  if (tables.length === 0) throw new ImportFileError('unreadable', 'the GeoPackage has no feature table');

  const notes: string[] = [];
  const list = tables.map((t) => `'${t.table}'`).join(', ');
  let chosen: FeatureTable | undefined;
  if (options.layerName !== undefined) {
    const wanted = options.layerName;
    chosen = tables.find((t) => t.table === wanted) ?? tables.find((t) => t.table.toLowerCase() === wanted.toLowerCase());
    if (!chosen) throw new ImportFileError('unreadable', `the GeoPackage has no feature table '${wanted}' (tables: ${list})`);
    if (tables.length > 1) notes.push(`${tables.length} tables, read '${chosen.table}'`);
  } else if (tables.length > 1) {
    throw new ImportFileError('unreadable', `the GeoPackage has ${tables.length} feature tables (${list}): choose one with layerName`);
  } else {
    chosen = tables[0]!;
  }

  const crs = crsOf(db, chosen.srsId, notes);

  // Columns: the integer primary key is the fid; the geometry column is decoded separately; every
  // other column becomes a property. BOOLEAN columns hold 0/1 integers and come back as booleans.
  const info = db.exec(`PRAGMA table_info(${quoteId(chosen.table)})`)[0]?.values ?? [];
  if (info.length === 0) throw new ImportFileError('unreadable', `the feature table '${chosen.table}' does not exist`);
  const columns = info.map(([, name, type, , , pk]) => ({ name: String(name), type: String(type ?? '').toUpperCase(), pk: Number(pk) }));
  const geometry = columns.find((c) => c.name.toLowerCase() === chosen.geometryColumn.toLowerCase());
  if (!geometry) throw new ImportFileError('unreadable', `the feature table '${chosen.table}' has no column '${chosen.geometryColumn}'`);
  const pks = columns.filter((c) => c.pk > 0);
  const isView = db.exec('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?', ['view', chosen.table]).length > 0;
  // A view has no rowid: the spec makes its first column the integer identifier.
  const fid = pks.length === 1 ? pks[0]!.name : isView ? columns[0]!.name : null;
  const properties = columns.filter((c) => c !== geometry && c.name !== fid);
  const fidSql = fid === null ? '_ROWID_' : quoteId(fid);
  const sql = `SELECT ${[fidSql, quoteId(geometry.name), ...properties.map((c) => quoteId(c.name))].join(', ')} FROM ${quoteId(chosen.table)} ORDER BY ${fidSql}`;

  const total = Number(db.exec(`SELECT COUNT(*) FROM ${quoteId(chosen.table)}`)[0]?.values[0]?.[0] ?? 0);
  if (total > limits.maxRows) {
    throw new ImportFileError('too_many_rows', `the table '${chosen.table}' has ${total} rows, more than the limit of ${limits.maxRows}`);
  }

  return {
    format: 'geopackage' as const,
    crs,
    name: chosen.table,
    total,
    notes,
    sql,
    names: properties.map((c) => c.name),
    booleans: properties.map((c) => c.type === 'BOOLEAN'),
  };
}

/** gpkg_spatial_ref_sys row → CRS: EPSG organisation, else the authority of the WKT, else null. */
function crsOf(db: Database, srsId: number, notes: string[]): SourceCrs | null {
  const row = db.exec('SELECT organization, organization_coordsys_id, definition, srs_name FROM gpkg_spatial_ref_sys WHERE srs_id = ?', [srsId])[0]?.values[0];
  if (!row) {
    notes.push(`srs_id ${srsId} is not in gpkg_spatial_ref_sys: CRS unknown`);
    return null;
  }
  const [organization, code, definition, name] = row;
  if (String(organization).toUpperCase() === 'EPSG' && Number.isInteger(Number(code)) && Number(code) > 0) {
    return { kind: 'epsg', code: Number(code) };
  }
  if (srsId === -1 || srsId === 0) {
    notes.push(`the GeoPackage declares an undefined ${srsId === 0 ? 'geographic' : 'Cartesian'} CRS (srs_id ${srsId}): CRS unknown`);
    return null;
  }
  // Custom entries (organization 'NONE', srs_id ≥ 100000 from GDAL) may still carry the EPSG code
  // as the outermost AUTHORITY (WKT 1) or ID (WKT 2) of their definition.
  const wkt = String(definition ?? '');
  const authority = /AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(wkt) ?? /\bID\s*\[\s*"EPSG"\s*,\s*(\d+)\s*\]\s*\]\s*$/i.exec(wkt);
  if (authority) {
    notes.push(`srs_id ${srsId} ('${String(name)}') read as EPSG:${authority[1]} from its definition`);
    return { kind: 'epsg', code: Number(authority[1]) };
  }
  notes.push(`srs_id ${srsId} ('${String(name)}', organization ${String(organization)} ${String(code)}) is not an EPSG CRS: CRS unknown`);
  return null;
}

/**
 * One pass over the table. A generator keeps the statement's lifetime in one try/finally: the
 * database is closed when the loop finishes, breaks (return()) or throws.
 */
function* iterateRows(db: Database, sql: string, names: readonly string[], booleans: readonly boolean[]): Generator<SourceRow, void, undefined> {
  let statement;
  try {
    statement = db.prepare(sql);
  } catch (error) {
    db.close();
    throw new ImportFileError('unreadable', `cannot read the feature table: ${message(error)}`);
  }
  const build = propertyFactory(names);
  const count = names.length + 2;
  try {
    let row = 0;
    for (;;) {
      let values: SqlValue[];
      try {
        if (!statement.step()) break;
        values = statement.get();
      } catch (error) {
        // A malformed page mid-table: the file as a whole is damaged.
        throw new ImportFileError('unreadable', `the GeoPackage is damaged after row ${row}: ${message(error)}`);
      }
      row += 1;
      // SQLite is dynamically typed: any column may hold a blob, whatever its declared type.
      for (let i = 2; i < count; i++) {
        const value = values[i];
        if (value instanceof Uint8Array) values[i] = Buffer.from(value).toString('base64');
        else if (booleans[i - 2] && typeof value === 'number') (values as unknown[])[i] = value !== 0;
      }
      const properties = build(values);
      const id = values[0] as number;
      const blob = values[1];
      let geometry: Geometry | null = null;
      if (blob instanceof Uint8Array) {
        geometry = decodeGeometry(blob);
      } else {
        problem = blob === null || blob === undefined ? 'no geometry' : 'the geometry column does not hold a GeoPackage geometry blob';
      }
      if (problem === undefined) {
        yield { row, id, geometry, properties };
      } else {
        yield { row, id, geometry: null, properties, problem };
        problem = undefined;
      }
    }
  } finally {
    statement.free();
    db.close();
  }
}

/**
 * A function building one row's properties from the statement's values (properties start at
 * index 2, after fid and geometry). The column names are fixed for the table, so the function is
 * generated once with an object literal of those keys: V8 then makes each row's object from one
 * boilerplate (~10 ns) instead of a chain of keyed stores (~40 ns each), which shows on a million
 * rows. The names come from the file, so each key is embedded as a JSON string literal (cannot
 * break out of the literal), and '__proto__' as a computed key so it stays an own property.
 * Where code generation from strings is disabled, plain keyed stores are used instead.
 */
function propertyFactory(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  const keys = names.map((name, i) => `${name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name)}: v[${i + 2}]`);
  try {
    return new Function('v', `return { ${keys.join(', ')} };`) as (values: unknown[]) => Record<string, unknown>;
  } catch {
    return (values) => {
      const properties: Record<string, unknown> = {};
      names.forEach((name, i) => Object.defineProperty(properties, name, { value: values[i + 2], enumerable: true, writable: true, configurable: true }));
      return properties;
    };
  }
}

/** One GeoPackage geometry blob to GeoJSON, with the reason when it gives none (for tests and tools). */
export function parseGeoPackageGeometry(blob: Uint8Array): { geometry: Geometry | null; problem?: string } {
  const geometry = decodeGeometry(blob);
  const reason = problem;
  problem = undefined;
  return reason === undefined ? { geometry } : { geometry, problem: reason };
}

/** Why the last decodeGeometry() returned null (module state: avoids a result object per row). */
let problem: string | undefined;

/**
 * GeoPackage binary geometry: 'GP', version, flags, srs_id (int32), envelope, then standard WKB.
 * flags: bit 0 byte order of the header (1 = little endian), bits 1–3 envelope indicator,
 * bit 4 empty geometry, bit 5 extended (non-standard) geometry type.
 */
function decodeGeometry(blob: Uint8Array): Geometry | null {
  problem = undefined;
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) {
    problem = 'the geometry is not a GeoPackage geometry blob (no GP magic)';
    return null;
  }
  const flags = blob[3]!;
  if (flags & 0x20) {
    problem = 'extended (non-standard) GeoPackage geometry types are not supported';
    return null;
  }
  const envelope = ENVELOPE_BYTES[(flags >> 1) & 0x07];
  if (envelope === undefined) {
    problem = `invalid envelope indicator ${(flags >> 1) & 0x07} in the geometry header`;
    return null;
  }
  if (flags & 0x10) {
    problem = 'empty geometry';
    return null;
  }
  const start = 8 + envelope;
  if (blob.length < start + 5) {
    problem = 'truncated geometry blob';
    return null;
  }

  // Fast path for points, by far the most common bulk data: read x/y straight from the WKB
  // (1 byte order, uint32 type, doubles) instead of building wkx objects for each row. Bytes are
  // read from the Uint8Array itself: touching `blob.buffer` would make V8 materialise a separate
  // ArrayBuffer for every small on-heap blob, which costs more than the whole decoding.
  const little = blob[start] === 1;
  const type = little
    ? blob[start + 1]! | (blob[start + 2]! << 8) | (blob[start + 3]! << 16) | (blob[start + 4]! << 24)
    : (blob[start + 1]! << 24) | (blob[start + 2]! << 16) | (blob[start + 3]! << 8) | blob[start + 4]!;
  if (type === 1 || type === 1001 || type === 2001 || type === 3001) {
    const hasZ = type === 1001 || type === 3001;
    if (blob.length < start + (hasZ ? 29 : 21)) {
      problem = 'truncated point geometry';
      return null;
    }
    const x = readDouble(blob, start + 5, little);
    const y = readDouble(blob, start + 13, little);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      problem = 'empty geometry'; // an empty point is encoded as NaN coordinates
      return null;
    }
    return { type: 'Point', coordinates: hasZ ? [x, y, readDouble(blob, start + 21, little)] : [x, y] };
  }

  let geometry: Geometry;
  try {
    geometry = Wkb.parse(Buffer.from(blob.buffer, blob.byteOffset + start, blob.length - start)).toGeoJSON() as Geometry;
  } catch (error) {
    problem = `unreadable geometry: ${message(error)}`;
    return null;
  }
  if (isEmpty(geometry)) {
    problem = 'empty geometry';
    return null;
  }
  return geometry;
}

const scratch = new Uint8Array(8);
const scratchDouble = new Float64Array(scratch.buffer);
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function readDouble(bytes: Uint8Array, offset: number, little: boolean): number {
  if (little === HOST_LITTLE_ENDIAN) {
    for (let i = 0; i < 8; i++) scratch[i] = bytes[offset + i]!;
  } else {
    for (let i = 0; i < 8; i++) scratch[i] = bytes[offset + 7 - i]!;
  }
  return scratchDouble[0]!;
}

function isEmpty(geometry: Geometry): boolean {
  if (geometry.type === 'GeometryCollection') return geometry.geometries.length === 0;
  if (geometry.type === 'Point') return geometry.coordinates.length === 0 || Number.isNaN(geometry.coordinates[0]);
  return geometry.coordinates.length === 0;
}
