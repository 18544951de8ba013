-- Figures of every current grid of a region, in one set-based statement: the grid's own attributes
-- (households, residents, staffing 1+1+X), the incidents of the window inside it (open, overdue) and
-- the cameras inside it (online).
--
-- $1 grid code prefix (the region, or the one grid's code), $2 village code prefix of the points
-- to read (the region, or the grid's village), $3/$4 window [from, to) in epoch ms, $5/$6 local hour
-- band [from, to) (wraps when from > to), $7 "now" in epoch ms; the incident filters are appended
-- where the filters placeholder is (from $8).
--
-- A point belongs to the first grid by code of its own village whose boundary covers it, the rule
-- the API locates new records with (api/layers/locate.ts), so a point on the edge two grids share
-- counts once (DISTINCT ON the point, lowest grid code first). Each grid probes the points' GiST
-- index with its bounding box and tests them against its boundary, which PostGIS prepares once for
-- all its points; no incident is read outside the grids' boxes. Points are located
-- against the boundaries in force now, not the grid code stored when they were written (a grid
-- redrawn since then counts what lies inside its new boundary).
--
-- Overdue: an open incident whose latest flow step (highest seq) carries a deadline_at before $7.
-- Each step stores the deadline in force after it (geo/flow-deadline.ts), so the latest step's is
-- the current one; resolve and close store none.
WITH grd AS MATERIALIZED (
  -- Every current grid of the villages read: a point on the edge of the one grid asked for may
  -- belong to a neighbour with a lower code.
  SELECT g.code, g.name, g.grid_class, g.village_code, g.households, g.residents,
         g.leader_count, g.instructor_count, g.worker_count + g.part_time_count AS workers, g.geom
  FROM current_grids g
  WHERE g.village_code LIKE $2
), inc AS MATERIALIZED (
  -- Per grid, the points its boundary covers (GiST probe; OFFSET 0 keeps the probe per grid, whose
  -- prepared boundary PostGIS then reuses), one grid per point.
  SELECT DISTINCT ON (p.id) g.code, p.open, p.id
  FROM grd g CROSS JOIN LATERAL (
    SELECT i.id, i.status NOT IN ('resolved', 'closed') AS open
    FROM incidents i
    WHERE i.geom && g.geom AND ST_Covers(g.geom, i.geom) AND i.village_code = g.village_code
      AND i.occurred_at >= to_timestamp($3::float8 / 1000) AND i.occurred_at < to_timestamp($4::float8 / 1000)
      AND ($5::int = 0 AND $6::int = 24
        OR CASE WHEN $5::int < $6::int
          THEN extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') >= $5::int
           AND extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') < $6::int
          ELSE extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') >= $5::int
            OR extract(hour FROM i.occurred_at AT TIME ZONE 'Asia/Shanghai') < $6::int END)
      {{filters}}
    OFFSET 0
  ) p
  ORDER BY p.id, g.code
), inc_counts AS MATERIALIZED (
  SELECT inc.code, count(*)::int AS incidents,
         (count(*) FILTER (WHERE inc.open))::int AS open_incidents,
         (count(*) FILTER (WHERE inc.open AND (
           SELECT s.deadline_at FROM incident_flow_steps s WHERE s.incident_id = inc.id ORDER BY s.seq DESC LIMIT 1
         ) < to_timestamp($7::float8 / 1000)))::int AS overdue_incidents
  FROM inc WHERE inc.code LIKE $1 GROUP BY inc.code
), cam AS MATERIALIZED (
  SELECT DISTINCT ON (p.id) g.code, p.online, p.id
  FROM grd g CROSS JOIN LATERAL (
    SELECT c.id, c.status = 'online' AS online
    FROM cameras c
    WHERE c.geom && g.geom AND ST_Covers(g.geom, c.geom) AND c.village_code = g.village_code
    OFFSET 0
  ) p
  ORDER BY p.id, g.code
), cam_counts AS MATERIALIZED (
  SELECT cam.code, count(*)::int AS cameras, (count(*) FILTER (WHERE cam.online))::int AS cameras_online
  FROM cam WHERE cam.code LIKE $1 GROUP BY cam.code
)
SELECT grd.code, grd.name, grd.grid_class, grd.village_code, grd.households, grd.residents,
       grd.leader_count::int AS leaders, grd.instructor_count::int AS instructors, grd.workers::int AS workers,
       coalesce(ic.incidents, 0) AS incidents, coalesce(ic.open_incidents, 0) AS open_incidents,
       coalesce(ic.overdue_incidents, 0) AS overdue_incidents,
       coalesce(cc.cameras, 0) AS cameras, coalesce(cc.cameras_online, 0) AS cameras_online,
       ST_AsGeoJSON(grd.geom, 6) AS geojson
FROM grd
LEFT JOIN inc_counts ic USING (code)
LEFT JOIN cam_counts cc USING (code)
WHERE grd.code LIKE $1
ORDER BY grd.code
