import { Hono } from 'hono';
import type { AppEnv } from '../app.js';
import { requirePermission } from '../auth/middleware.js';
import { rejectUnknownParameters } from '../query-params.js';

/**
 * Figures for the caller's region. Counted under row-level security, so they never include other
 * regions: the same query gives a village its own numbers and the county the whole.
 */
const SUMMARY_SQL = `SELECT
  (SELECT count(*) FROM regions WHERE level = 'village' AND atlas_in_scope(code))::int AS villages,
  (SELECT count(*) FROM current_grids)::int AS grids,
  (SELECT count(*) FROM address_points)::int AS address_points,
  (SELECT coalesce(sum(households), 0) FROM address_points)::int AS households,
  (SELECT count(*) FROM cameras)::int AS cameras,
  (SELECT count(*) FROM cameras WHERE status = 'online')::int AS cameras_online,
  (SELECT count(*) FROM key_places)::int AS key_places,
  (SELECT count(*) FROM incidents)::int AS incidents,
  (SELECT count(*) FROM incidents WHERE status NOT IN ('resolved', 'closed'))::int AS open_incidents`;

export const summaryRoutes = new Hono<AppEnv>().get('/', requirePermission('aggregates.read'), async (c) => {
  rejectUnknownParameters(c.req.url, []);
  const [counts] = await c.var.tx.query<Record<string, number>>(SUMMARY_SQL);
  return c.json({ regionCode: c.var.principal.regionCode, counts });
});
