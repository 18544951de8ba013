import Flatbush from 'flatbush';
import type { Geometry } from 'geojson';

/**
 * Geometry check: GeoJSON geometry arriving at the API (creating or updating a record of any layer,
 * imports) is checked here before it reaches the database, so bad input gets a 400 that says what
 * is wrong and where. Pure and shared, like the privacy guard.
 *
 * Every problem carries a `path` into the geometry, JSON-pointer-like without the leading slash
 * (`coordinates/0/3`, `geometries/1/coordinates/0`; `''` is the geometry itself), and topology
 * problems carry the `location` [longitude, latitude] where they happen. What is checked:
 *  - the shape: an object with a known `type` that the caller allows (members of a
 *    GeometryCollection must be allowed too), coordinates nested as the type requires (one problem
 *    for coordinates a level too shallow or too deep, not one per position), nothing empty;
 *  - every position: an array of 2 or 3 finite numbers (height is checked to be a number, then
 *    ignored), longitude within -180..180, latitude within -90..90 (WGS 84 degrees);
 *  - lines: at least 2 distinct positions;
 *  - polygon rings: at least 4 positions, closed, at least 3 distinct positions not all on one line;
 *  - polygon topology (Polygon and each part of a MultiPolygon), as OGC simple features and
 *    PostGIS's ST_IsValid see it: a ring must not cross, touch or run back along itself; a hole must
 *    not cross the outer ring or another hole (touching at one point is fine), must lie inside the
 *    outer ring and not inside another hole; rings touching at more than one point (which cuts the
 *    interior into pieces) are refused. The parts of a MultiPolygon must not cross, share an edge or
 *    lie inside one another; touching at a point is fine. Ring orientation is not checked, nor
 *    whether the members of a GeometryCollection overlap (they may).
 *
 * Costs are bounded whatever arrives. The walk is iterative (no recursion), so nesting depth cannot
 * overflow the stack; a GeometryCollection deeper than `maxDepth` is refused before its members are
 * read. The walk stops as soon as the geometry holds more than `maxCoordinates` positions (or twice
 * that many geometries, which also ends cyclic collections), or after 20 problems. Every property
 * read is guarded, so getters or proxies that throw become an `unreadable` problem, and nothing
 * ever calls a value's own methods. Apart from topology everything is linear in the input.
 *
 * Topology: all edges of a polygon go into a Flatbush R-tree and each edge is compared only with
 * the edges whose boxes touch its own; containment is decided by casting a ray from each ring (to
 * the nearest side of the bounding box) through the same index. That is about n log n for real
 * boundaries (a 100 000-vertex polygon takes 150–400 ms), but shapes whose edges have large
 * overlapping boxes (a star of long spikes) are quadratic. So the topology work has a budget,
 * TOPOLOGY_BASE_BUDGET plus TOPOLOGY_BUDGET_PER_EDGE per edge, shared by every polygon in the input
 * (real boundaries use 3 to 5 per edge); when it runs out the problems found so far are reported
 * and the remaining topology tests are skipped: such a geometry is accepted without proof that it
 * is valid (a star with a few thousand spikes is; one with a thousand is fully checked). Everything
 * but topology is always checked. Arithmetic is plain floating point (not exact predicates), so
 * edges that almost touch, within rounding, may be judged either way.
 */

export type GeometryType = Geometry['type'];

export type GeometryProblemCode =
  /** A property could not be read: a getter or proxy threw. */
  | 'unreadable'
  /** The geometry (or a collection member) is not an object. */
  | 'not_an_object'
  | 'missing_type'
  /** `type` is not one of the seven GeoJSON geometry types (a Feature, a typo, a number...). */
  | 'unknown_type'
  /** A geometry type the caller does not accept here. */
  | 'type_not_allowed'
  /** No `coordinates` (or no `geometries` in a GeometryCollection). */
  | 'missing_coordinates'
  /** Empty coordinates, an empty line, ring or polygon, an empty collection. */
  | 'empty_geometry'
  /** Coordinates nested too shallow or too deep for the type (a ring given as Polygon coordinates). */
  | 'wrong_nesting'
  /** An array was expected (coordinates, a ring, a position...). */
  | 'not_an_array'
  /** A position with fewer than 2 or more than 3 values. */
  | 'bad_position_length'
  /** A coordinate that is not a number: a string such as "120.1", null, an object... */
  | 'not_a_number'
  /** NaN or ±Infinity. */
  | 'non_finite'
  | 'longitude_out_of_range'
  | 'latitude_out_of_range'
  /** A line with fewer than 2 distinct positions. */
  | 'degenerate_line'
  /** A ring with fewer than 4 positions. */
  | 'ring_too_short'
  /** A ring whose last position differs from its first. */
  | 'ring_not_closed'
  /** A ring with fewer than 3 distinct positions, or all on one line: zero area. */
  | 'degenerate_ring'
  /** A ring crosses, touches or runs back along itself. */
  | 'self_intersection'
  /** A hole crosses the outer ring or shares an edge with it. */
  | 'hole_crosses_shell'
  /** A hole lies outside the outer ring. */
  | 'hole_outside_shell'
  /** Two holes cross or share an edge, or one lies inside the other. */
  | 'holes_overlap'
  /** Rings touch at more than one point, cutting the polygon's interior into pieces. */
  | 'interior_disconnected'
  /** Two polygons of a MultiPolygon cross, share an edge or lie one inside the other. */
  | 'parts_overlap'
  /** More than `maxCoordinates` positions. */
  | 'too_many_coordinates'
  /** More than twice `maxCoordinates` geometries (collections of collections, cycles). */
  | 'too_many_geometries'
  /** GeometryCollection nested deeper than `maxDepth`. */
  | 'too_deep';

export interface GeometryProblem {
  code: GeometryProblemCode;
  /** English, names what is wrong; the path is not repeated in it. */
  message: string;
  /** Where in the geometry, e.g. `coordinates/0/3` or `geometries/1/coordinates/0`; `''` is the whole geometry. */
  path: string;
  /** For topology problems: where it happens, [longitude, latitude]. */
  location?: [number, number];
}

