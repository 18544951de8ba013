-- 0003: accounts, region scope in row-level security, the audit trigger (issue 3).
-- Design notes: docs/security-design.md. Frozen once shipped: change it in a new file.
--
-- Roles (cluster-wide, so created only when missing):
--   atlas_app      every request of a signed-in admin, planner, analyst or operator runs as this role
--   atlas_display  wall displays: SELECT only, and not the free-text columns
-- Neither is a superuser nor BYPASSRLS, so the policies below always apply to them. The server's
-- login role is made a member of both (api/db/open.ts) and every request transaction switches to
-- one of them with set_config('role', …, true); PGlite's superuser connection switches the same way.
--
-- Scope: set_config('atlas.scope', <code prefix>, true) per request transaction. A county scope is
-- its 6-digit prefix, a township 9 digits, a village all 12. No scope → every policy is false →
-- zero rows (fail closed). Policies compare the code column with the prefix through the
-- text_pattern_ops indexes of 0001 (~>=~ / ~<~ use them; LIKE with a function result does not).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atlas_app') THEN
    CREATE ROLE atlas_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atlas_display') THEN
    CREATE ROLE atlas_display NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;

-- The caller's region prefix, or NULL when none is set.
CREATE FUNCTION atlas_scope() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('atlas.scope', true), '') $$;

