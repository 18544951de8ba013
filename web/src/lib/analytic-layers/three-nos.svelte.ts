/**
 * `three-nos`: each village's three-nos status for the year of the window's end (achieved, in
 * progress, failed), as a dot at the village's inner point (the analytic's GeoJSON gives villages as
 * points: `ST_PointOnSurface`), ringed darker when a veto event decided it.
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, type GeoJsonLayerProps } from '@deck.gl/layers';
import { AnalyticLayer, formatCount, keepParams } from './analytic-layer.svelte';
import { css, outlineOf, THREE_NOS_COLOURS, withAlpha } from './palette';
import type { AnalyticFeature, LegendDescription, ThreeNosStatus } from './types';

const STATUSES: readonly ThreeNosStatus[] = ['achieved', 'in_progress', 'failed'];
/** The 16 criteria: 8 no-case, 4 no-accident, 4 no-petition. */
const CRITERIA = 16;

export interface ThreeNosProperties {
  code: string;
  name: string;
  townshipCode: string;
  assessed: boolean;
  status: ThreeNosStatus;
  vetoed: boolean;
  vetoedBy: number[];
  metCount: number;
  /** Broken criteria as `grp.idx`, comma-separated. */
  broken: string;
}

export class ThreeNosLayer extends AnalyticLayer<ThreeNosProperties> {
  readonly id = 'three-nos' as const;

  params(base: URLSearchParams): URLSearchParams {
    // A three-nos year, not a window: the year the window ends in.
    const p = keepParams(base, ['region']);
    const to = base.get('to');
    if (to) p.set('year', to.slice(0, 4));
    return p;
  }

  colourOf(p: ThreeNosProperties) {
    return THREE_NOS_COLOURS[p.status] ?? THREE_NOS_COLOURS.in_progress;
  }

  deckLayers(): Layer[] {
    const data = this.data;
    if (!data || data.features.length === 0) return [];
    return [
      new GeoJsonLayer({
        id: `${this.id}:villages`,
        data: data as unknown as GeoJsonLayerProps['data'],
        visible: this.visible,
        opacity: this.opacity,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 120],
        pointType: 'circle',
        filled: true,
        stroked: true,
        getFillColor: (f) => withAlpha(this.colourOf((f as unknown as AnalyticFeature<ThreeNosProperties>).properties), 220),
        getLineColor: (f) => {
          const p = (f as unknown as AnalyticFeature<ThreeNosProperties>).properties;
          return p.vetoed ? outlineOf(this.colourOf(p)) : [255, 255, 255, 230];
        },
        lineWidthUnits: 'pixels',
        getLineWidth: (f) => ((f as unknown as AnalyticFeature<ThreeNosProperties>).properties.vetoed ? 3 : 1.5),
        pointRadiusUnits: 'pixels',
        getPointRadius: 8,
        parameters: { depthWriteEnabled: false },
      }),
    ];
  }

  legend(): LegendDescription {
    const t = this.t;
    const features = this.data?.features ?? [];
    const counts = new Map<string, number>();
    for (const f of features) counts.set(f.properties.status, (counts.get(f.properties.status) ?? 0) + 1);
    const year = this.dataParams?.get('year');
    return {
      items: STATUSES.map((s) => ({
        colour: css(withAlpha(THREE_NOS_COLOURS[s], 220)), outline: '#ffffff', shape: 'dot' as const,
        label: t.threeNosStatus[s], count: counts.get(s) ?? 0,
      })),
      notes: year ? [t.threeNosYear(Number(year))] : [],
      empty: features.length === 0 ? t.empty[this.id] : null,
    };
  }

  describe(_part: string, object: AnalyticFeature<ThreeNosProperties>): string | null {
    const p = object?.properties;
    if (!p) return null;
    const t = this.t;
    const f = t.field;
    const lines = [
      `${p.name} · ${p.code}`,
      `${f.status}: ${t.threeNosStatus[p.status] ?? p.status}`,
      `${f.criteriaMet}: ${formatCount(p.metCount)}/${CRITERIA}`,
    ];
    if (p.vetoed) lines.push(`${f.vetoed}: ${t.yes}`);
    if (p.broken) lines.push(`${f.broken}: ${p.broken.split(',').join(', ')}`);
    return lines.join('\n');
  }
}