export interface GeometryCheckOptions {
  /** The geometry types accepted here; each member of a GeometryCollection must be one of them too. */
  allowed: readonly GeometryType[];
  /** Most positions in the whole geometry; checking stops once there are more. Default 100 000. */
  maxCoordinates?: number;
  /** Deepest nesting of GeometryCollections: 1 is a collection of plain geometries. Default 2. */
  maxDepth?: number;
  /**
   * Coordinates are in a projected CRS (metres; an import from a .prj in Gauss-Krüger, UTM...):
   * the longitude/latitude ranges are not checked. Everything else is, in the plane.
   */
  projected?: boolean;
}

export const GEOMETRY_TYPES: readonly GeometryType[] = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
];

const DEFAULT_MAX_COORDINATES = 100_000;
const DEFAULT_MAX_DEPTH = 2;
/** Checking stops after this many problems: enough to fix, not enough to flood a response. */
const MAX_PROBLEMS = 20;
/** Whatever maxCoordinates says, at most this many geometries (ends cyclic collections). */
const MAX_GEOMETRIES_CEILING = 10_000_000;
/** Topology work units (edge pairs and ray candidates looked at) for the whole input... */
const TOPOLOGY_BASE_BUDGET = 1_000_000;
/** ...plus this many per polygon edge. */
const TOPOLOGY_BUDGET_PER_EDGE = 20;

/** Thrown to end the check early: problem cap or size limit reached. */
const STOP = Symbol('stop');
/** Thrown when the topology budget is spent. */
const OUT_OF_BUDGET = Symbol('out of budget');
/** Returned by a guarded read that threw (already reported). */
const UNREADABLE = Symbol('unreadable');

/**
 * Problems with `input` as a GeoJSON geometry; empty when it is fine. Never throws, whatever
 * `input` is (see the module comment for what is checked and how the cost is bounded).
 */
export function checkGeometry(input: unknown, options: GeometryCheckOptions): GeometryProblem[] {
  const check = new Check(options);
  try {
    check.walk(input);
    check.topology();
  } catch (error) {
    // STOP is the planned way out. Anything else would be a bug here: refuse the input rather
    // than throw, so the caller still answers 400 instead of 500.
    if (error !== STOP && check.problems.length === 0) {
      check.problems.push({ code: 'unreadable', path: '', message: 'the geometry could not be read' });
    }
  }
  return check.problems;
}

/**
 * One message for a 400 error naming every problem (up to five, then how many more) with its
 * path; `''` when there are none.
 */
export function describeGeometryProblems(problems: readonly GeometryProblem[]): string {
  if (problems.length === 0) return '';
  const shown = problems.slice(0, 5).map((p) => (p.path === '' ? p.message : `at ${p.path}: ${p.message}`));
  const more = problems.length - shown.length;
  const tail = more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '';
  return `Invalid geometry: ${shown.join('; ')}${tail}.`;
}

// ---------------------------------------------------------------------------------------------
// The walk: structure and positions.

interface Frame {
  value: unknown;
  path: string;
  /** How many GeometryCollections enclose this geometry. */
  depth: number;
}

/** A ring that passed the shape checks: closed, consecutive repeats removed. */
interface Ring {
  /** x0, y0, x1, y1, ... with the closing vertex repeated at the end. */
  xy: Float64Array;
  /** For each vertex in `xy`, its index among the ring's original positions. */
  source: Int32Array;
  path: string;
}

/** A Polygon (one part) or MultiPolygon whose rings all passed the shape checks. */
interface Surface {
  parts: Ring[][];
  partPaths: string[];
}

