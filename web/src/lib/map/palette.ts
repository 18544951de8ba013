/**
 * Colours shared by the map layers and the legend, so the two never disagree.
 * RGB triples (deck.gl wants arrays); `hex()` gives the CSS form for MapLibre and the legend.
 */
import type {
  CameraStatus, GridClass, IncidentCategory, IncidentLevel, RegionLevel, RiskLevel, WarningColour,
} from '$geo/layers';

export type Rgb = readonly [number, number, number];

export const GRID_CLASS_COLOURS: Record<GridClass, Rgb> = {
  A: [230, 119, 0], // complex grids: amber-orange, the busiest
  B: [28, 126, 214], // simple grids: blue
  C: [132, 94, 247], // dedicated grids of key places: violet
};

export const CAMERA_STATUS_COLOURS: Record<CameraStatus, Rgb> = {
  online: [47, 158, 68],
  offline: [134, 142, 150],
  fault: [224, 49, 49],
};

/** Ten categories, chosen to stay apart from each other and from the grid fills. */
export const INCIDENT_CATEGORY_COLOURS: Record<IncidentCategory, Rgb> = {
  dispute: [242, 142, 43],
  safety_hazard: [237, 201, 72],
  public_order: [78, 121, 167],
  fire: [225, 87, 89],
  traffic: [118, 183, 178],
  work_safety: [156, 117, 95],
  environment: [89, 161, 79],
  livelihood: [255, 157, 167],
  petition: [176, 122, 161],
  criminal_case: [52, 58, 64],
};

export const RISK_LEVEL_COLOURS: Record<RiskLevel, Rgb> = {
  low: [64, 192, 87],
  medium: [250, 176, 5],
  high: [201, 42, 42],
};

/** Boundary lines: colour and width in CSS pixels, by region level. */
export const REGION_LINE_STYLE: Record<RegionLevel, { colour: string; width: number; dash: readonly number[] | null }> = {
  county: { colour: '#1f2d3d', width: 3, dash: null },
  township: { colour: '#3d5166', width: 1.8, dash: null },
  village: { colour: '#7b8a9a', width: 0.9, dash: [3, 2] },
  natural_village: { colour: '#a3afbb', width: 0.6, dash: [1, 2] },
};

export const ADDRESS_POINT_COLOUR: Rgb = [73, 80, 87];
export const PATROL_TRACK_COLOUR = '#0b7285';

export const MAP_BACKGROUND = '#e4e9ef';
export const COUNTY_FILL = '#f8fafc';

export function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function rgba([r, g, b]: Rgb, alpha: number): [number, number, number, number] {
  return [r, g, b, alpha];
}

export const INCIDENT_LEVEL_COLOURS: Record<IncidentLevel, Rgb> = {
  general: [92, 124, 250],
  major: [247, 103, 7],
  especially_major: [201, 42, 42],
};

/** Three-colour warnings of major instability issues; incidents without one are grey. */
export const WARNING_COLOUR_COLOURS: Record<WarningColour | 'none', Rgb> = {
  red: [224, 49, 49],
  orange: [253, 126, 20],
  yellow: [250, 204, 21],
  none: [134, 142, 150],
};
