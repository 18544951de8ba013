import { stringify } from 'csv-stringify/sync';
import type { ExportField, ExportFeature, FieldType } from '../../geo/export/types.js';
import { LAYERS, type LayerId } from '../../geo/layers.js';
import { withScope, type RequestScope } from '../db/scope.js';
import type { Db, Queryable } from '../db/types.js';
import { ident } from '../db/sql-conditions.js';
import { findItems, type ItemsPage, type ItemsQuery } from '../ogc/items.js';

/**
 * Exports of one layer with the caller's selection (the same bbox / datetime / CQL2 filter /
 * properties / sortby as /ogc items). GeoJSON and CSV stream page by page, each page read in its
 * own short scoped transaction, so an export of 300,000 incidents neither holds a transaction open
 * while the client downloads nor builds the whole answer in memory. GeoPackage and Shapefile are
 * files built whole in the request's transaction, then sent.
 *
 * Pages follow the id (keyset: `id > last`) when the selection has no sortby, so each page is an
 * index range scan; with a sortby they go by offset.
 */
export const EXPORT_FORMATS = ['geojson', 'csv', 'gpkg', 'shp.zip'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_PAGE = 5_000;
/** GeoPackage and Shapefile are built in memory: at most this many features. */
export const EXPORT_FILE_MAX = 1_000_000;

export type Selection = Omit<ItemsQuery, 'limit' | 'offset'>;

/**
 * Runs one page's query: in its own scoped transaction for a streamed answer (read after the
 * request's transaction has ended), or in the request's transaction for a file built before
 * answering (PGlite runs one transaction at a time: a second one inside the first would wait forever).
 */
export type PageReader = <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>;

export const ownTransactions = (db: Db, scope: RequestScope): PageReader => (fn) => withScope(db, scope, fn);

/** The selection's pages, in id order (keyset) or the selection's sort order (offset). */
export async function* selectionPages(read: PageReader, selection: Selection, pageSize = EXPORT_PAGE): AsyncGenerator<ItemsPage> {
  const layer = LAYERS[selection.layerId];
  const keyset = selection.sortBy.length === 0;
  let lastId: string | null = null;
  for (let offset = 0; ; offset += pageSize) {
    const query: ItemsQuery = { ...selection, limit: pageSize, offset: keyset ? 0 : offset, count: false };
    if (keyset && lastId !== null) {
      const column = layer.idColumn === 'id' ? `t.id > $${selection.params.length + 1}::bigint` : `t.${ident(layer.idColumn)} > $${selection.params.length + 1}`;
      query.conditions = [...selection.conditions, column];
      query.params = [...selection.params, lastId];
    }
    const page = await read((tx) => findItems(tx, query));
    if (page.numberReturned > 0) yield page;
    if (page.numberReturned < pageSize) return;
    lastId = page.lastId;
  }
}

/** GeoJSON text, page by page: the features array is spliced from each page's JSON text. */
export async function* geojsonChunks(pages: AsyncIterable<ItemsPage>, numberMatched: number | null): AsyncGenerator<string> {
  yield `{"type":"FeatureCollection",${numberMatched === null ? '' : `"numberMatched":${numberMatched},`}"features":[`;
  let returned = 0;
  for await (const page of pages) {
    yield (returned > 0 ? ',' : '') + page.features.slice(1, -1);
    returned += page.numberReturned;
  }
  yield `],"numberReturned":${returned},"timeStamp":"${new Date().toISOString()}"}`;
}

/**
 * Spreadsheet programs run a cell that starts with =, +, -, @ (or a tab or carriage return) as a
 * formula: such text cells get a leading apostrophe. Numbers stay numbers.
 */
export function neutraliseCell(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** CSV, page by page: points as lon/lat columns, other shapes as GeoJSON text. BOM first for Excel. */
export async function* csvChunks(layerId: LayerId, properties: readonly string[], pages: AsyncIterable<ItemsPage>): AsyncGenerator<string> {
  const point = LAYERS[layerId].geometryKind === 'point';
  yield '\uFEFF' + stringify([[...properties, ...(point ? ['lon', 'lat'] : ['geometry'])]]);
  for await (const page of pages) {
    const rows = (JSON.parse(page.features) as GeoJSON.Feature[]).map((f) => [
      ...properties.map((p) => neutraliseCell(f.properties?.[p] ?? '')),
      ...(point ? (f.geometry as GeoJSON.Point).coordinates.slice(0, 2) : [JSON.stringify(f.geometry)]),
    ]);
    yield stringify(rows);
  }
}

/** Every feature of the selection, for the file formats (at most EXPORT_FILE_MAX). */
export async function collectFeatures(pages: AsyncIterable<ItemsPage>): Promise<ExportFeature[]> {
  const features: ExportFeature[] = [];
  for await (const page of pages) {
    for (const f of JSON.parse(page.features) as GeoJSON.Feature[]) {
      features.push({ id: f.id ?? features.length + 1, geometry: f.geometry, properties: (f.properties ?? {}) as Record<string, unknown> });
    }
    if (features.length > EXPORT_FILE_MAX) {
      throw new RangeError(`more than ${EXPORT_FILE_MAX} features`);
    }
  }
  return features;
}

/** The properties' field types, from the columns' types in the database. */
export async function exportFields(tx: Queryable, layerId: LayerId, properties: readonly string[]): Promise<ExportField[]> {
  const rows = await tx.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [LAYERS[layerId].source],
  );
  const types = new Map(rows.map((r) => [r.name, r.type]));
  return properties.map((name) => ({ name, type: fieldTypeOf(types.get(name) ?? 'text') }));
}

function fieldTypeOf(sqlType: string): FieldType {
  if (/^(smallint|integer|bigint)$/.test(sqlType)) return 'integer';
  if (/^(real|double precision|numeric)/.test(sqlType)) return 'real';
  if (sqlType === 'boolean') return 'boolean';
  if (sqlType === 'date') return 'date';
  if (sqlType.startsWith('timestamp')) return 'datetime';
  return 'string';
}