function at(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}/${key}`;
}

function positionPath(parent: string, index: number | null): string {
  return index === null ? parent : at(parent, index);
}

class Check {
  readonly problems: GeometryProblem[] = [];
  private readonly surfaces: Surface[] = [];
  private readonly allowed: readonly GeometryType[];
  private readonly maxCoordinates: number;
  private readonly maxDepth: number;
  private readonly maxGeometries: number;
  private readonly maxLon: number;
  private readonly maxLat: number;
  private positionCount = 0;
  private geometryCount = 1;

  constructor(options: GeometryCheckOptions) {
    this.allowed = Array.isArray(options.allowed) ? options.allowed : [];
    this.maxCoordinates = limit(options.maxCoordinates, DEFAULT_MAX_COORDINATES);
    this.maxDepth = limit(options.maxDepth, DEFAULT_MAX_DEPTH);
    this.maxGeometries = Math.min(2 * this.maxCoordinates + 1, MAX_GEOMETRIES_CEILING);
    // Projected: only finiteness (every finite number is within ±MAX_VALUE, infinities are not).
    this.maxLon = options.projected === true ? Number.MAX_VALUE : 180;
    this.maxLat = options.projected === true ? Number.MAX_VALUE : 90;
  }

  report(code: GeometryProblemCode, path: string, message: string, location?: [number, number]): void {
    const problem: GeometryProblem = { code, message, path };
    if (location) problem.location = location;
    this.problems.push(problem);
    if (this.problems.length >= MAX_PROBLEMS) throw STOP;
  }

  /** `obj[key]`, or UNREADABLE (reported at `parent/key`) when reading it throws. */
  private read(obj: object, key: string | number, parent: string): unknown {
    try {
      return (obj as Record<string | number, unknown>)[key];
    } catch {
      this.report('unreadable', at(parent, key), 'could not be read: reading it threw an error');
      return UNREADABLE;
    }
  }

  /** The length of `value` when it is an array; -1 when it is not; -2 when that cannot be told (reported at `path`). */
  private lengthOf(value: unknown, path: string): number {
    const n = arrayLength(value);
    if (n === -2) this.report('unreadable', path, 'could not be read: an array whose length cannot be read');
    return n;
  }

  /** Checks that `value` is a non-empty array; its length, or -1 when not (reported). */
  private list(value: unknown, path: string, expected: string, empty: string): number {
    const n = this.lengthOf(value, path);
    if (n === -2) return -1;
    if (n === -1) {
      this.report('not_an_array', path, `expected ${expected}, got ${describeValue(value)}`);
      return -1;
    }
    if (n === 0) {
      this.report('empty_geometry', path, empty);
      return -1;
    }
    return n;
  }

  walk(input: unknown): void {
    const stack: Frame[] = [{ value: input, path: '', depth: 0 }];
    while (stack.length > 0) this.geometry(stack.pop()!, stack);
  }

  private geometry({ value, path, depth }: Frame, stack: Frame[]): void {
    if (typeof value !== 'object' || value === null) {
      this.report('not_an_object', path, `expected a GeoJSON geometry object, got ${describeValue(value)}`);
      return;
    }
    const n = this.lengthOf(value, path);
    if (n === -2) return;
    if (n >= 0) {
      this.report('not_an_object', path, 'expected a GeoJSON geometry object, got an array');
      return;
    }
    const type = this.read(value, 'type', path);
    if (type === UNREADABLE) return;
    const typePath = at(path, 'type');
    if (type === undefined || type === null) {
      this.report('missing_type', typePath, `geometry has no type; expected one of ${GEOMETRY_TYPES.join(', ')}`);
      return;
    }
    if (typeof type !== 'string' || !(GEOMETRY_TYPES as readonly string[]).includes(type)) {
      this.report('unknown_type', typePath, unknownTypeMessage(type));
      return;
    }
    const known = type as GeometryType;
    if (!this.allowed.includes(known)) {
      const allowed = this.allowed.length > 0 ? `allowed: ${this.allowed.join(', ')}` : 'no geometry is allowed';
      this.report('type_not_allowed', typePath, `${known} is not allowed here; ${allowed}`);
      return;
    }
    if (known === 'GeometryCollection') {
      this.collection(value, path, depth + 1, stack);
      return;
    }
    const coordinatesPath = at(path, 'coordinates');
    const coordinates = this.read(value, 'coordinates', path);
    if (coordinates === UNREADABLE) return;
    if (coordinates === undefined || coordinates === null) {
      this.report('missing_coordinates', coordinatesPath, `${known} has no coordinates`);
      return;
    }
    const nesting = nestingOf(coordinates);
    const expected = NESTING[known];
    if (nesting >= 0 && nesting !== expected) {
      this.report(
        'wrong_nesting',
        coordinatesPath,
        `${known} coordinates must be ${NESTING_NAMES[expected]} (${expected} level${expected === 1 ? '' : 's'} of arrays), got ${NESTING_NAMES[nesting] ?? `${nesting} levels of arrays`}`,
      );
      return;
    }
    switch (known) {
      case 'Point':
        this.point(coordinates, coordinatesPath);
        break;
      case 'MultiPoint':
        this.positions(coordinates, coordinatesPath, 'an array of positions', 'MultiPoint has no points');
        break;
      case 'LineString':
        this.line(coordinates, coordinatesPath);
        break;
      case 'MultiLineString': {
        const n = this.list(coordinates, coordinatesPath, 'an array of lines', 'MultiLineString has no lines');
        for (let i = 0; i < n; i++) {
          const line = this.read(coordinates as object, i, coordinatesPath);
          if (line !== UNREADABLE) this.line(line, at(coordinatesPath, i));
        }
        break;
      }
      case 'Polygon': {
        const rings = this.polygon(coordinates, coordinatesPath);
        if (rings) this.surfaces.push({ parts: [rings], partPaths: [coordinatesPath] });
        break;
      }
      case 'MultiPolygon': {
        const n = this.list(coordinates, coordinatesPath, 'an array of polygons', 'MultiPolygon has no polygons');
        const surface: Surface = { parts: [], partPaths: [] };
        for (let i = 0; i < n; i++) {
          const part = this.read(coordinates as object, i, coordinatesPath);
          if (part === UNREADABLE) continue;
          const partPath = at(coordinatesPath, i);
          const rings = this.polygon(part, partPath);
          if (rings) {
            surface.parts.push(rings);
            surface.partPaths.push(partPath);
          }
        }
        if (n > 0 && surface.parts.length === n) this.surfaces.push(surface);
        break;
      }
    }
  }

  /** `level`: this collection's nesting, 1 for a collection that is not inside another. */
  private collection(value: object, path: string, level: number, stack: Frame[]): void {
    if (level > this.maxDepth) {
      this.report(
        'too_deep',
        path,
        `GeometryCollection nested ${level} deep; at most ${this.maxDepth} level${this.maxDepth === 1 ? '' : 's'} of collections are allowed`,
      );
      return;
    }
    const membersPath = at(path, 'geometries');
    const members = this.read(value, 'geometries', path);
    if (members === UNREADABLE) return;
    if (members === undefined || members === null) {
      this.report('missing_coordinates', membersPath, 'GeometryCollection has no geometries');
      return;
    }
    const n = this.list(members, membersPath, 'an array of geometries', 'GeometryCollection is empty');
    if (n < 0) return;
    this.geometryCount += n;
    if (this.geometryCount > this.maxGeometries) {
      this.report('too_many_geometries', membersPath, `more than ${this.maxGeometries} geometries in all`);
      throw STOP;
    }
    const frames: Frame[] = [];
    for (let i = 0; i < n; i++) {
      const member = this.read(members as object, i, membersPath);
      if (member !== UNREADABLE) frames.push({ value: member, path: at(membersPath, i), depth: level });
    }
    for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
  }

  /** Counts `n` more positions; stops the check when there are too many. */
  private count(n: number, path: string): void {
    this.positionCount += n;
    if (this.positionCount > this.maxCoordinates) {
      this.report(
        'too_many_coordinates',
        path,
        `more than ${this.maxCoordinates} positions in all; simplify the geometry or split it`,
      );
      throw STOP;
    }
  }

  private point(coordinates: unknown, path: string): void {
    if (arrayLength(coordinates) === 0) {
      this.report('empty_geometry', path, 'Point has no position');
      return;
    }
    this.count(1, path);
    this.position(coordinates, path, null, new Float64Array(2), 0);
  }

  private line(value: unknown, path: string): void {
    const xy = this.positions(value, path, 'a line (an array of positions)', 'line has no positions');
    if (!xy) return;
    for (let i = 2; i < xy.length; i += 2) if (xy[i] !== xy[0] || xy[i + 1] !== xy[1]) return;
    const n = xy.length / 2;
    this.report(
      'degenerate_line',
      path,
      n === 1 ? 'line has 1 position; it needs at least 2 distinct positions' : 'line needs at least 2 distinct positions, but all its positions are the same',
    );
  }

  /** An array of positions as x0, y0, x1, y1, ...; null when any is wrong (reported). */
  private positions(value: unknown, path: string, expected: string, empty: string): Float64Array | null {
    const n = this.list(value, path, expected, empty);
    if (n < 0) return null;
    this.count(n, path); // before reading anything: a huge array stops here
    const xy = new Float64Array(2 * n);
    let ok = true;
    for (let i = 0; i < n; i++) {
      const item = this.read(value as object, i, path);
      if (item === UNREADABLE || !this.position(item, path, i, xy, 2 * i)) ok = false;
    }
    return ok ? xy : null;
  }

  /**
   * Checks one position (at `parent/index`, or at `parent` when index is null) and writes its
   * longitude and latitude to `out[offset]`, `out[offset + 1]`; false when it is wrong (reported).
   * The path is only built when there is something to report: this runs for every vertex.
   */
  private position(value: unknown, parent: string, index: number | null, out: Float64Array, offset: number): boolean {
    const n = arrayLength(value);
    if (n === -1) {
      this.report('not_an_array', positionPath(parent, index), `expected a position [longitude, latitude], got ${describeValue(value)}`);
      return false;
    }
    if (n < 2 || n > 3) {
      if (n === -2) this.report('unreadable', positionPath(parent, index), 'could not be read: an array whose length cannot be read');
      else this.report('bad_position_length', positionPath(parent, index), `a position has 2 or 3 numbers [longitude, latitude(, height)], this one has ${n}`);
      return false;
    }
    const values: unknown[] = [undefined, undefined, undefined];
    try {
      for (let i = 0; i < n; i++) values[i] = (value as unknown[])[i];
    } catch {
      this.report('unreadable', positionPath(parent, index), 'could not be read: reading a coordinate threw an error');
      return false;
    }
    const [lon, lat, height] = values;
    if (
      typeof lon === 'number' && lon >= -this.maxLon && lon <= this.maxLon &&
      typeof lat === 'number' && lat >= -this.maxLat && lat <= this.maxLat &&
      (n === 2 || (typeof height === 'number' && Number.isFinite(height)))
    ) {
      out[offset] = lon;
      out[offset + 1] = lat;
      return true;
    }
    let ok = true;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const name = i === 0 ? 'longitude' : i === 1 ? 'latitude' : 'height';
      if (typeof v !== 'number') {
        this.report('not_a_number', at(positionPath(parent, index), i), `${name} must be a number, got ${describeValue(v)}`);
        ok = false;
      } else if (!Number.isFinite(v)) {
        this.report('non_finite', at(positionPath(parent, index), i), `${name} is ${v}, not a finite number`);
        ok = false;
      } else if (i < 2) {
        out[offset + i] = v;
      }
    }
    if (!ok) return false;
    const x = out[offset]!;
    const y = out[offset + 1]!;
    if (x < -this.maxLon || x > this.maxLon) {
      const hint = Math.abs(x) > 360 ? ' (projected coordinates? only WGS 84 longitude and latitude in degrees are accepted)' : '';
      this.report('longitude_out_of_range', at(positionPath(parent, index), 0), `longitude ${x} is outside -180..180${hint}`);
      ok = false;
    }
    if (y < -this.maxLat || y > this.maxLat) {
      const hint = Math.abs(y) <= 180 && Math.abs(x) <= 90 ? ' (are longitude and latitude swapped? GeoJSON puts longitude first)' : '';
      this.report('latitude_out_of_range', at(positionPath(parent, index), 1), `latitude ${y} is outside -90..90${hint}`);
      ok = false;
    }
    return ok;
  }

  /** The rings of one polygon; null when any is wrong (reported). */
  private polygon(value: unknown, path: string): Ring[] | null {
    const n = this.list(value, path, 'an array of rings', 'polygon has no rings');
    if (n < 0) return null;
    const rings: Ring[] = [];
    for (let i = 0; i < n; i++) {
      const item = this.read(value as object, i, path);
      if (item === UNREADABLE) continue;
      const ringPath = at(path, i);
      const xy = this.positions(item, ringPath, 'a ring (an array of positions)', 'ring has no positions');
      const ring = xy && this.ring(xy, ringPath);
      if (ring) rings.push(ring);
    }
    return rings.length === n ? rings : null;
  }

  private ring(xy: Float64Array, path: string): Ring | null {
    const n = xy.length / 2;
    if (n < 4) {
      this.report(
        'ring_too_short',
        path,
        `ring has ${n} position${n === 1 ? '' : 's'}; a ring needs at least 4 (three corners, then the first again to close it)`,
      );
      return null;
    }
    if (xy[0] !== xy[2 * n - 2] || xy[1] !== xy[2 * n - 1]) {
      this.report(
        'ring_not_closed',
        path,
        `ring is not closed: its first position ${formatPoint(xy[0]!, xy[1]!)} differs from its last ${formatPoint(xy[2 * n - 2]!, xy[2 * n - 1]!)}; repeat the first position at the end`,
      );
      return null;
    }
    // Drop consecutive repeats (allowed, but they make zero-length edges).
    const out = new Float64Array(2 * n);
    const source = new Int32Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i]!;
      const y = xy[2 * i + 1]!;
      if (m > 0 && x === out[2 * m - 2] && y === out[2 * m - 1]) continue;
      out[2 * m] = x;
      out[2 * m + 1] = y;
      source[m] = i;
      m++;
    }
    // m vertices, the last repeating the first. Zero area unless some vertex is off the line v0–v1.
    let third = false;
    let area = false;
    for (let k = 2; k < m - 1; k++) {
      const x = out[2 * k]!;
      const y = out[2 * k + 1]!;
      if (orient(out[0]!, out[1]!, out[2]!, out[3]!, x, y) !== 0) {
        area = true;
        break;
      }
      if ((x !== out[0] || y !== out[1]) && (x !== out[2] || y !== out[3])) third = true;
    }
    if (!area) {
      this.report(
        'degenerate_ring',
        path,
        third ? 'ring has zero area: all its positions lie on one line' : 'ring has fewer than 3 distinct positions, so it has no area',
      );
      return null;
    }
    return { xy: out.slice(0, 2 * m), source: source.slice(0, m), path };
  }

  /** The topology of every polygon that passed the walk. */
  topology(): void {
    let edges = 0;
    for (const surface of this.surfaces) for (const part of surface.parts) for (const ring of part) edges += ring.xy.length / 2 - 1;
    const budget = { left: TOPOLOGY_BASE_BUDGET + TOPOLOGY_BUDGET_PER_EDGE * edges };
    for (const surface of this.surfaces) {
      if (!checkSurface(surface, budget, this)) return; // budget spent: skip the rest (see the module comment)
    }
  }
}

/** How deep the coordinates of each type are nested: levels of arrays around a number. */
const NESTING: Record<Exclude<GeometryType, 'GeometryCollection'>, number> = {
  Point: 1,
  MultiPoint: 2,
  LineString: 2,
  MultiLineString: 3,
  Polygon: 3,
  MultiPolygon: 4,
};
const NESTING_NAMES = ['a number', 'a position', 'an array of positions', 'an array of rings (or lines)', 'an array of polygons'];

/**
 * Levels of arrays between `value` and its first number, following first elements (at most 6);
 * -1 when that ends anywhere but at a number (the full checks will say what is wrong).
 */
function nestingOf(value: unknown): number {
  let node = value;
  try {
    for (let depth = 0; depth <= 6; depth++) {
      if (typeof node === 'number') return depth;
      if (arrayLength(node) <= 0) return -1;
      node = (node as unknown[])[0];
    }
  } catch {
    // a getter threw: the full checks will report it
  }
  return -1;
}

/** The length of `value` when it is an array; -1 when it is not; -2 when asking throws (proxies) or lies. */
function arrayLength(value: unknown): number {
  try {
    if (!Array.isArray(value)) return -1;
    const n: unknown = value.length;
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : -2;
  } catch {
    return -2;
  }
}

function limit(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value >= 0 && !Number.isNaN(value) ? Math.floor(value) : fallback;
}

// ---------------------------------------------------------------------------------------------
// Topology.

const NONE = 0;
const TOUCH = 1;
const CROSS = 2;
const OVERLAP = 3;
type Meeting = typeof NONE | typeof TOUCH | typeof CROSS | typeof OVERLAP;

/** Twice the signed area of triangle a, b, c: > 0 when c is left of a→b, 0 when on its line. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** The first place (of its kind) where two rings, or a ring and itself, or two parts meet wrongly. */
interface Finding {
  code: GeometryProblemCode;
  /** Global ring numbers; for `parts_overlap`, the rings whose edges met. */
  ringA: number;
  ringB: number;
  meeting: Meeting;
  x: number;
  y: number;
  /** The two edges (to prefer the first pair), and their original position indices. */
  edgeA: number;
  edgeB: number;
  startA: number;
  startB: number;
  /** Distinct places where these rings meet so. */
  places: Set<string>;
}

/**
 * Checks one Polygon or MultiPolygon; false when the budget ran out (what was found is reported).
 */
function checkSurface(surface: Surface, budget: { left: number }, check: Check): boolean {
  const rings: Ring[] = [];
  const ringPart: number[] = [];
  const ringLocal: number[] = [];
  const firstRing: number[] = [];
  surface.parts.forEach((part, p) => {
    firstRing.push(rings.length);
    part.forEach((ring, r) => {
      rings.push(ring);
      ringPart.push(p);
      ringLocal.push(r);
    });
  });
  let n = 0;
  for (const ring of rings) n += ring.xy.length / 2 - 1;

  // Edge s runs from (e[4s], e[4s+1]) to (e[4s+2], e[4s+3]); it is edge edgeK[s] of ring edgeRing[s].
  const e = new Float64Array(4 * n);
  const edgeRing = new Int32Array(n);
  const edgeK = new Int32Array(n);
  const ringEdges = rings.map((ring) => ring.xy.length / 2 - 1);
  const index = new Flatbush(n);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  let s = 0;
  rings.forEach((ring, r) => {
    const xy = ring.xy;
    for (let k = 0; k < ringEdges[r]!; k++, s++) {
      const ax = xy[2 * k]!;
      const ay = xy[2 * k + 1]!;
      const bx = xy[2 * k + 2]!;
      const by = xy[2 * k + 3]!;
      e[4 * s] = ax;
      e[4 * s + 1] = ay;
      e[4 * s + 2] = bx;
      e[4 * s + 3] = by;
      edgeRing[s] = r;
      edgeK[s] = k;
      index.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
      minX = Math.min(minX, ax);
      minY = Math.min(minY, ay);
      maxX = Math.max(maxX, ax);
      maxY = Math.max(maxY, ay);
    }
  });
  index.finish();

  let hitX = 0;
  let hitY = 0;
  const setHit = (x: number, y: number): void => {
    hitX = x;
    hitY = y;
  };

  /** How edges a and b meet; where (one point of it) in hitX, hitY. */
  const meet = (a: number, b: number): Meeting => {
    const p1x = e[4 * a]!, p1y = e[4 * a + 1]!, p2x = e[4 * a + 2]!, p2y = e[4 * a + 3]!;
    const q1x = e[4 * b]!, q1y = e[4 * b + 1]!, q2x = e[4 * b + 2]!, q2y = e[4 * b + 3]!;
    const d1 = orient(q1x, q1y, q2x, q2y, p1x, p1y);
    const d2 = orient(q1x, q1y, q2x, q2y, p2x, p2y);
    const d3 = orient(p1x, p1y, p2x, p2y, q1x, q1y);
    const d4 = orient(p1x, p1y, p2x, p2y, q2x, q2y);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
      const t = d1 / (d1 - d2);
      hitX = p1x + t * (p2x - p1x);
      hitY = p1y + t * (p2y - p1y);
      return CROSS;
    }
    if (d1 === 0 && d2 === 0 && d3 === 0 && d4 === 0) {
      // Collinear: compare the intervals along the axis where edge a is longest.
      const alongX = Math.abs(p2x - p1x) >= Math.abs(p2y - p1y);
      const pa = alongX ? p1x : p1y, pb = alongX ? p2x : p2y;
      const qa = alongX ? q1x : q1y, qb = alongX ? q2x : q2y;
      const pLow = Math.min(pa, pb), qLow = Math.min(qa, qb);
      const low = Math.max(pLow, qLow);
      const high = Math.min(Math.max(pa, pb), Math.max(qa, qb));
      if (low > high) return NONE;
      if (pLow >= qLow) setHit(pa === pLow ? p1x : p2x, pa === pLow ? p1y : p2y);
      else setHit(qa === qLow ? q1x : q2x, qa === qLow ? q1y : q2y);
      return low === high ? TOUCH : OVERLAP;
    }
    if (d1 === 0 && within(p1x, p1y, q1x, q1y, q2x, q2y)) setHit(p1x, p1y);
    else if (d2 === 0 && within(p2x, p2y, q1x, q1y, q2x, q2y)) setHit(p2x, p2y);
    else if (d3 === 0 && within(q1x, q1y, p1x, p1y, p2x, p2y)) setHit(q1x, q1y);
    else if (d4 === 0 && within(q2x, q2y, p1x, p1y, p2x, p2y)) setHit(q2x, q2y);
    else return NONE;
    return TOUCH;
  };

  const findings = new Map<string, Finding>();
  const touches: number[] = []; // pairs of edges of different rings that touch...
  const touchPoints: number[] = []; // ...and where: x, y
  /**
   * Keeps one finding per ring (or pair of rings, or of parts): the strongest meeting (a crossing
   * or an overlap says more than a touch), then the first pair of edges, so the report does not
   * depend on the order the index returns candidates in.
   */
  const record = (code: GeometryProblemCode, key: string, a: number, b: number, meeting: Meeting): void => {
    const found = findings.get(key);
    const place = `${hitX},${hitY}`;
    if (found) {
      found.places.add(place);
      const stronger = (meeting === TOUCH) !== (found.meeting === TOUCH) ? meeting !== TOUCH : a < found.edgeA || (a === found.edgeA && b < found.edgeB);
      if (!stronger) return;
    }
    const ringA = edgeRing[a]!, ringB = edgeRing[b]!;
    findings.set(key, {
      code,
      ringA,
      ringB,
      meeting,
      x: hitX,
      y: hitY,
      edgeA: a,
      edgeB: b,
      startA: rings[ringA]!.source[edgeK[a]!]!,
      startB: rings[ringB]!.source[edgeK[b]!]!,
      places: found ? found.places : new Set([place]),
    });
  };

  /** Edges that share a vertex S meet wrongly only when the ring turns back on itself there (a spike). */
  const spike = (sx: number, sy: number, px: number, py: number, qx: number, qy: number): boolean =>
    orient(sx, sy, px, py, qx, qy) === 0 && (px - sx) * (qx - sx) + (py - sy) * (qy - sy) > 0;

  const examine = (a: number, b: number): void => {
    const ra = edgeRing[a]!, rb = edgeRing[b]!;
    if (ra === rb) {
      const ka = edgeK[a]!, kb = edgeK[b]!;
      if (kb === ka + 1) {
        // a ends where b starts
        if (spike(e[4 * b]!, e[4 * b + 1]!, e[4 * a]!, e[4 * a + 1]!, e[4 * b + 2]!, e[4 * b + 3]!)) {
          setHit(e[4 * b]!, e[4 * b + 1]!);
          record('self_intersection', `s${ra}`, a, b, OVERLAP);
        }
        return;
      }
      if (ka === 0 && kb === ringEdges[ra]! - 1) {
        // b (the last edge) ends where a (the first) starts
        if (spike(e[4 * a]!, e[4 * a + 1]!, e[4 * a + 2]!, e[4 * a + 3]!, e[4 * b]!, e[4 * b + 1]!)) {
          setHit(e[4 * a]!, e[4 * a + 1]!);
          record('self_intersection', `s${ra}`, a, b, OVERLAP);
        }
        return;
      }
      const meeting = meet(a, b);
      if (meeting !== NONE) record('self_intersection', `s${ra}`, a, b, meeting);
      return;
    }
    const meeting = meet(a, b);
    if (meeting === NONE) return;
    if (meeting === TOUCH) {
      touches.push(a, b);
      touchPoints.push(hitX, hitY);
      return;
    }
    const pa = ringPart[ra]!, pb = ringPart[rb]!;
    if (pa !== pb) record('parts_overlap', `p${pa},${pb}`, a, b, meeting);
    else if (ringLocal[ra] === 0) record('hole_crosses_shell', `r${ra},${rb}`, a, b, meeting);
    else record('holes_overlap', `r${ra},${rb}`, a, b, meeting);
  };

  const partPath = (r: number) => surface.partPaths[ringPart[r]!]!;
  const reportFindings = (): void => {
    for (const f of findings.values()) {
      const where = formatPoint(f.x, f.y);
      const location: [number, number] = [f.x, f.y];
      const others = f.places.size - 1;
      const more = others > 0 ? `; and in ${others} more place${others === 1 ? '' : 's'}` : '';
      const a = rings[f.ringA]!, b = rings[f.ringB]!;
      switch (f.code) {
        case 'self_intersection': {
          const how = f.meeting === CROSS ? 'crosses itself' : f.meeting === TOUCH ? 'touches itself' : 'runs back along itself';
          const edges = `the edges starting at positions ${Math.min(f.startA, f.startB)} and ${Math.max(f.startA, f.startB)}`;
          check.report(f.code, a.path, `ring ${how} at ${where} (${edges})${more}`, location);
          break;
        }
        case 'hole_crosses_shell': {
          const how = f.meeting === CROSS ? 'crosses' : 'shares an edge with';
          check.report(f.code, b.path, `hole ${how} the outer ring (${a.path}) at ${where}${more}`, location);
          break;
        }
        case 'holes_overlap': {
          const how = f.meeting === CROSS ? 'crosses' : 'shares an edge with';
          check.report(f.code, b.path, `hole ${how} hole ${a.path} at ${where}${more}`, location);
          break;
        }
        default: {
          const how = f.meeting === CROSS ? 'crosses' : 'shares an edge with';
          check.report(
            'parts_overlap',
            partPath(f.ringB),
            `polygon ${how} polygon ${partPath(f.ringA)} at ${where}${more}; the polygons of a MultiPolygon must not overlap (merge them)`,
            location,
          );
        }
      }
    }
  };

  // 1. Every pair of edges whose boxes touch.
  let current = 0;
  const candidate = (j: number): boolean => {
    if (--budget.left < 0) throw OUT_OF_BUDGET;
    if (j > current) examine(current, j);
    return false;
  };
  try {
    for (current = 0; current < n; current++) {
      const ax = e[4 * current]!, ay = e[4 * current + 1]!, bx = e[4 * current + 2]!, by = e[4 * current + 3]!;
      index.search(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by), candidate);
    }
  } catch (error) {
    if (error !== OUT_OF_BUDGET) throw error;
    reportFindings();
    return false;
  }
  reportFindings();
  if (findings.size > 0) return true; // containment makes no sense for rings that cross

  // 2. Rings of one polygon touching at two or more points enclose a piece of the interior: a
  // cycle in the graph whose nodes are rings and touch points.
  let disconnected = false;
  if (touches.length > 0) {
    const parent: number[] = rings.map((_, r) => r);
    const find = (x: number): number => {
      while (parent[x]! !== x) {
        parent[x] = parent[parent[x]!]!;
        x = parent[x]!;
      }
      return x;
    };
    const pointNode = new Map<string, number>();
    const edgesSeen = new Set<string>();
    const reported = new Set<number>();
    for (let t = 0; t < touches.length; t += 2) {
      const ra = edgeRing[touches[t]!]!, rb = edgeRing[touches[t + 1]!]!;
      const part = ringPart[ra]!;
      if (part !== ringPart[rb] || reported.has(part)) continue;
      const x = touchPoints[t]!, y = touchPoints[t + 1]!;
      const key = `${x},${y}`;
      let node = pointNode.get(key);
      if (node === undefined) {
        node = parent.length;
        parent.push(node);
        pointNode.set(key, node);
      }
      for (const r of [ra, rb]) {
        const edgeKey = `${r}:${node}`;
        if (edgesSeen.has(edgeKey)) continue;
        edgesSeen.add(edgeKey);
        const rootR = find(r), rootP = find(node);
        if (rootR === rootP) {
          reported.add(part);
          disconnected = true;
          check.report(
            'interior_disconnected',
            surface.partPaths[part]!,
            `rings touch each other at more than one point (here at ${formatPoint(x, y)}), which cuts the polygon's interior into pieces; a hole may touch the outer ring or another hole at one point only`,
            [x, y],
          );
          break;
        }
        parent[rootR] = rootP;
      }
    }
  }
  if (disconnected) return true;

  // 3. Containment: one ray from a vertex of each hole (and of each part's outer ring when there
  // are several parts) tells which other rings enclose it: those it crosses an odd number of times.
  // The ray goes to the nearest side of the bounding box, so rings in a row do not make it quadratic.
  const touchKeys = touchPoints.length > 0 ? new Set<string>() : null;
  for (let t = 0; touchKeys && t < touchPoints.length; t += 2) touchKeys.add(`${touchPoints[t]},${touchPoints[t + 1]}`);
  const parity = new Uint8Array(rings.length);
  const crossed: number[] = [];
  // The ray runs from (rayX, rayY) along x (or along y when rayAlongY) towards +∞ (or -∞ when rayBack).
  let rayX = 0, rayY = 0, rayOwn = 0, rayAlongY = false, rayBack = false, onBoundary = false;
  const rayCandidate = (j: number): boolean => {
    if (--budget.left < 0) throw OUT_OF_BUDGET;
    const r = edgeRing[j]!;
    if (r === rayOwn || onBoundary) return false;
    const ax = e[4 * j]!, ay = e[4 * j + 1]!, bx = e[4 * j + 2]!, by = e[4 * j + 3]!;
    if (orient(ax, ay, bx, by, rayX, rayY) === 0 && within(rayX, rayY, ax, ay, bx, by)) {
      onBoundary = true;
      return false;
    }
    // u runs along the ray, v across it; half-open test so a ray through a vertex counts once.
    const u = rayAlongY ? rayY : rayX, v = rayAlongY ? rayX : rayY;
    const au = rayAlongY ? ay : ax, av = rayAlongY ? ax : ay, bu = rayAlongY ? by : bx, bv = rayAlongY ? bx : by;
    if (av > v !== bv > v) {
      const hit = au + ((v - av) * (bu - au)) / (bv - av);
      if (rayBack ? hit < u : hit > u) {
        if (parity[r] === 0) crossed.push(r);
        parity[r]! ^= 1;
      }
    }
    return false;
  };
  /** Casts a ray from (x, y), a point of ring `own`; false when the point lies on another ring. */
  const ray = (x: number, y: number, own: number): boolean => {
    for (const r of crossed) parity[r] = 0;
    crossed.length = 0;
    rayX = x;
    rayY = y;
    rayOwn = own;
    onBoundary = false;
    // East, west, north or south, whichever is shortest.
    const lengths = [maxX - x, x - minX, maxY - y, y - minY];
    let direction = 0;
    for (let d = 1; d < 4; d++) if (lengths[d]! < lengths[direction]!) direction = d;
    rayAlongY = direction >= 2;
    rayBack = direction === 1 || direction === 3;
    if (direction === 0) index.search(x, y, maxX, y, rayCandidate);
    else if (direction === 1) index.search(minX, y, x, y, rayCandidate);
    else if (direction === 2) index.search(x, y, x, maxY, rayCandidate);
    else index.search(x, minY, x, y, rayCandidate);
    return !onBoundary;
  };
  /**
   * Casts the ray from a point of ring r that is on no other ring (skipping known touch points
   * saves rays; a point found on a ring is retried anyway); its start, or null.
   */
  const sample = (r: number): [number, number] | null => {
    const xy = rings[r]!.xy;
    const m = ringEdges[r]!;
    let tries = 0;
    for (let k = 0; k < m && tries < 8; k++) {
      const x = xy[2 * k]!, y = xy[2 * k + 1]!;
      if (touchKeys?.has(`${x},${y}`)) continue;
      tries++;
      if (ray(x, y, r)) return [x, y];
    }
    for (let k = 0; k < m && k < 8; k++) {
      const x = (xy[2 * k]! + xy[2 * k + 2]!) / 2, y = (xy[2 * k + 1]! + xy[2 * k + 3]!) / 2;
      if (ray(x, y, r)) return [x, y];
    }
    return null;
  };

  /**
   * Parts of a MultiPolygon may touch at several points, and an overlap can hide between two of
   * them (a triangle entering a square through two of its corners), so one sample per ring is not
   * enough: every arc between touch points needs its own. Both sides of every touch point, then.
   * (Rings of one polygon touching twice were refused above, so there one sample is enough.)
   */
  const arcSamples = (r: number): number[] => {
    const points: number[] = [];
    for (let t = 0; t < touches.length; t++) {
      const edge = touches[t]!, other = touches[t ^ 1]!;
      if (edgeRing[edge] !== r || ringPart[edgeRing[other]!] === ringPart[r]) continue;
      const tx = touchPoints[t & ~1]!, ty = touchPoints[(t & ~1) + 1]!;
      const ax = e[4 * edge]!, ay = e[4 * edge + 1]!, bx = e[4 * edge + 2]!, by = e[4 * edge + 3]!;
      if (tx !== ax || ty !== ay) points.push((ax + tx) / 2, (ay + ty) / 2);
      if (tx !== bx || ty !== by) points.push((tx + bx) / 2, (ty + by) / 2);
    }
    return points;
  };

  const partsReported = new Set<string>();
  /** After a ray from (x, y) on ring r: reports r's part overlapping each part whose interior holds the point. */
  const checkParts = (r: number, x: number, y: number): void => {
    const p = ringPart[r]!;
    for (const q of crossed) {
      if (parity[q] !== 1 || ringLocal[q] !== 0 || ringPart[q] === p) continue;
      const other = ringPart[q]!;
      let inHole = false;
      for (const h of crossed) if (ringPart[h] === other && ringLocal[h]! > 0 && parity[h] === 1) inHole = true;
      const key = `${Math.min(p, other)},${Math.max(p, other)}`;
      if (inHole || partsReported.has(key)) continue;
      partsReported.add(key);
      const what = ringLocal[r] === 0 ? 'polygon' : `hole ${rings[r]!.path}`;
      check.report(
        'parts_overlap',
        surface.partPaths[p]!,
        `polygon overlaps polygon ${surface.partPaths[other]} (its ${what === 'polygon' ? 'outline' : what} runs inside it at ${formatPoint(x, y)}); the polygons of a MultiPolygon must not overlap`,
        [x, y],
      );
    }
  };

  const multi = surface.parts.length > 1;
  try {
    for (let r = 0; r < rings.length; r++) {
      const isHole = ringLocal[r]! > 0;
      if (!isHole && !multi) continue;
      const start = sample(r);
      if (start) {
        const p = ringPart[r]!;
        if (isHole) {
          const shell = firstRing[p]!;
          let outer = -1;
          for (const h of crossed) if (h !== shell && ringPart[h] === p && parity[h] === 1) outer = h;
          if (parity[shell] === 0) {
            check.report('hole_outside_shell', rings[r]!.path, `hole lies outside the outer ring (${rings[shell]!.path})`, start);
          } else if (outer >= 0) {
            check.report('holes_overlap', rings[r]!.path, `hole lies inside hole ${rings[outer]!.path}`, start);
          }
        }
        if (multi) checkParts(r, start[0], start[1]);
      }
      if (!multi || touches.length === 0) continue;
      const points = arcSamples(r);
      for (let i = 0; i < points.length; i += 2) {
        if (ray(points[i]!, points[i + 1]!, r)) checkParts(r, points[i]!, points[i + 1]!);
      }
    }
  } catch (error) {
    if (error !== OUT_OF_BUDGET) throw error;
    return false;
  }
  return true;
}

