/**
 * `address_points`: buildings as small dark points sized by household count. Off by default and
 * only fetched for the current view from the catalogue's minZoom (12), as there are many.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { AddressPointProperties, LayerFeatureCollection } from '../api/types';
import { ADDRESS_POINT_COLOUR, rgba } from '../map/palette';
import { memoOn, toPointRows, type PointRow } from './shared';
import { deckOnlyRenderer } from './types';

type AddressRow = PointRow<AddressPointProperties>;

const rowsOf = memoOn((fc: LayerFeatureCollection<'address_points'>) => toPointRows(fc));

export const addressPointsRenderer = deckOnlyRenderer(
  'address_points',
  (data, ctx) =>
    new ScatterplotLayer<AddressRow>({
      id: 'address_points:points',
      data: rowsOf(data),
      visible: ctx.visible,
      pickable: true,
      getPosition: (d) => d.position,
      getFillColor: rgba(ADDRESS_POINT_COLOUR, 170),
      radiusUnits: 'pixels',
      // Area grows with households: 1 household ≈ 2 px, 100 ≈ 6 px.
      getRadius: (d) => Math.min(8, 1.5 + Math.sqrt(Math.max(0, d.properties.households ?? 1)) * 0.5),
      parameters: { depthWriteEnabled: false },
    }),
  (object, t) => {
    const p = (object as Partial<AddressRow>).properties;
    if (!p) return null;
    return t.households(p.households ?? 0);
  },
);
