import type { MultiPolygon, Polygon } from 'geojson';
import { cellToBoundary, getHexagonEdgeLengthAvg, isPentagon, latLngToCell, UNITS } from 'h3-js';
import { assignCells, countByCell, studyAreaCells } from './hotspots.js';
import { addDays, DAY_MS, isoWeekday, localToUtcMs, SHANGHAI_OFFSET_MS } from './local-time.js';

/**
 * Patrol coverage of a grid (DESIGN.md "Patrols"): how long and how far a worker's GPS track ran
 * inside the grid, split by local day and half-day, judged against the class rules, and which H3
 * cells of the grid the track passed through.
 *
 * Tracks are LINESTRING M in WGS84: each vertex is `[lon, lat, m]` with m = epoch SECONDS (UTC) of the
 * fix. Between two fixes the worker is assumed to move in a straight line (in lon/lat) at constant
 * speed, so time and position are both linear in the segment parameter. That is what the GPS
 * tells us and nothing more; a long silent gap between two fixes is therefore counted as patrol
 * (the caller splits tracks at gaps it does not trust).
 */

// ───────────────────────────── track pieces inside a polygon ─────────────────────────────

/** A maximal stretch of a track inside a polygon: epoch seconds and geodesic metres walked. */
export interface TrackPiece {
  start: number;
  end: number;
  meters: number;
}

/** A grid polygon prepared once (edges and an edge index) for many tracks and point tests. */
export interface PreparedPolygon {
  /** `[minLon, minLat, maxLon, maxLat]` of all rings; all zeros for an empty polygon. */
  readonly bbox: readonly [number, number, number, number];
  readonly edgeCount: number;
  /** Whether the point is inside the polygon; the boundary (within ~0.1 mm) counts as inside. */
  contains(lon: number, lat: number): boolean;
}

/** Mean Earth radius (IUGG), the radius the haversine distances use. */
export const EARTH_RADIUS_METERS = 6371008.8;

/**
 * Distance, in degrees, within which a point counts as ON an edge (≈ 0.1 mm). Boundary points are
 * inside by product rule, and midpoints of collinear overlaps are computed with rounding error,
 * so "on the edge" has to tolerate a few ulps of a coordinate (~1e-14°); 1e-9° is far above
 * that and far below GPS precision.
 */
const ON_EDGE_DEGREES = 1e-9;
/** Slack on segment/edge parameters: a spurious split point costs one extra midpoint test, a missed one gives a wrong answer, so err generous. */
const PARAM_SLACK = 1e-9;
/** Sub-intervals of a segment narrower than this (as a fraction of it) are rounding noise and skipped. */
const MIN_PARAM_WIDTH = 1e-12;

const DEG = Math.PI / 180;

/** Great-circle distance in metres between two lon/lat points (haversine). */
export function haversineMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const sinDLat = Math.sin(((lat2 - lat1) * DEG) / 2);
  const sinDLon = Math.sin(((lon2 - lon1) * DEG) / 2);
  const h = sinDLat * sinDLat + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * sinDLon * sinDLon;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The polygon's edges in flat typed arrays plus a uniform bucket grid over its bbox, each bucket
 * listing the edges whose (slightly enlarged) bbox overlaps it. We use our own bucket grid rather
 * than Flatbush because (a) queries are allocation-free (Flatbush's search returns fresh arrays,
 * and we query once per track segment), and (b) the same buckets answer the point-in-polygon
 * ray cast: a horizontal ray to the east only meets edges listed in the buckets of the point's
 * row, from its column eastwards, so a test costs one row of buckets rather than all edges.
 */
class PolygonIndex implements PreparedPolygon {
  readonly bbox: readonly [number, number, number, number];
  readonly edgeCount: number;
  /** x1, y1, x2, y2 per edge. */
  readonly edges: Float64Array;
  /** Which polygon part (MultiPolygon member) each edge belongs to: parts are tested separately. */
  readonly edgePart: Int32Array;
  readonly partCount: number;
  readonly cols: number;
  readonly rows: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly cellW: number;
  readonly cellH: number;
  /** CSR layout: edges of bucket b are cellEdges[cellStart[b] .. cellStart[b+1]). */
  readonly cellStart: Int32Array;
  readonly cellEdges: Int32Array;
  /** Per-edge visit stamp, so an edge listed in several buckets is looked at once per query. */
  private readonly stamp: Int32Array;
  private stampNow = 0;
  private readonly parity: Uint8Array;
  /** Scratch for the split parameters of one segment (grows, never shrinks). */
  params = new Float64Array(16);

