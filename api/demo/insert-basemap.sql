-- Demo loader: base-map roads and rivers (lines in WGS 84). $1 = jsonb array of rows.
WITH ins AS (
  INSERT INTO basemap_features (kind, name, rank, geom)
  SELECT r.kind, r.name, r.rank, ST_SetSRID(ST_GeomFromGeoJSON(r.geom::text), 4326)
  FROM jsonb_to_recordset($1::jsonb) AS r(kind text, name text, rank smallint, geom jsonb)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
