-- Demo loader: mediations. $1 = rows, $2 = incidents id offset.
WITH ins AS (
  INSERT INTO mediations (incident_id, county_code, village_code, mediator_kind, mediator_org, outcome, started_on,
                          ended_on, note)
  SELECT r.incident_id + $2::bigint, r.county_code, r.village_code, r.mediator_kind, r.mediator_org, r.outcome,
         r.started_on, r.ended_on, r.note
  FROM jsonb_to_recordset($1::jsonb) AS r(
    incident_id bigint, county_code text, village_code text, mediator_kind text, mediator_org text, outcome text,
    started_on date, ended_on date, note text)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
