-- Demo loader: grids. $1 = rows, $2 = grid_versions id offset, $3 = key_places id offset.
WITH ins AS (
  INSERT INTO grids (version_id, code, name, grid_class, county_code, village_code, households, residents,
                     leader_count, instructor_count, worker_count, part_time_count, key_place_id, geom)
  SELECT r.version_id + $2::bigint, r.code, r.name, r.grid_class, r.county_code, r.village_code, r.households,
         r.residents, r.leader_count, r.instructor_count, r.worker_count, r.part_time_count,
         r.key_place_id + $3::bigint, ST_SetSRID(ST_Multi(ST_GeomFromGeoJSON(r.geom::text)), 4326)
  FROM jsonb_to_recordset($1::jsonb) AS r(
    version_id bigint, code text, name text, grid_class text, county_code text, village_code text,
    households int, residents int, leader_count smallint, instructor_count smallint, worker_count smallint,
    part_time_count smallint, key_place_id bigint, geom jsonb)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
