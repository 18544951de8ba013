-- Demo loader: incidents. $1 = rows, $2 = id offset.
WITH ins AS (
  INSERT INTO incidents (id, county_code, village_code, grid_code, category, subcategory, level, source, summary,
                         people_involved, occurred_at, reported_at, accepted_at, resolved_at, flow_level, status,
                         warning_colour, created_at, updated_at, geom)
  SELECT r.id + $2::bigint, r.county_code, r.village_code, r.grid_code, r.category, r.subcategory, r.level, r.source,
         r.summary, r.people_involved, r.occurred_at, r.reported_at, r.accepted_at, r.resolved_at, r.flow_level,
         r.status, r.warning_colour, r.created_at, r.updated_at, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
  FROM jsonb_to_recordset($1::jsonb) AS r(
    id bigint, county_code text, village_code text, grid_code text, category text, subcategory text, level text,
    source text, summary text, people_involved int, occurred_at timestamptz, reported_at timestamptz,
    accepted_at timestamptz, resolved_at timestamptz, flow_level text, status text, warning_colour text,
    created_at timestamptz, updated_at timestamptz, lon float8, lat float8)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
