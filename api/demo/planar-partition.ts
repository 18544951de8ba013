/**
 * An exact planar partition for the demo county: Voronoi cells whose shared edges are stored once.
 *
 * Why a topology instead of clipping polygons against each other: clipping two neighbours
 * separately computes their shared boundary twice, and after rounding to 7 decimals the two copies
 * differ by up to a centimetre, which leaves slivers (overlaps or gaps of ~1e-9 deg²) between
 * grids. Here every edge between two cells is one polyline object; both cells read the same
 * coordinates (one forwards, one backwards), so their boundaries coincide bit for bit, before and
 * after rounding. Every region above the cell (natural village, village, township, county) is the
 * union of whole cells, computed topologically (shared half-edges cancel), so it also reuses the
 * very same coordinates. Tiling is then exact by construction, at every level.
 *
 * The straight Voronoi edges are roughened with midpoint displacement so that boundaries look like
 * real ones (streams, ridges, field edges) rather than a ruled diagram. Each displaced edge is checked
 * against the other edges of the two cells it separates, which is sufficient for simplicity (it
 * cannot leave the union of those two cells without crossing one of their edges).
 *
 * Units: kilometres in a local plane (x east, y north). The caller projects to degrees at the end.
 */
import { featureCollection, point, voronoi } from '@turf/turf';
import type { Rng } from './random.js';

export type XY = readonly [number, number];

export interface PartitionEdge {
  /** Vertex ids of the two ends (a < b); the polyline runs from a to b. */
  readonly a: number;
  readonly b: number;
  /** Interior points from a to b (flat x,y pairs), empty for a straight edge. */
  interior: number[];
  /** Cells on either side (one for an edge on the outer rim of the diagram). */
  readonly cells: number[];
}

export interface PartitionCell {
  readonly site: XY;
  /** Directed edge references around the cell, counter-clockwise: edgeIndex * 2 + (reversed ? 1 : 0). */
  readonly refs: number[];
}

export interface Partition {
  readonly vx: number[];
  readonly vy: number[];
  readonly edges: PartitionEdge[];
  readonly cells: PartitionCell[];
}

/** A polygon with its outer ring (counter-clockwise) and holes (clockwise); rings are not closed. */
export interface PlanarPolygon {
  readonly outer: XY[];
  readonly holes: XY[][];
}

/** Voronoi edges shorter than this (km) are collapsed: a 1 m edge is noise, and rounding loves it. */
const MIN_EDGE_KM = 0.001;

/**
 * Builds the Voronoi partition of `sites` inside `extent`. All cells are kept (the caller decides
 * which are inside the county); cells at the extent's rim are clipped by d3 and must stay outside.
 */
