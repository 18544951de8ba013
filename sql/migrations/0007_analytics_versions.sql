-- 0007: data versions for the tables behind the analytics (issue 5) that 0004 did not version, so
-- a cached analytic result is keyed by the versions of everything it read and a write to any of
-- them makes the next request recompute. Statement-level triggers, as in 0004.
INSERT INTO layer_versions (layer_id)
SELECT unnest(ARRAY['mediations', 'three_nos_assessments', 'calendar_days', 'incident_flow_steps'])
ON CONFLICT (layer_id) DO NOTHING;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['mediations', 'three_nos_assessments', 'calendar_days', 'incident_flow_steps'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION atlas_bump_layer_version(%L)',
      t || '_layer_version', t, t);
  END LOOP;
END $$;
