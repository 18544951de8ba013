/**
 * Loads a generated demo county into the database, all or nothing (one transaction).
 *
 * Rows go in as one `jsonb` parameter per chunk and are expanded with `jsonb_to_recordset`: one
 * round trip per few thousand rows, which is what makes PGlite fast enough (it parses one large
 * parameter far quicker than thousands of small statements). Each INSERT lives in its own .sql file
 * next to this one and reports its row count (`WITH ins AS (… RETURNING 1) SELECT count(*)`).
 *
 * Ids: the demo numbers its referenced rows from 1 (grid versions, key places, staff, incidents).
 * The loader shifts them past whatever the tables already hold (an admin account created before the
 * demo, say) and then moves each sequence past the new maximum, so later inserts keep working.
 */
import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../db/types.js';
import type { DemoCounts, DemoCounty, DemoPatrolTrack } from './types.js';

export type { DemoCounts, DemoCounty } from './types.js';

const sql = (name: string): string => readFileSync(new URL(`./${name}.sql`, import.meta.url), 'utf8');

const SQL = {
  regions: sql('insert-regions'),
  staff: sql('insert-staff'),
  gridVersions: sql('insert-grid-versions'),
  keyPlaces: sql('insert-key-places'),
  grids: sql('insert-grids'),
  addressPoints: sql('insert-address-points'),
  cameras: sql('insert-cameras'),
  incidents: sql('insert-incidents'),
  flowSteps: sql('insert-flow-steps'),
  mediations: sql('insert-mediations'),
  patrolTracks: sql('insert-patrol-tracks'),
  threeNos: sql('insert-three-nos'),
  calendarDays: sql('insert-calendar-days'),
  basemap: sql('insert-basemap'),
};

/** Rows per INSERT: ~5 000 keeps each jsonb parameter at a few MB on both engines. */
const CHUNK_ROWS = 5000;
/** Patrol tracks are chunked by vertices instead: a track carries ~100 of them. */
const CHUNK_VERTICES = 60_000;

export type DemoProgress = (step: string, done: number, total: number) => void;

/**
 * Inserts `demo` into `db` in one transaction and returns the number of rows written per table.
 * Throws (and writes nothing) if the demo county is already present or any row is rejected.
 * `onProgress(step, done, total)` is called after every chunk with the table name and its row counts.
 */
export async function loadDemoCounty(db: Db, demo: DemoCounty, onProgress?: DemoProgress): Promise<DemoCounts> {
  const county = demo.regions.find((r) => r.level === 'county');
  if (!county) throw new Error('demo county has no county region');
  return db.transaction(async (tx) => {
    const existing = await tx.query('SELECT 1 FROM regions WHERE code = $1', [county.code]);
    if (existing.length > 0) throw new Error(`demo county ${county.code} is already loaded`);

    const offset = {
      staff: await maxId(tx, 'staff'),
      gridVersions: await maxId(tx, 'grid_versions'),
      keyPlaces: await maxId(tx, 'key_places'),
      incidents: await maxId(tx, 'incidents'),
    };
    const progress = onProgress ?? (() => undefined);
    const run = (step: string, text: string, rows: readonly object[], params: readonly unknown[] = []) =>
      insertChunks(tx, step, text, chunkByCount(rows), params, rows.length, progress);

    // Foreign-key order: regions → staff, grid versions, key places → grids → the rest.
    const counts: DemoCounts = {
      regions: await run('regions', SQL.regions, demo.regions),
      staff: await run('staff', SQL.staff, demo.staff, [offset.staff]),
      grid_versions: await run('grid_versions', SQL.gridVersions, demo.gridVersions, [offset.gridVersions]),
      key_places: await run('key_places', SQL.keyPlaces, demo.keyPlaces, [offset.keyPlaces]),
      grids: await run('grids', SQL.grids, demo.grids, [offset.gridVersions, offset.keyPlaces]),
      address_points: await run('address_points', SQL.addressPoints, demo.addressPoints),
      cameras: await run('cameras', SQL.cameras, demo.cameras),
      incidents: await run('incidents', SQL.incidents, demo.incidents, [offset.incidents]),
      incident_flow_steps: await run('incident_flow_steps', SQL.flowSteps, demo.flowSteps, [offset.incidents]),
      mediations: await run('mediations', SQL.mediations, demo.mediations, [offset.incidents]),
      patrol_tracks: await insertChunks(tx, 'patrol_tracks', SQL.patrolTracks, chunkTracks(demo.patrolTracks),
        [offset.staff], demo.patrolTracks.length, progress),
      three_nos_assessments: await run('three_nos_assessments', SQL.threeNos, demo.threeNosAssessments),
      calendar_days: await run('calendar_days', SQL.calendarDays, demo.calendarDays),
      basemap_features: await run('basemap_features', SQL.basemap, demo.basemapFeatures),
      app_meta: 0,
    };

    // Explicit ids bypass the sequences: move them past the new maxima.
    for (const table of ['staff', 'grid_versions', 'key_places', 'incidents'] as const) {
      await tx.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
    }

    const meta = { ...demo.meta, counts: { ...demo.meta.counts, ...counts, app_meta: 1 } };
    await tx.query(
      `INSERT INTO app_meta (key, value) VALUES ('demo', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [JSON.stringify(meta)],
    );
    counts.app_meta = 1;
    progress('app_meta', 1, 1);
    return counts;
  });
}

async function maxId(tx: Queryable, table: string): Promise<number> {
  const rows = await tx.query<{ m: unknown }>(`SELECT coalesce(max(id), 0) AS m FROM ${table}`);
  return Number(rows[0]?.m ?? 0);
}

function chunkByCount<T>(rows: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) chunks.push(rows.slice(i, i + CHUNK_ROWS));
  return chunks;
}

/** Tracks become rows with their geometry as WKT text, chunked by vertex count. */
function chunkTracks(tracks: readonly DemoPatrolTrack[]): object[][] {
  const chunks: object[][] = [];
  let current: object[] = [];
  let vertices = 0;
  for (const t of tracks) {
    const { path, ...rest } = t;
    const parts: string[] = [];
    for (let i = 0; i < path.length; i += 3) parts.push(`${path[i]} ${path[i + 1]} ${path[i + 2]}`);
    current.push({ ...rest, wkt: `LINESTRING M (${parts.join(', ')})` });
    vertices += path.length / 3;
    if (vertices >= CHUNK_VERTICES) {
      chunks.push(current);
      current = [];
      vertices = 0;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

async function insertChunks(
  tx: Queryable,
  step: string,
  text: string,
  chunks: readonly (readonly object[])[],
  params: readonly unknown[],
  total: number,
  progress: DemoProgress,
): Promise<number> {
  let done = 0;
  let inserted = 0;
  for (const chunk of chunks) {
    const rows = await tx.query<{ n: number | string }>(text, [JSON.stringify(chunk), ...params]);
    inserted += Number(rows[0]?.n ?? 0);
    done += chunk.length;
    progress(step, done, total);
  }
  if (chunks.length === 0) progress(step, 0, 0);
  return inserted;
}
