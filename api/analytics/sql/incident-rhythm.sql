-- Incidents of the region and window counted by local (Asia/Shanghai) ISO weekday (1 = Monday …
-- 7 = Sunday) and hour of day (0–23): at most 168 rows, only the non-empty ones. One pass over the
-- region's incidents of the window with the code-path and time indexes. (The local time written out
-- twice is faster than computing it once in a LATERAL subquery: ~0.75 s against ~1 s for 300,000
-- incidents on PGlite.) $1 region prefix for LIKE, $2/$3 window [from, to) in epoch ms; the
-- incident filters on alias i are appended where the filters placeholder is.
SELECT extract(isodow FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS weekday,
       extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS hour,
       count(*)::int AS n
FROM incidents i
WHERE i.village_code LIKE $1
  AND i.occurred_at >= to_timestamp($2::float8 / 1000) AND i.occurred_at < to_timestamp($3::float8 / 1000)
  {{filters}}
GROUP BY 1, 2
ORDER BY 1, 2
