import { LAYERS, type LayerId } from '../../geo/layers.js';
import type { AppDbRole } from '../db/scope.js';
import type { Queryable } from '../db/types.js';

/** What a filter may name: a catalogue property (or the geometry) and how it is typed in SQL. */
export interface QueryableColumn {
  column: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'date' | 'geometry';
  /** JSON Schema of the property, for /queryables. */
  schema: Record<string, unknown>;
}

const TYPES: Record<string, [QueryableColumn['type'], Record<string, unknown>]> = {
  integer: ['integer', { type: 'integer' }],
  bigint: ['integer', { type: 'integer' }],
  smallint: ['integer', { type: 'integer' }],
  real: ['number', { type: 'number' }],
  'double precision': ['number', { type: 'number' }],
  numeric: ['number', { type: 'number' }],
  boolean: ['boolean', { type: 'boolean' }],
  'timestamp with time zone': ['datetime', { type: 'string', format: 'date-time' }],
  date: ['date', { type: 'string', format: 'date' }],
  text: ['string', { type: 'string' }],
  'character varying': ['string', { type: 'string' }],
  character: ['string', { type: 'string' }],
};

const cache = new Map<string, Record<string, QueryableColumn>>();

/**
 * The allow-list of one collection: its catalogue properties with their SQL types (read once
 * from information_schema, which shows only the columns the caller's role may read) plus `geometry`.
 */
export async function queryablesOf(tx: Queryable, layerId: LayerId, dbRole: AppDbRole): Promise<Record<string, QueryableColumn>> {
  // Per database role: the display role sees fewer columns. The schema does not change at run time.
  const key = `${dbRole}:${layerId}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const layer = LAYERS[layerId];
  const rows = await tx.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [layer.source],
  );
  const out: Record<string, QueryableColumn> = {};
  for (const p of layer.properties) {
    const row = rows.find((r) => r.column_name === p);
    const t = row && TYPES[row.data_type];
    if (t) out[p] = { column: p, type: t[0], schema: { ...t[1], title: p } };
  }
  out.geometry = { column: layer.geometryColumn, type: 'geometry', schema: { format: 'geometry-any', title: 'geometry' } };
  cache.set(key, out);
  return out;
}
