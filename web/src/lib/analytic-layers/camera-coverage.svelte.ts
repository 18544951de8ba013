/**
 * `camera-coverage`: the camera gaps, H3 res-9 cells holding households or incidents of the window
 * that no online camera sees. Cells with unseen incidents are coloured by how many (quantile classes
 * on a purple ramp); cells with unseen households only are grey.
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, type GeoJsonLayerProps } from '@deck.gl/layers';
import { classIndex, quantileClasses, type QuantileClasses } from '$geo/class-breaks';
import { AnalyticLayer, formatCount, keepParams } from './analytic-layer.svelte';
import { css, FILL_ALPHA, HOUSEHOLDS_ONLY, outlineOf, rampColours, withAlpha } from './palette';
import type { AnalyticFeature, LegendDescription, LegendItem, Rgba } from './types';

/** Gap cells asked for: the analytic returns the most uncovered first, 500 by default. */
export const CAMERA_GAP_LIMIT = 2000;
const CLASSES = 5;

export interface CameraGapProperties {
  cell: string;
  households: number;
  incidents: number;
  uncoveredHouseholds: number;
  uncoveredIncidents: number;
}

export class CameraCoverageLayer extends AnalyticLayer<CameraGapProperties> {
  readonly id = 'camera-coverage' as const;

  classes = $derived.by<QuantileClasses>(() =>
    quantileClasses((this.data?.features ?? []).map((f) => f.properties.uncoveredIncidents).filter((n) => n > 0), CLASSES));

  colours = $derived(rampColours('purple', this.classes.classes.length));
  colourKey = $derived(`${this.classes.breaks.join(',')}|${this.colours.length}`);

  params(base: URLSearchParams): URLSearchParams {
    // The incidents of the window and the filters; the analytic has no hour band.
    const p = keepParams(base, ['region', 'from', 'to', 'category', 'level', 'status', 'source']);
    p.set('limit', String(CAMERA_GAP_LIMIT));
    return p;
  }

  fillOf(p: CameraGapProperties): Rgba {
    if (p.uncoveredIncidents <= 0) return withAlpha(HOUSEHOLDS_ONLY, 150);
    return withAlpha(this.colours[classIndex(p.uncoveredIncidents, this.classes.breaks)] ?? HOUSEHOLDS_ONLY, FILL_ALPHA);
  }

  deckLayers(): Layer[] {
    const data = this.data;
    if (!data || data.features.length === 0) return [];
    return [
      new GeoJsonLayer({
        id: `${this.id}:cells`,
        data: data as unknown as GeoJsonLayerProps['data'],
        visible: this.visible,
        opacity: this.opacity,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 90],
        filled: true,
        stroked: true,
        getFillColor: (f) => this.fillOf((f as unknown as AnalyticFeature<CameraGapProperties>).properties),
        getLineColor: (f) => outlineOf(this.fillOf((f as unknown as AnalyticFeature<CameraGapProperties>).properties)),
        lineWidthUnits: 'pixels',
        getLineWidth: 0.75,
        updateTriggers: { getFillColor: this.colourKey, getLineColor: this.colourKey },
        parameters: { depthWriteEnabled: false },
      }),
    ];
  }

  legend(): LegendDescription {
    const t = this.t;
    const features = this.data?.features ?? [];
    const items: LegendItem[] = this.classes.classes.map((c, i) => ({
      colour: css(withAlpha(this.colours[i]!, FILL_ALPHA)), outline: css(outlineOf(this.colours[i]!)), shape: 'fill',
      label: c.min === c.max ? formatCount(c.min) : `${formatCount(c.min)}–${formatCount(c.max)}`, count: c.count,
    }));
    const householdsOnly = features.filter((f) => f.properties.uncoveredIncidents <= 0).length;
    if (householdsOnly > 0) items.push({ colour: css(withAlpha(HOUSEHOLDS_ONLY, 150)), shape: 'fill', label: t.householdsOnly, count: householdsOnly });
    return {
      title: t.uncoveredIncidents,
      items,
      notes: features.length >= CAMERA_GAP_LIMIT ? [t.topGapCells(CAMERA_GAP_LIMIT)] : [],
      empty: features.length === 0 ? t.empty[this.id] : null,
    };
  }

  describe(_part: string, object: AnalyticFeature<CameraGapProperties>): string | null {
    const p = object?.properties;
    if (!p) return null;
    const f = this.t.field;
    return [
      this.t.title[this.id],
      `${f.uncoveredIncidents}: ${formatCount(p.uncoveredIncidents)} / ${formatCount(p.incidents)}`,
      `${f.uncoveredHouseholds}: ${formatCount(p.uncoveredHouseholds)} / ${formatCount(p.households)}`,
    ].join('\n');
  }
}