  constructor(polygon: Polygon | MultiPolygon) {
    const parts = polygon.type === 'Polygon' ? [polygon.coordinates] : polygon.type === 'MultiPolygon' ? polygon.coordinates : [];
    const xs: number[] = [];
    const parts_: number[] = [];
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    parts.forEach((rings, part) => {
      for (const ring of rings) {
        const n = ring.length;
        // An unclosed ring is closed implicitly; a closed one's last edge has zero length and is skipped.
        for (let j = 0; j < n; j++) {
          const a = ring[j]!;
          const b = ring[(j + 1) % n]!;
          const ax = a[0]!;
          const ay = a[1]!;
          const bx = b[0]!;
          const by = b[1]!;
          if (!(Number.isFinite(ax) && Number.isFinite(ay) && Number.isFinite(bx) && Number.isFinite(by))) continue;
          if (ax === bx && ay === by) continue;
          xs.push(ax, ay, bx, by);
          parts_.push(part);
          minX = Math.min(minX, ax, bx);
          minY = Math.min(minY, ay, by);
          maxX = Math.max(maxX, ax, bx);
          maxY = Math.max(maxY, ay, by);
        }
      }
    });
    const m = parts_.length;
    this.edgeCount = m;
    this.edges = Float64Array.from(xs);
    this.edgePart = Int32Array.from(parts_);
    this.partCount = Math.max(1, parts.length);
    this.parity = new Uint8Array(this.partCount);
    this.stamp = new Int32Array(m);
    if (m === 0) {
      this.bbox = [0, 0, 0, 0];
      this.cols = this.rows = 1;
      this.minX = this.minY = this.maxX = this.maxY = 0;
      this.cellW = this.cellH = 1;
      this.cellStart = new Int32Array(2);
      this.cellEdges = new Int32Array(0);
      return;
    }
    this.bbox = [minX, minY, maxX, maxY];
    // About one bucket per edge, shaped like the bbox; capped so a huge polygon stays ≤ 1M buckets.
    const w = Math.max(maxX - minX, 1e-12);
    const h = Math.max(maxY - minY, 1e-12);
    const target = Math.min(m, 1 << 20);
    this.cols = Math.max(1, Math.min(1024, Math.round(Math.sqrt((target * w) / h))));
    this.rows = Math.max(1, Math.min(1024, Math.round(target / this.cols)));
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    this.cellW = w / this.cols;
    this.cellH = h / this.rows;
    const buckets = this.cols * this.rows;
    // Two passes over the edges (count per bucket, then fill) give a compact CSR layout.
    const starts = new Int32Array(buckets + 1);
    let list = new Int32Array(0);
    for (let pass = 0; pass < 2; pass++) {
      const cursor = pass === 1 ? starts.slice(0, buckets) : null;
      for (let e = 0; e < m; e++) {
        const o = e * 4;
        const c0 = this.colOf(Math.min(this.edges[o]!, this.edges[o + 2]!) - ON_EDGE_DEGREES);
        const c1 = this.colOf(Math.max(this.edges[o]!, this.edges[o + 2]!) + ON_EDGE_DEGREES);
        const r0 = this.rowOf(Math.min(this.edges[o + 1]!, this.edges[o + 3]!) - ON_EDGE_DEGREES);
        const r1 = this.rowOf(Math.max(this.edges[o + 1]!, this.edges[o + 3]!) + ON_EDGE_DEGREES);
        for (let r = r0; r <= r1; r++) {
          for (let c = c0; c <= c1; c++) {
            const b = r * this.cols + c;
            if (cursor) list[cursor[b]!++] = e;
            else starts[b + 1]!++;
          }
        }
      }
      if (pass === 0) {
        for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!;
        list = new Int32Array(starts[buckets]!);
      }
    }
    this.cellStart = starts;
    this.cellEdges = list;
  }

  colOf(x: number): number {
    const c = Math.floor((x - this.minX) / this.cellW);
    return c < 0 ? 0 : c >= this.cols ? this.cols - 1 : c;
  }

  rowOf(y: number): number {
    const r = Math.floor((y - this.minY) / this.cellH);
    return r < 0 ? 0 : r >= this.rows ? this.rows - 1 : r;
  }

  nextStamp(): number {
    if (this.stampNow >= 0x7ffffffe) {
      this.stamp.fill(0);
      this.stampNow = 0;
    }
    return ++this.stampNow;
  }

  contains(lon: number, lat: number): boolean {
    if (this.edgeCount === 0) return false;
    if (!(lon >= this.minX - ON_EDGE_DEGREES && lon <= this.maxX + ON_EDGE_DEGREES && lat >= this.minY - ON_EDGE_DEGREES && lat <= this.maxY + ON_EDGE_DEGREES)) {
      return false;
    }
    const s = this.nextStamp();
    const { edges, edgePart, stamp, parity, cellStart, cellEdges } = this;
    for (let p = 0; p < this.partCount; p++) parity[p] = 0;
    const rowBase = this.rowOf(lat) * this.cols;
    for (let c = this.colOf(lon); c < this.cols; c++) {
      const b = rowBase + c;
      for (let k = cellStart[b]!, kEnd = cellStart[b + 1]!; k < kEnd; k++) {
        const e = cellEdges[k]!;
        if (stamp[e] === s) continue;
        stamp[e] = s;
        const o = e * 4;
        const x1 = edges[o]!;
        const y1 = edges[o + 1]!;
        const x2 = edges[o + 2]!;
        const y2 = edges[o + 3]!;
        if (onSegment(lon, lat, x1, y1, x2, y2)) return true;
        // Even-odd ray cast to the east; the half-open test (y1 > lat) !== (y2 > lat) counts a
        // vertex on the ray once, not twice.
        if (y1 > lat !== y2 > lat) {
          const xCross = x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1);
          if (lon < xCross) parity[edgePart[e]!]! ^= 1;
        }
      }
    }
    for (let p = 0; p < this.partCount; p++) if (parity[p]) return true;
    return false;
  }

  /**
   * Split parameters (0..1 along P0→P1) where the segment meets an edge, written to `this.params`
   * from index 1 on. Returns the count, or -1 when no edge bbox even comes near the segment (then
   * the segment is wholly inside or wholly outside and its status can be carried over).
   */
  segmentParams(x0: number, y0: number, x1: number, y1: number): number {
    const sMinX = Math.min(x0, x1) - ON_EDGE_DEGREES;
    const sMaxX = Math.max(x0, x1) + ON_EDGE_DEGREES;
    const sMinY = Math.min(y0, y1) - ON_EDGE_DEGREES;
    const sMaxY = Math.max(y0, y1) + ON_EDGE_DEGREES;
    if (this.edgeCount === 0 || sMaxX < this.minX || sMinX > this.maxX || sMaxY < this.minY || sMinY > this.maxY) return -1;
    const c0 = this.colOf(sMinX);
    const c1 = this.colOf(sMaxX);
    const r0 = this.rowOf(sMinY);
    const r1 = this.rowOf(sMaxY);
    const s = this.nextStamp();
    const { edges, stamp, cellStart, cellEdges } = this;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const lenD2 = dx * dx + dy * dy;
    const lenD = Math.sqrt(lenD2);
    let near = false;
    let count = 0;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const b = r * this.cols + c;
        for (let k = cellStart[b]!, kEnd = cellStart[b + 1]!; k < kEnd; k++) {
          const e = cellEdges[k]!;
          if (stamp[e] === s) continue;
          stamp[e] = s;
          const o = e * 4;
          const ax = edges[o]!;
          const ay = edges[o + 1]!;
          const bx = edges[o + 2]!;
          const by = edges[o + 3]!;
          if (Math.max(ax, bx) < sMinX || Math.min(ax, bx) > sMaxX || Math.max(ay, by) < sMinY || Math.min(ay, by) > sMaxY) continue;
          near = true;
          const ex = bx - ax;
          const ey = by - ay;
          const wx = ax - x0;
          const wy = ay - y0;
          const denom = dx * ey - dy * ex;
          if (Math.abs(denom) > 1e-10 * lenD * Math.sqrt(ex * ex + ey * ey)) {
            const t = (wx * ey - wy * ex) / denom;
            const u = (wx * dy - wy * dx) / denom;
            if (t >= -PARAM_SLACK && t <= 1 + PARAM_SLACK && u >= -PARAM_SLACK && u <= 1 + PARAM_SLACK) {
              count = this.pushParam(count, t);
            }
          } else if (lenD > 0 && Math.abs(wx * dy - wy * dx) / lenD <= ON_EDGE_DEGREES) {
            // Parallel and on the same line: the overlap starts/ends where the edge's ends project.
            const tA = (wx * dx + wy * dy) / lenD2;
            const tB = ((bx - x0) * dx + (by - y0) * dy) / lenD2;
            if (tA >= -PARAM_SLACK && tA <= 1 + PARAM_SLACK) count = this.pushParam(count, tA);
            if (tB >= -PARAM_SLACK && tB <= 1 + PARAM_SLACK) count = this.pushParam(count, tB);
          }
        }
      }
    }
    return near ? count : -1;
  }

  private pushParam(count: number, t: number): number {
    // Slot 0 and slot count+1 hold the 0 and 1 sentinels; keep room for both.
    if (count + 3 > this.params.length) {
      const grown = new Float64Array(this.params.length * 2);
      grown.set(this.params);
      this.params = grown;
    }
    this.params[count + 1] = t < 0 ? 0 : t > 1 ? 1 : t;
    return count + 1;
  }
}

