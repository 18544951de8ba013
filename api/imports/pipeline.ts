import { createHash } from 'node:crypto';
import type { Geometry } from 'geojson';
import { checkGeometry, describeGeometryProblems } from '../../geo/geometry-check.js';
import { offsetToWgs84 } from '../../geo/import/crs.js';
import { readSource } from '../../geo/import/read.js';
import { ImportFileError, type ImportLimits, type ReadOptions, type SourceCrs, type SourceLayer } from '../../geo/import/types.js';
import { describePersonalNumbers } from '../../geo/privacy-guard.js';
import { withScope, type RequestScope } from '../db/scope.js';
import type { Db, Queryable } from '../db/types.js';
import { ident } from '../db/sql-conditions.js';
import { ApiError } from '../errors.js';
import { IMPORT_TARGETS, regionLevelOf, type ImportLayerId, type ImportTarget } from './targets.js';

/**
 * One import: read the file (geo/import), check every row in TypeScript (schema, geometry,
 * privacy), then stage the good rows in a temporary table and do the rest set-based in SQL inside
 * the importer's scoped transaction: coordinates transformed to SRID 4326, each row placed in its
 * village and grid (only the importer's regions count, so a row elsewhere is rejected), matched
 * with what an earlier import wrote (same key = same record), and finally written.
 *
 * A dry run does all of that, reports every row and rolls back: the report is exactly what the
 * commit would do. A commit is one transaction: all rows or none. With rejected rows it writes
 * nothing unless the importer said to skip them (`skipRejected`).
 */
export type ImportMode = 'dry-run' | 'commit';

export interface ImportOptions {
  readonly layer: ImportLayerId;
  readonly mode: ImportMode;
  readonly fileName: string;
  /** Overrides what the file declares (consumer-map data never says it is GCJ-02). */
  readonly crs?: SourceCrs;
  /** Property whose value identifies a record across imports (else a hash of the row's content). */
  readonly keyProperty?: string;
  /** Target column → source property, for columns whose names the importer cannot guess. */
  readonly mapping?: Readonly<Record<string, string>>;
  readonly skipRejected?: boolean;
  readonly read: ReadOptions;
  readonly limits: ImportLimits;
}

export type RowAction = 'create' | 'update' | 'unchanged' | 'rejected';

export interface RowOutcome {
  readonly row: number;
  readonly action: RowAction;
  /** The record's id (or code) when it exists or would exist. */
  readonly id?: string;
  readonly reason?: string;
}

export interface ImportReport {
  readonly layer: ImportLayerId;
  readonly mode: ImportMode;
  readonly fileName: string;
  readonly sha256: string;
  readonly format: SourceLayer['format'];
  readonly sourceName: string | null;
  readonly crs: string;
  readonly notes: readonly string[];
  readonly counts: Readonly<Record<RowAction, number>> & { readonly read: number };
  readonly committed: boolean;
  /** Why a commit wrote nothing (rejected rows and no skipRejected); absent otherwise. */
  readonly refused?: string;
  readonly batchId: number | null;
  /** Earlier committed imports of the very same file into this layer. */
  readonly earlierImports: readonly { id: number; at: string; actor: string | null }[];
  readonly rows: readonly RowOutcome[];
}

export type ImportPhase = 'reading' | 'checking' | 'placing' | 'writing' | 'done';

export interface ImportProgress {
  readonly phase: ImportPhase;
  readonly done: number;
  readonly total: number | null;
}

/** Rows go to the database in batches of this many (one unnest INSERT each). */
const STAGE_BATCH = 5_000;
/** Longest single statement of an import (a million rows are placed, matched and written in a few). */
const IMPORT_STATEMENT_TIMEOUT_MS = 10 * 60 * 1000;

interface StagedRow {
  row: number;
  key: string;
  props: string;
  x: number | null;
  y: number | null;
  geojson: string | null;
}

class Rollback extends Error {}

