/**
 * The layer catalogue: every map layer is named here once. The API builds its GeoJSON endpoint (and
 * later tiles and OGC collections) from these entries; the web client maps the same id to its
 * MapLibre or deck.gl layer. Adding a layer = one entry here + its SQL source + its render function.
 *
 * Pure data, no I/O: imported by both `api/` and `web/`.
 */

export const LAYER_IDS = [
  'regions',
  'grids',
  'address_points',
  'cameras',
  'key_places',
  'incidents',
  'patrol_tracks',
] as const;

export type LayerId = (typeof LAYER_IDS)[number];

export type GeometryKind = 'polygon' | 'point' | 'line' | 'point_or_polygon';

export interface LayerDef {
  readonly id: LayerId;
  /** Table or (security-invoker) view the layer reads from. Never user input. */
  readonly source: string;
  readonly geometryColumn: 'geom';
  /** Stable feature id column (also the MVT feature id later). */
  readonly idColumn: string;
  /** Public properties, in the order they are emitted. The only columns that ever leave the API. */
  readonly properties: readonly string[];
  /** Column used for time-range filters, or null when the layer has none. */
  readonly timeColumn: string | null;
  readonly geometryKind: GeometryKind;
  readonly minZoom: number;
  readonly maxZoom: number;
  /** GeoJSON endpoint: default and maximum `limit`. */
  readonly defaultLimit: number;
  readonly maxLimit: number;
  readonly title: { readonly zh: string; readonly en: string };
  /** Shown when the client opens. */
  readonly defaultVisible: boolean;
  /**
   * Readable with a wall-display token. Walls show aggregates and incident points, never people:
   * patrol tracks (a worker's movements) are not for the wall. The database enforces the same with
   * column grants to the display role (sql/migrations/0003_region_scope.sql).
   */
  readonly displayReadable: boolean;
}

const common = { geometryColumn: 'geom', minZoom: 0, maxZoom: 22, displayReadable: true } as const;

export const LAYERS: { readonly [K in LayerId]: LayerDef & { id: K } } = {
  regions: {
    ...common,
    id: 'regions',
    source: 'regions',
    idColumn: 'code',
    properties: ['code', 'parent_code', 'level', 'kind', 'name'],
    timeColumn: null,
    geometryKind: 'polygon',
    defaultLimit: 1000,
    maxLimit: 5000,
    title: { zh: '行政区划', en: 'Administrative boundaries' },
    defaultVisible: true,
  },
  grids: {
    ...common,
    id: 'grids',
    source: 'current_grids',
    idColumn: 'code',
    properties: [
      'code', 'name', 'grid_class', 'village_code', 'households', 'residents',
      'leader_count', 'instructor_count', 'worker_count', 'key_place_id', 'version_id',
    ],
    timeColumn: null,
    geometryKind: 'polygon',
    defaultLimit: 1000,
    maxLimit: 10000,
    title: { zh: '网格', en: 'Grids' },
    defaultVisible: true,
  },
  address_points: {
    ...common,
    id: 'address_points',
    source: 'address_points',
    idColumn: 'id',
    properties: ['id', 'households', 'building_kind', 'village_code', 'grid_code'],
    timeColumn: null,
    geometryKind: 'point',
    minZoom: 12,
    defaultLimit: 1000,
    maxLimit: 50000,
    title: { zh: '地址点', en: 'Address points' },
    defaultVisible: false,
  },
  cameras: {
    ...common,
    id: 'cameras',
    source: 'cameras',
    idColumn: 'id',
    properties: ['id', 'code', 'kind', 'heading_deg', 'fov_deg', 'range_m', 'status', 'owner', 'village_code', 'grid_code'],
    timeColumn: null,
    geometryKind: 'point',
    defaultLimit: 1000,
    maxLimit: 50000,
    title: { zh: '视频监控', en: 'Cameras' },
    defaultVisible: true,
  },
  key_places: {
    ...common,
    id: 'key_places',
    source: 'key_places',
    idColumn: 'id',
    properties: ['id', 'name', 'place_type', 'risk_level', 'village_code', 'grid_code'],
    timeColumn: null,
    geometryKind: 'point_or_polygon',
    defaultLimit: 1000,
    maxLimit: 10000,
    title: { zh: '重点场所', en: 'Key places' },
    defaultVisible: false,
  },
  incidents: {
    ...common,
    id: 'incidents',
    source: 'incidents',
    idColumn: 'id',
    properties: [
      'id', 'category', 'subcategory', 'level', 'source', 'occurred_at', 'reported_at',
      'flow_level', 'status', 'warning_colour', 'village_code', 'grid_code',
    ],
    timeColumn: 'occurred_at',
    geometryKind: 'point',
    defaultLimit: 1000,
    maxLimit: 100000,
    title: { zh: '事件', en: 'Incidents' },
    defaultVisible: true,
  },
  patrol_tracks: {
    ...common,
    displayReadable: false,
    id: 'patrol_tracks',
    source: 'patrol_tracks',
    idColumn: 'id',
    properties: ['id', 'worker_id', 'grid_code', 'started_at', 'ended_at', 'distance_m'],
    timeColumn: 'started_at',
    geometryKind: 'line',
    minZoom: 11,
    defaultLimit: 500,
    maxLimit: 20000,
    title: { zh: '巡查轨迹', en: 'Patrol tracks' },
    defaultVisible: false,
  },
};