/** Whether (px, py) lies within ON_EDGE_DEGREES of the segment (x1, y1)–(x2, y2). */
function onSegment(px: number, py: number, x1: number, y1: number, x2: number, y2: number): boolean {
  if (
    px < Math.min(x1, x2) - ON_EDGE_DEGREES ||
    px > Math.max(x1, x2) + ON_EDGE_DEGREES ||
    py < Math.min(y1, y2) - ON_EDGE_DEGREES ||
    py > Math.max(y1, y2) + ON_EDGE_DEGREES
  ) {
    return false;
  }
  const ex = x2 - x1;
  const ey = y2 - y1;
  const len2 = ex * ex + ey * ey;
  let f = len2 > 0 ? ((px - x1) * ex + (py - y1) * ey) / len2 : 0;
  f = f < 0 ? 0 : f > 1 ? 1 : f;
  const qx = x1 + f * ex - px;
  const qy = y1 + f * ey - py;
  return qx * qx + qy * qy <= ON_EDGE_DEGREES * ON_EDGE_DEGREES;
}

/**
 * Prepares a grid polygon (Polygon or MultiPolygon, GeoJSON coordinates, holes allowed) once so
 * that many tracks of the same grid can be clipped against it. Rings need not be closed. A
 * polygon without usable rings gives an index that contains nothing.
 */
export function preparePolygon(polygon: Polygon | MultiPolygon): PreparedPolygon {
  return new PolygonIndex(polygon);
}

function indexOf(polygon: Polygon | MultiPolygon | PreparedPolygon): PolygonIndex {
  if (polygon instanceof PolygonIndex) return polygon;
  if ('type' in polygon) return new PolygonIndex(polygon);
  throw new TypeError('preparedPolygon must come from preparePolygon()');
}

/**
 * The exact parts of a track inside a polygon (boundary counts as inside), in track order.
 *
 * Each segment is cut where it meets the polygon's edges (parameters sorted; collinear overlaps
 * cut at the overlap's ends), and each sub-interval is judged by testing its midpoint; times are
 * interpolated linearly between the vertices' m values and metres are the segment's haversine
 * length times the sub-interval's share of it. Consecutive inside parts, including across
 * vertices, merge into one piece. Segments whose bbox comes near no edge are not cut at all and
 * inherit the inside/outside status of the previous one (a status only changes at the boundary).
 *
 * `coords`: vertices `[lon, lat, epochSeconds]` with non-decreasing times. A vertex with a
 * non-finite value breaks the track: the segments on either side of it are dropped (a gap, not
 * patrol). A track of fewer than two usable vertices, or one that never enters, gives `[]`.
 * Touching the boundary at a single point gives no piece (it lasts no time); running along the
 * boundary does count. A worker standing still inside gives a piece with time and zero metres.
 */
