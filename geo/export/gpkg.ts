import type { Geometry, Position } from 'geojson';
import type { Database } from 'sql.js';
import { Geometry as Wkb } from 'wkx';
import { loadSqlJs } from '../import/gpkg.js';
import { asBoolean, asDate, asDateTime, asInteger, asReal, asText, type ExportField, type ExportLayer, type FieldType } from './types.js';

/**
 * GeoPackage 1.4 writer (OGC 12-128r18) on sql.js. One feature table in EPSG:4326.
 *
 * sql.js initialises asynchronously (WASM compilation); the module awaits it once at load so that
 * writeGeoPackage can stay synchronous. Import this module lazily (await import()) where startup
 * time matters.
 *
 * No spatial index: the sql.js build has no R*Tree module ("no such module: rtree"), so the
 * gpkg_rtree_index extension cannot be created in plain SQL. GDAL/QGIS read the file without one;
 * `ogrinfo file.gpkg -sql "SELECT CreateSpatialIndex('layer', 'geom')"` adds it afterwards.
 */
const SQL = await loadSqlJs();

const APPLICATION_ID_GPKG = 0x47504b47; // 'GPKG'
const USER_VERSION_1_4 = 10400;
const WGS84 = 4326;

const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
  'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],' +
  'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';

/** The mandatory metadata tables, as in Annex C of the specification. */
const SCHEMA = `
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
`;

const SQL_TYPES: Record<FieldType, string> = {
  string: 'TEXT',
  integer: 'INTEGER',
  real: 'REAL',
  boolean: 'BOOLEAN',
  date: 'DATE',
  datetime: 'DATETIME',
};

const CONVERT: Record<FieldType, (value: unknown) => string | number | null> = {
  string: asText,
  integer: asInteger,
  real: asReal,
  boolean: (value) => {
    const b = asBoolean(value);
    return b === null ? null : b ? 1 : 0;
  },
  date: asDate,
  datetime: asDateTime,
};

const GEOMETRY_TYPE_NAMES: Record<Geometry['type'], string> = {
  Point: 'POINT',
  LineString: 'LINESTRING',
  Polygon: 'POLYGON',
  MultiPoint: 'MULTIPOINT',
  MultiLineString: 'MULTILINESTRING',
  MultiPolygon: 'MULTIPOLYGON',
  GeometryCollection: 'GEOMETRYCOLLECTION',
};