-- True when `code` lies in the caller's region. Inlined by the planner, so the comparison with the
-- prefix reaches the code-path index.
CREATE FUNCTION atlas_in_scope(code text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT code ~>=~ atlas_scope() AND code ~<~ (atlas_scope() || '~') $$;

-- The scope prefix of a region: county 6 digits, township 9, village 12; NULL for natural villages
-- and unknown codes (accounts are scoped to a county, township or village).
CREATE FUNCTION atlas_region_scope(p_code text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog
  AS $$
    SELECT CASE level WHEN 'county' THEN left(code, 6) WHEN 'township' THEN left(code, 9) WHEN 'village' THEN code END
    FROM regions WHERE code = p_code
  $$;

-- The counties in this database (6-digit prefixes), for tools that start without a region.
CREATE FUNCTION atlas_county_prefixes() RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog
  AS $$ SELECT left(code, 6) FROM regions WHERE level = 'county' ORDER BY code $$;

-- ---------------------------------------------------------------------------------------------
-- Sessions of signed-in staff. Only a hash of the cookie's secret is stored. The app role has no
-- grant on this table: it goes through the SECURITY DEFINER functions below.
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  staff_id bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_staff_idx ON sessions (staff_id);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE audit_log ADD COLUMN actor text;
ALTER TABLE api_tokens ADD COLUMN created_by text;
ALTER TABLE api_tokens ADD COLUMN last_used_at timestamptz;

-- Who may sign in as `p_username`: the stored hash and what the account may do.
CREATE FUNCTION atlas_login_lookup(p_username text)
  RETURNS TABLE (staff_id bigint, username text, display_name text, role text, region_code text, scope text, password_hash text, active boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog
  AS $$
    SELECT s.id, s.username, s.display_name, s.role, s.region_code::text, atlas_region_scope(s.region_code), s.password_hash, s.active
    FROM staff s WHERE s.username = p_username AND s.role <> 'grid_worker'
  $$;

CREATE FUNCTION atlas_session_open(p_id_hash text, p_staff_id bigint, p_csrf text, p_lifetime interval)
  RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_catalog
  AS $$
    DELETE FROM sessions WHERE expires_at < now() - interval '1 day';
    INSERT INTO sessions (id_hash, staff_id, csrf_token, expires_at) VALUES (p_id_hash, p_staff_id, p_csrf, now() + p_lifetime);
    UPDATE staff SET last_login_at = now() WHERE id = p_staff_id;
  $$;

-- The account behind a session, if the session is live: not revoked, before its absolute expiry,
-- used within the idle timeout, and the account still active. Touches last_seen_at at most every
-- 30 s, so a burst of tile requests does not queue on the session's row.
CREATE FUNCTION atlas_session_principal(p_id_hash text, p_idle interval)
  RETURNS TABLE (staff_id bigint, username text, display_name text, role text, region_code text, scope text, csrf_token text, expires_at timestamptz)
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_catalog
  AS $$
    WITH live AS (
      SELECT x.id_hash, x.last_seen_at, s.id, s.username, s.display_name, s.role, s.region_code::text AS region_code,
             atlas_region_scope(s.region_code) AS scope, x.csrf_token, x.expires_at
      FROM sessions x JOIN staff s ON s.id = x.staff_id
      WHERE x.id_hash = p_id_hash AND s.active AND x.revoked_at IS NULL AND x.expires_at > now() AND x.last_seen_at > now() - p_idle
    ), touched AS (
      UPDATE sessions SET last_seen_at = now()
      WHERE id_hash IN (SELECT id_hash FROM live WHERE last_seen_at < now() - interval '30 seconds')
    )
    SELECT id, username, display_name, role, region_code, scope, csrf_token, expires_at FROM live
  $$;

CREATE FUNCTION atlas_session_close(p_id_hash text) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_catalog
  AS $$ UPDATE sessions SET revoked_at = now() WHERE id_hash = p_id_hash AND revoked_at IS NULL $$;

-- The grant behind a bearer token, if it is live (not revoked, not expired, its account active).
-- Records its use at most once a minute.
CREATE FUNCTION atlas_token_principal(p_hash text)
  RETURNS TABLE (token_id bigint, staff_id bigint, username text, kind text, role text, region_code text, scope text, expires_at timestamptz)
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_catalog
  AS $$
    WITH live AS (
      SELECT t.id, t.staff_id, s.username, t.kind, t.role, t.region_code::text AS region_code,
             atlas_region_scope(t.region_code) AS scope, t.expires_at, t.last_used_at
      FROM api_tokens t LEFT JOIN staff s ON s.id = t.staff_id
      WHERE t.token_hash = p_hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
        AND (t.staff_id IS NULL OR s.active)
    ), touched AS (
      UPDATE api_tokens SET last_used_at = now()
      WHERE id IN (SELECT id FROM live WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
    )
    SELECT id, staff_id, username, kind, role, region_code, scope, expires_at FROM live
  $$;

REVOKE ALL ON FUNCTION atlas_county_prefixes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atlas_county_prefixes() TO atlas_app;
REVOKE ALL ON FUNCTION atlas_region_scope(text), atlas_login_lookup(text), atlas_session_open(text, bigint, text, interval),
  atlas_session_principal(text, interval), atlas_session_close(text), atlas_token_principal(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atlas_region_scope(text), atlas_login_lookup(text), atlas_session_open(text, bigint, text, interval),
  atlas_session_principal(text, interval), atlas_session_close(text), atlas_token_principal(text) TO atlas_app;
GRANT EXECUTE ON FUNCTION atlas_region_scope(text) TO atlas_display;

-- ---------------------------------------------------------------------------------------------
-- Grants. Reference tables are readable by both roles; place tables are scoped by the policies.
GRANT USAGE ON SCHEMA public TO atlas_app, atlas_display;
GRANT SELECT ON schema_migrations, app_meta, incident_categories, three_nos_criteria, calendar_days TO atlas_app, atlas_display;
GRANT INSERT, UPDATE ON incident_categories, calendar_days TO atlas_app;

GRANT SELECT ON regions, grid_versions, grids, current_grids, address_points, cameras, key_places TO atlas_app, atlas_display;
GRANT INSERT, UPDATE, DELETE ON grid_versions, grids, address_points, cameras, key_places TO atlas_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON incidents, incident_flow_steps, mediations, patrol_tracks, three_nos_assessments TO atlas_app;
-- Walls see no free text and no worker ids: column grants, so even a hand-written query fails.
GRANT SELECT (id, county_code, village_code, grid_code, category, subcategory, level, source, people_involved, occurred_at,
  reported_at, accepted_at, resolved_at, flow_level, status, warning_colour, geom, row_version, created_at, updated_at)
  ON incidents TO atlas_display;
GRANT SELECT (id, incident_id, county_code, seq, flow_level, action, status_after, at, deadline_at) ON incident_flow_steps TO atlas_display;
GRANT SELECT (id, incident_id, county_code, village_code, mediator_kind, mediator_org, outcome, started_on, ended_on)
  ON mediations TO atlas_display;
GRANT SELECT (id, county_code, village_code, grid_code, started_at, ended_at, distance_m, geom) ON patrol_tracks TO atlas_display;
GRANT SELECT (id, county_code, village_code, year, no_case, no_accident, no_petition, vetoed, status, assessed_on)
  ON three_nos_assessments TO atlas_display;

-- Staff and tokens: never the secrets' hashes (only written, through column grants).
GRANT SELECT (id, username, display_name, role, region_code, active, created_at, last_login_at) ON staff TO atlas_app;
GRANT INSERT (username, display_name, role, region_code, password_hash, active) ON staff TO atlas_app;
GRANT UPDATE (display_name, role, region_code, password_hash, active) ON staff TO atlas_app;
GRANT SELECT (id, staff_id, kind, role, region_code, label, created_at, expires_at, revoked_at, created_by, last_used_at) ON api_tokens TO atlas_app;
GRANT INSERT (staff_id, kind, role, region_code, label, token_hash, expires_at, created_by) ON api_tokens TO atlas_app;
GRANT UPDATE (revoked_at, label) ON api_tokens TO atlas_app;

-- The audit log: insert and read only. No UPDATE, DELETE or TRUNCATE for any app role.
GRANT SELECT, INSERT ON audit_log TO atlas_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO atlas_app;

-- ---------------------------------------------------------------------------------------------
-- Policies: one per place table, keyed on its code path.
ALTER TABLE regions ENABLE ROW LEVEL SECURITY;
-- Regions: the caller's subtree plus its ancestors (names for breadcrumbs), never its siblings.
CREATE POLICY regions_scope ON regions FOR SELECT USING (
  atlas_in_scope(code)
  OR code = rpad(left(atlas_scope(), 6), 12, '0')
  OR code = rpad(left(atlas_scope(), 9), 12, '0')
);

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('staff', 'region_code'), ('api_tokens', 'region_code'), ('grid_versions', 'village_code'),
    ('grids', 'village_code'), ('key_places', 'village_code'), ('address_points', 'village_code'),
    ('cameras', 'village_code'), ('incidents', 'village_code'), ('mediations', 'village_code'),
    ('patrol_tracks', 'village_code'), ('three_nos_assessments', 'village_code')
  ) AS v (tbl, col) LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.tbl);
    EXECUTE format('CREATE POLICY %I ON %I USING (atlas_in_scope(%I)) WITH CHECK (atlas_in_scope(%I))',
      t.tbl || '_scope', t.tbl, t.col, t.col);
  END LOOP;
END $$;

-- Flow steps carry no code: they follow their incident, which its own policy filters.
ALTER TABLE incident_flow_steps ENABLE ROW LEVEL SECURITY;
CREATE POLICY incident_flow_steps_scope ON incident_flow_steps
  USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id))
  WITH CHECK (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id));

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT USING (atlas_in_scope(region_code));
CREATE POLICY audit_log_insert ON audit_log FOR INSERT WITH CHECK (atlas_in_scope(region_code));

