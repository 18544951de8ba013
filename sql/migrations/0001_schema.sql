-- 0001: the whole Pingan Atlas domain (DESIGN.md). Frozen once shipped: change the schema in a new file.
-- Geometries are SRID 4326 (CGCS2000 is within centimetres of WGS84). Every large table carries
-- county_code (6 digits) so it can later be distributed by county on Citus.
-- Place tables carry village_code (12 digits) because region scope (issue 3) keys on the code path:
-- a county scope is a 6-digit prefix, a township a 9-digit prefix, a village the full 12 digits.

CREATE EXTENSION IF NOT EXISTS postgis;

-- Key/value facts about this database (demo seed, generation time, …).
CREATE TABLE app_meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------------------------
-- Regions: county → township → village/community → natural village.
-- County, township and village use the 12-digit statistical division code (6 county + 3 township
-- + 3 village). Natural villages have no statistical code: they get their village's code plus a
-- 3-digit sequence (15 digits), so the prefix rule still holds.
CREATE TABLE regions (
  code varchar(15) PRIMARY KEY CHECK (code ~ '^[0-9]{12}([0-9]{3})?$'),
  parent_code varchar(15) REFERENCES regions (code),
  level text NOT NULL CHECK (level IN ('county', 'township', 'village', 'natural_village')),
  -- township: 'town' (镇) | 'township' (乡) | 'street' (街道); village: 'village' (行政村) | 'community' (社区)
  kind text,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  county_code varchar(6) NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  CHECK (county_code = left(code, 6)),
  CHECK ((level = 'county') = (parent_code IS NULL)),
  CHECK ((level = 'natural_village') = (length(code) = 15)),
  CHECK (ST_IsValid(geom))
);
CREATE INDEX regions_geom_gix ON regions USING gist (geom);
CREATE INDEX regions_parent_idx ON regions (parent_code);
CREATE INDEX regions_code_path_idx ON regions (code text_pattern_ops);

-- ---------------------------------------------------------------------------------------------
-- Staff accounts (the only people the product stores). Grid workers are staff with no login.
CREATE TABLE staff (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{2,64}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  role text NOT NULL CHECK (role IN ('admin', 'planner', 'analyst', 'operator', 'display', 'grid_worker')),
  region_code varchar(15) NOT NULL REFERENCES regions (code),
  password_hash text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);
CREATE INDEX staff_region_idx ON staff (region_code text_pattern_ops);

-- API and display tokens; only a hash of the secret is stored.
CREATE TABLE api_tokens (
  id bigserial PRIMARY KEY,
  staff_id bigint REFERENCES staff (id),
  kind text NOT NULL CHECK (kind IN ('api', 'display')),
  role text NOT NULL CHECK (role IN ('admin', 'planner', 'analyst', 'operator', 'display')),
  region_code varchar(15) NOT NULL REFERENCES regions (code),
  label text,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  CHECK (kind <> 'display' OR role = 'display')
);

