-- Demo loader: address points. $1 = rows.
WITH ins AS (
  INSERT INTO address_points (county_code, village_code, grid_code, households, building_kind, geom)
  SELECT r.county_code, r.village_code, r.grid_code, r.households, r.building_kind,
         ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
  FROM jsonb_to_recordset($1::jsonb) AS r(
    county_code text, village_code text, grid_code text, households int, building_kind text, lon float8, lat float8)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
