import type { Geometry } from 'geojson';
import { parseCrsName } from './crs.js';
import { ImportFileError, type ImportLimits, type ReadOptions, type SourceCrs, type SourceLayer, type SourceRow } from './types.js';

/**
 * GeoJSON reader: a FeatureCollection, a single Feature or a bare geometry, UTF-8 (RFC 7946).
 * Only the shape a row needs is checked here (a geometry is an object with a `type`); coordinates
 * are checked by the pipeline (geo/geometry-check.ts) after the CRS is applied.
 */

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** 1-based line and column of a string offset, for error messages people can act on. */
function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * Offset of the first JSON syntax error in `text` (text.length when it ends too early), or -1 when
 * it is valid. V8's JSON.parse messages give a position only for some errors, so on failure the
 * text is scanned again here. Iterative, so deep nesting cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const containers: ('{' | '[')[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  /** Reads a string at i; false when malformed (i is then at the error). */
  const readString = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
  let expectValue = true;
  for (;;) {
    skipSpace();
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        containers.push(c);
        i++;
        skipSpace();
        if (text[i] === (c === '{' ? '}' : ']')) {
          containers.pop();
          i++;
          expectValue = false;
          continue;
        }
        if (c === '{') {
          if (!readString()) return i;
          skipSpace();
          if (text[i] !== ':') return i;
          i++;
        }
        continue;
      }
      if (c === '"') {
        if (!readString()) return i;
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else {
        number.lastIndex = i;
        if (!number.test(text)) return i;
        i = number.lastIndex;
      }
      expectValue = false;
      continue;
    }
    const top = containers[containers.length - 1];
    if (top === undefined) return i === n ? -1 : i;
    const c = text[i];
    if (c === ',') {
      i++;
      if (top === '{') {
        skipSpace();
        if (!readString()) return i;
        skipSpace();
        if (text[i] !== ':') return i;
        i++;
      }
      expectValue = true;
    } else if (c === (top === '{' ? '}' : ']')) {
      containers.pop();
      i++;
    } else return i;
  }
}

/** Decodes strict UTF-8 (BOM dropped) and parses JSON; ImportFileError('unreadable') with where. */
export function parseJsonBytes(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    // TextDecoder drops a leading BOM by default; fatal: bad bytes are an error, not U+FFFD.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportFileError('unreadable', `${what} is not valid UTF-8 text (${what} must be UTF-8)`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const where = offset >= 0 ? ` at ${lineAndColumn(text, offset)} (character ${offset + 1})` : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImportFileError('unreadable', `${what} is not valid JSON${where}: ${reason}`);
  }
}

/**
 * The legacy `crs` member (GeoJSON 2008): {type: 'name', properties: {name: 'EPSG:4490'}} or
 * {type: 'EPSG', properties: {code: 4490}}. Absent or null: null. A CRS it cannot resolve is an
 * error rather than a silent WGS 84, which would put every feature in the wrong place.
 */
export function crsMember(value: unknown, notes: string[]): SourceCrs | null {
  if (value === undefined || value === null) return null;
  let name: string | null = null;
  if (isObject(value) && isObject(value.properties)) {
    const { properties } = value;
    if (value.type === 'name' && typeof properties.name === 'string') name = properties.name;
    else if (value.type === 'EPSG' && (typeof properties.code === 'number' || typeof properties.code === 'string')) name = `EPSG:${properties.code}`;
  }
  const crs = name === null ? null : parseCrsName(name);
  if (crs === null) {
    throw new ImportFileError('unknown_crs', `unknown CRS in the "crs" member: ${JSON.stringify(value).slice(0, 200)}`);
  }
  notes.push(`CRS "${name}" from the file's "crs" member`);
  return crs;
}

/** A geometry as a row sees it: an object with a known type, else the problem. */
export function geometryOrProblem(value: unknown): { geometry: Geometry | null; problem?: string } {
  if (value === null || value === undefined) return { geometry: null, problem: 'no geometry' };
  if (!isObject(value)) return { geometry: null, problem: 'geometry is not an object' };
  if (typeof value.type !== 'string' || !GEOMETRY_TYPES.has(value.type)) {
    return { geometry: null, problem: `unknown geometry type ${JSON.stringify(value.type)}` };
  }
  return { geometry: value as unknown as Geometry };
}

export function checkRowLimit(count: number, limits: ImportLimits): void {
  if (count > limits.maxRows) {
    throw new ImportFileError('too_many_rows', `the file has ${count} rows; at most ${limits.maxRows} can be imported at once`);
  }
}

/** A Feature (or anything in its place) at position `row` to a source row. */
function featureRow(feature: unknown, row: number): SourceRow {
  if (!isObject(feature)) {
    return { row, geometry: null, properties: {}, problem: `feature is not an object (${feature === null ? 'null' : Array.isArray(feature) ? 'array' : typeof feature})` };
  }
  const id = typeof feature.id === 'string' || typeof feature.id === 'number' ? feature.id : undefined;
  const base = id === undefined ? { row } : { row, id };
  if (feature.type !== 'Feature') {
    return { ...base, geometry: null, properties: {}, problem: `not a Feature (type ${JSON.stringify(feature.type)})` };
  }
  const { properties } = feature;
  if (properties !== undefined && properties !== null && !isObject(properties)) {
    return { ...base, geometry: null, properties: {}, problem: 'properties is not an object' };
  }
  const { geometry, problem } = geometryOrProblem(feature.geometry);
  return { ...base, geometry, properties: isObject(properties) ? properties : {}, ...(problem ? { problem } : {}) };
}

export function readGeoJson(bytes: Uint8Array, _options: ReadOptions, limits: ImportLimits): SourceLayer {
  const root = parseJsonBytes(bytes, 'the GeoJSON file');
  if (!isObject(root)) throw new ImportFileError('unreadable', 'the GeoJSON file does not hold an object');
  const notes: string[] = [];
  const crs = crsMember(root.crs, notes);
  const name = typeof root.name === 'string' ? root.name : null;

  if (root.type === 'FeatureCollection') {
    const { features } = root;
    if (!Array.isArray(features)) throw new ImportFileError('unreadable', 'the FeatureCollection has no "features" array');
    checkRowLimit(features.length, limits);
    // Rows are built as they are read, so the parsed file is not held twice.
    const rows: Iterable<SourceRow> = {
      *[Symbol.iterator]() {
        for (let i = 0; i < features.length; i++) yield featureRow(features[i], i + 1);
      },
    };
    return { format: 'geojson', crs, name, total: features.length, rows, notes };
  }
  if (root.type === 'Feature') {
    notes.push('a single Feature, read as one row');
    return { format: 'geojson', crs, name, total: 1, rows: [featureRow(root, 1)], notes };
  }
  if (typeof root.type === 'string' && GEOMETRY_TYPES.has(root.type)) {
    notes.push(`a bare ${root.type}, read as one row without properties`);
    const { geometry, problem } = geometryOrProblem(root);
    return { format: 'geojson', crs, name, total: 1, rows: [{ row: 1, geometry, properties: {}, ...(problem ? { problem } : {}) }], notes };
  }
  const hint = root.type === 'Topology' ? ' (a TopoJSON file)' : '';
  throw new ImportFileError('unreadable', `not GeoJSON: top-level type ${JSON.stringify(root.type)}${hint}; expected a FeatureCollection, a Feature or a geometry`);
}
