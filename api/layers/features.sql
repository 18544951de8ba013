-- GeoJSON features of one catalogue layer inside a bbox, assembled in SQL so 100k points need no
-- per-row JSON work in Node. Placeholders in {{…}} are filled only from the layer catalogue
-- (identifiers quoted), never from the request; request values are $n parameters.
-- $1..$4 bbox (minx, miny, maxx, maxy in EPSG:4326), $5 limit.
SELECT count(*)::int AS number_returned,
       coalesce(json_agg(f.feature ORDER BY f.fid), '[]'::json)::text AS features
FROM (
  SELECT t.{{idColumn}} AS fid,
         json_build_object(
           'type', 'Feature',
           'id', t.{{idColumn}},
           'geometry', ST_AsGeoJSON(t.{{geometryColumn}}, 7)::json,
           'properties', json_build_object({{properties}})
         ) AS feature
  FROM {{source}} AS t
  WHERE t.{{geometryColumn}} && ST_MakeEnvelope($1, $2, $3, $4, 4326)
  ORDER BY t.{{idColumn}}
  LIMIT $5
) AS f
