/**
 * `patrol-coverage`: each grid green when it meets its patrol rules over the window (its class
 * A/B/C rule and the 2 h daily mean), else coloured by how far short it is: its mean patrol time a
 * day against the 2 hours every grid needs (≥ 1.5 h, 1–1.5 h, 0.5–1 h, < 0.5 h). Which rules it
 * misses is in the tooltip.
 *
 * The analytic reads at most 93 days; a longer filter window is cut to its last 93 days, and the
 * legend says so. Patrol tracks exist only for recent days (the demo generates the 30 days before
 * its "now"): a window without any track is said in the legend rather than painting every grid red.
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, type GeoJsonLayerProps } from '@deck.gl/layers';
import { addDays } from '$geo/local-time';
import { filtersManager } from '../filters.svelte';
import { AnalyticLayer, daysInWindow, formatCount, formatHours, formatShare, keepParams } from './analytic-layer.svelte';
import type { AnalyticLayerMessages } from './messages';
import { css, FILL_ALPHA, outlineOf, PATROL_COMPLIANT, PATROL_SHORTFALL_COLOURS, withAlpha } from './palette';
import type { AnalyticFeature, LegendDescription, PatrolShortfallClass, Rgba } from './types';

/** The longest window the analytic accepts (api/analytics/patrol-coverage.ts `maxDays`). */
export const PATROL_COVERAGE_MAX_DAYS = 93;
/** Every grid's daily mean (全科网格 日均巡查至少2小时). */
const DAILY_HOURS = 2;

export interface PatrolCoverageProperties {
  code: string;
  name: string;
  gridClass: 'A' | 'B' | 'C';
  villageCode: string;
  seconds: number;
  meters: number;
  tracks: number;
  daysPatrolled: number;
  coverageShare: number;
  compliant: boolean;
  hours: number;
  /** Rules not met, comma-separated (`class_a_days,daily_mean_2h`). */
  unmet: string;
}

const SHORTFALL_CLASSES: readonly PatrolShortfallClass[] = ['near', 'mid', 'low', 'none'];

/** How far a grid's mean patrol time a day (hours) is from the 2 h rule. */
export function shortfallClass(hoursPerDay: number): PatrolShortfallClass {
  if (hoursPerDay >= 0.75 * DAILY_HOURS) return 'near';
  if (hoursPerDay >= 0.5 * DAILY_HOURS) return 'mid';
  if (hoursPerDay >= 0.25 * DAILY_HOURS) return 'low';
  return 'none';
}

/** `from`/`to` cut to the analytic's longest window (its last days). */
export function clampWindow(params: URLSearchParams, maxDays: number): URLSearchParams {
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && daysInWindow(from, to) > maxDays) params.set('from', addDays(to, 1 - maxDays));
  return params;
}

/** The legend's note when the data's window is shorter than the filters' (cut by `clampWindow`). */
export function windowClampedNote(params: URLSearchParams | null, maxDays: number, t: AnalyticLayerMessages): string | null {
  const from = params?.get('from');
  const to = params?.get('to');
  if (!from || !to || daysInWindow(from, to) < maxDays || filtersManager.from >= from) return null;
  return `${t.windowClamped(maxDays)}: ${from} – ${to}`;
}

export class PatrolCoverageLayer extends AnalyticLayer<PatrolCoverageProperties> {
  readonly id = 'patrol-coverage' as const;

  /** Days of the window the data covers. */
  days = $derived.by(() => {
    const p = this.dataParams;
    const from = p?.get('from');
    const to = p?.get('to');
    return from && to ? daysInWindow(from, to) : 1;
  });

  /** True when no grid has a track in the window. */
  noPatrols = $derived((this.data?.features ?? []).every((f) => f.properties.tracks === 0));

  params(base: URLSearchParams): URLSearchParams {
    // Patrols are not incidents: the incident filters and the hour band do not apply.
    return clampWindow(keepParams(base, ['region', 'from', 'to']), PATROL_COVERAGE_MAX_DAYS);
  }

  classOf(p: PatrolCoverageProperties): PatrolShortfallClass | 'compliant' {
    return p.compliant ? 'compliant' : shortfallClass(p.hours / this.days);
  }

  fillOf(p: PatrolCoverageProperties): Rgba {
    const c = this.classOf(p);
    return withAlpha(c === 'compliant' ? PATROL_COMPLIANT : PATROL_SHORTFALL_COLOURS[c], FILL_ALPHA);
  }

  deckLayers(): Layer[] {
    const data = this.data;
    if (!data || data.features.length === 0 || this.noPatrols) return [];
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
        getFillColor: (f) => this.fillOf((f as unknown as AnalyticFeature<PatrolCoverageProperties>).properties),
        getLineColor: (f) => outlineOf(this.fillOf((f as unknown as AnalyticFeature<PatrolCoverageProperties>).properties)),
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        updateTriggers: { getFillColor: this.days, getLineColor: this.days },
        parameters: { depthWriteEnabled: false },
      }),
    ];
  }

  legend(): LegendDescription {
    const t = this.t;
    const features = this.data?.features ?? [];
    const counts = new Map<string, number>();
    for (const f of features) {
      const c = this.classOf(f.properties);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const notes = [t.shortfallNote];
    const clamped = windowClampedNote(this.dataParams, PATROL_COVERAGE_MAX_DAYS, t);
    if (clamped) notes.push(clamped);
    // Tracks that cover only part of the window (the demo's last 30 days) fail every daily mean: say so.
    const mostDays = features.reduce((m, f) => Math.max(m, f.properties.daysPatrolled), 0);
    if (mostDays > 0 && mostDays < this.days / 2) notes.push(t.patrolDaysFew(mostDays, this.days));
    const empty = features.length === 0 ? t.empty['grid-metrics'] : this.noPatrols ? t.empty[this.id] : null;
    return {
      items: [
        { colour: css(withAlpha(PATROL_COMPLIANT, FILL_ALPHA)), outline: css(outlineOf(PATROL_COMPLIANT)), shape: 'fill', label: t.compliant, count: counts.get('compliant') ?? 0 },
        ...SHORTFALL_CLASSES.map((c) => ({
          colour: css(withAlpha(PATROL_SHORTFALL_COLOURS[c], FILL_ALPHA)), outline: css(outlineOf(PATROL_SHORTFALL_COLOURS[c])),
          shape: 'fill' as const, label: t.shortfall[c], count: counts.get(c) ?? 0,
        })),
      ],
      notes,
      empty,
    };
  }

  describe(_part: string, object: AnalyticFeature<PatrolCoverageProperties>): string | null {
    const p = object?.properties;
    if (!p) return null;
    const t = this.t;
    const f = t.field;
    const lines = [
      `${p.name} · ${p.code}`,
      `${f.gridClass}: ${p.gridClass}`,
      `${f.hoursPerDay}: ${formatHours(p.hours / this.days)} · ${f.hours}: ${formatHours(p.hours)}`,
      `${f.daysPatrolled}: ${formatCount(p.daysPatrolled)} · ${f.coverageShare}: ${formatShare(p.coverageShare)}`,
    ];
    if (p.compliant) lines.push(t.compliant);
    // One entry per rule and period (week): each rule once.
    else if (p.unmet) lines.push(`${f.unmet}: ${[...new Set(p.unmet.split(','))].map((r) => t.patrolRule[r] ?? r).join('; ')}`);
    return lines.join('\n');
  }
}
