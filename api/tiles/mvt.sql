-- One layer's Mapbox Vector Tile with PostGIS (engines whose PostGIS has ST_AsMVT: the server).
-- {{…}} are filled from the layer catalogue only (identifiers quoted); $1 z, $2 x, $3 y, then the
-- filters' parameters. The && on the buffered envelope uses the GiST index; lines and polygons are
-- simplified to about two tile units at this zoom; ST_AsMVTGeom clips and quantises; only the
-- catalogue's properties leave the database, with a stable integer id. RLS applies as to any read.
WITH env AS (
  SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
         ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => {{bufferRatio}}), 4326) AS search
)
SELECT ST_AsMVT(f, '{{layerName}}', {{extent}}, 'geom', 'id') AS mvt
FROM (
  SELECT {{idExpression}} AS id, {{properties}},
         ST_AsMVTGeom({{geometry}}, env.tile, {{extent}}, {{buffer}}, true) AS geom
  FROM {{source}} AS t, env
  WHERE t.{{geometryColumn}} && env.search AND {{filters}}
) AS f
WHERE f.geom IS NOT NULL