export function trackPiecesInPolygon(
  coords: ArrayLike<readonly number[]>,
  polygon: Polygon | MultiPolygon | PreparedPolygon,
): TrackPiece[] {
  const index = indexOf(polygon);
  const pieces: TrackPiece[] = [];
  if (index.edgeCount === 0) return pieces;
  let open = false;
  let pieceStart = 0;
  let pieceEnd = 0;
  let pieceMeters = 0;
  // Inside status of the last sub-interval seen: -1 unknown (track start or after a gap).
  let status = -1;
  const n = coords.length;
  for (let i = 0; i + 1 < n; i++) {
    const a = coords[i]!;
    const b = coords[i + 1]!;
    const x0 = a[0]!;
    const y0 = a[1]!;
    const t0 = a[2]!;
    const x1 = b[0]!;
    const y1 = b[1]!;
    const t1 = b[2]!;
    if (
      !(Number.isFinite(x0) && Number.isFinite(y0) && Number.isFinite(t0) && Number.isFinite(x1) && Number.isFinite(y1) && Number.isFinite(t1))
    ) {
      if (open) pieces.push({ start: pieceStart, end: pieceEnd, meters: pieceMeters });
      open = false;
      status = -1;
      continue;
    }
    const segMeters = x0 === x1 && y0 === y1 ? 0 : haversineMeters(x0, y0, x1, y1);
    const dt = t1 - t0;
    const k = index.segmentParams(x0, y0, x1, y1);
    let from = 0;
    const params = index.params;
    if (k <= 0) {
      // No cut: the whole segment has one status. Far from every edge (k = -1) it is the status
      // the previous segment ended with; near an edge (k = 0: a track standing on the boundary,
      // or one that just touched it) it is tested afresh rather than trusted to carry over.
      if (k === 0 || status === -1) status = index.contains((x0 + x1) / 2, (y0 + y1) / 2) ? 1 : 0;
      params[0] = 0;
      params[1] = 1;
    } else {
      params[0] = 0;
      params[k + 1] = 1;
      // Insertion sort: a segment rarely meets more than a couple of edges.
      for (let p = 2; p <= k; p++) {
        const v = params[p]!;
        let q = p - 1;
        while (q >= 1 && params[q]! > v) {
          params[q + 1] = params[q]!;
          q--;
        }
        params[q + 1] = v;
      }
    }
    const last = k <= 0 ? 1 : k + 1;
    for (let p = 1; p <= last; p++) {
      const to = params[p]!;
      // Equal cuts (a vertex of the polygon on the track, both its edges cut there) leave
      // zero-width gaps: rounding noise, not a part of the track.
      if (to - from <= MIN_PARAM_WIDTH) continue;
      if (k > 0) {
        const mid = (from + to) / 2;
        status = index.contains(x0 + (x1 - x0) * mid, y0 + (y1 - y0) * mid) ? 1 : 0;
      }
      if (status === 1) {
        const ta = t0 + dt * from;
        const tb = p === last ? t1 : t0 + dt * to;
        if (!open) {
          open = true;
          pieceStart = ta;
          pieceMeters = 0;
        }
        pieceEnd = tb;
        pieceMeters += segMeters * (to - from);
      } else if (open) {
        pieces.push({ start: pieceStart, end: pieceEnd, meters: pieceMeters });
        open = false;
      }
      from = to;
    }
  }
  if (open) pieces.push({ start: pieceStart, end: pieceEnd, meters: pieceMeters });
  return pieces;
}

/**
 * Pieces merged where they overlap or touch in time (sorted by start; metres summed). Use it
 * before judging a grid's presence from several tracks: two workers in the grid at the same hour
 * make one hour of patrol, not two. Empty input gives `[]`.
 */
export function mergeOverlappingPieces(pieces: readonly TrackPiece[]): TrackPiece[] {
  const sorted = pieces.filter((p) => p.end >= p.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: TrackPiece[] = [];
  for (const p of sorted) {
    const lastPiece = out[out.length - 1];
    if (lastPiece && p.start <= lastPiece.end) {
      lastPiece.end = Math.max(lastPiece.end, p.end);
      lastPiece.meters += p.meters;
    } else {
      out.push({ start: p.start, end: p.end, meters: p.meters });
    }
  }
  return out;
}

// ───────────────────────────── local days and half-days ─────────────────────────────

/** Patrol of one local date (Asia/Shanghai). `seconds = amSeconds + pmSeconds`. */
export interface DayPatrol {
  date: string;
  seconds: number;
  /** Local 00:00–12:00. */
  amSeconds: number;
  /** Local 12:00–24:00. */
  pmSeconds: number;
  meters: number;
}

const OFFSET_S = SHANGHAI_OFFSET_MS / 1000;
const HALF_DAY_S = 12 * 3600;
const DAY_S = DAY_MS / 1000;

/**
 * Pieces split at local midnight and noon and summed per local date, sorted by date. Only dates
 * with patrol appear. A piece's metres are split in proportion to its time in each half-day (we
 * know where the worker was only at the piece's ends, and speed is taken as constant within a
 * piece); a piece of zero duration puts its metres on the date it starts. Pieces that overlap in
 * time are all counted (per-track figures); merge them first with `mergeOverlappingPieces` for a
 * grid's presence.
 */
export function splitPiecesByLocalDay(pieces: readonly TrackPiece[]): DayPatrol[] {
  const byDay = new Map<number, DayPatrol>();
  const dayRecord = (epochS: number): DayPatrol => {
    const day = Math.floor((epochS + OFFSET_S) / DAY_S);
    return dayRecordOf(day);
  };
  const dayRecordOf = (day: number): DayPatrol => {
    let rec = byDay.get(day);
    if (!rec) {
      // `day` counts local days since 1970-01-01, so its UTC date string is the local date.
      rec = { date: new Date(day * DAY_MS).toISOString().slice(0, 10), seconds: 0, amSeconds: 0, pmSeconds: 0, meters: 0 };
      byDay.set(day, rec);
    }
    return rec;
  };
  for (const piece of pieces) {
    const duration = piece.end - piece.start;
    if (!(duration >= 0) || !Number.isFinite(duration)) continue;
    if (duration === 0) {
      if (piece.meters > 0) dayRecord(piece.start).meters += piece.meters;
      continue;
    }
    let s = piece.start;
    while (s < piece.end) {
      const half = Math.floor((s + OFFSET_S) / HALF_DAY_S);
      const e = Math.min(piece.end, (half + 1) * HALF_DAY_S - OFFSET_S);
      const seconds = e - s;
      const day = Math.floor(half / 2);
      const rec = dayRecordOf(day);
      rec.seconds += seconds;
      if (half - 2 * day === 0) rec.amSeconds += seconds;
      else rec.pmSeconds += seconds;
      rec.meters += (piece.meters * seconds) / duration;
      s = e;
    }
  }
  return [...byDay.entries()].sort((x, y) => x[0] - y[0]).map(([, rec]) => rec);
}

/** Parses `HH:MM` (00:00–24:00) into minutes after midnight; throws RangeError otherwise. */
function parseClock(value: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || !(minutes <= 24 * 60)) throw new RangeError(`expected HH:MM (00:00–24:00), got ${JSON.stringify(value)}`);
  return minutes;
}