const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export function writeGeoPackage(layer: ExportLayer): Uint8Array {
  const table = tableName(layer.name);
  const columns = columnNames(layer.fields);
  const db = new SQL.Database();
  try {
    db.run(`PRAGMA application_id = ${APPLICATION_ID_GPKG}; PRAGMA user_version = ${USER_VERSION_1_4};`);
    db.run('BEGIN');
    db.run(SCHEMA);
    db.run(
      `INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES
        ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system'),
        ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
        ('WGS 84 geodetic', ${WGS84}, 'EPSG', ${WGS84}, ?, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
      [WGS84_WKT],
    );

    // The geometry column's declared type must equal gpkg_geometry_columns.geometry_type_name
    // (requirements 25 and 31), which is only known after the last feature, and the features may
    // be a one-shot iterator. So rows go to a TEMP staging table first (a separate database: its
    // pages never reach the exported file) and are copied in one INSERT … SELECT at the end.
    const fieldColumns = layer.fields.map((field, i) => `${quoteId(columns.fields[i]!)} ${SQL_TYPES[field.type]}`);
    db.run(`CREATE TEMP TABLE staging (${quoteId(columns.fid)} INTEGER PRIMARY KEY, ${quoteId(columns.geometry)} BLOB${fieldColumns.map((c) => `, ${c}`).join('')})`);
    const stats = insertFeatures(db, layer);

    const typeName = stats.types.size === 1 ? GEOMETRY_TYPE_NAMES[[...stats.types][0]!] : 'GEOMETRY';
    db.run(
      `CREATE TABLE ${quoteId(table)} (${quoteId(columns.fid)} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, ${quoteId(columns.geometry)} ${typeName}${fieldColumns.map((c) => `, ${c}`).join('')})`,
    );
    db.run(`INSERT INTO ${quoteId(table)} SELECT * FROM temp.staging ORDER BY 1`);
    db.run('DROP TABLE temp.staging');

    const bounds = stats.bounds[0] <= stats.bounds[2] ? stats.bounds : [null, null, null, null];
    db.run(
      `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
       VALUES (?, 'features', ?, '', ?, ?, ?, ?, ${WGS84})`,
      [table, layer.name || table, ...bounds],
    );
    // z = 2: "optional" when any geometry has a third coordinate; M values are never written.
    db.run(`INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, ?, ?, ${WGS84}, ?, 0)`, [
      table,
      columns.geometry,
      typeName,
      stats.hasZ ? 2 : 0,
    ]);
    db.run('COMMIT');
    return db.export();
  } finally {
    db.close();
  }
}

interface Stats {
  types: Set<Geometry['type']>;
  /** minX, minY, maxX, maxY; min > max while empty. */
  bounds: [number, number, number, number];
  hasZ: boolean;
}

function insertFeatures(db: Database, layer: ExportLayer): Stats {
  const stats: Stats = { types: new Set(), bounds: [Infinity, Infinity, -Infinity, -Infinity], hasZ: false };
  const convert = layer.fields.map((field) => CONVERT[field.type]);
  const statement = db.prepare(`INSERT INTO temp.staging VALUES (${['?', '?', ...convert.map(() => '?')].join(', ')})`);
  // Integer ids become the fid (so a re-import finds the same features); string ids, repeated
  // ids and ids outside SQLite's positive range get the next free fid instead.
  const used = new Set<number>();
  let next = 1;
  try {
    for (const feature of layer.features) {
      let fid: number;
      if (typeof feature.id === 'number' && Number.isSafeInteger(feature.id) && feature.id > 0 && !used.has(feature.id)) {
        fid = feature.id;
      } else {
        while (used.has(next)) next += 1;
        fid = next;
      }
      used.add(fid);
      const values: (string | number | Uint8Array | null)[] = [fid, feature.geometry ? encodeGeometry(feature.geometry, stats, feature.id) : null];
      for (let i = 0; i < convert.length; i++) values.push(convert[i]!(feature.properties[layer.fields[i]!.name]));
      statement.run(values);
    }
  } finally {
    statement.free();
  }
  return stats;
}

/**
 * GeoPackage geometry blob: 'GP', version 0, flags, srs_id, envelope, WKB.
 * flags 0b0000_0011: little-endian header, envelope indicator 1 (minX, maxX, minY, maxY);
 * an empty geometry gets flags 0b0001_0001 (empty bit, no envelope) per the specification.
 */
function encodeGeometry(geometry: Geometry, stats: Stats, id: number | string): Uint8Array {
  let wkb: Buffer;
  try {
    wkb = Wkb.parseGeoJSON(geometry).toWkb();
  } catch (error) {
    throw new Error(`feature ${id}: invalid ${geometry.type} geometry (${error instanceof Error ? error.message : String(error)})`);
  }
  stats.types.add(geometry.type);
  const envelope: [number, number, number, number] = [Infinity, -Infinity, Infinity, -Infinity];
  if (extend(geometry, envelope)) stats.hasZ = true;
  const empty = !(envelope[0] <= envelope[1]);
  const header = empty ? 8 : 40;
  const blob = new Uint8Array(header + wkb.length);
  const view = new DataView(blob.buffer);
  blob[0] = 0x47; // G
  blob[1] = 0x50; // P
  blob[2] = 0; // version 1
  blob[3] = empty ? 0b0001_0001 : 0b0000_0011;
  view.setInt32(4, WGS84, true);
  if (!empty) {
    envelope.forEach((value, i) => view.setFloat64(8 + i * 8, value, true));
    stats.bounds[0] = Math.min(stats.bounds[0], envelope[0]);
    stats.bounds[1] = Math.min(stats.bounds[1], envelope[2]);
    stats.bounds[2] = Math.max(stats.bounds[2], envelope[1]);
    stats.bounds[3] = Math.max(stats.bounds[3], envelope[3]);
  }
  blob.set(wkb, header);
  return blob;
}

/** Grows [minX, maxX, minY, maxY] by the geometry's positions; returns whether any has a Z. */
function extend(geometry: Geometry, envelope: [number, number, number, number]): boolean {
  if (geometry.type === 'GeometryCollection') {
    let z = false;
    for (const member of geometry.geometries) z = extend(member, envelope) || z;
    return z;
  }
  return walk(geometry.coordinates, envelope);
}

function walk(coordinates: unknown, envelope: [number, number, number, number]): boolean {
  if (!Array.isArray(coordinates) || coordinates.length === 0) return false;
  if (typeof coordinates[0] === 'number') {
    const [x, y] = coordinates as Position;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      if (x! < envelope[0]) envelope[0] = x!;
      if (x! > envelope[1]) envelope[1] = x!;
      if (y! < envelope[2]) envelope[2] = y!;
      if (y! > envelope[3]) envelope[3] = y!;
    }
    return coordinates.length > 2;
  }
  let z = false;
  for (const child of coordinates) z = walk(child, envelope) || z;
  return z;
}

/** A legal table name: 'gpkg_' and 'sqlite_' prefixes are reserved, empty names are not allowed. */
function tableName(name: string): string {
  const trimmed = name.trim() || 'layer';
  return /^(gpkg_|sqlite_)/i.test(trimmed) ? `layer_${trimmed}` : trimmed;
}

/**
 * Column names: the fields' own names, made unique (SQLite compares names case-insensitively),
 * and fid/geom renamed if a field already uses them.
 */
function columnNames(fields: readonly ExportField[]): { fid: string; geometry: string; fields: string[] } {
  const taken = new Set<string>();
  const unique = (wanted: string): string => {
    let name = wanted;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${wanted}_${n}`;
    taken.add(name.toLowerCase());
    return name;
  };
  const names = fields.map((field, i) => unique(field.name.trim() || `field_${i + 1}`));
  return { fid: unique('fid'), geometry: unique('geom'), fields: names };
}
