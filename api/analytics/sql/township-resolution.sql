-- Disputes of the window per township: resolved locally (below the county), at the county, open,
-- open but under control (latest mediation "controlled"), and the outcomes of their latest mediation.
-- $1 region prefix for LIKE, $2/$3 window in epoch ms, then the incident filters on alias i.
WITH d AS (
  SELECT i.id, left(i.village_code, 9) AS township, i.status, i.flow_level,
         (SELECT m.outcome FROM mediations m WHERE m.incident_id = i.id ORDER BY m.started_on DESC, m.id DESC LIMIT 1) AS outcome
  FROM incidents i
  WHERE i.village_code LIKE $1 AND i.occurred_at >= to_timestamp($2 / 1000.0) AND i.occurred_at < to_timestamp($3 / 1000.0)
    {{filters}}
)
SELECT t.code, t.name,
       count(d.id)::int AS disputes,
       count(d.id) FILTER (WHERE d.status IN ('resolved', 'closed') AND d.flow_level <> 'county')::int AS "resolvedLocally",
       count(d.id) FILTER (WHERE d.status IN ('resolved', 'closed') AND d.flow_level = 'county')::int AS "resolvedAtCounty",
       count(d.id) FILTER (WHERE d.status NOT IN ('resolved', 'closed'))::int AS open,
       count(d.id) FILTER (WHERE d.status NOT IN ('resolved', 'closed') AND d.outcome = 'controlled')::int AS "openUnderControl",
       coalesce((SELECT jsonb_object_agg(o.outcome, o.n) FROM (
         SELECT coalesce(d2.outcome, 'none') AS outcome, count(*)::int AS n FROM d d2 WHERE d2.township = left(t.code, 9) GROUP BY 1
       ) o), '{}'::jsonb) AS outcomes
FROM regions t
LEFT JOIN d ON d.township = left(t.code, 9)
WHERE t.level = 'township' AND t.code LIKE left($1, 9) || '%'
GROUP BY t.code, t.name
ORDER BY t.code
