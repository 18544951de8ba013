-- Demo loader: patrol tracks as LINESTRING M (M = epoch seconds). $1 = rows, $2 = staff id offset.
WITH ins AS (
  INSERT INTO patrol_tracks (county_code, village_code, grid_code, worker_id, started_at, ended_at, distance_m, geom)
  SELECT r.county_code, r.village_code, r.grid_code, r.worker_id + $2::bigint, r.started_at, r.ended_at, r.distance_m,
         ST_GeomFromText(r.wkt, 4326)
  FROM jsonb_to_recordset($1::jsonb) AS r(
    county_code text, village_code text, grid_code text, worker_id bigint, started_at timestamptz,
    ended_at timestamptz, distance_m real, wkt text)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
