/** Helpers shared by the layer renderers. */
import type { Feature, FeatureCollection } from '../api/types';

/** Browser fonts for map labels: deck.gl rasterises them itself, so no glyph server is needed. */
export const LABEL_FONT_FAMILY =
  '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif';

/**
 * deck.gl text settings for map labels. SDF glyphs allow a white halo over busy layers. The atlas is
 * rasterised at 32 px, about twice the label size: the default 64 px is minified so far that thin
 * CJK strokes break up at 11–12 px. With radius 8 and outline 0.6 the halo is about 1.5 px wide.
 */
export const LABEL_FONT_SETTINGS = { sdf: true, fontSize: 32, buffer: 8, radius: 8, smoothing: 0.12 } as const;
export const LABEL_OUTLINE_WIDTH = 0.6;
export const LABEL_OUTLINE_COLOUR: [number, number, number, number] = [255, 255, 255, 235];

/**
 * Caches a value derived from an object (a loaded feature collection) for as long as the object
 * lives, so repeated renders hand deck.gl the same array and it keeps its GPU buffers.
 */
export function memoOn<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      cache.set(key, value);
    }
    return value;
  };
}

export interface PointRow<P> {
  position: [number, number];
  properties: P;
}

/** The point features of a collection as rows deck.gl can read; features without a point are skipped. */
export function toPointRows<P>(collection: FeatureCollection<P>): PointRow<P>[] {
  const rows: PointRow<P>[] = [];
  for (const feature of collection.features as Feature<P>[]) {
    const g = feature.geometry;
    if (g?.type === 'Point' && g.coordinates.length >= 2) {
      rows.push({ position: [g.coordinates[0]!, g.coordinates[1]!], properties: feature.properties });
    } else if (g?.type === 'MultiPoint') {
      for (const c of g.coordinates) {
        if (c.length >= 2) rows.push({ position: [c[0]!, c[1]!], properties: feature.properties });
      }
    }
  }
  return rows;
}

/** Formats an ISO timestamp in Asia/Shanghai, the product's local time. */
export function formatLocalTime(iso: string | null, locale: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale, { timeZone: 'Asia/Shanghai', hour12: false });
}
