-- Demo loader: holiday calendar. Days already present (another county's load, an admin's edit) are kept.
WITH ins AS (
  INSERT INTO calendar_days (day, is_workday, name)
  SELECT r.day, r.is_workday, r.name
  FROM jsonb_to_recordset($1::jsonb) AS r(day date, is_workday boolean, name text)
  ON CONFLICT (day) DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
