-- Demo loader: grid workers. $1 = rows, $2 = id offset (rows already in the table).
WITH ins AS (
  INSERT INTO staff (id, username, display_name, role, region_code, active, created_at)
  SELECT r.id + $2::bigint, r.username, r.display_name, r.role, r.region_code, r.active, r.created_at
  FROM jsonb_to_recordset($1::jsonb) AS r(
    id bigint, username text, display_name text, role text, region_code text, active boolean, created_at timestamptz)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
