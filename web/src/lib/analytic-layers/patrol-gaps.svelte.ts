/**
 * `patrol-gaps`: the ranked H3 cells where incidents of the window and hour band meet little patrol
 * and no camera, coloured by their score (quantile classes on an orange-red ramp). The analytic reads
 * at most 93 days: a longer window is cut to its last 93 days (the legend says so).
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, type GeoJsonLayerProps } from '@deck.gl/layers';
import { classIndex, quantileClasses, type QuantileClasses } from '$geo/class-breaks';
import { i18n } from '../i18n.svelte';
import { AnalyticLayer, formatCount, formatHours, formatShare, keepParams } from './analytic-layer.svelte';
import { css, FILL_ALPHA, NO_VALUE, outlineOf, rampColours, withAlpha } from './palette';
import { clampWindow, windowClampedNote } from './patrol-coverage.svelte';
import type { AnalyticFeature, LegendDescription, Rgba } from './types';

/** api/analytics/patrol-gaps.ts `maxDays`, and its default number of ranked cells. */
export const PATROL_GAPS_MAX_DAYS = 93;
export const PATROL_GAPS_LIMIT = 200;
const CLASSES = 5;

export interface PatrolGapProperties {
  cell: string;
  rank: number;
  score: number;
  incidents: number;
  incidentsPerKm2: number;
  patrolCoverage: number;
  cameraCoverage: number;
  hoursSinceLastPatrol: number | null;
  camerasOffline: number;
  /** Reason codes, comma-separated. */
  reasons: string;
}

export class PatrolGapsLayer extends AnalyticLayer<PatrolGapProperties> {
  readonly id = 'patrol-gaps' as const;

  classes = $derived.by<QuantileClasses>(() => quantileClasses((this.data?.features ?? []).map((f) => f.properties.score), CLASSES));
  colours = $derived(rampColours('orangeRed', this.classes.classes.length));
  colourKey = $derived(`${this.classes.breaks.join(',')}|${this.colours.length}`);

  params(base: URLSearchParams): URLSearchParams {
    const p = clampWindow(keepParams(base, ['region', 'from', 'to', 'hours', 'category', 'level', 'status', 'source']), PATROL_GAPS_MAX_DAYS);
    p.set('limit', String(PATROL_GAPS_LIMIT));
    return p;
  }

  fillOf(p: PatrolGapProperties): Rgba {
    return withAlpha(this.colours[classIndex(p.score, this.classes.breaks)] ?? NO_VALUE, FILL_ALPHA);
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
        getFillColor: (f) => this.fillOf((f as unknown as AnalyticFeature<PatrolGapProperties>).properties),
        getLineColor: (f) => outlineOf(this.fillOf((f as unknown as AnalyticFeature<PatrolGapProperties>).properties)),
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        updateTriggers: { getFillColor: this.colourKey, getLineColor: this.colourKey },
        parameters: { depthWriteEnabled: false },
      }),
    ];
  }

  legend(): LegendDescription {
    const t = this.t;
    const features = this.data?.features ?? [];
    const fmt = (v: number) => v.toLocaleString(i18n.locale, { maximumFractionDigits: v < 1000 ? 1 : 0 });
    const notes = [t.gapScoreNote];
    if (features.length >= PATROL_GAPS_LIMIT) notes.push(t.topCells(PATROL_GAPS_LIMIT));
    const clamped = windowClampedNote(this.dataParams, PATROL_GAPS_MAX_DAYS, t);
    if (clamped) notes.push(clamped);
    return {
      title: t.gapScore,
      items: this.classes.classes.map((c, i) => ({
        colour: css(withAlpha(this.colours[i]!, FILL_ALPHA)), outline: css(outlineOf(this.colours[i]!)), shape: 'fill',
        label: c.min === c.max ? fmt(c.min) : `${fmt(c.min)}–${fmt(c.max)}`, count: c.count,
      })),
      notes,
      empty: features.length === 0 ? t.empty[this.id] : null,
    };
  }

  describe(_part: string, object: AnalyticFeature<PatrolGapProperties>): string | null {
    const p = object?.properties;
    if (!p) return null;
    const t = this.t;
    const f = t.field;
    return [
      `${t.title[this.id]} · ${f.rank} ${p.rank}`,
      `${f.score}: ${p.score.toLocaleString(i18n.locale, { maximumFractionDigits: 2 })} · ${f.incidents}: ${formatCount(p.incidents)}`,
      `${f.patrolCoverage}: ${formatShare(p.patrolCoverage)} · ${f.cameraCoverage}: ${formatShare(p.cameraCoverage)}`,
      `${f.hoursSincePatrol}: ${p.hoursSinceLastPatrol === null ? f.never : formatHours(p.hoursSinceLastPatrol)}`,
      `${f.reasons}: ${p.reasons.split(',').filter(Boolean).map((r) => t.gapReason[r] ?? r).join(', ')}`,
    ].join('\n');
  }
}
