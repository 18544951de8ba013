import { Hono } from 'hono';
import type { AppEnv } from '../app.js';
import { requirePermission } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import {
  advanceIncident, createIncident, deleteIncident, findIncident, flowStepSchema, incidentPatchSchema, newIncidentSchema, updateIncident,
} from '../incidents/incident.repository.js';
import { ifMatchVersion, parseId } from '../query-params.js';
import { readBody } from './read-json.js';

/**
 * Incident details (not for walls), reporting and the flow (operators), in the caller's region.
 * Deleting (a duplicate or a test record) is for admins, with If-Match: the row version.
 */
export const incidentRoutes = new Hono<AppEnv>()
  .get('/:id', requirePermission('incidents.read'), async (c) => {
    const id = parseId(c.req.param('id'));
    const incident = await findIncident(c.var.tx, id);
    if (!incident) throw new ApiError(404, 'NotFound', `No incident ${id}`);
    return c.json(incident);
  })
  .post('/', requirePermission('incidents.write'), async (c) => {
    const input = await readBody(c, newIncidentSchema);
    return c.json(await createIncident(c.var.tx, input, c.var.principal.staffId), 201);
  })
  .patch('/:id', requirePermission('incidents.write'), async (c) => {
    const id = parseId(c.req.param('id'));
    return c.json(await updateIncident(c.var.tx, id, await readBody(c, incidentPatchSchema)));
  })
  .delete('/:id', requirePermission('incidents.delete'), async (c) => {
    await deleteIncident(c.var.tx, parseId(c.req.param('id')), ifMatchVersion(c.req.header('if-match')));
    return c.body(null, 204);
  })
  .post('/:id/flow', requirePermission('incidents.write'), async (c) => {
    const id = parseId(c.req.param('id'));
    return c.json(await advanceIncident(c.var.tx, id, await readBody(c, flowStepSchema), c.var.principal.staffId));
  });
