/**
 * `key_places` (重点场所): points or polygons coloured by risk level, drawn with deck.gl's
 * GeoJsonLayer because the layer mixes both geometry kinds.
 */
import { GeoJsonLayer, type GeoJsonLayerProps } from '@deck.gl/layers';
import type { Feature, KeyPlaceProperties } from '../api/types';
import { RISK_LEVEL_COLOURS, rgba } from '../map/palette';
import { deckOnlyRenderer } from './types';

function riskColour(f: Feature<KeyPlaceProperties>) {
  return RISK_LEVEL_COLOURS[f.properties.risk_level] ?? RISK_LEVEL_COLOURS.medium;
}

export const keyPlacesRenderer = deckOnlyRenderer(
  'key_places',
  (data, ctx) =>
    new GeoJsonLayer({
      id: 'key_places:features',
      // deck.gl's GeoJSON typings are stricter than the API's; the shapes are the same.
      data: data as unknown as GeoJsonLayerProps['data'],
      visible: ctx.visible,
      pickable: true,
      pointType: 'circle',
      filled: true,
      stroked: true,
      getFillColor: (f) => rgba(riskColour(f as unknown as Feature<KeyPlaceProperties>), 150),
      getLineColor: (f) => rgba(riskColour(f as unknown as Feature<KeyPlaceProperties>), 255),
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      pointRadiusUnits: 'pixels',
      getPointRadius: 6,
      parameters: { depthWriteEnabled: false },
    }),
  (object, t) => {
    const p = (object as Partial<Feature<KeyPlaceProperties>>).properties;
    if (!p) return null;
    return [p.name, t.riskLevelName[p.risk_level] ?? p.risk_level].filter(Boolean).join('\n');
  },
);