/**
 * Stored as they are: CGCS2000 (4490) and WGS 84 differ by centimetres, and 4979 is WGS 84 with
 * heights (GDAL tags 3D GeoJSON so). Anything else is transformed by PostGIS.
 */
const SAME_AS_WGS84 = new Set([4326, 4490, 4979]);

export async function runImport(
  db: Db, scope: RequestScope, bytes: Uint8Array, options: ImportOptions, onProgress: (p: ImportProgress) => void = () => {},
): Promise<ImportReport> {
  const target = IMPORT_TARGETS[options.layer];
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  onProgress({ phase: 'reading', done: 0, total: null });
  const source = await readSourceOr400(options, bytes);
  const crs = options.crs ?? source.crs ?? { kind: 'epsg', code: 4326 };
  const notes = [...source.notes];
  if (!options.crs && !source.crs) notes.push('The file declares no coordinate system: read as WGS 84 (EPSG:4326). Say crs=gcj02 or bd09 for consumer-map data.');
  const srid = crs.kind === 'epsg' ? crs.code : 4326;
  const projected = SAME_AS_WGS84.has(srid) ? false : await isProjected(db, srid);

  // Phase A: every row checked in TypeScript, no database work yet.
  const outcomes: RowOutcome[] = [];
  const staged: StagedRow[] = [];
  const resolve = columnResolver(target, options.mapping ?? {});
  let read = 0;
  for (const row of source.rows) {
    read++;
    if (read > options.limits.maxRows) {
      throw new ApiError(413, 'PayloadTooLarge', `The file has more than ${options.limits.maxRows} rows, the most one import takes`);
    }
    if (read % 10_000 === 0) onProgress({ phase: 'checking', done: read, total: source.total });
    const checked = checkRow(target, row, crs, projected, resolve, options.keyProperty);
    if (typeof checked === 'string') outcomes.push({ row: row.row, action: 'rejected', reason: checked });
    else staged.push(checked);
  }
  if (read === 0) throw new ApiError(400, 'ValidationFailed', 'The file has no rows to import');

  // Phase B: set-based in the importer's scope; rolled back for a dry run.
  let report: ImportReport | null = null;
  try {
    await withScope(db, scope, async (tx) => {
      const earlierImports = await tx.query<{ id: number; at: string; actor: string | null }>(
        `SELECT id::int, created_at AS at, actor FROM import_batches WHERE layer_id = $1 AND file_sha256 = $2 ORDER BY id`,
        [target.layerId, sha256],
      );
      await tx.query(`CREATE TEMP TABLE import_stage (
        row_no integer NOT NULL, key text NOT NULL, props jsonb NOT NULL, geom geometry,
        pt geometry, village_code text, natural_village_code text, grid_code text, target_id text, action text, reason text, part_of integer
      ) ON COMMIT DROP`);
      // Big imports: statements over a million rows may take longer than a request's, and sort more.
      await tx.query(`SELECT set_config('statement_timeout', $1, true), set_config('work_mem', '256MB', true)`, [String(IMPORT_STATEMENT_TIMEOUT_MS)]);
      for (let i = 0; i < staged.length; i += STAGE_BATCH) {
        await stageBatch(tx, staged.slice(i, i + STAGE_BATCH), srid);
        onProgress({ phase: 'placing', done: Math.min(i + STAGE_BATCH, staged.length), total: staged.length });
      }
      // The placing joins below probe the staged points through this index; a temporary table is
      // never analysed by autovacuum, and the planner needs its size to choose them.
      await tx.query(`CREATE INDEX ON import_stage USING gist (pt)`);
      await tx.query(`ANALYZE import_stage`);
      await classify(tx, target, projected);
      // Statistics of the decided stage (the first ANALYZE saw no actions yet) for the writes.
      await tx.query(`ANALYZE import_stage`);
      const counts = { read, create: 0, update: 0, unchanged: 0, rejected: outcomes.length };
      for (const c of await tx.query<{ action: RowAction; n: number }>(
        `SELECT coalesce(f.action, s.action) AS action, count(*)::int AS n FROM import_stage s LEFT JOIN import_stage f ON f.row_no = s.part_of GROUP BY 1`,
      )) counts[c.action] += c.n;

      const commit = options.mode === 'commit' && (counts.rejected === 0 || options.skipRejected === true);
      const refused = options.mode === 'commit' && !commit;
      onProgress({ phase: 'writing', done: 0, total: counts.create + counts.update });
      const [batch] = await tx.query<{ id: number }>(
        `INSERT INTO import_batches (layer_id, file_name, file_sha256, format, source_crs, region_code, staff_id, actor,
                                     created, updated, unchanged, rejected)
         VALUES ($1, $2, $3, $4, $5, current_setting('atlas.scope'), nullif(current_setting('atlas.staff_id', true), '')::bigint,
                 nullif(current_setting('atlas.actor', true), ''), $6, $7, $8, $9)
         RETURNING id::int`,
        [target.layerId, options.fileName.slice(0, 255) || 'upload', sha256, source.format, describeCrs(crs),
          counts.create, counts.update, counts.unchanged, counts.rejected],
      );
      // A dry run writes too (then rolls back), so the database's own checks speak in its report.
      // A refused commit does not need to.
      if (!refused) {
        // The rows of an import are audited once, by the batch row and this entry.
        await tx.query(`SELECT set_config('atlas.import_batch', $1, true)`, [String(batch!.id)]);
        await apply(tx, target, batch!.id);
        await tx.query(
          `INSERT INTO audit_log (staff_id, region_code, action, table_name, row_id, after, request_id, actor)
           VALUES (nullif(current_setting('atlas.staff_id', true), '')::bigint, current_setting('atlas.scope'), 'import', $1, $2, $3,
                   nullif(current_setting('atlas.request_id', true), ''), nullif(current_setting('atlas.actor', true), ''))`,
          [target.table, String(batch!.id), JSON.stringify({ file_name: options.fileName, file_sha256: sha256, ...counts })],
        );
        await tx.query(`SELECT set_config('atlas.import_batch', '', true)`);
      }
      // A part (an island of a region given as its own feature) shares its region's outcome. The
      // ids of created rows are reported only when they were committed.
      const decided = await tx.query<{ row_no: number; action: RowAction; reason: string | null; target_id: string | null }>(
        `SELECT s.row_no, coalesce(f.action, s.action) AS action,
                CASE WHEN coalesce(f.action, s.action) = 'create' AND NOT $1 THEN NULL ELSE coalesce(f.target_id, s.target_id) END AS target_id,
                CASE WHEN f.row_no IS NULL THEN s.reason ELSE 'a part of ' || f.key || ', merged into row ' || f.row_no END AS reason
         FROM import_stage s LEFT JOIN import_stage f ON f.row_no = s.part_of`,
        [commit],
      );
      for (const d of decided) {
        outcomes.push({ row: d.row_no, action: d.action, ...(d.target_id ? { id: d.target_id } : {}), ...(d.reason ? { reason: d.reason } : {}) });
      }
      outcomes.sort((a, b) => a.row - b.row);
      report = {
        layer: target.layerId, mode: options.mode, fileName: options.fileName, sha256, format: source.format, sourceName: source.name,
        crs: describeCrs(crs), notes, counts, committed: commit, batchId: commit ? batch!.id : null, earlierImports, rows: outcomes,
        ...(options.mode === 'commit' && !commit
          ? { refused: `Nothing was written: ${counts.rejected} of ${read} rows are rejected. Fix them, or commit with skipRejected=true to import the other rows.` }
          : {}),
      };
      if (!commit) throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  onProgress({ phase: 'done', done: read, total: read });
  return report!;
}

async function readSourceOr400(options: ImportOptions, bytes: Uint8Array): Promise<SourceLayer> {
  try {
    return await readSource(options.fileName, bytes, options.read, options.limits);
  } catch (error) {
    if (error instanceof ImportFileError) {
      const status = error.code === 'too_large' || error.code === 'archive_bomb' || error.code === 'too_many_rows' ? 413 : 400;
      throw new ApiError(status, status === 413 ? 'PayloadTooLarge' : 'ValidationFailed', `${error.message} [${error.code}]`);
    }
    throw error;
  }
}

async function isProjected(db: Db, srid: number): Promise<boolean> {
  const [row] = await db.query<{ geographic: boolean }>(
    `SELECT proj4text LIKE '%+proj=longlat%' AS geographic FROM spatial_ref_sys WHERE srid = $1`, [srid],
  );
  if (!row) throw new ApiError(400, 'ValidationFailed', `EPSG:${srid} is not a coordinate system PostGIS knows`);
  return !row.geographic;
}

export function describeCrs(crs: SourceCrs): string {
  return crs.kind === 'epsg' ? `EPSG:${crs.code}` : crs.kind === 'gcj02' ? 'GCJ-02' : 'BD-09';
}

type Resolver = (properties: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** Maps a row's properties to the target's columns: the importer's mapping, the name, then aliases. */
function columnResolver(target: ImportTarget, mapping: Readonly<Record<string, string>>): Resolver {
  const unknown = Object.keys(mapping).filter((c) => !target.columns.some((col) => col.name === c));
  if (unknown.length) {
    throw new ApiError(400, 'ValidationFailed', `mapping: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a column' : 'are not columns'} of ${target.layerId} (columns: ${target.columns.map((c) => c.name).join(', ')})`);
  }
  const candidates = target.columns.map((c) => ({
    name: c.name,
    names: mapping[c.name] !== undefined ? [mapping[c.name]!.trim().toLowerCase()] : [c.name, ...c.aliases].map((n) => n.toLowerCase()),
  }));
  let lastKeys: string[] | null = null;
  let lastPlan: { name: string; key: string }[] = [];
  return (properties) => {
    const keys = Object.keys(properties);
    // Rows of one file almost always share their keys: plan the lookup once per key set.
    if (!lastKeys || keys.length !== lastKeys.length || keys.some((k, i) => k !== lastKeys![i])) {
      const lower = new Map(keys.map((k) => [k.trim().toLowerCase(), k]));
      lastPlan = [];
      for (const c of candidates) {
        const found = c.names.map((n) => lower.get(n)).find((k) => k !== undefined);
        if (found !== undefined) lastPlan.push({ name: c.name, key: found });
      }
      lastKeys = keys;
    }
    const values: Record<string, unknown> = {};
    for (const p of lastPlan) values[p.name] = properties[p.key];
    return values;
  };
}

function checkRow(
  target: ImportTarget, row: import('../../geo/import/types.js').SourceRow, crs: SourceCrs, projected: boolean,
  resolve: Resolver, keyProperty: string | undefined,
): StagedRow | string {
  if (row.problem) return row.problem;
  if (!row.geometry) return 'no geometry';
  let geometry: Geometry = row.geometry;
  if (crs.kind !== 'epsg') geometry = offsetToWgs84(geometry, crs);
  const problems = checkGeometry(geometry, { allowed: target.geometryTypes, projected });
  if (problems.length) return `geometry: ${describeGeometryProblems(problems)}`;
  const parsed = target.schema.safeParse(resolve(row.properties));
  if (!parsed.success) {
    return parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  }
  const values = parsed.data;
  for (const field of target.freeText) {
    const text = values[field];
    if (typeof text === 'string') {
      const problem = describePersonalNumbers(text, field);
      if (problem) return problem;
    }
  }
  if (target.layerId === 'regions') {
    const { level, parent } = regionLevelOf(values.code as string);
    values.level = level;
    values.parent_code = parent;
  }
  let key: string;
  if (target.identity.kind === 'column') {
    key = String(values[target.identity.column]);
  } else if (keyProperty !== undefined) {
    const value = row.properties[keyProperty] ?? (keyProperty === 'id' ? row.id : undefined);
    if (value === undefined || value === null || String(value).trim() === '') return `no value for the key property ${keyProperty}`;
    key = `k:${String(value).trim()}`.slice(0, 200);
  } else {
    key = `h:${createHash('sha256').update(JSON.stringify([values, geometry])).digest('base64url').slice(0, 32)}`;
  }
  const point = geometry.type === 'Point' ? geometry.coordinates : null;
  return {
    row: row.row,
    key,
    props: JSON.stringify(values),
    x: point ? point[0]! : null,
    y: point ? point[1]! : null,
    geojson: point ? null : JSON.stringify(geometry),
  };
}

async function stageBatch(tx: Queryable, rows: readonly StagedRow[], srid: number): Promise<void> {
  const sourceSrid = SAME_AS_WGS84.has(srid) ? 4326 : srid;
  const raw = `CASE WHEN u.gj IS NULL THEN ST_SetSRID(ST_MakePoint(u.x, u.y), ${sourceSrid})
                    ELSE ST_SetSRID(ST_GeomFromGeoJSON(u.gj), ${sourceSrid}) END`;
  const geom = sourceSrid === 4326 ? raw : `ST_Transform(${raw}, 4326)`;
  // `pt` is where the row is placed: the point itself, or a point surely inside a shape.
  await tx.query(
    `INSERT INTO import_stage (row_no, key, props, geom, pt)
     SELECT g.r, g.k, g.p, g.geom, CASE WHEN g.point THEN g.geom ELSE ST_PointOnSurface(g.geom) END
     FROM (SELECT u.r, u.k, u.p::jsonb AS p, u.gj IS NULL AS point, ${geom} AS geom
           FROM unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[]) AS u (r, k, p, x, y, gj)) g`,
    [rows.map((r) => r.row), rows.map((r) => r.key), rows.map((r) => r.props), rows.map((r) => r.x), rows.map((r) => r.y), rows.map((r) => r.geojson)],
  );
}

const valueExpr = (target: ImportTarget, column: string): string => {
  const c = target.columns.find((x) => x.name === column);
  const type = c?.type ?? 'text';
  if (target.layerId === 'incidents' && column === 'reported_at') {
    return `coalesce((s.props->>'reported_at')::timestamptz, (s.props->>'occurred_at')::timestamptz)`;
  }
  return `(s.props->>${quote(column)})::${type}`;
};

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Columns written from the row (target columns plus the derived ones). */
function writtenColumns(target: ImportTarget): string[] {
  const columns = target.columns.map((c) => c.name);
  if (target.layerId === 'regions') columns.push('level', 'parent_code');
  return columns;
}

const geomExpr = (target: ImportTarget) => (target.layerId === 'regions' ? 'ST_Multi(s.geom)' : 's.geom');

const reject = (where: string, reason: string) =>
  `UPDATE import_stage s SET action = 'rejected', reason = ${reason} WHERE s.action IS NULL AND (${where})`;

/**
 * Sets `column` of every undecided staged row to the code of the polygon of `source` (alias p)
 * that covers its point, the lowest code where several do (a point on a shared edge). One join:
 * for each polygon the staged points in its box come from the GiST index on `pt`, and PostGIS
 * tests them against the polygon prepared once (a correlated lookup per row took minutes for a
 * million rows).
 */
async function place(tx: Queryable, column: string, source: string, condition: string): Promise<void> {
  await tx.query(
    `UPDATE import_stage s SET ${ident(column)} = m.code
     FROM (SELECT s2.row_no, min(p.code) AS code
           FROM ${source} JOIN import_stage s2 ON ST_Covers(p.geom, s2.pt)
           WHERE s2.action IS NULL AND ${condition}
           GROUP BY s2.row_no) m
     WHERE s.row_no = m.row_no`,
  );
}

/** Decides each staged row: rejected (and why), unchanged, update or create. */
async function classify(tx: Queryable, target: ImportTarget, projected: boolean): Promise<void> {
  if (projected) {
    await tx.query(reject(`NOT ST_Within(s.geom, ST_MakeEnvelope(-180, -90, 180, 90, 4326))`, `'geometry: outside longitude/latitude range after transforming to WGS 84'`));
  }
  if (!target.geometryTypes.every((t) => t === 'Point')) {
    await tx.query(reject(`NOT ST_IsValid(s.geom)`, `'geometry: invalid after transforming: ' || ST_IsValidReason(s.geom)`));
  }
  const table = ident(target.table);
  if (target.layerId === 'regions') {
    await tx.query(reject(`NOT atlas_in_scope(s.key)`, `'region ' || s.key || ' is outside your region'`));
    // Division files give a region with islands as several features with one code: one region.
    await tx.query(
      `WITH parts AS (SELECT key, min(row_no) AS first, ST_Multi(ST_UnaryUnion(ST_Collect(geom))) AS geom
                      FROM import_stage WHERE action IS NULL GROUP BY key HAVING count(*) > 1),
       firsts AS (UPDATE import_stage s SET geom = p.geom FROM parts p WHERE s.row_no = p.first RETURNING s.row_no)
       UPDATE import_stage s SET action = 'part', part_of = p.first FROM parts p
       WHERE s.key = p.key AND s.row_no <> p.first AND s.action IS NULL`,
    );
    await tx.query(reject(`NOT ST_IsValid(s.geom)`, `'geometry: the parts together are invalid: ' || ST_IsValidReason(s.geom)`));
    await tx.query(reject(
      `s.props->>'parent_code' IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM regions p WHERE p.code = s.props->>'parent_code')
       AND NOT EXISTS (SELECT 1 FROM import_stage q WHERE q.key = s.props->>'parent_code')`,
      `'parent region ' || (s.props->>'parent_code') || ' does not exist (nor is it in this file)'`,
    ));
  } else {
    // Village and grid in one pass over the stage (each pass rewrites every staged row).
    await tx.query(
      `UPDATE import_stage s SET village_code = m.village, grid_code = m.grid
       FROM (SELECT s2.row_no, min(v.code) AS village, min(g.code) AS grid
             FROM regions v JOIN import_stage s2 ON ST_Covers(v.geom, s2.pt)
             LEFT JOIN current_grids g ON g.village_code = v.code AND ST_Covers(g.geom, s2.pt)
             WHERE s2.action IS NULL AND v.level = 'village' AND atlas_in_scope(v.code)
             GROUP BY s2.row_no) m
       WHERE s.row_no = m.row_no`,
    );
    await tx.query(reject(`s.village_code IS NULL`, `'outside your region: no village of yours contains it'`));
    if (target.placeColumns.includes('natural_village_code')) {
      await place(tx, 'natural_village_code', `regions p`, `p.level = 'natural_village' AND p.parent_code = s2.village_code`);
    }
  }
  if (target.layerId === 'incidents') {
    for (const c of ['category', 'subcategory']) {
      await tx.query(reject(
        `s.props->>'${c}' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM incident_categories k WHERE k.code = s.props->>'${c}')`,
        `'${c}: unknown category ' || (s.props->>'${c}')`,
      ));
    }
  }
  // The same record twice in one file: the first counts.
  const partition = target.identity.kind === 'column' ? 's2.key' : 's2.village_code, s2.key';
  await tx.query(
    `UPDATE import_stage s SET action = 'rejected', reason = 'the same record as row ' || d.first
     FROM (SELECT s2.row_no, first_value(s2.row_no) OVER (PARTITION BY ${partition} ORDER BY s2.row_no) AS first
           FROM import_stage s2 WHERE s2.action IS NULL) d
     WHERE s.row_no = d.row_no AND d.first <> s.row_no`,
  );
  // Records an earlier import (or anyone) wrote with the same key: unchanged or update.
  const match = target.identity.kind === 'column'
    ? `t.${ident(target.identity.column)} = s.key`
    : `t.village_code = s.village_code AND t.source_key = s.key`;
  const same = [
    ...writtenColumns(target).map((c) => `t.${ident(c)} IS NOT DISTINCT FROM ${valueExpr(target, c)}`),
    `t.geom = ${geomExpr(target)}`,
  ].join(' AND ');
  const idColumn = target.layerId === 'regions' ? 'code' : 'id';
  await tx.query(
    `UPDATE import_stage s SET target_id = t.${idColumn}::text, action = CASE WHEN ${same} THEN 'unchanged' ELSE 'update' END
     FROM ${table} t WHERE s.action IS NULL AND ${match}`,
  );
  // What is left is new. Its ids are drawn from the table's sequence now, in the same pass, so the
  // INSERT writes them and the report and flow steps know them without searching the table.
  if (target.layerId === 'regions') {
    await tx.query(`UPDATE import_stage SET action = 'create', target_id = key WHERE action IS NULL`);
  } else {
    await tx.query(
      `UPDATE import_stage SET action = 'create', target_id = nextval(pg_get_serial_sequence($1, 'id'))::text WHERE action IS NULL`,
      [target.table],
    );
  }
}

/** Writes the created and updated rows (both modes: a dry run rolls back afterwards). */
async function apply(tx: Queryable, target: ImportTarget, batchId: number): Promise<void> {
  const table = ident(target.table);
  const columns = writtenColumns(target);
  const extra: Record<string, string> = { import_batch_id: String(batchId) };
  if (target.layerId === 'regions') {
    extra.county_code = 'left(s.key, 6)';
  } else {
    extra.county_code = 'left(s.village_code, 6)';
    for (const p of target.placeColumns) extra[p] = `s.${p}`;
  }
  if (target.identity.kind === 'source_key') extra.source_key = 's.key';
  if (target.layerId === 'incidents') {
    Object.assign(extra, {
      flow_level: `'grid'`,
      status: `'reported'`,
      warning_colour: `CASE WHEN s.props->>'level' = 'general' THEN NULL ELSE 'red' END`,
    });
  }
  const names = [...columns, ...Object.keys(extra), 'geom'];
  const values = [...columns.map((c) => valueExpr(target, c)), ...Object.values(extra), geomExpr(target)];
  // Parents before children (regions), then in file order.
  const order = target.layerId === 'regions' ? 'length(s.key), s.key, s.row_no' : 's.row_no';
  // The new rows' ids were drawn when they were decided (classify): they are written with the rows.
  const idColumn = target.layerId === 'regions' ? 'code' : 'id';
  if (idColumn === 'id') {
    names.unshift('id');
    values.unshift('s.target_id::bigint');
  }
  await tx.query(
    `INSERT INTO ${table} (${names.map(ident).join(', ')})
     SELECT ${values.join(', ')} FROM import_stage s WHERE s.action = 'create' ORDER BY ${order}`,
  );
  if (target.layerId === 'incidents') {
    // An imported incident enters the flow like a reported one: a first 'report' step.
    await tx.query(
      `INSERT INTO incident_flow_steps (incident_id, county_code, seq, flow_level, action, status_after, at, actor_id)
       SELECT s.target_id::bigint, left(s.village_code, 6), 1, 'grid', 'report', 'reported', ${valueExpr(target, 'reported_at')},
              nullif(current_setting('atlas.staff_id', true), '')::bigint
       FROM import_stage s WHERE s.action = 'create'`,
    );
  }
  // An update keeps the record's key (it is how it was found).
  const sets = names
    .map((n, i) => [n, values[i]!] as const)
    .filter(([n]) => n !== 'source_key' && n !== 'id')
    .map(([n, v]) => `${ident(n)} = ${v}`);
  sets.push('row_version = t.row_version + 1');
  await tx.query(
    `UPDATE ${table} t SET ${sets.join(', ')} FROM import_stage s
     WHERE s.action = 'update' AND t.${ident(idColumn)} = s.target_id${idColumn === 'id' ? '::bigint' : ''}`,
  );
}
