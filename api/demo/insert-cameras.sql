-- Demo loader: cameras. $1 = rows.
WITH ins AS (
  INSERT INTO cameras (code, county_code, village_code, natural_village_code, grid_code, kind, heading_deg, fov_deg,
                       range_m, status, owner, installed_on, geom)
  SELECT r.code, r.county_code, r.village_code, r.natural_village_code, r.grid_code, r.kind, r.heading_deg,
         r.fov_deg, r.range_m, r.status, r.owner, r.installed_on, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
  FROM jsonb_to_recordset($1::jsonb) AS r(
    code text, county_code text, village_code text, natural_village_code text, grid_code text, kind text,
    heading_deg real, fov_deg real, range_m real, status text, owner text, installed_on date, lon float8, lat float8)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
