-- 0008: the offline base map (issue 6 item 8): roads and rivers drawn under the data layers, with
-- their Chinese names, so the map needs nothing from outside its own origin. Public reference data:
-- every signed-in role reads all of it (walls included); no region column, no region scope.
-- Row-level security is on with an allow-all read policy, so the rule "every table holding a place
-- has RLS" keeps holding and nothing but the owner can write.
CREATE TABLE basemap_features (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('expressway', 'county_road', 'village_road', 'river')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- 1 = the major one of its kind (main river, expressway), 2 = minor (tributary, provincial road).
  rank smallint NOT NULL DEFAULT 1 CHECK (rank IN (1, 2)),
  geom geometry(Geometry, 4326) NOT NULL
    CHECK (ST_GeometryType(geom) IN ('ST_LineString', 'ST_MultiLineString'))
);
CREATE INDEX basemap_features_geom_gix ON basemap_features USING gist (geom);
CREATE INDEX basemap_features_kind_idx ON basemap_features (kind);

ALTER TABLE basemap_features ENABLE ROW LEVEL SECURITY;
CREATE POLICY basemap_features_read ON basemap_features FOR SELECT TO atlas_app, atlas_display USING (true);
GRANT SELECT ON basemap_features TO atlas_app, atlas_display;
