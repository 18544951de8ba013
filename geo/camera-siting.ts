/**
 * Where to put k new cameras: the maximal covering location problem (Church & ReVelle 1974),
 * solved greedily. Demand is weighted points (typically the centres of uncovered H3 cells weighted
 * by their incidents, from camera-coverage.ts `coverageGaps`); a candidate site covers the demand
 * within `rangeMeters` of it (a dome camera's circle). Greedy picks the candidate whose still
 * uncovered demand weighs most, marks that demand covered, and repeats; for this (submodular)
 * objective it is guaranteed within 1 − 1/e ≈ 63% of the optimum and in practice close to it.
 */
import Flatbush from 'flatbush';
import { EARTH_RADIUS_METERS, rangePadDegrees } from './camera-coverage.js';

const DEG = Math.PI / 180;
const METERS_PER_DEGREE = EARTH_RADIUS_METERS * DEG;

export interface SitingCandidate {
  id: string | number;
  lon: number;
  lat: number;
}

export interface SitingDemand {
  lon: number;
  lat: number;
  /** Importance of covering this point (e.g. incidents); ≤ 0 or non-finite = ignored. */
  weight: number;
}

export interface SuggestedSite {
  id: string | number;
  lon: number;
  lat: number;
  /** Demand weight this site newly covers (not already covered by earlier picks). */
  gain: number;
  /** Sum of the gains of this and all earlier picks. */
  cumulative: number;
  /** Number of demand points this site newly covers. */
  covered: number;
}

export interface SitingResult {
  /** Picks in the order greedy made them (most valuable first); at most k. */
  sites: SuggestedSite[];
  /** Total weight of all (valid, positive-weight) demand points. */
  totalDemand: number;
  /** Covered weight / totalDemand after all picks; 0 when there is no demand. */
  coveredShare: number;
}

/**
 * Greedy maximal covering. "Covers" = ground distance ≤ rangeMeters by the same local metric as
 * camera coverage (camera-coverage.ts `localDistanceMeters`), boundary included.
 *
 * Implementation: an inverted index (candidate → demand ids in range, found with a Flatbush over
 * the demand points) and its transpose (demand → candidates). After a pick, only the candidates
 * that shared newly covered demand get their gain recomputed, from scratch over their own list in
 * a fixed order, so gains are exact sums (exactly 0 once everything in range is covered) rather
 * than drifting running differences. Cost: one range search per candidate plus, per pick, a scan
 * of the gains and the lists touched.
 *
 * Stops after k picks, or earlier when no candidate adds any weight (so fewer than k sites may come
 * back). Ties: among equal gains the candidate earliest in `candidates` wins (put preferred sites —
 * existing poles, public land — first). Equal gains are compared exactly; equal demand sets always
 * tie because each list is summed in demand order. Candidates or demand with non-finite
 * coordinates are ignored. Throws a RangeError for a non-positive range or a k that is not a
 * non-negative integer.
 */
