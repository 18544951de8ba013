-- Demo loader: key places (points, or footprint polygons for class C anchors). $1 = rows, $2 = id offset.
WITH ins AS (
  INSERT INTO key_places (id, name, place_type, risk_level, county_code, village_code, grid_code, patrol_schedule, geom)
  SELECT r.id + $2::bigint, r.name, r.place_type, r.risk_level, r.county_code, r.village_code, r.grid_code,
         r.patrol_schedule, ST_SetSRID(ST_GeomFromGeoJSON(r.geom::text), 4326)
  FROM jsonb_to_recordset($1::jsonb) AS r(
    id bigint, name text, place_type text, risk_level text, county_code text, village_code text, grid_code text,
    patrol_schedule jsonb, geom jsonb)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
