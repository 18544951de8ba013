-- Figures of each part of one region ($1 = code prefix): what exists there (grids, households,
-- cameras, key places) and the incidents of the window [$3, $4) epoch ms matching the filters
-- (appended at the filters placeholder). A part is a child region (its code prefix is the first $2 digits of a village code)
-- or, inside a village, a grid (the gridParts placeholder is true). The region's own figures are the sums.
WITH inc AS (
  SELECT {{part:i}} AS child,
         count(*)::int AS incidents,
         (count(*) FILTER (WHERE i.status NOT IN ('resolved', 'closed')))::int AS open,
         (count(*) FILTER (WHERE i.warning_colour = 'red'))::int AS red
  FROM incidents i
  WHERE i.village_code LIKE $1
    AND i.occurred_at >= to_timestamp($3::float8 / 1000) AND i.occurred_at < to_timestamp($4::float8 / 1000)
    {{filters}}
  GROUP BY 1
), grd AS (
  SELECT {{part:g}} AS child, count(*)::int AS grids, coalesce(sum(g.households), 0)::int AS households
  FROM current_grids g WHERE g.village_code LIKE $1 GROUP BY 1
), cam AS (
  SELECT {{part:c}} AS child, count(*)::int AS cameras,
         (count(*) FILTER (WHERE c.status = 'online'))::int AS cameras_online
  FROM cameras c WHERE c.village_code LIKE $1 GROUP BY 1
), kp AS (
  SELECT {{part:k}} AS child, count(*)::int AS key_places
  FROM key_places k WHERE k.village_code LIKE $1 GROUP BY 1
), children AS (
  SELECT left(r.code, $2::int) AS child, r.name FROM regions r
  WHERE NOT {{gridParts}} AND r.code LIKE $1 AND r.level = $5 AND atlas_in_scope(r.code)
  UNION ALL
  SELECT g.code AS child, g.name FROM current_grids g WHERE {{gridParts}} AND g.village_code LIKE $1
  UNION ALL
  -- Inside a village: what lies in no grid (a point reported outside every grid), counted in the
  -- village's totals though it is no grid's.
  SELECT '' AS child, '' AS name WHERE {{gridParts}}
)
SELECT ch.child, ch.name,
       coalesce(inc.incidents, 0) AS incidents, coalesce(inc.open, 0) AS open, coalesce(inc.red, 0) AS red,
       coalesce(grd.grids, 0) AS grids, coalesce(grd.households, 0) AS households,
       coalesce(cam.cameras, 0) AS cameras, coalesce(cam.cameras_online, 0) AS cameras_online,
       coalesce(kp.key_places, 0) AS key_places
FROM children ch
LEFT JOIN inc USING (child) LEFT JOIN grd USING (child) LEFT JOIN cam USING (child) LEFT JOIN kp USING (child)
ORDER BY ch.child