export function suggestCameraSites(input: {
  candidates: readonly SitingCandidate[];
  demand: readonly SitingDemand[];
  k: number;
  rangeMeters: number;
}): SitingResult {
  const { candidates, demand, k, rangeMeters } = input;
  if (!(rangeMeters > 0 && Number.isFinite(rangeMeters))) {
    throw new RangeError(`rangeMeters must be positive, got ${rangeMeters}`);
  }
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`k must be a non-negative integer, got ${k}`);

  // Valid demand, compacted: dLon/dLat/dWeight indexed 0..nd-1.
  const nAll = demand.length;
  const dLon = new Float64Array(nAll);
  const dLat = new Float64Array(nAll);
  const dWeight = new Float64Array(nAll);
  const dCos = new Float64Array(nAll);
  let nd = 0;
  let totalDemand = 0;
  for (const p of demand) {
    if (!(p.weight > 0 && Number.isFinite(p.weight) && Number.isFinite(p.lon) && Number.isFinite(p.lat))) continue;
    dLon[nd] = p.lon;
    dLat[nd] = p.lat;
    dWeight[nd] = p.weight;
    dCos[nd] = Math.cos(p.lat * DEG);
    totalDemand += p.weight;
    nd++;
  }
  const nc = candidates.length;
  if (nd === 0 || nc === 0 || k === 0) return { sites: [], totalDemand, coveredShare: 0 };

  const rangeSq = rangeMeters * rangeMeters;
  const tree = new Flatbush(nd);
  for (let i = 0; i < nd; i++) tree.add(dLon[i]!, dLat[i]!, dLon[i]!, dLat[i]!);
  tree.finish();

  // Candidate → demand (CSR: demand ids of candidate c are ids[start[c] .. start[c+1])).
  const start = new Int32Array(nc + 1);
  let ids = new Int32Array(Math.max(16, nc * 4));
  let nIds = 0;
  for (let c = 0; c < nc; c++) {
    start[c] = nIds;
    const { lon, lat } = candidates[c]!;
    if (!(Number.isFinite(lon) && Number.isFinite(lat))) continue;
    const { latPad, lonPad } = rangePadDegrees(lat, rangeMeters);
    const cosLat = Math.cos(lat * DEG);
    // localDistanceMeters(…) ≤ rangeMeters, inlined with the cosines precomputed.
    const found = tree.search(lon - lonPad, lat - latPad, lon + lonPad, lat + latPad, (d) => {
      const dx = (dLon[d]! - lon) * METERS_PER_DEGREE * (cosLat + dCos[d]!) * 0.5;
      const dy = (dLat[d]! - lat) * METERS_PER_DEGREE;
      return dx * dx + dy * dy <= rangeSq;
    });
    if (found.length === 0) continue;
    // Demand order makes the summation order, hence the gain, identical for identical sets.
    found.sort((a, b) => a - b);
    if (nIds + found.length > ids.length) {
      const grown = new Int32Array(Math.max(ids.length * 2, nIds + found.length));
      grown.set(ids.subarray(0, nIds));
      ids = grown;
    }
    for (const d of found) ids[nIds++] = d;
  }
  start[nc] = nIds;

  // Demand → candidates, the transpose, to know whose gain a newly covered point changes.
  const rStart = new Int32Array(nd + 1);
  for (let j = 0; j < nIds; j++) rStart[ids[j]! + 1]!++;
  for (let d = 0; d < nd; d++) rStart[d + 1]! += rStart[d]!;
  const rIds = new Int32Array(nIds);
  const fill = rStart.slice(0, nd);
  for (let c = 0; c < nc; c++) {
    for (let j = start[c]!; j < start[c + 1]!; j++) rIds[fill[ids[j]!]!++] = c;
  }

  const covered = new Uint8Array(nd);
  const gain = new Float64Array(nc);
  const recompute = (c: number): void => {
    let g = 0;
    for (let j = start[c]!; j < start[c + 1]!; j++) {
      const d = ids[j]!;
      if (covered[d] === 0) g += dWeight[d]!;
    }
    gain[c] = g;
  };
  for (let c = 0; c < nc; c++) recompute(c);

  const stamp = new Int32Array(nc).fill(-1);
  const touched = new Int32Array(nc);
  const sites: SuggestedSite[] = [];
  let cumulative = 0;
  for (let pick = 0; pick < k; pick++) {
    let best = -1;
    let bestGain = 0;
    // Strict ">" keeps the earliest candidate among equal gains.
    for (let c = 0; c < nc; c++) {
      if (gain[c]! > bestGain) {
        bestGain = gain[c]!;
        best = c;
      }
    }
    if (best < 0) break; // nobody adds weight: more picks would be useless
    let newlyCovered = 0;
    let nTouched = 0;
    for (let j = start[best]!; j < start[best + 1]!; j++) {
      const d = ids[j]!;
      if (covered[d] !== 0) continue;
      covered[d] = 1;
      newlyCovered++;
      for (let r = rStart[d]!; r < rStart[d + 1]!; r++) {
        const c = rIds[r]!;
        if (stamp[c] !== pick) {
          stamp[c] = pick;
          touched[nTouched++] = c;
        }
      }
    }
    for (let t = 0; t < nTouched; t++) recompute(touched[t]!);
    cumulative += bestGain;
    const cand = candidates[best]!;
    sites.push({ id: cand.id, lon: cand.lon, lat: cand.lat, gain: bestGain, cumulative, covered: newlyCovered });
  }
  return { sites, totalDemand, coveredShare: cumulative / totalDemand };
}
