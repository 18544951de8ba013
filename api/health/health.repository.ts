import type { Db } from '../db/types.js';

/** Tables whose row counts /health reports, in the order shown. */
export const COUNTED_TABLES = [
  'regions', 'grid_versions', 'grids', 'address_points', 'cameras', 'key_places', 'incidents',
  'incident_flow_steps', 'mediations', 'patrol_tracks', 'three_nos_assessments', 'staff',
] as const;

export type TableCounts = Record<(typeof COUNTED_TABLES)[number], number>;

const COUNTS_SQL = `SELECT ${COUNTED_TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`;

export async function countRows(db: Db): Promise<TableCounts> {
  const [row] = await db.query<TableCounts>(COUNTS_SQL);
  return row!;
}

export interface HealthReport {
  status: 'ok';
  database: { kind: Db['kind']; version: string; postgis: string; geos: string; mvt: boolean };
  counts: TableCounts;
  demo: unknown;
}

export async function buildHealthReport(db: Db): Promise<HealthReport> {
  const [counts, demoRows] = await Promise.all([
    countRows(db),
    db.query<{ value: unknown }>(`SELECT value FROM app_meta WHERE key = 'demo'`),
  ]);
  return {
    status: 'ok',
    database: {
      kind: db.kind,
      version: db.capabilities.serverVersion,
      postgis: db.capabilities.postgisVersion,
      geos: db.capabilities.geosVersion,
      mvt: db.capabilities.mvt,
    },
    counts,
    demo: demoRows[0]?.value ?? null,
  };
}