/** `[start, end)` epoch seconds of local `from`–`to` on `date`; `to` ≤ `from` runs into the next day (equal: 24 h). */
function localWindow(date: string, from: string, to: string): [number, number] {
  const start = localToUtcMs(date, 0, parseClock(from)) / 1000;
  let end = localToUtcMs(date, 0, parseClock(to)) / 1000;
  if (end <= start) end += DAY_S;
  return [start, end];
}

/**
 * Seconds of patrol inside local `from`–`to` (`HH:MM`, `to` may be `24:00`) on local `date`. When
 * `to` ≤ `from` the window runs past midnight into the next day (a hospital's 20:00–08:00), and
 * `from` = `to` means the whole 24 h from `from`. Overlapping pieces are each counted.
 */
export function secondsWithinLocalWindow(pieces: readonly TrackPiece[], date: string, from: string, to: string): number {
  const [ws, we] = localWindow(date, from, to);
  let total = 0;
  for (const p of pieces) {
    const overlap = Math.min(p.end, we) - Math.max(p.start, ws);
    if (overlap > 0) total += overlap;
  }
  return total;
}

// ───────────────────────────── class rules ─────────────────────────────

export type GridClass = 'A' | 'B' | 'C';

/** A key place's opening hours: ISO weekdays 1 (Mon) … 7 (Sun) and local `HH:MM` times. */
export interface PatrolSchedule {
  days: number[];
  from: string;
  to: string;
}

export type PatrolRule = 'class_a_days' | 'class_b_half_days' | 'class_c_schedule' | 'daily_mean_2h';

export interface RuleResult {
  rule: PatrolRule;
  /** ISO week `YYYY-Www` for the weekly class rules, `from/to` (ISO interval of dates) for the mean. */
  period: string;
  required: number;
  actual: number;
  /** `max(0, required − actual)`: how far from meeting the rule, in `unit`. */
  shortfall: number;
  unit: 'days' | 'half_days' | 'hours';
  met: boolean;
}

export interface ComplianceResult {
  /** All rules met. */
  compliant: boolean;
  rules: RuleResult[];
}

export interface ComplianceInput {
  gridClass: GridClass;
  /** Class C only (ignored for A and B); null means the default schedule below. */
  schedule: PatrolSchedule | null;
  /** First and last local date of the window, inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
  /** Pieces of all tracks of the grid; overlaps in time are merged (presence, not person-hours). */
  pieces: readonly TrackPiece[];
}

/** Class A seed: in the grid on ≥ 5 days a week, ≥ 4 h on each of those days. */
export const CLASS_A_DAYS_PER_WEEK = 5;
export const CLASS_A_SECONDS_PER_DAY = 4 * 3600;
/** Class B seed: ≥ 3 half-days a week with ≥ 2 h in each. */
export const CLASS_B_HALF_DAYS_PER_WEEK = 3;
export const CLASS_B_SECONDS_PER_HALF_DAY = 2 * 3600;
/** Class C product rule: ≥ 1 h of patrol inside the place's hours on every scheduled day. */
export const CLASS_C_SECONDS_PER_DAY = 3600;
/**
 * Class C grid whose key place has no schedule on record: every day 08:00–18:00 — ordinary
 * daytime opening hours, so the grid is still held to something checkable rather than to nothing.
 */
export const DEFAULT_PLACE_SCHEDULE: PatrolSchedule = { days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '18:00' };
/** Full-function grid seed (日均网格巡查至少2小时): mean patrol per day over the window. */
export const DAILY_MEAN_HOURS = 2;

/** Float noise on interpolated times must not flip a threshold that was met on the clock. */
const TIME_TOLERANCE_SECONDS = 1e-6;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** ISO 8601 week label `YYYY-Www` of a date (the week belongs to the year of its Thursday). */
export function isoWeekLabel(date: string): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = thursday.slice(0, 4);
  const dayOfYear = Math.round((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / DAY_MS) + 1;
  return `${year}-W${String(Math.ceil(dayOfYear / 7)).padStart(2, '0')}`;
}

function rule(rule: PatrolRule, period: string, required: number, actual: number, unit: RuleResult['unit']): RuleResult {
  return { rule, period, required, actual, shortfall: Math.max(0, required - actual), unit, met: actual >= required };
}

/**
 * Judges a grid's patrol over a window of local dates against its class rule and the daily-mean
 * rule that every (full-function, 全科) grid carries.
 *
 * - Weekly class rules are judged per ISO week (Monday–Sunday), one result per week touching the
 *   window. A week only partly inside the window is held to a pro-rated requirement,
 *   `ceil(required × daysInWindow / 7)` (a 3-day tail of class A needs ceil(15/7) = 3 days): the
 *   worker cannot be asked for days outside the window, and rounding up keeps a partial week from
 *   being met with less than its share.
 * - Class A counts days with ≥ 4 h (`class_a_days`); class B counts half-days (local 00–12, 12–24)
 *   with ≥ 2 h each, so 2 h in the morning and 2 h in the afternoon are two (`class_b_half_days`).
 * - Class C (`class_c_schedule`): per week, the scheduled days in the window, each met with ≥ 1 h
 *   inside the place's hours (or all of the hours when they are shorter than 1 h). A null schedule
 *   means `DEFAULT_PLACE_SCHEDULE` (every day 08:00–18:00); a week with no scheduled day in the
 *   window gives no result. Hours that run past midnight are counted whole for the day they start.
 * - `daily_mean_2h`: total patrol time inside the window / number of days in the window, in hours,
 *   against 2 h; its shortfall is in hours per day.
 * Patrol time is the union of all pieces (several workers at once count once). Throws RangeError
 * for malformed dates or `from` after `to`.
 */
