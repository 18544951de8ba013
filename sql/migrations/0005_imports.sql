-- 0005: imports and REST writes for every layer (issue 4).

-- Row versions for the layers that had none, so every single-feature write is optimistic.
ALTER TABLE regions ADD COLUMN row_version integer NOT NULL DEFAULT 1;
ALTER TABLE address_points ADD COLUMN row_version integer NOT NULL DEFAULT 1;
ALTER TABLE patrol_tracks ADD COLUMN row_version integer NOT NULL DEFAULT 1;

-- ---------------------------------------------------------------------------------------------
-- One row per committed import: who, where, which file (its SHA-256), what it did. The rows an
-- import wrote carry its id, and its per-row audit is this one record (an import of a million
-- incidents writes one audit entry, not a million).
CREATE TABLE import_batches (
  id bigserial PRIMARY KEY,
  layer_id text NOT NULL,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  file_sha256 text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  format text NOT NULL,
  source_crs text NOT NULL,
  region_code varchar(15) NOT NULL,
  staff_id bigint REFERENCES staff (id),
  actor text,
  created integer NOT NULL,
  updated integer NOT NULL,
  unchanged integer NOT NULL,
  rejected integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_batches_file_idx ON import_batches (layer_id, file_sha256);
CREATE INDEX import_batches_region_idx ON import_batches (region_code text_pattern_ops);
ALTER TABLE import_batches ENABLE ROW LEVEL SECURITY;
CREATE POLICY import_batches_scope ON import_batches USING (atlas_in_scope(region_code)) WITH CHECK (atlas_in_scope(region_code));
GRANT SELECT, INSERT ON import_batches TO atlas_app;
GRANT USAGE ON SEQUENCE import_batches_id_seq TO atlas_app;

-- Where an imported row came from. `source_key` makes a re-import idempotent: the same key is the
-- same record (updated when it changed, left alone when not), never a duplicate. It is either
-- 'k:' + the value of the key property the importer named, or 'h:' + a hash of the row's content.
-- A key is unique within its village (two townships may both number their points 1, 2, 3...).
-- Cameras are keyed by their code and regions by theirs, so they need no column.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['address_points', 'key_places', 'incidents'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN source_key text CHECK (length(source_key) <= 200)', t);
    EXECUTE format('CREATE UNIQUE INDEX %I ON %I (village_code, source_key) WHERE source_key IS NOT NULL', t || '_source_key_idx', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['address_points', 'key_places', 'incidents', 'cameras', 'regions'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN import_batch_id bigint REFERENCES import_batches (id)', t);
  END LOOP;
END $$;
-- The display role reads catalogue columns only (0003); provenance is not for the wall.

-- ---------------------------------------------------------------------------------------------
-- Regions become writable by admins in their own subtree (boundary data from the civil-affairs
-- division files). Reading keeps the 0003 policy (subtree plus ancestors).
GRANT INSERT, UPDATE, DELETE ON regions TO atlas_app;
CREATE POLICY regions_insert ON regions FOR INSERT WITH CHECK (atlas_in_scope(code));
CREATE POLICY regions_update ON regions FOR UPDATE USING (atlas_in_scope(code)) WITH CHECK (atlas_in_scope(code));
CREATE POLICY regions_delete ON regions FOR DELETE USING (atlas_in_scope(code));

-- ---------------------------------------------------------------------------------------------
-- Audit: the same trigger, now also on regions, and skipped for the rows of an import (the
-- import's batch row above is its audit record; atlas.import_batch is set for the import's
-- transaction only).
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('staff', 'region_code', 'id'), ('api_tokens', 'region_code', 'id'), ('grid_versions', 'village_code', 'id'),
    ('grids', 'village_code', 'id'), ('key_places', 'village_code', 'id'), ('address_points', 'village_code', 'id'),
    ('cameras', 'village_code', 'id'), ('incidents', 'village_code', 'id'), ('mediations', 'village_code', 'id'),
    ('patrol_tracks', 'village_code', 'id'), ('three_nos_assessments', 'village_code', 'id'),
    ('incident_flow_steps', '@incident', 'id'), ('incident_categories', NULL, 'code'), ('calendar_days', NULL, 'day'),
    ('regions', 'code', 'code')
  ) AS v (tbl, col, id_col) LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t.tbl || '_audit', t.tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW '
      || 'WHEN (current_user = ''atlas_app'' AND coalesce(current_setting(''atlas.import_batch'', true), '''') = '''') '
      || 'EXECUTE FUNCTION atlas_audit(%L, %L)',
      t.tbl || '_audit', t.tbl, coalesce(t.col, ''), t.id_col);
  END LOOP;
END $$;