export function buildPartition(sites: readonly XY[], extent: readonly [number, number, number, number]): Partition {
  const fc = featureCollection(sites.map((s) => point([s[0], s[1]])));
  const polys = voronoi(fc, { bbox: [extent[0], extent[1], extent[2], extent[3]] }).features;

  // Vertex registry: d3-voronoi hands both cells of an edge the same vertex numbers, so an exact
  // key identifies shared vertices.
  const vx: number[] = [];
  const vy: number[] = [];
  const ids = new Map<string, number>();
  const rawRings: number[][] = [];
  for (let i = 0; i < sites.length; i++) {
    const poly = polys[i];
    if (!poly) throw new Error(`voronoi: no cell for site ${i}`);
    const coords = poly.geometry.coordinates[0]!;
    const ring: number[] = [];
    for (let k = 0; k < coords.length - 1; k++) {
      const c = coords[k]!;
      const key = `${c[0]},${c[1]}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = vx.length;
        ids.set(key, id);
        vx.push(c[0]!);
        vy.push(c[1]!);
      }
      ring.push(id);
    }
    rawRings.push(ring);
  }

  // Collapse very short edges (union-find, smallest id wins so the result is order-independent).
  const parent = vx.map((_, i) => i);
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]!]!;
      v = parent[v]!;
    }
    return v;
  };
  for (const ring of rawRings) {
    for (let k = 0; k < ring.length; k++) {
      const u = find(ring[k]!);
      const w = find(ring[(k + 1) % ring.length]!);
      if (u !== w && Math.hypot(vx[u]! - vx[w]!, vy[u]! - vy[w]!) < MIN_EDGE_KM) {
        parent[Math.max(u, w)] = Math.min(u, w);
      }
    }
  }

  const edges: PartitionEdge[] = [];
  const edgeIds = new Map<string, number>();
  const cells: PartitionCell[] = [];
  for (let i = 0; i < rawRings.length; i++) {
    let ring = rawRings[i]!.map(find);
    ring = ring.filter((v, k) => v !== ring[(k + 1) % ring.length]);
    if (ring.length < 3) throw new Error(`voronoi: degenerate cell ${i}`);
    if (signedArea(ring.map((v) => [vx[v]!, vy[v]!] as const)) < 0) ring.reverse();
    const refs: number[] = [];
    for (let k = 0; k < ring.length; k++) {
      const u = ring[k]!;
      const w = ring[(k + 1) % ring.length]!;
      const a = Math.min(u, w);
      const b = Math.max(u, w);
      const key = `${a}:${b}`;
      let e = edgeIds.get(key);
      if (e === undefined) {
        e = edges.length;
        edgeIds.set(key, e);
        edges.push({ a, b, interior: [], cells: [] });
      }
      edges[e]!.cells.push(i);
      refs.push(e * 2 + (u === a ? 0 : 1));
    }
    cells.push({ site: sites[i]!, refs });
  }
  return { vx, vy, edges, cells };
}

/** Shoelace signed area (positive = counter-clockwise) of an open ring. */
export function signedArea(ring: readonly XY[]): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i]!;
    const q = ring[(i + 1) % ring.length]!;
    s += p[0] * q[1] - q[0] * p[1];
  }
  return s / 2;
}

/** Full polyline of an edge reference, from its start vertex to its end vertex (flat x,y). */
export function refPolyline(part: Partition, ref: number): number[] {
  const e = part.edges[ref >> 1]!;
  const pts = [part.vx[e.a]!, part.vy[e.a]!, ...e.interior, part.vx[e.b]!, part.vy[e.b]!];
  if ((ref & 1) === 0) return pts;
  const rev: number[] = [];
  for (let i = pts.length - 2; i >= 0; i -= 2) rev.push(pts[i]!, pts[i + 1]!);
  return rev;
}

function refStart(part: Partition, ref: number): number {
  const e = part.edges[ref >> 1]!;
  return (ref & 1) === 0 ? e.a : e.b;
}

function refEnd(part: Partition, ref: number): number {
  const e = part.edges[ref >> 1]!;
  return (ref & 1) === 0 ? e.b : e.a;
}

/** How much an edge may be roughened: relative amplitude and number of subdivision levels. */
export interface Roughness {
  readonly amplitude: number;
  readonly levels: number;
}

/**
 * Replaces straight edges by midpoint-displacement polylines, keeping the partition valid: every
 * candidate polyline is checked for crossings and for a minimum clearance (so rounding to 1 cm cannot
 * create a crossing) against itself and the other edges of its cells; on failure the amplitude is
 * halved, and after three failures the edge stays straight (always valid, since every other edge was
 * checked against it).
 */
export function roughenEdges(
  part: Partition,
  rng: Rng,
  roughnessOf: (edge: PartitionEdge, index: number) => Roughness | null,
  clearanceKm = 0.002,
): void {
  for (let ei = 0; ei < part.edges.length; ei++) {
    const edge = part.edges[ei]!;
    const spec = roughnessOf(edge, ei);
    if (!spec || spec.levels <= 0 || spec.amplitude <= 0) continue;
    const others: number[][] = [];
    const otherRefs: number[] = [];
    for (const c of edge.cells) {
      for (const ref of part.cells[c]!.refs) {
        if (ref >> 1 !== ei && !otherRefs.includes(ref >> 1)) {
          otherRefs.push(ref >> 1);
          others.push(refPolyline(part, (ref >> 1) * 2));
        }
      }
    }
    const edgeRng = rng.fork(`${edge.a}:${edge.b}`);
    const draws: number[] = [];
    const total = (1 << spec.levels) - 1;
    for (let k = 0; k < total; k++) draws.push(edgeRng.uniform(-1, 1));
    for (let attempt = 0; attempt < 3; attempt++) {
      const amplitude = spec.amplitude / 2 ** attempt;
      const line = displace(part.vx[edge.a]!, part.vy[edge.a]!, part.vx[edge.b]!, part.vy[edge.b]!, amplitude, spec.levels, draws);
      if (polylineIsClear(line, others, clearanceKm)) {
        edge.interior = line.slice(2, line.length - 2);
        break;
      }
    }
  }
}

/** Midpoint displacement of segment (ax,ay)-(bx,by): amplitude relative to each sub-segment. */
function displace(ax: number, ay: number, bx: number, by: number, amplitude: number, levels: number, draws: readonly number[]): number[] {
  let pts = [ax, ay, bx, by];
  let draw = 0;
  let amp = amplitude;
  for (let level = 0; level < levels; level++) {
    const next: number[] = [pts[0]!, pts[1]!];
    for (let i = 0; i + 3 < pts.length; i += 2) {
      const px = pts[i]!;
      const py = pts[i + 1]!;
      const qx = pts[i + 2]!;
      const qy = pts[i + 3]!;
      const dx = qx - px;
      const dy = qy - py;
      // Perpendicular offset: (-dy, dx) has the segment's length, so `amp * u` is relative.
      const u = (draws[draw++] ?? 0) * amp;
      next.push((px + qx) / 2 - dy * u, (py + qy) / 2 + dx * u, qx, qy);
    }
    pts = next;
    amp *= 0.75;
  }
  return pts;
}

/** Distance from point p to segment ab. */
function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function segmentsCross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0));
}

/**
 * Distance between segments ab and cd, treating a shared endpoint as legitimate contact: when the two
 * share an endpoint, only the far endpoints are measured (this catches folds back onto a neighbour).
 */
function segmentClearance(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): number {
  const shareA = (ax === cx && ay === cy) || (ax === dx && ay === dy);
  const shareB = (bx === cx && by === cy) || (bx === dx && by === dy);
  if (shareA && shareB) return 0; // the same segment twice: a degenerate overlap
  if (shareA || shareB) {
    // Far end of each segment against the other segment.
    const [fx, fy] = shareA ? [bx, by] : [ax, ay];
    const [gx, gy] = (cx === (shareA ? ax : bx) && cy === (shareA ? ay : by)) ? [dx, dy] : [cx, cy];
    return Math.min(
      pointSegmentDistance(fx, fy, cx, cy, dx, dy),
      pointSegmentDistance(gx, gy, ax, ay, bx, by),
    );
  }
  if (segmentsCross(ax, ay, bx, by, cx, cy, dx, dy)) return 0;
  return Math.min(
    pointSegmentDistance(ax, ay, cx, cy, dx, dy),
    pointSegmentDistance(bx, by, cx, cy, dx, dy),
    pointSegmentDistance(cx, cy, ax, ay, bx, by),
    pointSegmentDistance(dx, dy, ax, ay, bx, by),
  );
}

export function polylineIsClear(line: readonly number[], others: readonly (readonly number[])[], clearance: number): boolean {
  const n = line.length / 2 - 1;
  // Self: non-adjacent segments must keep clear; adjacent ones must not fold back.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = segmentClearance(line[2 * i]!, line[2 * i + 1]!, line[2 * i + 2]!, line[2 * i + 3]!,
        line[2 * j]!, line[2 * j + 1]!, line[2 * j + 2]!, line[2 * j + 3]!);
      if (d < clearance) return false;
    }
  }
  for (const other of others) {
    const m = other.length / 2 - 1;
    for (let i = 0; i < n; i++) {
      const ax = line[2 * i]!;
      const ay = line[2 * i + 1]!;
      const bx = line[2 * i + 2]!;
      const by = line[2 * i + 3]!;
      const minX = Math.min(ax, bx) - clearance;
      const maxX = Math.max(ax, bx) + clearance;
      const minY = Math.min(ay, by) - clearance;
      const maxY = Math.max(ay, by) + clearance;
      for (let j = 0; j < m; j++) {
        const cx = other[2 * j]!;
        const cy = other[2 * j + 1]!;
        const dx = other[2 * j + 2]!;
        const dy = other[2 * j + 3]!;
        if (Math.max(cx, dx) < minX || Math.min(cx, dx) > maxX || Math.max(cy, dy) < minY || Math.min(cy, dy) > maxY) continue;
        if (segmentClearance(ax, ay, bx, by, cx, cy, dx, dy) < clearance) return false;
      }
    }
  }
  return true;
}

/**
 * The union of whole cells as polygons, computed on the topology: half-edges shared by two member
 * cells cancel, the rest are chained into rings. At a vertex where the boundary touches itself the
 * chain takes the tightest clockwise turn, which splits the boundary into simple rings (valid OGC
 * polygons) instead of one self-touching ring.
 */
export function unionCells(part: Partition, cellIndices: Iterable<number>): PlanarPolygon[] {
  const present = new Set<number>();
  for (const c of cellIndices) for (const ref of part.cells[c]!.refs) present.add(ref);
  const boundary = [...present].filter((ref) => !present.has(ref ^ 1)).sort((p, q) => p - q);
  const outgoing = new Map<number, number[]>();
  for (const ref of boundary) {
    const v = refStart(part, ref);
    const list = outgoing.get(v);
    if (list) list.push(ref);
    else outgoing.set(v, [ref]);
  }
  const used = new Set<number>();
  const rings: XY[][] = [];
  for (const first of boundary) {
    if (used.has(first)) continue;
    const ring: XY[] = [];
    let ref = first;
    for (let guard = 0; guard <= boundary.length; guard++) {
      used.add(ref);
      const line = refPolyline(part, ref);
      for (let i = 0; i + 2 < line.length; i += 2) ring.push([line[i]!, line[i + 1]!]);
      const v = refEnd(part, ref);
      const candidates = (outgoing.get(v) ?? []).filter((r) => !used.has(r) || r === first);
      if (candidates.length === 0) throw new Error('unionCells: open boundary (broken topology)');
      let next = candidates[0]!;
      if (candidates.length > 1) {
        // Tightest clockwise turn from the direction we came from.
        const bx = line[line.length - 4]! - line[line.length - 2]!;
        const by = line[line.length - 3]! - line[line.length - 1]!;
        const back = Math.atan2(by, bx);
        let best = Infinity;
        for (const cand of candidates) {
          const cl = refPolyline(part, cand);
          const out = Math.atan2(cl[3]! - cl[1]!, cl[2]! - cl[0]!);
          let cw = back - out;
          while (cw <= 0) cw += 2 * Math.PI;
          while (cw > 2 * Math.PI) cw -= 2 * Math.PI;
          if (cw < best) {
            best = cw;
            next = cand;
          }
        }
      }
      if (next === first) break;
      ref = next;
    }
    rings.push(ring);
  }
  return assemblePolygons(rings);
}

/** Point-in-ring (even-odd ray casting) on an open ring. */
export function pointInRing(x: number, y: number, ring: readonly XY[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Groups counter-clockwise outer rings with the clockwise holes they contain. */
export function assemblePolygons(rings: readonly XY[][]): PlanarPolygon[] {
  const outers: { ring: XY[]; area: number; holes: XY[][] }[] = [];
  const holes: XY[][] = [];
  for (const ring of rings) {
    const area = signedArea(ring);
    if (area > 0) outers.push({ ring, area, holes: [] });
    else if (area < 0) holes.push(ring);
  }
  outers.sort((p, q) => q.area - p.area);
  for (const hole of holes) {
    const a = hole[0]!;
    const b = hole[1]!;
    const mx = (a[0] + b[0]) / 2;
    const my = (a[1] + b[1]) / 2;
    let owner: (typeof outers)[number] | undefined;
    for (const o of outers) if (pointInRing(mx, my, o.ring) && (!owner || o.area < owner.area)) owner = o;
    if (!owner) throw new Error('assemblePolygons: hole outside every outer ring');
    owner.holes.push(hole);
  }
  return outers.map((o) => ({ outer: o.ring, holes: o.holes }));
}
