import { z } from 'zod';
import { deadlineAfterStep, deadlineLookaheadDays, flowDeadlines } from '../../geo/flow-deadline.js';
import { nextFlowState, USER_FLOW_ACTIONS, type FlowAction, type UserFlowAction } from '../../geo/incident-flow.js';
import { INCIDENT_LEVELS, INCIDENT_SOURCES, type FlowLevel, type IncidentStatus } from '../../geo/layers.js';
import { localDate } from '../../geo/local-time.js';
import { WorkCalendar, type CalendarException } from '../../geo/working-days.js';
import type { Queryable } from '../db/types.js';
import { ApiError } from '../errors.js';
import { guardFreeText } from '../privacy.js';
import { locate } from '../layers/locate.js';
import { lockRowVersion } from '../db/row-version.js';

/**
 * Incidents as operators report and move them. Every function runs in the request's scoped
 * transaction: an incident of another region is simply not there (404), and a change that would
 * put one outside the caller's region is refused by the policy's WITH CHECK.
 */

const lon = z.number().finite().min(-180).max(180);
const lat = z.number().finite().min(-90).max(90);
const category = z.string().regex(/^[a-z0-9_.]{2,64}$/, 'a category code');
const freeText = z.string().max(2000);

export const newIncidentSchema = z.strictObject({
  category,
  subcategory: category.nullish(),
  level: z.enum(INCIDENT_LEVELS).default('general'),
  source: z.enum(INCIDENT_SOURCES).default('grid_worker'),
  summary: freeText.nullish(),
  peopleInvolved: z.number().int().min(0).max(100000).nullish(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  lon,
  lat,
});
export type NewIncident = z.infer<typeof newIncidentSchema>;

export const incidentPatchSchema = z.strictObject({
  rowVersion: z.number().int().positive(),
  category: category.optional(),
  subcategory: category.nullish(),
  level: z.enum(INCIDENT_LEVELS).optional(),
  summary: freeText.nullish(),
  peopleInvolved: z.number().int().min(0).max(100000).nullish(),
  lon: lon.optional(),
  lat: lat.optional(),
}).refine((p) => (p.lon === undefined) === (p.lat === undefined), { message: 'give lon and lat together', path: ['lon'] });
export type IncidentPatch = z.infer<typeof incidentPatchSchema>;

export const flowStepSchema = z.strictObject({
  action: z.enum(USER_FLOW_ACTIONS),
  note: freeText.nullish(),
  rowVersion: z.number().int().positive(),
});

export interface IncidentDetail {
  id: number;
  villageCode: string;
  gridCode: string | null;
  category: string;
  subcategory: string | null;
  level: string;
  source: string;
  summary: string | null;
  peopleInvolved: number | null;
  occurredAt: string;
  reportedAt: string;
  flowLevel: FlowLevel;
  status: IncidentStatus;
  warningColour: string | null;
  lon: number;
  lat: number;
  rowVersion: number;
  steps: { seq: number; flowLevel: string; action: string; statusAfter: string; at: string; deadlineAt: string | null; note: string | null }[];
}

const DETAIL_SQL = `
SELECT i.id, i.village_code AS "villageCode", i.grid_code AS "gridCode", i.category, i.subcategory, i.level, i.source, i.summary,
       i.people_involved AS "peopleInvolved", i.occurred_at AS "occurredAt", i.reported_at AS "reportedAt",
       i.flow_level AS "flowLevel", i.status, i.warning_colour AS "warningColour",
       ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.row_version AS "rowVersion",
       coalesce((SELECT json_agg(json_build_object('seq', s.seq, 'flowLevel', s.flow_level, 'action', s.action,
                   'statusAfter', s.status_after, 'at', s.at, 'deadlineAt', s.deadline_at, 'note', s.note) ORDER BY s.seq)
                 FROM incident_flow_steps s WHERE s.incident_id = i.id), '[]'::json) AS steps
FROM incidents i WHERE i.id = $1`;

export async function findIncident(tx: Queryable, id: number): Promise<IncidentDetail | null> {
  const [row] = await tx.query<IncidentDetail>(DETAIL_SQL, [id]);
  return row ?? null;
}

/**
 * What a new flow step's deadline needs: the transaction's time (the step's `at` is `now()`) and the
 * working-day calendar from `fromMs`'s local date (null: today) to the furthest day a deadline can
 * fall on. Only those `calendar_days` rows are read: a few dozen at most.
 */
async function deadlineContext(tx: Queryable, fromMs: number | null): Promise<{ nowMs: number; calendar: WorkCalendar }> {
  // The UTC date is the local (UTC+8) date or the day before it, so starting there and reaching one
  // day further covers the local range.
  const [row] = await tx.query<{ nowMs: number; days: CalendarException[] }>(
    `SELECT floor(extract(epoch FROM now()) * 1000)::float8 AS "nowMs",
            coalesce((SELECT json_agg(json_build_object('day', c.day::text, 'is_workday', c.is_workday))
                      FROM calendar_days c
                      WHERE c.day BETWEEN coalesce($1::date, (now() AT TIME ZONE 'UTC')::date)
                                      AND (now() AT TIME ZONE 'UTC')::date + $2::int), '[]'::json) AS days`,
    [fromMs === null ? null : localDate(fromMs), deadlineLookaheadDays() + 1],
  );
  return { nowMs: row!.nowMs, calendar: new WorkCalendar(row!.days) };
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export async function createIncident(tx: Queryable, input: NewIncident, actorId: number | null): Promise<IncidentDetail> {
  guardFreeText({ summary: input.summary });
  const place = await locate(tx, input.lon, input.lat);
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO incidents (county_code, village_code, grid_code, category, subcategory, level, source, summary, people_involved,
                            occurred_at, reported_at, flow_level, status, warning_colour, geom)
     VALUES (left($1, 6), $1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now()), now(), 'grid', 'reported',
             CASE WHEN $5 = 'general' THEN NULL ELSE 'red' END, ST_SetSRID(ST_MakePoint($10, $11), 4326))
     RETURNING id`,
    [place.village_code, place.grid_code, input.category, input.subcategory ?? null, input.level, input.source, input.summary ?? null,
      input.peopleInvolved ?? null, input.occurredAt ?? null, input.lon, input.lat],
  );
  const { nowMs, calendar } = await deadlineContext(tx, null);
  const deadline = deadlineAfterStep(null, { level: 'grid', action: 'report', atMs: nowMs }, calendar);
  await tx.query(
    `INSERT INTO incident_flow_steps (incident_id, county_code, seq, flow_level, action, status_after, at, deadline_at, actor_id)
     VALUES ($1, left($2, 6), 1, 'grid', 'report', 'reported', now(), $3::timestamptz, $4)`,
    [row!.id, place.village_code, isoOrNull(deadline), actorId],
  );
  return (await findIncident(tx, row!.id))!;
}

/** 404 when the incident is not visible; 409 when `rowVersion` is not the stored one. */
const lockCurrent = (tx: Queryable, id: number, rowVersion: number) =>
  lockRowVersion<{ status: IncidentStatus; flow_level: FlowLevel }>(tx, 'incidents', id, rowVersion, 'incident', ['status', 'flow_level']);

/** Deletes an incident with its flow steps and mediations (cascade); 404 / 409 as for changes. */
export async function deleteIncident(tx: Queryable, id: number, rowVersion: number): Promise<void> {
  await lockCurrent(tx, id, rowVersion);
  await tx.query('DELETE FROM incidents WHERE id = $1', [id]);
}

export async function updateIncident(tx: Queryable, id: number, patch: IncidentPatch): Promise<IncidentDetail> {
  guardFreeText({ summary: patch.summary });
  await lockCurrent(tx, id, patch.rowVersion);
  const sets: string[] = ['row_version = row_version + 1', 'updated_at = now()'];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown, cast = '') => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (patch.category !== undefined) set('category', patch.category);
  if (patch.subcategory !== undefined) set('subcategory', patch.subcategory);
  if (patch.level !== undefined) set('level', patch.level);
  if (patch.summary !== undefined) set('summary', patch.summary);
  if (patch.peopleInvolved !== undefined) set('people_involved', patch.peopleInvolved);
  if (patch.lon !== undefined && patch.lat !== undefined) {
    const place = await locate(tx, patch.lon, patch.lat);
    set('village_code', place.village_code);
    set('grid_code', place.grid_code);
    params.push(patch.lon, patch.lat);
    sets.push(`geom = ST_SetSRID(ST_MakePoint($${params.length - 1}, $${params.length}), 4326)`);
  }
  await tx.query(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $1`, params);
  return (await findIncident(tx, id))!;
}