/**
 * Layers a file can be imported into (api/imports). Grids are drawn and published in the grid
 * editor and patrol tracks come from the patrol devices, so neither is here. Shared with the
 * client's import dialog.
 */
export const IMPORT_LAYER_IDS = ['address_points', 'cameras', 'key_places', 'incidents', 'regions'] as const satisfies readonly LayerId[];
export type ImportLayerId = (typeof IMPORT_LAYER_IDS)[number];

export function isLayerId(value: string): value is LayerId {
  return (LAYER_IDS as readonly string[]).includes(value);
}

/** Domain vocabularies shared by the schema's CHECK constraints, the demo and the client legend. */
export const GRID_CLASSES = ['A', 'B', 'C'] as const;
export const CAMERA_KINDS = ['dome', 'bullet', 'ptz', 'checkpoint'] as const;
export const BUILDING_KINDS = ['residential', 'mixed', 'commercial'] as const;
export const CAMERA_STATUSES = ['online', 'offline', 'fault'] as const;
export const INCIDENT_LEVELS = ['general', 'major', 'especially_major'] as const;
export const INCIDENT_SOURCES = ['grid_worker', 'public', 'hotline_12345', 'camera'] as const;
export const FLOW_LEVELS = ['grid', 'village', 'township', 'county'] as const;
export const INCIDENT_STATUSES = ['reported', 'accepted', 'in_progress', 'escalated', 'resolved', 'closed'] as const;
export const WARNING_COLOURS = ['red', 'orange', 'yellow'] as const;
export const INCIDENT_CATEGORIES = [
  'dispute', 'safety_hazard', 'public_order', 'fire', 'traffic', 'work_safety',
  'environment', 'livelihood', 'petition', 'criminal_case',
] as const;
export const KEY_PLACE_TYPES = [
  'school', 'hospital', 'mall', 'market', 'transport_hub', 'hazardous_goods', 'construction_site',
  'scenic_spot', 'rental_housing', 'government', 'religious_site',
] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const MEDIATOR_KINDS = ['people_committee', 'police', 'court', 'lawyer', 'volunteer'] as const;
export const MEDIATION_OUTCOMES = ['resolved_on_spot', 'resolved', 'controlled', 'escalated', 'litigation'] as const;
export const REGION_LEVELS = ['county', 'township', 'village', 'natural_village'] as const;
export const STAFF_ROLES = ['admin', 'planner', 'analyst', 'operator', 'display', 'grid_worker'] as const;

export type GridClass = (typeof GRID_CLASSES)[number];
export type CameraKind = (typeof CAMERA_KINDS)[number];
export type CameraStatus = (typeof CAMERA_STATUSES)[number];
export type IncidentLevel = (typeof INCIDENT_LEVELS)[number];
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];
export type FlowLevel = (typeof FLOW_LEVELS)[number];
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type WarningColour = (typeof WARNING_COLOURS)[number];
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];
export type KeyPlaceType = (typeof KEY_PLACE_TYPES)[number];
export type RiskLevel = (typeof RISK_LEVELS)[number];
export type MediatorKind = (typeof MEDIATOR_KINDS)[number];
export type MediationOutcome = (typeof MEDIATION_OUTCOMES)[number];
export type RegionLevel = (typeof REGION_LEVELS)[number];
export type StaffRole = (typeof STAFF_ROLES)[number];
