-- Demo loader: one published grid version per village. $1 = rows, $2 = id offset.
WITH ins AS (
  INSERT INTO grid_versions (id, village_code, county_code, version_no, status, valid_from, note, created_at, published_at)
  SELECT r.id + $2::bigint, r.village_code, r.county_code, r.version_no, r.status, r.valid_from, r.note,
         r.created_at, r.published_at
  FROM jsonb_to_recordset($1::jsonb) AS r(
    id bigint, village_code text, county_code text, version_no int, status text, valid_from date, note text,
    created_at timestamptz, published_at timestamptz)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
