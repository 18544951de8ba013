-- Every region with its bounding box, for the drill-down tree.
SELECT code, parent_code, level, kind, name,
       ST_XMin(b) AS minx, ST_YMin(b) AS miny, ST_XMax(b) AS maxx, ST_YMax(b) AS maxy
FROM (SELECT code, parent_code, level, kind, name, Box2D(geom) AS b FROM regions) AS r
ORDER BY code