export function evaluatePatrolCompliance(input: ComplianceInput): ComplianceResult {
  const { gridClass, from, to } = input;
  if (!DATE_RE.test(from) || !DATE_RE.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
    throw new RangeError(`expected YYYY-MM-DD dates, got ${from} … ${to}`);
  }
  if (from > to) throw new RangeError(`window starts after it ends: ${from} … ${to}`);
  const pieces = mergeOverlappingPieces(input.pieces);
  const byDate = new Map(splitPiecesByLocalDay(pieces).map((d) => [d.date, d]));

  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const weeks: { label: string; days: string[] }[] = [];
  for (const d of days) {
    const label = isoWeekLabel(d);
    const lastWeek = weeks[weeks.length - 1];
    if (lastWeek?.label === label) lastWeek.days.push(d);
    else weeks.push({ label, days: [d] });
  }

  const rules: RuleResult[] = [];
  for (const week of weeks) {
    const share = week.days.length / 7;
    if (gridClass === 'A') {
      const actual = week.days.filter((d) => (byDate.get(d)?.seconds ?? 0) >= CLASS_A_SECONDS_PER_DAY - TIME_TOLERANCE_SECONDS).length;
      rules.push(rule('class_a_days', week.label, Math.ceil(CLASS_A_DAYS_PER_WEEK * share), actual, 'days'));
    } else if (gridClass === 'B') {
      let actual = 0;
      for (const d of week.days) {
        const rec = byDate.get(d);
        if (!rec) continue;
        if (rec.amSeconds >= CLASS_B_SECONDS_PER_HALF_DAY - TIME_TOLERANCE_SECONDS) actual++;
        if (rec.pmSeconds >= CLASS_B_SECONDS_PER_HALF_DAY - TIME_TOLERANCE_SECONDS) actual++;
      }
      rules.push(rule('class_b_half_days', week.label, Math.ceil(CLASS_B_HALF_DAYS_PER_WEEK * share), actual, 'half_days'));
    } else {
      const schedule = input.schedule ?? DEFAULT_PLACE_SCHEDULE;
      const [ws, we] = localWindow(week.days[0]!, schedule.from, schedule.to); // validates the clock strings
      const needed = Math.min(CLASS_C_SECONDS_PER_DAY, we - ws);
      const scheduled = week.days.filter((d) => schedule.days.includes(isoWeekday(d)));
      if (scheduled.length === 0) continue;
      const actual = scheduled.filter(
        (d) => secondsWithinLocalWindow(pieces, d, schedule.from, schedule.to) >= needed - TIME_TOLERANCE_SECONDS,
      ).length;
      rules.push(rule('class_c_schedule', week.label, scheduled.length, actual, 'days'));
    }
  }

  let totalSeconds = 0;
  for (const d of days) totalSeconds += byDate.get(d)?.seconds ?? 0;
  const meanHours = totalSeconds / 3600 / days.length;
  const meanMet = meanHours >= DAILY_MEAN_HOURS - TIME_TOLERANCE_SECONDS / 3600;
  rules.push({
    rule: 'daily_mean_2h',
    period: `${from}/${to}`,
    required: DAILY_MEAN_HOURS,
    actual: meanHours,
    shortfall: meanMet ? 0 : DAILY_MEAN_HOURS - meanHours,
    unit: 'hours',
    met: meanMet,
  });
  return { compliant: rules.every((r) => r.met), rules };
}

// ───────────────────────────── H3 coverage share ─────────────────────────────

/**
 * H3 resolution of the coverage share: res 10, average edge ≈ 76 m (cell ≈ 150 m across,
 * ≈ 0.015 km²). That is roughly what a worker on foot sees of the streets around them — the
 * frontages of a block on both sides and into the next lane. Res 9 (≈ 174 m edge) would credit a
 * whole neighbourhood block for walking past one corner; res 11 (≈ 29 m) would demand every
 * alley and be dominated by phone GPS error (10–30 m in dense streets).
 */
export const PATROL_COVERAGE_RES = 10;

/**
 * The H3 cells of a grid at `res`: those whose centre lies inside (h3 polygonToCells, holes
 * respected; MultiPolygon parts united). A grid too small to hold any cell centre gets the cell
 * of an interior point (its label point), so every real grid has at least one cell to cover.
 * A polygon without usable rings gives `[]`.
 */
export function gridCells(polygon: Polygon | MultiPolygon, res: number = PATROL_COVERAGE_RES): string[] {
  // The same cells as a hotspot study area: centre containment, a label-point cell for a part too
  // small to hold a centre. One implementation (geo/hotspots.ts), the faster polyfill.
  return studyAreaCells([polygon], res);
}

/**
 * Points sampled along tracks no more than `spacingMeters` apart (positions and times interpolated
 * linearly along each segment), as flat arrays: lonLat (lon, lat, …), t (epoch s, the vertex's M),
 * and the index of the first sample of each track in `starts` (plus the total at the end).
 * Vertices with a non-finite coordinate are skipped.
 */
function sampleTracks(tracks: readonly ArrayLike<readonly number[]>[], spacingMeters: number): { lonLat: Float64Array; t: Float64Array; starts: Int32Array } {
  // Two passes (count, then fill typed arrays): millions of samples at city scale, no array growth.
  const steps = (a: readonly number[], b: readonly number[] | null): number => {
    if (!b || !Number.isFinite(b[0]!) || !Number.isFinite(b[1]!)) return 1;
    // Metres on a local equirectangular frame: only the number of samples depends on it.
    const dx = (b[0]! - a[0]!) * 111_320 * Math.cos((a[1]! * Math.PI) / 180);
    const dy = (b[1]! - a[1]!) * 110_574;
    return Math.max(1, Math.ceil(Math.hypot(dx, dy) / spacingMeters));
  };
  const usable = (a: readonly number[]) => Number.isFinite(a[0]!) && Number.isFinite(a[1]!);
  let total = 0;
  for (const coords of tracks) {
    for (let i = 0; i < coords.length; i++) {
      if (usable(coords[i]!)) total += steps(coords[i]!, i + 1 < coords.length ? coords[i + 1]! : null);
    }
  }
  const lonLat = new Float64Array(total * 2);
  const t = new Float64Array(total);
  const starts = new Int32Array(tracks.length + 1);
  let j = 0;
  tracks.forEach((coords, k) => {
    starts[k] = j;
    for (let i = 0; i < coords.length; i++) {
      const a = coords[i]!;
      if (!usable(a)) continue;
      const b = i + 1 < coords.length ? coords[i + 1]! : null;
      const n = steps(a, b);
      const [x1, y1, t1 = Number.NaN] = a as number[];
      const [x2, y2, t2] = n > 1 || (b && usable(b)) ? (b as number[]) : [x1!, y1!, t1];
      for (let m = 0; m < n; m++, j++) {
        lonLat[2 * j] = x1! + ((x2! - x1!) * m) / n;
        lonLat[2 * j + 1] = y1! + ((y2! - y1!) * m) / n;
        t[j] = t1 + (((t2 ?? t1) - t1) * m) / n;
      }
    }
  });
  starts[tracks.length] = j;
  return { lonLat, t, starts };
}

