-- Incidents of the region and window binned on a square lon/lat grid of $4 degrees: one row per
-- non-empty bin with its count, the mean position of its incidents (where the cluster is drawn),
-- the open ones, the three-colour warnings and the commonest category. $1 region prefix,
-- $2/$3 window [from, to) in epoch ms, $5/$6 local hour band [from, to) (wraps when from > to),
-- $7..$10 optional bbox; the incident filters are appended where the filters placeholder is.
WITH picked AS (
  SELECT i.geom, i.category, i.status, i.warning_colour,
         floor(ST_X(i.geom) / $4::float8)::int AS gx,
         floor(ST_Y(i.geom) / $4::float8)::int AS gy
  FROM incidents i
  WHERE i.village_code LIKE $1
    AND i.occurred_at >= to_timestamp($2::float8 / 1000) AND i.occurred_at < to_timestamp($3::float8 / 1000)
    AND ($5::int = 0 AND $6::int = 24
      OR CASE WHEN $5::int < $6::int
        THEN extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') >= $5::int
         AND extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') < $6::int
        ELSE extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') >= $5::int
          OR extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') < $6::int END)
    AND ($7::float8 IS NULL OR i.geom && ST_MakeEnvelope($7::float8, $8::float8, $9::float8, $10::float8, 4326))
    {{filters}}
)
SELECT gx, gy, count(*)::int AS count,
       avg(ST_X(geom))::float8 AS lon, avg(ST_Y(geom))::float8 AS lat,
       (count(*) FILTER (WHERE status NOT IN ('resolved', 'closed')))::int AS open,
       (count(*) FILTER (WHERE warning_colour = 'red'))::int AS red,
       (count(*) FILTER (WHERE warning_colour = 'orange'))::int AS orange,
       (count(*) FILTER (WHERE warning_colour = 'yellow'))::int AS yellow,
       mode() WITHIN GROUP (ORDER BY category) AS top_category
FROM picked
GROUP BY gx, gy
ORDER BY count DESC, gx, gy
