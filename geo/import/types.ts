import type { Geometry } from 'geojson';

/**
 * The contract between the file readers (geo/import/*) and the import pipeline (api/imports).
 *
 * A reader turns one uploaded file into rows: each row keeps its 1-based number in the source (the
 * feature's position, the CSV line, the shapefile record) so the dry-run report can point at it.
 * A reader never throws for one bad row: the row comes back with `problem` set and a null geometry,
 * and the pipeline reports it as rejected. A reader throws `ImportFileError` only when the file as
 * a whole cannot be read (not the declared format, hostile archive, DOCTYPE, too large...).
 */
export interface SourceRow {
  /** 1-based position in the source (feature index, CSV data line, shapefile record number). */
  readonly row: number;
  /** The feature's own id when the format has one (GeoJSON `id`, GeoPackage fid, KML id). */
  readonly id?: string | number;
  /** WGS84/CGCS2000 or the source CRS's coordinates as read (not yet transformed); null = none. */
  readonly geometry: Geometry | null;
  readonly properties: Readonly<Record<string, unknown>>;
  /** Why this row cannot be used as it stands (unreadable record, bad coordinates in a CSV...). */
  readonly problem?: string;
}

/**
 * The coordinate reference system of a source. `epsg` is any EPSG code (PostGIS transforms it);
 * `gcj02` and `bd09` are the consumer-map offsets (Amap/Tencent and Baidu), converted with gcoord.
 * EPSG:4326 (WGS 84) and EPSG:4490 (CGCS2000) are stored as they are: the two differ by centimetres.
 */
export type SourceCrs =
  | { readonly kind: 'epsg'; readonly code: number }
  | { readonly kind: 'gcj02' }
  | { readonly kind: 'bd09' };

export type ImportFormat = 'geojson' | 'topojson' | 'csv' | 'shapefile' | 'geopackage' | 'kml';

export interface SourceLayer {
  readonly format: ImportFormat;
  /** CRS the file declares (GeoJSON `crs`, `.prj`, GeoPackage srs), or null when it says none. */
  readonly crs: SourceCrs | null;
  /** Source layer/table/object name when the format has several (TopoJSON object, GPKG table). */
  readonly name: string | null;
  /** Number of rows when known up front (for progress), else null. */
  readonly total: number | null;
  readonly rows: Iterable<SourceRow>;
  /** Notes about the file as a whole (e.g. "encoding GBK from .cpg", "2 tables, read 'incidents'"). */
  readonly notes: readonly string[];
}

export interface ReadOptions {
  /** CSV: longitude and latitude column names (otherwise detected: lon/lng/longitude/x/经度...). */
  readonly lonColumn?: string;
  readonly latColumn?: string;
  /** TopoJSON object or GeoPackage table to read when there are several. */
  readonly layerName?: string;
  /** Text encoding override for CSV and shapefile DBF (`utf-8`, `gbk`, `gb18030`). */
  readonly encoding?: string;
}

export interface ImportLimits {
  /** Largest upload in bytes (also the largest uncompressed archive total). */
  readonly maxBytes: number;
  /** Largest number of entries in an archive. */
  readonly maxArchiveEntries: number;
  /** Largest compression ratio of any archive entry (uncompressed / compressed). */
  readonly maxCompressionRatio: number;
  /** Largest number of rows in one import. */
  readonly maxRows: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  /** Also the API's default IMPORT_MAX_BYTES (api/config.ts): one default for both. */
  maxBytes: 256 * 1024 * 1024,
  maxArchiveEntries: 64,
  maxCompressionRatio: 200,
  maxRows: 2_000_000,
};

/** The file as a whole is refused. `code` is stable for clients and tests. */
export class ImportFileError extends Error {
  constructor(
    readonly code:
      | 'unknown_format'
      | 'unreadable'
      | 'too_large'
      | 'too_many_rows'
      | 'archive_too_many_entries'
      | 'archive_bomb'
      | 'archive_unsafe_path'
      | 'archive_symlink'
      | 'archive_missing_part'
      | 'xml_doctype'
      | 'unknown_crs',
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}