/**
 * The cells at `res` that tracks pass through: points sampled along every segment no more than one
 * average cell edge apart, binned with `countByCell` (exactly `latLngToCell`, about one h3 call per
 * run of samples in a cell instead of one per sample). A segment can only miss a cell it crosses by
 * a chord shorter than an edge (the widest chord is two edges); on a month of the demo's tracks one
 * edge finds 0.4% fewer cells than half an edge with 40% fewer samples, and this runs over millions
 * of vertices at city scale. Cells outside a grid are kept: intersect with `gridCells` for a share.
 */
export function cellsAlongTracks(tracks: readonly ArrayLike<readonly number[]>[], res: number = PATROL_COVERAGE_RES): Set<string> {
  const { lonLat } = sampleTracks(tracks, getHexagonEdgeLengthAvg(res, UNITS.m));
  return new Set(countByCell(lonLat, res).keys());
}

/**
 * `trackCellVisits` for many tracks at once, with every sample's cell found in one batch
 * (geo/hotspots.ts `assignCells`, exactly latLngToCell, several times faster than a call per
 * sample): one list of visits per track, in the order of `tracks`, each entry the first sample of
 * a run in one cell. The same samples as `trackCellVisits` at the same spacing.
 */
export function tracksCellVisits(tracks: readonly ArrayLike<readonly number[]>[], res: number, spacingMeters: number): CellVisit[][] {
  if (!(spacingMeters > 0)) throw new RangeError(`spacingMeters must be positive, got ${spacingMeters}`);
  const { lonLat, t, starts } = sampleTracks(tracks, spacingMeters);
  const { cellOfPoint, cells } = assignCells(lonLat, res);
  return tracks.map((_, k) => {
    const visits: CellVisit[] = [];
    let previous = -1;
    for (let i = starts[k]!; i < starts[k + 1]!; i++) {
      const c = cellOfPoint[i]!;
      if (c < 0 || c === previous) continue;
      visits.push({ cell: cells[c]!, t: t[i]! });
      previous = c;
    }
    return visits;
  });
}

/** Lookups landing in the same cell again before its hexagon is worth building. */
const BUILD_AFTER_REPEATS = 1;

/**
 * Finds the H3 cell of successive points, skipping `latLngToCell` (≈ 2 µs and a string) when a
 * point is still inside the previous cell. The previous cell's hexagon is built (cellToBoundary)
 * only once the track has been seen twice in a row in the same cell — a track moving fast
 * through cells never pays for it — and a point is accepted only if it lies at least `margin`
 * inside every edge. Within H3 a cell is exactly the spherical hexagon with great-circle edges
 * through those vertices; a straight lon/lat edge departs from the great circle by about
 * L²·tan|lat|/(8R) (< 0.1 mm for a 76 m edge in China), and the margin (1/1000 of the edge,
 * ≈ 8 cm at res 10) is orders of magnitude larger, so points accepted by the test are exactly the
 * points latLngToCell would put in the cell; the rest go to latLngToCell. Pentagons, cells with
 * distortion vertices (7+ points) and cells above 60° latitude or across the antimeridian always
 * use latLngToCell.
 */
class CellLocator {
  cell: string | null = null;
  private sameHits = 0;
  private shape: 'none' | 'ready' | 'unusable' = 'none';
  private readonly nx = new Float64Array(6);
  private readonly ny = new Float64Array(6);
  private readonly nc = new Float64Array(6);
  private lon0 = 0;
  private lat0 = 0;
  private k = 1;
  private margin = 0;

  constructor(
    private readonly res: number,
    private readonly reuse: boolean,
  ) {}

  locate(lon: number, lat: number): string {
    if (this.shape === 'ready' && this.inside(lon, lat)) return this.cell!;
    const cell = latLngToCell(lat, lon, this.res);
    if (cell === this.cell) {
      if (this.reuse && this.shape === 'none' && ++this.sameHits >= BUILD_AFTER_REPEATS) this.build(cell);
    } else {
      this.cell = cell;
      this.shape = 'none';
      this.sameHits = 0;
    }
    return cell;
  }

  private inside(lon: number, lat: number): boolean {
    const x = (lon - this.lon0) * this.k;
    const y = lat - this.lat0;
    for (let i = 0; i < 6; i++) if (this.nx[i]! * x + this.ny[i]! * y - this.nc[i]! < this.margin) return false;
    return true;
  }

