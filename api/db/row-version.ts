import { ApiError } from '../errors.js';
import { ident } from './sql-conditions.js';
import type { Queryable } from './types.js';

/**
 * Optimistic concurrency for every single-row write: locks the row and checks the version the
 * caller read. 404 when the row is not there (or not in the caller's region), 409 StaleWrite when
 * someone changed it meanwhile. Returns `columns` of the locked row.
 */
export async function lockRowVersion<R extends Record<string, unknown>>(
  tx: Queryable, table: string, id: number | string, version: number, noun: string, columns: readonly string[] = [], idColumn = 'id',
): Promise<R> {
  const [row] = await tx.query<R & { row_version: number }>(
    `SELECT ${['row_version', ...columns].map(ident).join(', ')} FROM ${ident(table)} WHERE ${ident(idColumn)} = $1 FOR UPDATE`,
    [id],
  );
  if (!row) throw new ApiError(404, 'NotFound', `No ${noun} ${id}`);
  if (row.row_version !== version) {
    throw new ApiError(409, 'StaleWrite', `The ${noun} ${id} was changed by someone else (version ${row.row_version}, yours ${version}): reload it`);
  }
  return row;
}
