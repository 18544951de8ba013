-- Demo loader: regions (parents before children in the input order). $1 = jsonb array of rows.
WITH ins AS (
  INSERT INTO regions (code, parent_code, level, kind, name, county_code, geom)
  SELECT r.code, r.parent_code, r.level, r.kind, r.name, r.county_code,
         ST_SetSRID(ST_Multi(ST_GeomFromGeoJSON(r.geom::text)), 4326)
  FROM jsonb_to_recordset($1::jsonb) AS r(
    code text, parent_code text, level text, kind text, name text, county_code text, geom jsonb)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
