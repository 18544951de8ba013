/**
 * `hotspots`: mediation hotspots, H3 hexagons coloured by their Getis-Ord Gi* confidence bin on a
 * diverging ramp (99/95/90% hot in reds, cold in blues; not significant a faint grey). The hexagon
 * size follows the map: the resolution comes from the settled zoom with the analytic's own rule
 * (geo/hotspots.ts `hexResolutionForZoom`, hexagons ~20–60 px wide), so the layer refetches only
 * when a zoom crosses to another resolution.
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, type GeoJsonLayerProps } from '@deck.gl/layers';
import { hexResolutionForZoom } from '$geo/hotspots';
import { i18n } from '../i18n.svelte';
import { layersManager } from '../layers-manager.svelte';
import { AnalyticLayer, formatCount, formatShare, keepParams } from './analytic-layer.svelte';
import { css, GI_BIN_COLOURS } from './palette';
import type { AnalyticFeature, GiStarBin, LegendDescription } from './types';

const BINS: readonly GiStarBin[] = [3, 2, 1, 0, -1, -2, -3];

export interface HotspotProperties {
  cell: string;
  lon: number;
  lat: number;
  disputes: number;
  unresolved: number;
  unresolvedShare: number | null;
  z: number;
  p: number;
  bin: GiStarBin;
}

export class HotspotsLayer extends AnalyticLayer<HotspotProperties> {
  readonly id = 'hotspots' as const;

  /** H3 resolution for the map's settled zoom (null before the map has a view). */
  resolution = $derived.by<number | null>(() => {
    const zoom = layersManager.view?.zoom;
    return zoom === undefined ? null : hexResolutionForZoom(zoom);
  });

  params(base: URLSearchParams): URLSearchParams | null {
    const res = this.resolution;
    if (res === null) return null;
    // Disputes of the window and the filters (the analytic defaults the category to disputes); no hour band.
    const p = keepParams(base, ['region', 'from', 'to', 'category', 'level', 'status', 'source']);
    p.set('res', String(res));
    return p;
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
        getFillColor: (f) => GI_BIN_COLOURS[(f as unknown as AnalyticFeature<HotspotProperties>).properties.bin] ?? GI_BIN_COLOURS[0],
        getLineColor: (f) => {
          const bin = (f as unknown as AnalyticFeature<HotspotProperties>).properties.bin;
          const [r, g, b] = GI_BIN_COLOURS[bin] ?? GI_BIN_COLOURS[0];
          return bin === 0 ? [r, g, b, 90] : [r, g, b, 240];
        },
        lineWidthUnits: 'pixels',
        getLineWidth: 0.75,
        parameters: { depthWriteEnabled: false },
      }),
    ];
  }

  legend(): LegendDescription {
    const t = this.t;
    const features = this.data?.features ?? [];
    const counts = new Map<number, number>();
    let disputes = 0;
    for (const f of features) {
      counts.set(f.properties.bin, (counts.get(f.properties.bin) ?? 0) + 1);
      disputes += f.properties.disputes;
    }
    const res = this.dataParams?.get('res');
    return {
      items: BINS.map((bin) => ({
        colour: css(GI_BIN_COLOURS[bin]), outline: css([...GI_BIN_COLOURS[bin].slice(0, 3), 255]), shape: 'fill' as const,
        label: t.giBin[bin], count: counts.get(bin) ?? 0,
      })),
      notes: res ? [t.hexResolution(Number(res))] : [],
      empty: disputes === 0 ? t.empty[this.id] : null,
    };
  }

  describe(_part: string, object: AnalyticFeature<HotspotProperties>): string | null {
    const p = object?.properties;
    if (!p) return null;
    const t = this.t;
    const f = t.field;
    return [
      t.giBin[p.bin] ?? String(p.bin),
      `${f.disputes}: ${formatCount(p.disputes)} · ${f.unresolved}: ${formatCount(p.unresolved)}${p.unresolvedShare === null ? '' : ` (${formatShare(p.unresolvedShare)})`}`,
      `${f.giZ}: ${p.z.toLocaleString(i18n.locale, { maximumFractionDigits: 2 })} · p = ${p.p.toLocaleString(i18n.locale, { maximumSignificantDigits: 2 })}`,
    ].join('\n');
  }
}
