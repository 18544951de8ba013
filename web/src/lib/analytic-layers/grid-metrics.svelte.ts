/**
 * `grid-metrics`: the region's grids coloured by one metric of `/api/analytics/grid-metrics`
 * (households, incidents of the window, open, overdue, cameras, share of cameras online) in
 * quantile classes (geo/class-breaks.ts) on a sequential ramp, with the breaks in the legend.
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, type GeoJsonLayerProps } from '@deck.gl/layers';
import { classIndex, quantileClasses, type QuantileClasses } from '$geo/class-breaks';
import { AnalyticLayer, formatCount, formatShare } from './analytic-layer.svelte';
import { css, FILL_ALPHA, NO_VALUE, outlineOf, rampColours, withAlpha, type RampName } from './palette';
import type { AnalyticFeature, GridMetric, LegendDescription, LegendItem, Rgba } from './types';

/** The grid-metrics contract (api/analytics/grid-metrics.ts). */
export interface GridMetricsProperties {
  code: string;
  name: string;
  gridClass: 'A' | 'B' | 'C';
  villageCode: string;
  households: number;
  residents: number;
  leaders: number;
  instructors: number;
  workers: number;
  incidents: number;
  openIncidents: number;
  overdueIncidents: number;
  cameras: number;
  camerasOnline: number;
}

export const GRID_METRIC_CLASSES = 5;
export const DEFAULT_GRID_METRIC: GridMetric = 'incidents';

const RAMP_OF: Record<GridMetric, RampName> = {
  incidents: 'warm',
  openIncidents: 'warm',
  overdueIncidents: 'warm',
  households: 'blue',
  cameras: 'green',
  camerasOnlineShare: 'green',
};

/** The metric's value for a grid; NaN when it has none (an online share without cameras). */
export function gridMetricValue(p: GridMetricsProperties, metric: GridMetric): number {
  if (metric === 'camerasOnlineShare') return p.cameras > 0 ? p.camerasOnline / p.cameras : Number.NaN;
  return p[metric];
}

export class GridMetricsLayer extends AnalyticLayer<GridMetricsProperties> {
  readonly id = 'grid-metrics' as const;
  metric = $state<GridMetric>(DEFAULT_GRID_METRIC);

  /** Quantile classes of the current metric over the loaded grids. */
  classes = $derived.by<QuantileClasses>(() => {
    const features = this.data?.features ?? [];
    return quantileClasses(features.map((f) => gridMetricValue(f.properties, this.metric)), GRID_METRIC_CLASSES);
  });

  colours = $derived(rampColours(RAMP_OF[this.metric], this.classes.classes.length));

  /** Changes whenever a grid's colour may change: deck.gl recomputes the fill colours then. */
  colourKey = $derived(`${this.metric}|${this.classes.breaks.join(',')}|${this.colours.length}`);

  params(base: URLSearchParams): URLSearchParams {
    return base;
  }

  fillOf(p: GridMetricsProperties): Rgba {
    const v = gridMetricValue(p, this.metric);
    if (!Number.isFinite(v)) return withAlpha(NO_VALUE, 120);
    return withAlpha(this.colours[classIndex(v, this.classes.breaks)] ?? NO_VALUE, FILL_ALPHA);
  }

  deckLayers(): Layer[] {
    const data = this.data;
    if (!data || data.features.length === 0) return [];
    return [
      new GeoJsonLayer({
        id: `${this.id}:fill`,
        data: data as unknown as GeoJsonLayerProps['data'],
        visible: this.visible,
        opacity: this.opacity,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 90],
        filled: true,
        stroked: true,
        getFillColor: (f) => this.fillOf((f as unknown as AnalyticFeature<GridMetricsProperties>).properties),
        getLineColor: (f) => outlineOf(this.fillOf((f as unknown as AnalyticFeature<GridMetricsProperties>).properties)),
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        updateTriggers: { getFillColor: this.colourKey, getLineColor: this.colourKey },
        parameters: { depthWriteEnabled: false },
      }),
    ];
  }

  /** A class's range as text: counts as integers, shares as percentages. */
  #range(min: number, max: number): string {
    const f = this.metric === 'camerasOnlineShare' ? formatShare : formatCount;
    return min === max ? f(min) : `${f(min)}–${f(max)}`;
  }

  legend(): LegendDescription {
    const t = this.t;
    const features = this.data?.features ?? [];
    const items: LegendItem[] = this.classes.classes.map((c, i) => ({
      colour: css(withAlpha(this.colours[i]!, FILL_ALPHA)), outline: css(outlineOf(this.colours[i]!)), shape: 'fill',
      label: this.#range(c.min, c.max), count: c.count,
    }));
    const missing = features.filter((f) => !Number.isFinite(gridMetricValue(f.properties, this.metric))).length;
    if (missing > 0) items.push({ colour: css(withAlpha(NO_VALUE, 120)), shape: 'fill', label: t.noCameras, count: missing });
    return {
      title: t.metricName[this.metric],
      items,
      notes: [],
      empty: features.length === 0 ? t.empty[this.id] : null,
    };
  }

  describe(_part: string, object: AnalyticFeature<GridMetricsProperties>): string | null {
    const p = object?.properties;
    if (!p) return null;
    const f = this.t.field;
    return [
      `${p.name} · ${p.code}`,
      `${f.gridClass}: ${p.gridClass}`,
      `${f.households}: ${formatCount(p.households)} · ${f.residents}: ${formatCount(p.residents)}`,
      `${f.staffing}: ${p.leaders}+${p.instructors}+${p.workers}`,
      `${f.incidents}: ${formatCount(p.incidents)} · ${f.openIncidents}: ${formatCount(p.openIncidents)} · ${f.overdueIncidents}: ${formatCount(p.overdueIncidents)}`,
      `${f.cameras}: ${formatCount(p.camerasOnline)}/${formatCount(p.cameras)}`,
    ].join('\n');
  }
}
