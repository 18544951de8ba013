/**
 * Colours of the analytic layers, shared by their deck.gl layers and their legends so the two never
 * disagree. Sequential ramps and the diverging Gi* ramp are ColorBrewer's (YlOrRd, Blues, Greens,
 * Purples, OrRd, RdBu), which stay distinguishable in print and for most colour-vision deficiencies.
 */
import type { GiStarBin, PatrolShortfallClass, Rgba, ThreeNosStatus } from './types';

type Rgb = readonly [number, number, number];

/** Five-step sequential ramps, light to dark. */
export const RAMPS = {
  warm: [[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]],
  blue: [[239, 243, 255], [189, 215, 231], [107, 174, 214], [49, 130, 189], [8, 81, 156]],
  green: [[237, 248, 233], [186, 228, 179], [116, 196, 118], [49, 163, 84], [0, 109, 44]],
  purple: [[242, 240, 247], [203, 201, 226], [158, 154, 200], [117, 107, 177], [84, 39, 143]],
  orangeRed: [[254, 240, 217], [253, 204, 138], [252, 141, 89], [227, 74, 51], [179, 0, 0]],
} as const satisfies Record<string, readonly Rgb[]>;

export type RampName = keyof typeof RAMPS;

/**
 * `n` colours (1–5) spread over a five-step ramp, light to dark: two classes get the ends, three the
 * ends and the middle. One class gets the middle step (a lone class is neither "low" nor "high").
 */
export function rampColours(ramp: RampName, n: number): Rgb[] {
  const steps = RAMPS[ramp];
  if (n <= 0) return [];
  if (n === 1) return [steps[2]];
  const last = steps.length - 1;
  return Array.from({ length: Math.min(n, steps.length) }, (_, i) => steps[Math.round((i * last) / (Math.min(n, steps.length) - 1))]!);
}

/** Hot (red) to cold (blue); not significant is a faint grey. */
export const GI_BIN_COLOURS: Record<GiStarBin, Rgba> = {
  3: [178, 24, 43, 220],
  2: [239, 138, 98, 210],
  1: [253, 219, 199, 200],
  0: [150, 150, 150, 45],
  [-1]: [209, 229, 240, 200],
  [-2]: [103, 169, 207, 210],
  [-3]: [33, 102, 172, 220],
};

export const THREE_NOS_COLOURS: Record<ThreeNosStatus, Rgb> = {
  achieved: [47, 158, 68],
  in_progress: [28, 126, 214],
  failed: [224, 49, 49],
};

export const PATROL_COMPLIANT: Rgb = [64, 192, 87];
export const PATROL_SHORTFALL_COLOURS: Record<PatrolShortfallClass, Rgb> = {
  near: [254, 217, 118],
  mid: [253, 141, 60],
  low: [227, 26, 28],
  none: [128, 0, 38],
};

/** Camera-gap cells that hold unseen households but no unseen incident. */
export const HOUSEHOLDS_ONLY: Rgb = [173, 181, 189];
/** A grid without a value for the metric (an online share without cameras). */
export const NO_VALUE: Rgb = [206, 212, 218];

/** Fill alpha of areas and hexagons (0–255), before the layer's opacity. */
export const FILL_ALPHA = 190;

export function withAlpha([r, g, b]: Rgb, alpha: number): Rgba {
  return [r, g, b, alpha];
}

/** A deck.gl colour as CSS, for the legend. */
export function css([r, g, b, a = 255]: readonly number[]): string {
  return a >= 255 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(2)})`;
}

/** Darker outline of a fill colour. */
export function outlineOf([r, g, b]: readonly number[]): Rgba {
  return [Math.round(r! * 0.6), Math.round(g! * 0.6), Math.round(b! * 0.6), 230];
}
