/**
 * The synthetic demo county as plain data: one array per table, rows shaped like the table's columns
 * (snake_case, same names) so the loader can hand them to `jsonb_to_recordset` unchanged.
 *
 * Conventions: instants are ISO 8601 strings in UTC (`2026-05-01T02:03:04.000Z`), local dates are
 * `YYYY-MM-DD` in Asia/Shanghai, coordinates are WGS84/CGCS2000 degrees rounded to 7 decimals.
 * Ids are given only where other rows refer to them (grid versions, key places, staff, incidents);
 * they start at 1 and the loader shifts them past any rows already in the database.
 */
import type { LineString, MultiPolygon, Point, Polygon } from 'geojson';
import type {
  CameraKind, CameraStatus, FlowLevel, GridClass, IncidentCategory, IncidentLevel, IncidentSource,
  IncidentStatus, KeyPlaceType, MediationOutcome, MediatorKind, RegionLevel, RiskLevel, WarningColour,
} from '../../geo/layers.js';

export type TownshipKind = 'street' | 'town' | 'township';
export type VillageKind = 'community' | 'village';
export type BuildingKind = 'residential' | 'mixed' | 'commercial';
export type FlowAction = 'report' | 'accept' | 'handle' | 'escalate' | 'dispatch' | 'resolve' | 'close' | 'return';

export interface DemoRegion {
  code: string;
  parent_code: string | null;
  level: RegionLevel;
  /** township: street | town | township; village: community | village; null otherwise. */
  kind: TownshipKind | VillageKind | null;
  name: string;
  county_code: string;
  geom: MultiPolygon;
}

export interface DemoGridVersion {
  id: number;
  village_code: string;
  county_code: string;
  version_no: number;
  status: 'published';
  valid_from: string;
  note: string;
  created_at: string;
  published_at: string;
}

export interface DemoGrid {
  code: string;
  name: string;
  grid_class: GridClass;
  county_code: string;
  village_code: string;
  version_id: number;
  households: number;
  residents: number;
  leader_count: number;
  instructor_count: number;
  worker_count: number;
  part_time_count: number;
  /** The key place a class C grid is dedicated to; null for classes A and B. */
  key_place_id: number | null;
  geom: MultiPolygon;
}

/** Patrol schedule of a class C grid's place: ISO weekdays (1 = Monday) and local hours. */
export interface PatrolSchedule {
  days: number[];
  from: string;
  to: string;
}

export interface DemoKeyPlace {
  id: number;
  name: string;
  place_type: KeyPlaceType;
  risk_level: RiskLevel;
  county_code: string;
  village_code: string;
  grid_code: string;
  patrol_schedule: PatrolSchedule | null;
  /** A point, or a footprint polygon for the places that anchor a class C grid. */
  geom: Point | Polygon;
  /** Representative point (the point itself, or the footprint's centre) used to locate the place. */
  lon: number;
  lat: number;
}

export interface DemoAddressPoint {
  county_code: string;
  village_code: string;
  grid_code: string;
  households: number;
  building_kind: BuildingKind;
  lon: number;
  lat: number;
}

export interface DemoCamera {
  code: string;
  county_code: string;
  village_code: string;
  natural_village_code: string | null;
  grid_code: string;
  kind: CameraKind;
  heading_deg: number;
  fov_deg: number;
  range_m: number;
  status: CameraStatus;
  owner: string;
  installed_on: string;
  lon: number;
  lat: number;
}

export interface DemoIncident {
  id: number;
  county_code: string;
  village_code: string;
  grid_code: string;
  category: IncidentCategory;
  subcategory: string | null;
  level: IncidentLevel;
  source: IncidentSource;
  /** Null or a generic phrase: never a name, phone or ID number (DESIGN.md, privacy boundary). */
  summary: string | null;
  people_involved: number;
  occurred_at: string;
  reported_at: string;
  accepted_at: string | null;
  resolved_at: string | null;
  flow_level: FlowLevel;
  status: IncidentStatus;
  warning_colour: WarningColour | null;
  created_at: string;
  updated_at: string;
  lon: number;
  lat: number;
}

export interface DemoFlowStep {
  incident_id: number;
  county_code: string;
  seq: number;
  flow_level: FlowLevel;
  action: FlowAction;
  status_after: IncidentStatus;
  at: string;
  deadline_at: string | null;
  note: string | null;
}

export interface DemoMediation {
  incident_id: number;
  county_code: string;
  village_code: string;
  mediator_kind: MediatorKind;
  mediator_org: string;
  outcome: MediationOutcome | null;
  started_on: string;
  ended_on: string | null;
  note: string | null;
}

export interface DemoStaff {
  id: number;
  username: string;
  display_name: string;
  role: 'grid_worker';
  region_code: string;
  active: boolean;
  created_at: string;
}

export interface DemoPatrolTrack {
  county_code: string;
  village_code: string;
  grid_code: string;
  worker_id: number;
  started_at: string;
  ended_at: string;
  distance_m: number;
  /** Vertices as flat triples lon, lat, m (m = epoch seconds UTC), the LINESTRING M to store. */
  path: number[];
}

export interface DemoThreeNosAssessment {
  county_code: string;
  village_code: string;
  year: number;
  no_case: boolean[];
  no_accident: boolean[];
  no_petition: boolean[];
  vetoed: boolean;
  veto_reason: string | null;
  status: 'in_progress' | 'achieved' | 'failed';
  assessed_on: string | null;
}

export interface DemoCalendarDay {
  day: string;
  is_workday: boolean;
  name: string | null;
}

/** Kinds of base-map lines (sql/migrations/0008_basemap.sql). */
export type BasemapKind = 'expressway' | 'county_road' | 'village_road' | 'river';

/** A road or river of the base map (api/demo/generate-basemap.ts). */
export interface DemoBasemapFeature {
  kind: BasemapKind;
  name: string;
  /** 1 = the major one of its kind (main river, expressway), 2 = minor (tributary, provincial road). */
  rank: 1 | 2;
  geom: LineString;
}

/** Row counts per table. */
export interface DemoCounts {
  regions: number;
  grid_versions: number;
  grids: number;
  key_places: number;
  address_points: number;
  cameras: number;
  incidents: number;
  incident_flow_steps: number;
  mediations: number;
  staff: number;
  patrol_tracks: number;
  three_nos_assessments: number;
  calendar_days: number;
  basemap_features: number;
  app_meta: number;
}

export interface DemoMeta {
  seed: number;
  scale: number;
  generatedAt: string;
  counts: DemoCounts;
}

export interface DemoCounty {
  regions: DemoRegion[];
  gridVersions: DemoGridVersion[];
  grids: DemoGrid[];
  keyPlaces: DemoKeyPlace[];
  addressPoints: DemoAddressPoint[];
  cameras: DemoCamera[];
  incidents: DemoIncident[];
  flowSteps: DemoFlowStep[];
  mediations: DemoMediation[];
  staff: DemoStaff[];
  patrolTracks: DemoPatrolTrack[];
  threeNosAssessments: DemoThreeNosAssessment[];
  calendarDays: DemoCalendarDay[];
  basemapFeatures: DemoBasemapFeature[];
  meta: DemoMeta;
}
