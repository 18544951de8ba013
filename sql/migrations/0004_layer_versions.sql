-- 0004: a data version per map layer, bumped by every write to the tables behind it, so tile and
-- feature responses can carry an ETag and an edited feature never shows stale (issue 4).
CREATE TABLE layer_versions (
  layer_id text PRIMARY KEY,
  version bigint NOT NULL DEFAULT 1,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO layer_versions (layer_id)
SELECT unnest(ARRAY['regions', 'grids', 'address_points', 'cameras', 'key_places', 'incidents', 'patrol_tracks']);
GRANT SELECT ON layer_versions TO atlas_app, atlas_display;

-- Statement-level, so a bulk write bumps once. SECURITY DEFINER: the app roles cannot write the table.
CREATE FUNCTION atlas_bump_layer_version() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog
  AS $$
  BEGIN
    UPDATE layer_versions SET version = version + 1, changed_at = now() WHERE layer_id = TG_ARGV[0];
    RETURN NULL;
  END
  $$;

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('regions', 'regions'), ('grids', 'grids'), ('grid_versions', 'grids'), ('address_points', 'address_points'),
    ('cameras', 'cameras'), ('key_places', 'key_places'), ('incidents', 'incidents'), ('patrol_tracks', 'patrol_tracks')
  ) AS v (tbl, layer) LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION atlas_bump_layer_version(%L)',
      t.tbl || '_layer_version', t.tbl, t.layer);
  END LOOP;
END $$;
