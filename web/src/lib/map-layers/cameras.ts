/**
 * `cameras` (雪亮工程): deck.gl points coloured by status (online green, offline grey, fault red);
 * from zoom 14 each camera also shows its view sector from heading, field of view and range.
 */
import { ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { CameraProperties, LayerFeatureCollection } from '../api/types';
import { cameraSector } from '$geo/camera-sector';
import { CAMERA_STATUS_COLOURS, rgba } from '../map/palette';
import { memoOn, toPointRows, type PointRow } from './shared';
import { noDeckLayers, noStyleLayers, type MapLayerRenderer } from './types';

/** Sectors are noise at county scale; from this zoom they are a few pixels across and worth drawing. */
export const CAMERA_SECTOR_MIN_ZOOM = 14;
/** Used when a camera has no recorded field of view or range. */
const DEFAULT_FOV_DEG = 60;
const DEFAULT_RANGE_M = 50;

type CameraRow = PointRow<CameraProperties>;

interface SectorRow {
  polygon: [number, number][];
  properties: CameraProperties;
}

const rowsOf = memoOn((fc: LayerFeatureCollection<'cameras'>) => toPointRows(fc));

const sectorsOf = memoOn((rows: CameraRow[]) =>
  rows
    .filter((r) => r.properties.heading_deg !== null && r.properties.heading_deg !== undefined)
    .map<SectorRow>((r) => ({
      polygon: cameraSector(r.position, {
        headingDeg: r.properties.heading_deg ?? 0,
        fovDeg: r.properties.fov_deg ?? DEFAULT_FOV_DEG,
        rangeMeters: r.properties.range_m ?? DEFAULT_RANGE_M,
        steps: 12,
      }).geometry.coordinates[0] as [number, number][],
      properties: r.properties,
    })),
);

function statusColour(p: CameraProperties) {
  return CAMERA_STATUS_COLOURS[p.status] ?? CAMERA_STATUS_COLOURS.offline;
}

export const camerasRenderer: MapLayerRenderer<'cameras'> = {
  id: 'cameras',
  zoomBreaks: [CAMERA_SECTOR_MIN_ZOOM],
  styleLayers: noStyleLayers,

  deckLayers(data, ctx) {
    if (!data) return noDeckLayers();
    const rows = rowsOf(data);
    const showSectors = ctx.visible && ctx.zoom >= CAMERA_SECTOR_MIN_ZOOM;
    return {
      body: [
        new SolidPolygonLayer<SectorRow>({
          id: 'cameras:sectors',
          // Computed only once the user gets close enough to see them.
          data: showSectors ? sectorsOf(rows) : [],
          visible: showSectors,
          getPolygon: (d) => d.polygon,
          getFillColor: (d) => rgba(statusColour(d.properties), 56),
          parameters: { depthWriteEnabled: false },
        }),
        new ScatterplotLayer<CameraRow>({
          id: 'cameras:points',
          data: rows,
          visible: ctx.visible,
          pickable: true,
          getPosition: (d) => d.position,
          getFillColor: (d) => rgba(statusColour(d.properties), 255),
          getLineColor: [255, 255, 255, 255],
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 1,
          // Small at county scale where 1,500 of them share the screen, larger close up.
          radiusUnits: 'meters',
          getRadius: 60,
          radiusMinPixels: 2.5,
          radiusMaxPixels: 6,
          parameters: { depthWriteEnabled: false },
        }),
      ],
      labels: [],
    };
  },

  describe(object, t) {
    const p = (object as Partial<CameraRow>).properties;
    if (!p) return null;
    const lines = [`${t.tooltipCamera} ${p.code}`, t.cameraStatusName[p.status] ?? p.status];
    if (p.owner) lines.push(p.owner);
    return lines.join('\n');
  },
};