-- ---------------------------------------------------------------------------------------------
-- Audit trigger: every write made through the app role records who, when, region, action and the
-- row before and after (hashes of secrets removed). Writes by the owner (migrations, the demo
-- loader) are not requests and are not recorded. TG_ARGV[0] names the row's region column;
-- '@incident' takes the region of the row's incident.
CREATE FUNCTION atlas_audit() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public, pg_catalog
  AS $$
  DECLARE
    old_row jsonb;
    new_row jsonb;
    any_row jsonb;
    region text;
  BEGIN
    IF current_user <> 'atlas_app' THEN
      RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD) - ARRAY['password_hash', 'token_hash']; END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW) - ARRAY['password_hash', 'token_hash']; END IF;
    any_row := coalesce(new_row, old_row);
    IF TG_ARGV[0] = '@incident' THEN
      SELECT i.village_code INTO region FROM incidents i WHERE i.id = (any_row ->> 'incident_id')::bigint;
    ELSIF TG_NARGS > 0 THEN
      region := any_row ->> TG_ARGV[0];
    END IF;
    INSERT INTO audit_log (staff_id, region_code, action, table_name, row_id, before, after, request_id, actor)
    VALUES (
      nullif(current_setting('atlas.staff_id', true), '')::bigint,
      coalesce(region, atlas_scope()),
      lower(TG_OP), TG_TABLE_NAME, any_row ->> coalesce(TG_ARGV[1], 'id'), old_row, new_row,
      nullif(current_setting('atlas.request_id', true), ''),
      nullif(current_setting('atlas.actor', true), '')
    );
    RETURN NULL;
  END
  $$;

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('staff', 'region_code', 'id'), ('api_tokens', 'region_code', 'id'), ('grid_versions', 'village_code', 'id'),
    ('grids', 'village_code', 'id'), ('key_places', 'village_code', 'id'), ('address_points', 'village_code', 'id'),
    ('cameras', 'village_code', 'id'), ('incidents', 'village_code', 'id'), ('mediations', 'village_code', 'id'),
    ('patrol_tracks', 'village_code', 'id'), ('three_nos_assessments', 'village_code', 'id'),
    ('incident_flow_steps', '@incident', 'id'), ('incident_categories', NULL, 'code'), ('calendar_days', NULL, 'day')
  ) AS v (tbl, col, id_col) LOOP
    -- The WHEN clause skips the function call for the owner's bulk loads (the demo: ~250k rows).
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW WHEN (current_user = ''atlas_app'') EXECUTE FUNCTION atlas_audit(%L, %L)',
      t.tbl || '_audit', t.tbl, coalesce(t.col, ''), t.id_col);
  END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Privacy guard in the database: a backstop behind geo/privacy-guard.ts (which gives the detailed
-- message), so that no write path — an import, a script, a future route — can store an ID-card or
-- mobile number in free text. Same rule: digits in any spacing (one separator between digits),
-- full-width digits, 17 digits + digit/X, or 1[3-9] + 9 digits after an optional 86/0086.
-- The test "the database and the TypeScript guard agree" runs both on one corpus.
CREATE FUNCTION atlas_personal_number_kind(p text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE
             -- Fewer than 11 digits cannot hold either number: skip the regular expressions.
             WHEN p IS NULL OR length(p) - length(translate(p, '0123456789０１２３４５６７８９', '')) < 11 THEN NULL
             ELSE (
               SELECT CASE
                        WHEN bool_or(m[1] ~ '^\d{17}[\dXx]$') THEN 'id_card'
                        WHEN bool_or(m[1] ~ '^(0086|86)?1[3-9]\d{9}$') THEN 'mobile'
                      END
               FROM regexp_matches(
                 regexp_replace(translate(p, '０１２３４５６７８９Ｘｘ', '0123456789Xx'), '(\d)[\s\u3000\-–—.·/\\_](?=\d)', '\1', 'g'),
                 '\+?(\d{17}[Xx]|\d+)', 'g') AS m)
           END
  $$;

-- The digit count is tested inline first, so the function (and its regular expressions) runs only
-- for text with 11 digits or more: bulk loads of notes pay almost nothing.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('incidents', 'summary'), ('incident_flow_steps', 'note'), ('mediations', 'note'), ('grid_versions', 'note'),
    ('three_nos_assessments', 'veto_reason'), ('key_places', 'name'), ('api_tokens', 'label')
  ) AS v (tbl, col) LOOP
    EXECUTE format(
      'ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I IS NULL OR length(%I) - length(translate(%I, %L, %L)) < 11 OR atlas_personal_number_kind(%I) IS NULL)',
      c.tbl, c.tbl || '_' || c.col || '_no_personal_numbers', c.col, c.col, c.col, '0123456789０１２３４５６７８９', '', c.col);
  END LOOP;
END $$;
