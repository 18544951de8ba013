-- Demo loader: incident flow steps. $1 = rows, $2 = incidents id offset.
WITH ins AS (
  INSERT INTO incident_flow_steps (incident_id, county_code, seq, flow_level, action, status_after, at, deadline_at, note)
  SELECT r.incident_id + $2::bigint, r.county_code, r.seq, r.flow_level, r.action, r.status_after, r.at,
         r.deadline_at, r.note
  FROM jsonb_to_recordset($1::jsonb) AS r(
    incident_id bigint, county_code text, seq int, flow_level text, action text, status_after text,
    at timestamptz, deadline_at timestamptz, note text)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