-- ---------------------------------------------------------------------------------------------
-- Grids with versioned boundaries. A version is one village's whole set of grids; a published
-- version is valid from valid_from until valid_to (NULL = current). Drafts are edited by planners.
CREATE TABLE grid_versions (
  id bigserial PRIMARY KEY,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  county_code varchar(6) NOT NULL,
  version_no integer NOT NULL CHECK (version_no > 0),
  status text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
  valid_from date,
  valid_to date,
  based_on bigint REFERENCES grid_versions (id),
  note text,
  created_by bigint REFERENCES staff (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  row_version integer NOT NULL DEFAULT 1,
  UNIQUE (village_code, version_no),
  CHECK (county_code = left(village_code, 6)),
  CHECK (status = 'draft' OR valid_from IS NOT NULL),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
-- At most one current published version per village.
CREATE UNIQUE INDEX grid_versions_one_current ON grid_versions (village_code)
  WHERE status = 'published' AND valid_to IS NULL;

CREATE TABLE key_places (
  id bigserial PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  place_type text NOT NULL CHECK (place_type IN ('school', 'hospital', 'mall', 'market', 'transport_hub',
    'hazardous_goods', 'construction_site', 'scenic_spot', 'rental_housing', 'government', 'religious_site')),
  risk_level text NOT NULL CHECK (risk_level IN ('low', 'medium', 'high')),
  county_code varchar(6) NOT NULL,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  grid_code varchar(15),
  -- Patrol schedule of a class C grid's place, e.g. {"days":[1,2,3,4,5],"from":"07:00","to":"18:00"}.
  patrol_schedule jsonb,
  geom geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
  row_version integer NOT NULL DEFAULT 1,
  CHECK (county_code = left(village_code, 6))
);
CREATE INDEX key_places_geom_gix ON key_places USING gist (geom);
CREATE INDEX key_places_village_idx ON key_places (village_code text_pattern_ops);

CREATE TABLE grids (
  id bigserial PRIMARY KEY,
  version_id bigint NOT NULL REFERENCES grid_versions (id) ON DELETE CASCADE,
  -- village code + 3-digit sequence
  code varchar(15) NOT NULL CHECK (code ~ '^[0-9]{15}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  grid_class char(1) NOT NULL CHECK (grid_class IN ('A', 'B', 'C')),
  county_code varchar(6) NOT NULL,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  households integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  residents integer NOT NULL DEFAULT 0 CHECK (residents >= 0),
  -- Staffing "1+1+X": one leader, one instructor, X full- or part-time workers.
  leader_count smallint NOT NULL DEFAULT 1 CHECK (leader_count >= 0),
  instructor_count smallint NOT NULL DEFAULT 1 CHECK (instructor_count >= 0),
  worker_count smallint NOT NULL DEFAULT 1 CHECK (worker_count >= 0),
  part_time_count smallint NOT NULL DEFAULT 0 CHECK (part_time_count >= 0),
  key_place_id bigint REFERENCES key_places (id),
  geom geometry(MultiPolygon, 4326) NOT NULL,
  row_version integer NOT NULL DEFAULT 1,
  UNIQUE (version_id, code),
  CHECK (left(code, 12) = village_code),
  CHECK (county_code = left(village_code, 6)),
  CHECK (grid_class <> 'C' OR key_place_id IS NOT NULL)
);
CREATE INDEX grids_geom_gix ON grids USING gist (geom);
CREATE INDEX grids_village_idx ON grids (village_code text_pattern_ops);

-- The grids in force today: one layer id ('grids') reads this view.
CREATE VIEW current_grids WITH (security_invoker = true) AS
  SELECT g.*, v.valid_from
  FROM grids g
  JOIN grid_versions v ON v.id = g.version_id
  WHERE v.status = 'published' AND v.valid_to IS NULL;

-- ---------------------------------------------------------------------------------------------
-- Address points (buildings) with household counts. No names, no residents.
CREATE TABLE address_points (
  id bigserial PRIMARY KEY,
  county_code varchar(6) NOT NULL,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  grid_code varchar(15),
  households integer NOT NULL CHECK (households >= 0),
  building_kind text NOT NULL DEFAULT 'residential' CHECK (building_kind IN ('residential', 'mixed', 'commercial')),
  geom geometry(Point, 4326) NOT NULL,
  CHECK (county_code = left(village_code, 6))
);
CREATE INDEX address_points_geom_gix ON address_points USING gist (geom);
CREATE INDEX address_points_village_idx ON address_points (village_code text_pattern_ops);
CREATE INDEX address_points_grid_idx ON address_points (grid_code);

-- Cameras (雪亮工程).
CREATE TABLE cameras (
  id bigserial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  county_code varchar(6) NOT NULL,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  natural_village_code varchar(15) REFERENCES regions (code),
  grid_code varchar(15),
  kind text NOT NULL CHECK (kind IN ('dome', 'bullet', 'ptz', 'checkpoint')),
  heading_deg real NOT NULL CHECK (heading_deg >= 0 AND heading_deg < 360),
  fov_deg real NOT NULL CHECK (fov_deg > 0 AND fov_deg <= 360),
  range_m real NOT NULL CHECK (range_m > 0 AND range_m <= 2000),
  status text NOT NULL CHECK (status IN ('online', 'offline', 'fault')),
  owner text NOT NULL CHECK (length(owner) BETWEEN 1 AND 100),
  installed_on date,
  geom geometry(Point, 4326) NOT NULL,
  row_version integer NOT NULL DEFAULT 1,
  CHECK (county_code = left(village_code, 6))
);
CREATE INDEX cameras_geom_gix ON cameras USING gist (geom);
CREATE INDEX cameras_village_idx ON cameras (village_code text_pattern_ops);

-- ---------------------------------------------------------------------------------------------
-- Incidents and the three-level flow.
CREATE TABLE incident_categories (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_.]{2,64}$'),
  parent_code text REFERENCES incident_categories (code),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  sort_order integer NOT NULL DEFAULT 0
);

CREATE TABLE incidents (
  id bigserial PRIMARY KEY,
  county_code varchar(6) NOT NULL,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  grid_code varchar(15),
  category text NOT NULL REFERENCES incident_categories (code),
  subcategory text REFERENCES incident_categories (code),
  level text NOT NULL CHECK (level IN ('general', 'major', 'especially_major')),
  source text NOT NULL CHECK (source IN ('grid_worker', 'public', 'hotline_12345', 'camera')),
  -- Free text about the matter; the privacy guard rejects ID-card and mobile numbers (issue 3).
  summary text CHECK (length(summary) <= 2000),
  -- People involved (a count, never names): 10+ in a mass incident vetoes a three-nos year.
  people_involved integer CHECK (people_involved >= 0),
  occurred_at timestamptz NOT NULL,
  reported_at timestamptz NOT NULL,
  accepted_at timestamptz,
  resolved_at timestamptz,
  flow_level text NOT NULL CHECK (flow_level IN ('grid', 'village', 'township', 'county')),
  status text NOT NULL CHECK (status IN ('reported', 'accepted', 'in_progress', 'escalated', 'resolved', 'closed')),
  -- Three-colour warning for major instability issues: red = not resolved, orange = being resolved
  -- under control, yellow = long-term control. NULL for ordinary matters.
  warning_colour text CHECK (warning_colour IN ('red', 'orange', 'yellow')),
  geom geometry(Point, 4326) NOT NULL,
  row_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (county_code = left(village_code, 6)),
  CHECK (reported_at >= occurred_at),
  CHECK (resolved_at IS NULL OR resolved_at >= reported_at)
);
CREATE INDEX incidents_geom_gix ON incidents USING gist (geom);
CREATE INDEX incidents_village_idx ON incidents (village_code text_pattern_ops);
CREATE INDEX incidents_occurred_idx ON incidents (occurred_at);
CREATE INDEX incidents_open_idx ON incidents (status) WHERE status NOT IN ('resolved', 'closed');

-- One timestamped row per flow step.
CREATE TABLE incident_flow_steps (
  id bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  county_code varchar(6) NOT NULL,
  seq integer NOT NULL CHECK (seq > 0),
  flow_level text NOT NULL CHECK (flow_level IN ('grid', 'village', 'township', 'county')),
  action text NOT NULL CHECK (action IN ('report', 'accept', 'handle', 'escalate', 'dispatch', 'resolve', 'close', 'return')),
  status_after text NOT NULL CHECK (status_after IN ('reported', 'accepted', 'in_progress', 'escalated', 'resolved', 'closed')),
  at timestamptz NOT NULL,
  deadline_at timestamptz,
  actor_id bigint REFERENCES staff (id),
  note text CHECK (length(note) <= 2000),
  UNIQUE (incident_id, seq)
);

-- Mediation of disputes.
CREATE TABLE mediations (
  id bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  county_code varchar(6) NOT NULL,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  mediator_kind text NOT NULL CHECK (mediator_kind IN ('people_committee', 'police', 'court', 'lawyer', 'volunteer')),
  -- Mediating organisation, e.g. "枫桥镇人民调解委员会": an organisation, never a person.
  mediator_org text,
  outcome text CHECK (outcome IN ('resolved_on_spot', 'resolved', 'controlled', 'escalated', 'litigation')),
  started_on date NOT NULL,
  ended_on date,
  note text CHECK (length(note) <= 2000),
  row_version integer NOT NULL DEFAULT 1,
  CHECK (county_code = left(village_code, 6)),
  CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX mediations_incident_idx ON mediations (incident_id);
CREATE INDEX mediations_village_idx ON mediations (village_code text_pattern_ops);

-- ---------------------------------------------------------------------------------------------
-- Patrol tracks: one row per patrol session; the M value of every vertex is its time in epoch
-- seconds (UTC), so each vertex has a time without a separate points table.
CREATE TABLE patrol_tracks (
  id bigserial PRIMARY KEY,
  county_code varchar(6) NOT NULL,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  grid_code varchar(15) NOT NULL,
  worker_id bigint NOT NULL REFERENCES staff (id),
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  distance_m real NOT NULL CHECK (distance_m >= 0),
  geom geometry(LineStringM, 4326) NOT NULL,
  CHECK (county_code = left(village_code, 6)),
  CHECK (ended_at >= started_at)
);
CREATE INDEX patrol_tracks_geom_gix ON patrol_tracks USING gist (geom);
CREATE INDEX patrol_tracks_grid_time_idx ON patrol_tracks (grid_code, started_at);
CREATE INDEX patrol_tracks_village_idx ON patrol_tracks (village_code text_pattern_ops);

-- ---------------------------------------------------------------------------------------------
-- Three-nos villages (无案件、无事故、无上访): 8 + 4 + 4 criteria per village and year.
CREATE TABLE three_nos_criteria (
  grp text NOT NULL CHECK (grp IN ('no_case', 'no_accident', 'no_petition')),
  idx smallint NOT NULL CHECK (idx BETWEEN 1 AND 8),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  PRIMARY KEY (grp, idx),
  CHECK (grp = 'no_case' OR idx <= 4)
);

CREATE TABLE three_nos_assessments (
  id bigserial PRIMARY KEY,
  county_code varchar(6) NOT NULL,
  village_code varchar(12) NOT NULL REFERENCES regions (code),
  year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  -- Manual assessment: true = criterion met. Arrays are indexed like three_nos_criteria.idx.
  no_case boolean[] NOT NULL CHECK (cardinality(no_case) = 8),
  no_accident boolean[] NOT NULL CHECK (cardinality(no_accident) = 4),
  no_petition boolean[] NOT NULL CHECK (cardinality(no_petition) = 4),
  vetoed boolean NOT NULL DEFAULT false,
  veto_reason text,
  status text NOT NULL CHECK (status IN ('in_progress', 'achieved', 'failed')),
  assessed_on date,
  assessed_by bigint REFERENCES staff (id),
  row_version integer NOT NULL DEFAULT 1,
  UNIQUE (village_code, year),
  CHECK (county_code = left(village_code, 6)),
  CHECK (NOT vetoed OR status = 'failed')
);

-- Working-day calendar exceptions for flow deadlines: holidays (is_workday = false) and the
-- weekend days swapped into working days (is_workday = true).
CREATE TABLE calendar_days (
  day date PRIMARY KEY,
  is_workday boolean NOT NULL,
  name text
);

-- ---------------------------------------------------------------------------------------------
-- Audit log: who, when, region, action, before and after. The app role may only insert (issue 3).
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  staff_id bigint REFERENCES staff (id),
  region_code varchar(15),
  action text NOT NULL,
  table_name text NOT NULL,
  row_id text,
  before jsonb,
  after jsonb,
  request_id text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_region_idx ON audit_log (region_code text_pattern_ops);