  private build(cell: string): void {
    this.shape = 'unusable';
    if (isPentagon(cell)) return;
    const ring = cellToBoundary(cell, true);
    let n = ring.length;
    if (n > 1 && ring[0]![0] === ring[n - 1]![0] && ring[0]![1] === ring[n - 1]![1]) n--;
    if (n !== 6) return;
    this.lon0 = ring[0]![0]!;
    this.lat0 = ring[0]![1]!;
    if (Math.abs(this.lat0) > 60) return;
    this.k = Math.cos(this.lat0 * DEG);
    const xs = new Float64Array(6);
    const ys = new Float64Array(6);
    for (let i = 0; i < 6; i++) {
      const dLon = ring[i]![0]! - this.lon0;
      if (Math.abs(dLon) > 90) return; // across the antimeridian
      xs[i] = dLon * this.k;
      ys[i] = ring[i]![1]! - this.lat0;
    }
    let area2 = 0;
    for (let i = 0; i < 6; i++) {
      const j = (i + 1) % 6;
      area2 += xs[i]! * ys[j]! - xs[j]! * ys[i]!;
    }
    const orient = area2 > 0 ? 1 : -1;
    let minEdge = Infinity;
    for (let i = 0; i < 6; i++) {
      const j = (i + 1) % 6;
      const ex = xs[j]! - xs[i]!;
      const ey = ys[j]! - ys[i]!;
      const len = Math.hypot(ex, ey);
      if (!(len > 0)) return;
      minEdge = Math.min(minEdge, len);
      // Inward unit normal: left of the edge for a counter-clockwise ring.
      const nx = (-ey / len) * orient;
      const ny = (ex / len) * orient;
      this.nx[i] = nx;
      this.ny[i] = ny;
      this.nc[i] = nx * xs[i]! + ny * ys[i]!;
    }
    // Convexity: every other vertex strictly inside each edge's half-plane.
    for (let i = 0; i < 6; i++) {
      for (let v = 0; v < 6; v++) {
        if (v === i || v === (i + 1) % 6) continue;
        if (this.nx[i]! * xs[v]! + this.ny[i]! * ys[v]! - this.nc[i]! <= 0) return;
      }
    }
    this.margin = minEdge * 1e-3;
    this.shape = 'ready';
  }
}

/**
 * Walks a track and reports each change of H3 cell, sampling every segment at spacing ≤
 * `spacingMeters` (the vertices themselves included). Samples outside `inside`, when given, are
 * ignored. A vertex with a non-finite value is skipped and the next usable vertex restarts
 * sampling there (nothing is sampled across the gap).
 */
function walkCells(
  coords: ArrayLike<readonly number[]>,
  res: number,
  spacingMeters: number,
  inside: PolygonIndex | null,
  reuseCellBoundary: boolean,
  onEnter: (cell: string, t: number) => void,
): void {
  if (!(spacingMeters > 0)) throw new RangeError(`spacingMeters must be positive, got ${spacingMeters}`);
  const locator = new CellLocator(res, reuseCellBoundary);
  let prevCell: string | null = null;
  const sample = (lon: number, lat: number, t: number): void => {
    if (inside && !inside.contains(lon, lat)) return;
    const cell = locator.locate(lon, lat);
    if (cell !== prevCell) {
      prevCell = cell;
      onEnter(cell, t);
    }
  };
  let have = false;
  let px = 0;
  let py = 0;
  let pt = 0;
  for (let i = 0, n = coords.length; i < n; i++) {
    const v = coords[i]!;
    const x = v[0]!;
    const y = v[1]!;
    const t = v[2]!;
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(t))) {
      have = false;
      continue;
    }
    if (have) {
      const steps = x === px && y === py ? 0 : Math.ceil(haversineMeters(px, py, x, y) / spacingMeters);
      for (let s = 1; s < steps; s++) {
        const f = s / steps;
        sample(px + (x - px) * f, py + (y - py) * f, pt + (t - pt) * f);
      }
      if (steps > 0) sample(x, y, t);
    } else {
      sample(x, y, t);
      have = true;
    }
    px = x;
    py = y;
    pt = t;
  }
}

export interface CellVisit {
  cell: string;
  /** Epoch seconds of the first sample of the run in this cell (at most one sample spacing late). */
  t: number;
}

export interface CellVisitOptions {
  /**
   * Skip latLngToCell while the track stays inside the previous cell's hexagon (default true).
   * Results are identical either way; false exists to check that.
   */
  reuseCellBoundary?: boolean;
}

/**
 * The H3 cells (at `res`) a track passes through, in order: one entry per run of consecutive
 * samples in the same cell, with the time of the run's first sample. Samples are taken along each
 * segment at spacing ≤ `spacingMeters` (positions and times interpolated linearly), so the entry
 * time is the true entry time or at most one spacing's travel later. A cell left and re-entered
 * appears again. Empty or unusable tracks give `[]`; a non-positive spacing throws RangeError.
 */
export function trackCellVisits(
  coords: ArrayLike<readonly number[]>,
  res: number,
  spacingMeters: number,
  options: CellVisitOptions = {},
): CellVisit[] {
  const visits: CellVisit[] = [];
  walkCells(coords, res, spacingMeters, null, options.reuseCellBoundary ?? true, (cell, t) => visits.push({ cell, t }));
  return visits;
}

/**
 * The set of H3 cells (at `res`) a track passed through, sampling each segment at half the
 * average cell edge (getHexagonEdgeLengthAvg) — close enough that a track crossing a corner of a
 * cell for less than half an edge is the most it can miss. With `insidePolygon`, only samples
 * inside that polygon count (a track skirting the grid does not cover the grid's border cells
 * from outside).
 */
export function visitedCells(
  coords: ArrayLike<readonly number[]>,
  res: number = PATROL_COVERAGE_RES,
  insidePolygon?: Polygon | MultiPolygon | PreparedPolygon,
): Set<string> {
  const cells = new Set<string>();
  const spacing = getHexagonEdgeLengthAvg(res, UNITS.m) / 2;
  walkCells(coords, res, spacing, insidePolygon ? indexOf(insidePolygon) : null, true, (cell) => cells.add(cell));
  return cells;
}

/**
 * Share (0–1) of a grid's cells that were visited: |visited ∩ grid| / |grid|, distinct cells.
 * An empty grid gives 0, so a degenerate grid never looks covered.
 */
export function coverageShare(visited: ReadonlySet<string>, gridCellIds: readonly string[]): number {
  const grid = new Set(gridCellIds);
  if (grid.size === 0) return 0;
  let hit = 0;
  for (const c of grid) if (visited.has(c)) hit++;
  return hit / grid.size;
}
