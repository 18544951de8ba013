/**
 * Shapes of the API responses the client reads. Property interfaces mirror the `properties` list of
 * each layer in the shared catalogue (`geo/layers.ts`); the API emits exactly those, no more.
 */
import type { AccountRole, Permission } from '$geo/access';
import type {
  CameraKind, CameraStatus, GridClass, ImportLayerId, IncidentCategory, IncidentLevel, IncidentSource,
  IncidentStatus, FlowLevel, KeyPlaceType, LayerId, RegionLevel, RiskLevel, WarningColour,
} from '$geo/layers';
import type { ImportFormat } from '$geo/import/types';

export type { Bbox, RegionNode } from '$geo/region-tree';
import type { RegionNode } from '$geo/region-tree';

export interface RegionTreeResponse {
  root: RegionNode;
}

/** `GET /health`: public, so it names the database but gives no figures of any region. */
export interface HealthResponse {
  status: 'ok' | string;
  database: { kind: 'pglite' | 'postgres'; version: string; postgis: string };
  /** The demo's seed and scale when the demo county is loaded, else null. */
  demo: { seed: number; scale: number } | null;
}

/** The signed-in person, as `POST /api/auth/login` and `GET /api/auth/me` describe them. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: AccountRole;
  /** The region the account sees: the API scopes every answer to it and its subtree. */
  regionCode: string;
}

/** `POST /api/auth/login`. The session itself travels in an HttpOnly cookie the client never sees. */
export interface LoginResponse {
  user: SessionUser;
  permissions: Permission[];
  /** Echoed in `X-CSRF-Token` on every change made with the session cookie. */
  csrfToken: string;
  idleMinutes: number;
}

/** `GET /api/auth/me`: the current session, when there is one. */
export interface MeResponse extends LoginResponse {
  kind: string;
  expiresAt: string;
}

/** One entry of `GET /api/layers`: a catalogue layer the caller may read. */
export interface LayerListEntry {
  /** A catalogue id; a server newer than this client may name layers the client cannot draw. */
  id: string;
  minZoom: number;
  maxZoom: number;
  defaultVisible: boolean;
}

export interface LayerListResponse {
  layers: LayerListEntry[];
}

export interface ApiErrorBody {
  error: { code: string; message: string; requestId?: string };
}

export type Position = number[];

export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

export interface Feature<P> {
  type: 'Feature';
  id: string | number;
  geometry: Geometry | null;
  properties: P;
}

export interface FeatureCollection<P> {
  type: 'FeatureCollection';
  features: Feature<P>[];
  numberReturned: number;
  numberMatched?: number;
  limit: number;
}

export interface RegionProperties {
  code: string;
  parent_code: string | null;
  level: RegionLevel;
  kind: string | null;
  name: string;
}

export interface GridProperties {
  code: string;
  name: string;
  grid_class: GridClass;
  village_code: string;
  households: number | null;
  residents: number | null;
  leader_count: number | null;
  instructor_count: number | null;
  worker_count: number | null;
  key_place_id: string | number | null;
  version_id: string | number | null;
}

export interface AddressPointProperties {
  id: string | number;
  households: number | null;
  building_kind: string | null;
  village_code: string | null;
  grid_code: string | null;
}

export interface CameraProperties {
  id: string | number;
  code: string;
  kind: CameraKind;
  heading_deg: number | null;
  fov_deg: number | null;
  range_m: number | null;
  status: CameraStatus;
  owner: string | null;
  village_code: string | null;
  grid_code: string | null;
}

export interface KeyPlaceProperties {
  id: string | number;
  name: string;
  place_type: KeyPlaceType;
  risk_level: RiskLevel;
  village_code: string | null;
  grid_code: string | null;
}

export interface IncidentProperties {
  id: string | number;
  category: IncidentCategory;
  subcategory: string | null;
  level: IncidentLevel;
  source: IncidentSource;
  occurred_at: string;
  reported_at: string | null;
  flow_level: FlowLevel;
  status: IncidentStatus;
  warning_colour: WarningColour | null;
  village_code: string | null;
  grid_code: string | null;
}

export interface PatrolTrackProperties {
  id: string | number;
  worker_id: string | number;
  grid_code: string | null;
  started_at: string;
  ended_at: string | null;
  distance_m: number | null;
}

/** Properties of each catalogue layer, by id. */
export interface LayerPropertiesMap {
  regions: RegionProperties;
  grids: GridProperties;
  address_points: AddressPointProperties;
  cameras: CameraProperties;
  key_places: KeyPlaceProperties;
  incidents: IncidentProperties;
  patrol_tracks: PatrolTrackProperties;
}

// Compile-time check that the map above names every catalogue layer and nothing else.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const layerPropertiesComplete: Exact<keyof LayerPropertiesMap, LayerId> = true;
void layerPropertiesComplete;

export type LayerFeatureCollection<Id extends LayerId> = FeatureCollection<LayerPropertiesMap[Id]>;
export type AnyLayerFeatureCollection = LayerFeatureCollection<LayerId>;

/** What an import would do (dry run) or did (commit) with one row of the file. */
export type ImportRowAction = 'create' | 'update' | 'unchanged' | 'rejected';
export type ImportPhase = 'reading' | 'checking' | 'placing' | 'writing' | 'done';
export type ImportMode = 'dry-run' | 'commit';

export interface ImportRowOutcome {
  /** The feature's position, the CSV line or the shapefile record (from 1). */
  row: number;
  action: ImportRowAction;
  /** The record's id (or code) when it exists or would exist. */
  id?: string;
  reason?: string;
}

export interface ImportReport {
  layer: ImportLayerId;
  mode: ImportMode;
  fileName: string;
  sha256: string;
  format: ImportFormat;
  sourceName: string | null;
  /** The coordinate system the rows were read in ("EPSG:4326", "GCJ-02", "BD-09"). */
  crs: string;
  notes: string[];
  counts: Record<ImportRowAction, number> & { read: number };
  committed: boolean;
  /** Why a commit wrote nothing (rejected rows and no skipRejected). */
  refused?: string;
  batchId: number | null;
  /** Earlier committed imports of the very same file into this layer. */
  earlierImports: { id: number; at: string; actor: string | null }[];
  /** One page of the rows (see `rowsOffset`, `rowsMatched`). */
  rows: ImportRowOutcome[];
  rowsMatched: number;
  rowsOffset: number;
}

/** `POST /api/imports` and `GET /api/imports/jobs/{id}`: an import running or ended. */
export interface ImportJob {
  id: string;
  layer: ImportLayerId;
  fileName: string;
  state: 'running' | 'done' | 'failed';
  progress: { phase: ImportPhase; done: number; total: number | null };
  startedAt: string;
  endedAt: string | null;
  error: { status: number; code: string; message: string } | null;
  report: ImportReport | null;
  links: { self: string; report: string };
}
