/**
 * `incidents`: deck.gl points coloured by category. Fetched as GeoJSON up to the layer's maxLimit
 * for now; vector tiles replace this when the incident count outgrows it.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { IncidentProperties, LayerFeatureCollection } from '../api/types';
import { INCIDENT_CATEGORY_COLOURS, rgba } from '../map/palette';
import { formatLocalTime, memoOn, toPointRows, type PointRow } from './shared';
import { deckOnlyRenderer } from './types';

type IncidentRow = PointRow<IncidentProperties>;

const rowsOf = memoOn((fc: LayerFeatureCollection<'incidents'>) => toPointRows(fc));

export const incidentsRenderer = deckOnlyRenderer(
  'incidents',
  (data, ctx) =>
    new ScatterplotLayer<IncidentRow>({
      id: 'incidents:points',
      data: rowsOf(data),
      visible: ctx.visible,
      pickable: true,
      getPosition: (d) => d.position,
      getFillColor: (d) => rgba(INCIDENT_CATEGORY_COLOURS[d.properties.category] ?? [120, 120, 120], 215),
      // A thin light rim separates overlapping points and keeps pale categories visible.
      stroked: true,
      getLineColor: [255, 255, 255, 170],
      lineWidthUnits: 'pixels',
      getLineWidth: 0.5,
      radiusUnits: 'meters',
      getRadius: 18,
      radiusMinPixels: 2,
      radiusMaxPixels: 7,
      parameters: { depthWriteEnabled: false },
    }),
  (object, t, locale) => {
    const p = (object as Partial<IncidentRow>).properties;
    if (!p) return null;
    return [
      `${t.tooltipIncident} · ${t.incidentCategoryName[p.category] ?? p.category}`,
      p.subcategory ?? '',
      formatLocalTime(p.occurred_at, locale),
    ].filter(Boolean).join('\n');
  },
);