export async function advanceIncident(
  tx: Queryable, id: number, step: { action: UserFlowAction; note?: string | null | undefined; rowVersion: number }, actorId: number | null,
): Promise<IncidentDetail> {
  guardFreeText({ note: step.note });
  const current = await lockCurrent(tx, id, step.rowVersion);
  const next = nextFlowState({ status: current.status, level: current.flow_level }, step.action);
  if ('refused' in next) throw new ApiError(409, 'InvalidTransition', `Incident ${id}: ${next.refused}`);
  await tx.query(
    `UPDATE incidents SET status = $2, flow_level = $3, row_version = row_version + 1, updated_at = now(),
            accepted_at = CASE WHEN $2 IN ('accepted', 'in_progress') THEN coalesce(accepted_at, now()) ELSE accepted_at END,
            resolved_at = CASE WHEN $2 IN ('resolved', 'closed') THEN coalesce(resolved_at, now()) ELSE NULL END,
            warning_colour = CASE WHEN warning_colour IS NULL THEN NULL
                                  WHEN $2 IN ('resolved', 'closed') THEN 'yellow'
                                  WHEN $2 IN ('reported', 'escalated') THEN 'red' ELSE 'orange' END
     WHERE id = $1`,
    [id, next.status, next.level],
  );
  // The deadline in force after this step follows from the whole flow so far (the rules anchor on
  // when the matter reached its level and when that level took it on).
  const steps = await tx.query<{ seq: number; level: FlowLevel; action: FlowAction; atMs: number }>(
    `SELECT seq, flow_level AS level, action, floor(extract(epoch FROM at) * 1000)::float8 AS "atMs"
     FROM incident_flow_steps WHERE incident_id = $1 ORDER BY seq`,
    [id],
  );
  const { nowMs, calendar } = await deadlineContext(tx, steps[0]?.atMs ?? null);
  const newStep = { seq: (steps[steps.length - 1]?.seq ?? 0) + 1, level: next.level, action: step.action, atMs: nowMs };
  const deadline = flowDeadlines([...steps, newStep], calendar)[steps.length] ?? null;
  await tx.query(
    `INSERT INTO incident_flow_steps (incident_id, county_code, seq, flow_level, action, status_after, at, deadline_at, actor_id, note)
     SELECT $1, county_code, (SELECT coalesce(max(seq), 0) + 1 FROM incident_flow_steps WHERE incident_id = $1), $2, $3, $4, now(), $7::timestamptz, $5, $6
     FROM incidents WHERE id = $1`,
    [id, next.level, step.action, next.status, actorId, step.note ?? null, isoOrNull(deadline)],
  );
  return (await findIncident(tx, id))!;
}
