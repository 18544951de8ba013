import { feature } from 'topojson-client';
import { checkRowLimit, crsMember, geometryOrProblem, parseJsonBytes } from './geojson.js';
import { ImportFileError, type ImportLimits, type ReadOptions, type SourceLayer, type SourceRow } from './types.js';

/**
 * TopoJSON reader (topojson-client decodes the shared, quantized arcs). Each geometry of the chosen
 * object(s) is one row: a GeometryCollection object gives one row per member, any other object one
 * row. Each geometry is decoded on its own, so one broken member (an arc index out of range, which
 * makes topojson-client throw) becomes that row's problem instead of losing the file.
 *
 * With several objects and no `layerName`, all objects are read in key order (and a note says so):
 * refusing would make the common case (one layer per file, split by a tool into a few objects)
 * need a second request, and the pipeline's dry run shows the rows before anything is written.
 */

// The types come with @types/topojson-client (its own dependency, not one of this project).
type Topology = Parameters<typeof feature>[0];
type GeometryObject = Exclude<Parameters<typeof feature>[1], string>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The members of an object: a GeometryCollection's geometries, or the object itself. */
function members(object: unknown): unknown[] {
  if (isObject(object) && object.type === 'GeometryCollection') return Array.isArray(object.geometries) ? object.geometries : [];
  return [object];
}

function geometryRow(topology: Topology, member: unknown, row: number): SourceRow {
  if (!isObject(member)) return { row, geometry: null, properties: {}, problem: 'geometry object is not an object' };
  const id = typeof member.id === 'string' || typeof member.id === 'number' ? member.id : undefined;
  const properties = isObject(member.properties) ? member.properties : {};
  const base = id === undefined ? { row, properties } : { row, id, properties };
  if (member.type === null || member.type === undefined) return { ...base, geometry: null, problem: 'no geometry' };
  try {
    const decoded = feature(topology, member as unknown as GeometryObject);
    // A nested GeometryCollection comes back as a FeatureCollection: not a row's geometry.
    if (decoded.type !== 'Feature') return { ...base, geometry: null, problem: 'nested GeometryCollection' };
    const { geometry, problem } = geometryOrProblem(decoded.geometry);
    return { ...base, geometry, ...(problem ? { problem } : {}) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ...base, geometry: null, problem: `cannot decode the geometry (bad arc reference?): ${reason}` };
  }
}

export function readTopoJson(bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): SourceLayer {
  const root = parseJsonBytes(bytes, 'the TopoJSON file');
  if (!isObject(root) || root.type !== 'Topology') throw new ImportFileError('unreadable', 'not TopoJSON: the top-level type is not "Topology"');
  if (!isObject(root.objects)) throw new ImportFileError('unreadable', 'the TopoJSON file has no "objects"');
  if (!Array.isArray(root.arcs)) throw new ImportFileError('unreadable', 'the TopoJSON file has no "arcs" array');
  const topology = root as unknown as Topology;
  const objects = root.objects;
  const keys = Object.keys(objects).sort();
  if (keys.length === 0) throw new ImportFileError('unreadable', 'the TopoJSON file has no objects');

  const notes: string[] = [];
  // TopoJSON has no `crs` in its spec, but tools copy GeoJSON's (the MCA files do): same rules.
  const crs = crsMember(root.crs, notes);

  let chosen: string[];
  if (options.layerName !== undefined) {
    if (!Object.hasOwn(objects, options.layerName)) {
      throw new ImportFileError('unreadable', `the TopoJSON file has no object "${options.layerName}"; its objects: ${keys.join(', ')}`);
    }
    chosen = [options.layerName];
  } else {
    chosen = keys;
    if (keys.length > 1) notes.push(`${keys.length} objects (${keys.join(', ')}): all read, in that order; choose one with layerName`);
  }

  const parts = chosen.map((key) => members(objects[key]));
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  checkRowLimit(total, limits);
  const rows: Iterable<SourceRow> = {
    *[Symbol.iterator]() {
      let row = 0;
      for (const part of parts) for (const member of part) yield geometryRow(topology, member, ++row);
    },
  };
  return { format: 'topojson', crs, name: chosen.join(', '), total, rows, notes };
}
