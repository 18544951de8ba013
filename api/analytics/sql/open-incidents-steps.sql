-- Open incidents of the region reported in the window, each with its flow steps as
-- [seq, flow_level, action, at epoch ms] in order (the deadline is computed from them).
-- $1 region prefix for LIKE, $2/$3 window in epoch ms, then the incident filters on alias i.
SELECT i.id, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.category, i.level, i.status, i.flow_level, i.village_code, i.warning_colour,
       (SELECT json_agg(json_build_array(s.seq, s.flow_level, s.action, extract(epoch FROM s.at) * 1000) ORDER BY s.seq)
        FROM incident_flow_steps s WHERE s.incident_id = i.id) AS steps
FROM incidents i
WHERE i.village_code LIKE $1 AND i.status NOT IN ('resolved', 'closed')
  AND i.occurred_at >= to_timestamp($2 / 1000.0) AND i.occurred_at < to_timestamp($3 / 1000.0)
  {{filters}}
ORDER BY i.id