/** Whether point p, known to be on the line through a and b, lies within segment a–b. */
function within(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  return px >= Math.min(ax, bx) && px <= Math.max(ax, bx) && py >= Math.min(ay, by) && py <= Math.max(ay, by);
}

// ---------------------------------------------------------------------------------------------
// Messages: describe values without calling anything on them.

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'nothing';
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'bigint':
      return 'a bigint';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      try {
        return Array.isArray(value) ? 'an array' : 'an object';
      } catch {
        return 'an object';
      }
  }
}

function unknownTypeMessage(type: unknown): string {
  const expected = `expected one of ${GEOMETRY_TYPES.join(', ')}`;
  if (typeof type !== 'string') return `type must be a string, got ${describeValue(type)}; ${expected}`;
  if (type === 'Feature' || type === 'FeatureCollection') {
    return `${type} is not a geometry; send the geometry itself (${expected})`;
  }
  const match = GEOMETRY_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
  if (match) return `unknown geometry type ${JSON.stringify(type)}; did you mean ${match}? (the type is case-sensitive)`;
  return `unknown geometry type ${describeValue(type).replace(/^the string /, '')}; ${expected}`;
}

function formatNumber(n: number): string {
  return String(Math.round(n * 1e7) / 1e7);
}

function formatPoint(x: number, y: number): string {
  return `[${formatNumber(x)}, ${formatNumber(y)}]`;
}
