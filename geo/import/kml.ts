import { DOMParser, ParseError } from '@xmldom/xmldom';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { kmlGen } from '@tmcw/togeojson';
import type { Geometry } from 'geojson';
import { readZipEntries } from './archive.js';
import { assertSafeXml, decodeXml } from './xml.js';
import { ImportFileError, type ImportLimits, type ReadOptions, type SourceLayer, type SourceRow } from './types.js';

/** Elements togeojson turns into a geometry: a Placemark holding one of these but none came out had bad coordinates. */
const GEOMETRY_TAGS = ['Point', 'LineString', 'LinearRing', 'Polygon', 'MultiGeometry', 'Track', 'gx:Track', 'MultiTrack', 'gx:MultiTrack', 'Model'];

/** At most this many non-fatal parser complaints are repeated in the notes. */
const MAX_PARSER_NOTES = 5;

/**
 * Reads a KML document: one row per Placemark, numbered from 1 in document order (folders are
 * flattened). KML coordinates are WGS 84 by definition. GroundOverlays (images) and NetworkLinks
 * (remote documents) are not data rows: they are counted in the notes.
 */
export function readKml(bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): SourceLayer {
  void options; // KML has no options: one layer, fixed CRS, encoding from the XML declaration.
  if (bytes.byteLength > limits.maxBytes) {
    throw new ImportFileError('too_large', `the KML is ${bytes.byteLength} bytes; the limit is ${limits.maxBytes}`);
  }
  const notes: string[] = [];
  const decoded = decodeXml(bytes);
  if (decoded.note) notes.push(decoded.note);
  assertSafeXml(decoded.text);

  const complaints: string[] = [];
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, message, context: { locator?: { lineNumber?: number } } | undefined) => {
        // Non-fatal complaints (e.g. an unknown HTML entity in a description) do not stop the read.
        if (level === 'error' && complaints.length < MAX_PARSER_NOTES) {
          const line = context?.locator?.lineNumber;
          complaints.push(`XML ${line ? `line ${line}: ` : ''}${message.trim()}`);
        }
      },
    }).parseFromString(decoded.text, 'text/xml');
  } catch (error) {
    throw new ImportFileError('unreadable', `not a readable KML document: ${parseErrorMessage(error)}`);
  }
  notes.push(...complaints);

  const root = doc.documentElement;
  if (!root || root.localName !== 'kml') {
    throw new ImportFileError('unreadable', `not a KML document: the root element is <${root?.tagName ?? 'none'}>, expected <kml>`);
  }

  const placemarks = Array.from(doc.getElementsByTagName('Placemark'));
  if (placemarks.length > limits.maxRows) {
    throw new ImportFileError('too_many_rows', `the KML has ${placemarks.length} Placemarks; the limit is ${limits.maxRows}`);
  }

  // kmlGen yields every Placemark first, in document order, then GroundOverlays and NetworkLinks.
  const rows: SourceRow[] = [];
  const features = kmlGen(doc, { skipNullGeometry: false });
  for (const placemark of placemarks) {
    const next = features.next();
    if (next.done) break;
    const feature = next.value;
    const row = rows.length + 1;
    const properties = flattenProperties(feature.properties ?? {});
    const base = feature.id !== undefined ? { row, id: feature.id } : { row };
    if (feature.geometry) {
      rows.push({ ...base, geometry: homogenise(feature.geometry), properties });
    } else {
      const problem = hasGeometryElement(placemark)
        ? 'the Placemark geometry has no usable coordinates'
        : 'the Placemark has no geometry';
      rows.push({ ...base, geometry: null, properties, problem });
    }
  }

  for (const [tag, what] of [
    ['GroundOverlay', 'image overlays'],
    ['NetworkLink', 'links to other documents'],
  ] as const) {
    const count = doc.getElementsByTagName(tag).length;
    if (count > 0) notes.push(`${count} ${tag} element${count === 1 ? '' : 's'} (${what}) not imported`);
  }
  if (rows.length === 0) notes.push('the KML has no Placemarks');

  return { format: 'kml', crs: { kind: 'epsg', code: 4326 }, name: documentName(root), total: rows.length, rows, notes };
}

/** Reads a KMZ: a zip holding `doc.kml` (the convention) or else its first `.kml`. */
export async function readKmz(bytes: Uint8Array, options: ReadOptions, limits: ImportLimits): Promise<SourceLayer> {
  const entries = await readZipEntries(bytes, limits);
  const kmlNames = [...entries.keys()].filter((name) => /\.kml$/i.test(name));
  const chosen = kmlNames.find((name) => name.toLowerCase() === 'doc.kml') ?? kmlNames[0];
  if (chosen === undefined) {
    throw new ImportFileError('archive_missing_part', 'the KMZ holds no .kml file');
  }
  const layer = readKml(entries.get(chosen)!, options, limits);
  const others = kmlNames.length - 1;
  const notes = [`read ${chosen} from the KMZ${others > 0 ? `; ${others} other .kml file${others === 1 ? '' : 's'} ignored` : ''}`];
  return { ...layer, notes: [...notes, ...layer.notes] };
}

function parseErrorMessage(error: unknown): string {
  if (error instanceof ParseError) {
    const locator = error.locator as { lineNumber?: number; columnNumber?: number } | undefined;
    const where = locator?.lineNumber ? `line ${locator.lineNumber}${locator.columnNumber ? `, column ${locator.columnNumber}` : ''}: ` : '';
    return `${where}${error.message.trim()}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function hasGeometryElement(placemark: XmlElement): boolean {
  return GEOMETRY_TAGS.some((tag) => placemark.getElementsByTagName(tag).length > 0);
}

/** The name of the top Document (or Folder), if it has one. */
function documentName(root: XmlElement): string | null {
  for (const container of Array.from(root.childNodes)) {
    if (container.nodeType !== 1) continue;
    const element = container as XmlElement;
    if (element.localName !== 'Document' && element.localName !== 'Folder') continue;
    for (const child of Array.from(element.childNodes)) {
      if (child.nodeType === 1 && (child as XmlElement).localName === 'name') {
        const name = (child.textContent ?? '').trim();
        return name === '' ? null : name;
      }
    }
    return null;
  }
  return null;
}

/**
 * A MultiGeometry of one kind becomes the matching Multi* type so that a point layer can take a
 * MultiGeometry of Points; mixed kinds stay a GeometryCollection (togeojson makes every MultiGeometry
 * with more than one member a GeometryCollection).
 */
function homogenise(geometry: Geometry): Geometry {
  if (geometry.type !== 'GeometryCollection' || geometry.geometries.length === 0) return geometry;
  const parts = geometry.geometries;
  if (parts.every((part) => part.type === 'Point')) {
    return { type: 'MultiPoint', coordinates: parts.map((part) => (part.type === 'Point' ? part.coordinates : [])) };
  }
  if (parts.every((part) => part.type === 'LineString')) {
    return { type: 'MultiLineString', coordinates: parts.map((part) => (part.type === 'LineString' ? part.coordinates : [])) };
  }
  if (parts.every((part) => part.type === 'Polygon')) {
    return { type: 'MultiPolygon', coordinates: parts.map((part) => (part.type === 'Polygon' ? part.coordinates : [])) };
  }
  return geometry;
}

/** togeojson wraps a CDATA description as {"@type": "html", value}; attributes want the text. */
function flattenProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...properties };
  const description = out.description;
  if (description && typeof description === 'object' && 'value' in description) {
    out.description = (description as { value: unknown }).value;
  }
  return out;
}
