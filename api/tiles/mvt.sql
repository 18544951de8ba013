-- One layer's Mapbox Vector Tile with PostGIS (engines whose PostGIS has ST_AsMVT: the server).
-- {{…}} are filled from the layer catalogue only (identifiers quoted); $1 z, $2 x, $3 y.
-- The && on the buffered envelope uses the GiST index; ST_AsMVTGeom clips and quantises; only the
-- catalogue's properties leave the database. Row-level security applies as to any other read.
WITH env AS (
  SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
         ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => {{bufferRatio}}), 4326) AS search
)
SELECT ST_AsMVT(f, '{{layerName}}', {{extent}}, 'geom'{{featureIdArg}}) AS mvt
FROM (
  SELECT {{properties}},
         ST_AsMVTGeom(ST_Transform(t.{{geometryColumn}}, 3857), env.tile, {{extent}}, {{buffer}}, true) AS geom
  FROM {{source}} AS t, env
  WHERE t.{{geometryColumn}} && env.search
) AS f
WHERE f.geom IS NOT NULL
