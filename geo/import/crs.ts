import gcoordModule, { type CRSTypes, type Position as GcoordPosition } from 'gcoord';
import type { Geometry } from 'geojson';
import type { SourceCrs } from './types.js';

// gcoord's CommonJS build sets module.exports to the API object while its typings declare
// `export default`, so under NodeNext the types put the API one `.default` deeper than Node does
// (and under the client's bundler resolution they do not). The part used here, typed once for both.
interface Gcoord {
  transform: <T extends GcoordPosition>(input: T, crsFrom: CRSTypes, crsTo: CRSTypes) => T;
  readonly WGS84: CRSTypes;
  readonly GCJ02: CRSTypes;
  readonly BD09: CRSTypes;
}
const loaded = gcoordModule as unknown as Gcoord | { default: Gcoord };
const gcoord: Gcoord = 'transform' in loaded ? loaded : loaded.default;

/**
 * Coordinate reference systems of imported files: names (GeoJSON `crs`, user input), `.prj` WKT,
 * and the consumer-map offsets GCJ-02 / BD-09, which no EPSG code describes and PostGIS cannot
 * transform, so they are undone here with gcoord before the geometry reaches the database.
 *
 * The EPSG numbers of the Chinese Gauss-Krüger families below were checked against PostGIS 3.3's
 * spatial_ref_sys (names, central meridians and false eastings of every code in each range).
 */

const epsg = (code: number): SourceCrs => ({ kind: 'epsg', code });
const WGS84 = epsg(4326);

/** Lowercase and keep only letters and digits (so 'GCJ-02', 'gcj_02' and 'GCJ 02' are one name). */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** A positive integer EPSG code, or null (codes run from 1024 to 32767; ESRI's go beyond). */
function code(text: string): number | null {
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 && n < 1_000_000 ? n : null;
}

/** Non-EPSG codes that tools still write for Web Mercator (Google's 900913, ESRI's 102100/102113). */
const WEB_MERCATOR_ALIASES = new Set([900913, 102100, 102113, 3785]);
const fromCode = (n: number): SourceCrs => (WEB_MERCATOR_ALIASES.has(n) ? epsg(3857) : epsg(n));

/** Normalised names (see `normalise`) that designate a CRS on their own. */
const NAMED: ReadonlyMap<string, SourceCrs> = new Map<string, SourceCrs>([
  ...['wgs84', 'wgs1984', 'gcswgs1984', 'crs84', 'ogccrs84', 'epsg4326'].map((n) => [n, WGS84] as const),
  ...['cgcs2000', 'gcscgcs2000', 'chinageodeticcoordinatesystem2000', 'gcschinageodeticcoordinatesystem2000', '国家2000', '2000国家大地坐标系'].map(
    (n) => [n, epsg(4490)] as const,
  ),
  ...['xian1980', 'xian80', 'gcsxian1980', '西安80', '西安1980'].map((n) => [n, epsg(4610)] as const),
  ...['beijing1954', 'beijing54', 'gcsbeijing1954', '北京54', '北京1954'].map((n) => [n, epsg(4214)] as const),
  ...['webmercator', 'pseudomercator', 'wgs84pseudomercator', 'wgs1984webmercatorauxiliarysphere'].map((n) => [n, epsg(3857)] as const),
  // Amap (Gaode) and Tencent use GCJ-02, the "Mars" offset that Chinese law requires of public maps.
  ...['gcj02', 'gcj', 'amap', 'gaode', 'tencent', 'mars', '高德', '腾讯', '火星坐标'].map((n) => [n, { kind: 'gcj02' }] as const),
  // Baidu's BD-09 in degrees. BD-09 Mercator (bd09mc) is a different, projected system: not here.
  ...['bd09', 'bd09ll', 'baidu', '百度'].map((n) => [n, { kind: 'bd09' }] as const),
]);

/**
 * A CRS written as a name or code: 'EPSG:4490', 'urn:ogc:def:crs:EPSG::4326',
 * 'urn:ogc:def:crs:OGC:1.3:CRS84', 'OGC:CRS84', 'http://www.opengis.net/def/crs/EPSG/0/4549',
 * '4326', 'WGS 84', 'cgcs2000', 'gcj02'/'amap'/'tencent', 'bd09'/'baidu'. Null when unknown.
 */
export function parseCrsName(text: string): SourceCrs | null {
  const t = text.trim().toLowerCase();
  if (t === '') return null;
  // EPSG:4326, EPSG::4326 (sometimes seen), and bare numbers.
  let m = /^(?:epsg\s*:{1,2}\s*)?(\d+)$/.exec(t);
  if (m) return maybe(code(m[1]!));
  // urn:ogc:def:crs:EPSG::4326 or with a version (urn:ogc:def:crs:EPSG:6.6:4326).
  m = /^urn:ogc:def:crs:epsg:[\d.]*:(\d+)$/.exec(t);
  if (m) return maybe(code(m[1]!));
  // http://www.opengis.net/def/crs/EPSG/0/4549 (https too).
  m = /^https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/[\d.]+\/(\d+)$/.exec(t);
  if (m) return maybe(code(m[1]!));
  // CRS84 is WGS 84 in longitude/latitude order: what GeoJSON means by EPSG:4326 anyway.
  if (/^(?:urn:ogc:def:crs:ogc:[\d.]*:crs84|https?:\/\/www\.opengis\.net\/def\/crs\/ogc\/[\d.]+\/crs84|ogc:crs84|crs:84)$/.test(t)) {
    return WGS84;
  }
  return NAMED.get(normalise(t)) ?? null;
}

const maybe = (n: number | null): SourceCrs | null => (n === null ? null : fromCode(n));

// ---------------------------------------------------------------------------------------------
// WKT (.prj)

/** A WKT node: KEYWORD[ ... ] with quoted strings, numbers, bare words (EAST) and nested nodes. */
interface WktNode {
  readonly keyword: string;
  readonly args: readonly (string | number | WktNode)[];
}

/**
 * Parses WKT 1 (ESRI or OGC) and WKT 2 into a tree; null when the text is not well formed. Both
 * bracket styles are accepted, as the standard allows. Iterative, so nesting cannot overflow.
 */
function parseWkt(text: string): WktNode | null {
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)\s*([[(])|"((?:[^"]|"")*)"|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([\])])|(,))/y;
  interface Open {
    keyword: string;
    close: string;
    args: (string | number | WktNode)[];
  }
  const stack: Open[] = [];
  let root: WktNode | null = null;
  const source = text.trim();
  let pos = 0;
  let expectValue = true;
  while (pos < source.length) {
    re.lastIndex = pos;
    const m = re.exec(source);
    if (!m) return null;
    pos = re.lastIndex;
    const [, keyword, open, quoted, number, word, close, comma] = m;
    const top = stack[stack.length - 1];
    if (keyword !== undefined && open !== undefined) {
      if (root || (top && !expectValue)) return null;
      stack.push({ keyword: keyword.toUpperCase(), close: open === '[' ? ']' : ')', args: [] });
      expectValue = true;
    } else if (close !== undefined) {
      if (!top || close !== top.close) return null;
      stack.pop();
      const node: WktNode = { keyword: top.keyword, args: top.args };
      const parent = stack[stack.length - 1];
      if (parent) parent.args.push(node);
      else root = node;
      expectValue = false;
    } else if (comma !== undefined) {
      if (!top || expectValue) return null;
      expectValue = true;
    } else {
      if (!top || !expectValue) return null;
      top.args.push(quoted !== undefined ? quoted.replace(/""/g, '"') : number !== undefined ? Number(number) : word!);
      expectValue = false;
    }
  }
  return stack.length === 0 ? root : null;
}

const PROJECTED = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS'];
const GEOGRAPHIC = ['GEOGCS', 'GEOGCRS', 'GEODCRS', 'GEOGRAPHICCRS', 'GEODETICCRS'];

const children = (node: WktNode, ...keywords: string[]): WktNode[] =>
  node.args.filter((a): a is WktNode => typeof a === 'object' && keywords.includes(a.keyword));
const child = (node: WktNode, ...keywords: string[]): WktNode | undefined => children(node, ...keywords)[0];
const nameOf = (node: WktNode): string => (typeof node.args[0] === 'string' ? node.args[0] : '');

/** The EPSG code of AUTHORITY["EPSG","4549"] (WKT 1) or ID["EPSG",4549] (WKT 2) directly on node. */
function authorityCode(node: WktNode): number | null {
  for (const a of children(node, 'AUTHORITY', 'ID')) {
    const [auth, value] = a.args;
    const n = typeof value === 'number' || typeof value === 'string' ? code(String(value)) : null;
    if (typeof auth !== 'string' || n === null) continue;
    if (auth.toUpperCase() === 'EPSG') return n;
    // ESRI's own codes: only Web Mercator is worth knowing; the others mirror EPSG below 32768.
    if (auth.toUpperCase() === 'ESRI') return WEB_MERCATOR_ALIASES.has(n) ? 3857 : n < 32768 ? n : null;
  }
  return null;
}

/** Lower-cased PARAMETER values: false_easting, central_meridian, scale_factor... */
function parameters(node: WktNode): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of children(node, 'PARAMETER')) {
    const [name, value] = p.args;
    if (typeof name === 'string' && typeof value === 'number') out.set(name.toLowerCase().replace(/[^a-z]/g, ''), value);
  }
  return out;
}

type Datum = 'wgs84' | 'cgcs2000' | 'xian1980' | 'beijing1954';
const DATUM_GEOGRAPHIC: Record<Datum, number> = { wgs84: 4326, cgcs2000: 4490, xian1980: 4610, beijing1954: 4214 };

/** Which geodetic datum a GEOGCS (or WKT 2 GEOGCRS/BASEGEOGCRS) uses, by authority, name or DATUM. */
function datumOf(geog: WktNode | undefined): Datum | null {
  if (!geog) return null;
  const byCode = authorityCode(geog);
  for (const [datum, c] of Object.entries(DATUM_GEOGRAPHIC)) if (c === byCode) return datum as Datum;
  const names = [nameOf(geog), ...children(geog, 'DATUM').map(nameOf)].map(normalise);
  for (const n of names) {
    if (/^(?:gcs|d)?wgs(?:19)?84$/.test(n)) return 'wgs84';
    if (/^(?:gcs|d)?(?:cgcs2000|china2000|chinageodeticcoordinatesystem2000)$/.test(n)) return 'cgcs2000';
    if (/^(?:gcs|d)?xian(?:19)?80$/.test(n)) return 'xian1980';
    if (/^(?:gcs|d)?beijing(?:19)?54$/.test(n)) return 'beijing1954';
  }
  return null;
}

/**
 * First EPSG code of each Gauss-Krüger range, by datum. `zone3`: 3-degree zones 25..45 (false
 * easting carries the zone, 25500000...); `cm3`: 3-degree central meridians 75E..135E (false
 * easting 500000); `zone6`: 6-degree zones 13..23; `cm6`: 6-degree central meridians 75E..135E.
 * Every range is contiguous in EPSG (checked in spatial_ref_sys): CGCS2000 4491-4554,
 * Xian 1980 2327-2390, Beijing 1954 2401-2442 and 21413-21463.
 */
const GAUSS_KRUGER: Record<Exclude<Datum, 'wgs84'>, { zone3: number; cm3: number; zone6: number; cm6: number }> = {
  cgcs2000: { zone3: 4513, cm3: 4534, zone6: 4491, cm6: 4502 },
  xian1980: { zone3: 2349, cm3: 2370, zone6: 2327, cm6: 2338 },
  beijing1954: { zone3: 2401, cm3: 2422, zone6: 21413, cm6: 21453 },
};

/**
 * The EPSG code of a Chinese Gauss-Krüger CRS from its width (3 or 6 degrees), central meridian
 * and whether the false easting carries the zone number. Null outside the ranges EPSG defines.
 */
function gaussKruger(datum: Exclude<Datum, 'wgs84'>, width: 3 | 6, centralMeridian: number, zoneInEasting: boolean): number | null {
  const base = GAUSS_KRUGER[datum];
  if (width === 3) {
    if (!Number.isInteger(centralMeridian / 3) || centralMeridian < 75 || centralMeridian > 135) return null;
    return zoneInEasting ? base.zone3 + (centralMeridian / 3 - 25) : base.cm3 + (centralMeridian - 75) / 3;
  }
  if (!Number.isInteger((centralMeridian + 3) / 6) || centralMeridian < 75 || centralMeridian > 135) return null;
  return zoneInEasting ? base.zone6 + ((centralMeridian + 3) / 6 - 13) : base.cm6 + (centralMeridian - 75) / 6;
}

/**
 * A projected CRS by its name, ESRI ('CGCS2000_3_Degree_GK_CM_120E', 'WGS_1984_UTM_Zone_50N') or
 * OGC ('CGCS2000 / 3-degree Gauss-Kruger CM 120E', 'WGS 84 / UTM zone 50N'). The false easting,
 * when given, decides between the zone and central-meridian variants (ArcGIS's
 * 'Beijing_1954_GK_Zone_20N' is the central-meridian one, and a file may be misnamed).
 */
function projectedByName(name: string, params: Map<string, number>): number | null {
  const n = normalise(name);
  if (/^(?:wgs1984webmercator(?:auxiliarysphere)?|wgs84pseudomercator|popularvisualisationcrsmercator|googlemapsglobalmercator)$/.test(n)) return 3857;
  let m = /^wgs(?:19)?84utmzone(\d{1,2})([ns])$/.exec(n);
  if (m) {
    const zone = Number(m[1]);
    return zone >= 1 && zone <= 60 ? (m[2] === 'n' ? 32600 : 32700) + zone : null;
  }
  m = /^(cgcs2000|xian(?:19)?80|beijing(?:19)?54)(3degree|6degree)?(?:gk|gausskruger)(?:cm(\d{2,3})e|zone(\d{2})(n)?)$/.exec(n);
  if (!m) return null;
  const datum: Exclude<Datum, 'wgs84'> = m[1]!.startsWith('cgcs') ? 'cgcs2000' : m[1]!.startsWith('xian') ? 'xian1980' : 'beijing1954';
  const width = m[2] === '3degree' ? 3 : 6;
  let centralMeridian: number;
  let zoneInEasting: boolean;
  if (m[3] !== undefined) {
    centralMeridian = Number(m[3]);
    zoneInEasting = false;
  } else {
    const zone = Number(m[4]);
    centralMeridian = width === 3 ? zone * 3 : zone * 6 - 3;
    zoneInEasting = m[5] === undefined;
  }
  const falseEasting = params.get('falseeasting');
  if (falseEasting !== undefined) {
    const zone = width === 3 ? centralMeridian / 3 : (centralMeridian + 3) / 6;
    if (falseEasting === 500000) zoneInEasting = false;
    else if (falseEasting === zone * 1_000_000 + 500000) zoneInEasting = true;
    else return null; // a custom false easting: not the EPSG CRS the name suggests
  }
  return gaussKruger(datum, width, centralMeridian, zoneInEasting);
}

/**
 * A projected CRS by its definition, for .prj files whose name says nothing ('Gauss_Kruger',
 * 'Transverse_Mercator', a local name): Gauss-Krüger on a known Chinese datum, UTM on WGS 84, or
 * Web Mercator. A central-meridian zone that both widths share (117E) gets the 3-degree code: the
 * two codes define the same projection.
 */
function projectedByDefinition(projcs: WktNode, datum: Datum | null): number | null {
  const projection = normalise(child(projcs, 'PROJECTION') ? nameOf(child(projcs, 'PROJECTION')!) : '');
  const p = parameters(projcs);
  if (projection === 'mercatorauxiliarysphere' || projection === 'popularvisualisationpseudomercator') return datum === 'wgs84' ? 3857 : null;
  if (projection !== 'transversemercator' && projection !== 'gausskruger') return null;
  const cm = p.get('centralmeridian');
  const fe = p.get('falseeasting');
  const fn = p.get('falsenorthing') ?? 0;
  const k = p.get('scalefactor') ?? 1;
  const lat0 = p.get('latitudeoforigin') ?? 0;
  if (cm === undefined || fe === undefined || lat0 !== 0) return null;
  if (datum === 'wgs84') {
    const zone = (cm + 183) / 6;
    if (k !== 0.9996 || fe !== 500000 || !Number.isInteger(zone) || zone < 1 || zone > 60) return null;
    return fn === 0 ? 32600 + zone : fn === 10_000_000 ? 32700 + zone : null;
  }
  if (datum === null || k !== 1 || fn !== 0) return null;
  if (fe === 500000) return gaussKruger(datum, 3, cm, false) ?? gaussKruger(datum, 6, cm, false);
  const zone = (fe - 500000) / 1_000_000;
  if (zone >= 25 && zone <= 45 && cm === zone * 3) return gaussKruger(datum, 3, cm, true);
  if (zone >= 13 && zone <= 23 && cm === zone * 6 - 3) return gaussKruger(datum, 6, cm, true);
  return null;
}

/**
 * A shapefile .prj (ESRI or OGC WKT 1, or WKT 2) to a CRS, or null when it cannot be recognised.
 * Order: an EPSG authority on the outermost CRS; then the name (ESRI and OGC spellings); then, for
 * projected CRSs, the definition itself (projection, datum, central meridian, false easting).
 */
export function crsFromPrj(wkt: string): SourceCrs | null {
  let root = parseWkt(wkt.replace(/^\uFEFF/, ''));
  if (!root) return null;
  // A compound CRS (horizontal + vertical): the horizontal part is what matters here.
  if (root.keyword === 'COMPD_CS' || root.keyword === 'COMPOUNDCRS') root = child(root, ...PROJECTED, ...GEOGRAPHIC) ?? root;
  const projected = PROJECTED.includes(root.keyword);
  if (!projected && !GEOGRAPHIC.includes(root.keyword)) return null;

  const own = authorityCode(root);
  if (own !== null) return epsg(own);

  if (!projected) {
    const datum = datumOf(root);
    return datum ? epsg(DATUM_GEOGRAPHIC[datum]) : null;
  }
  // WKT 2 keeps the projection parameters in a CONVERSION node; only its name and ID are used
  // (a WKT 2 .prj without an ID is rare enough not to decode its parameter names).
  const byName = projectedByName(nameOf(root), parameters(child(root, 'CONVERSION') ?? root));
  if (byName !== null) return epsg(byName);
  if (root.keyword !== 'PROJCS') return null;
  const byDefinition = projectedByDefinition(root, datumOf(child(root, 'GEOGCS')));
  return byDefinition === null ? null : epsg(byDefinition);
}

// ---------------------------------------------------------------------------------------------
// GCJ-02 / BD-09

/** Array nesting above the positions, by geometry type. */
const POSITION_DEPTH: Readonly<Record<string, number>> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

/**
 * GCJ-02 / BD-09 coordinates to WGS 84 (gcoord); EPSG sources are returned unchanged. Returns a new
 * geometry (the input is not touched: gcoord's own GeoJSON walk works in place) and keeps any Z.
 * A stale `bbox` is dropped. gcoord leaves positions outside China as they are, as the offsets do.
 *
 * The pipeline calls this before its geometry check, so malformed input must not throw here:
 * whatever is not an array of numbers where a position belongs is copied as it is, for the check
 * to refuse with a proper message.
 */
export function offsetToWgs84(geometry: Geometry, crs: SourceCrs): Geometry {
  if (crs.kind === 'epsg') return geometry;
  const from = crs.kind === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
  const position = (p: unknown): unknown => {
    if (!Array.isArray(p)) return p;
    const [lon, lat, ...rest] = p as unknown[];
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) return [...p];
    const [x, y] = gcoord.transform([lon, lat], from, gcoord.WGS84);
    return [x, y, ...rest];
  };
  const walk = (value: unknown, depth: number): unknown =>
    !Array.isArray(value) ? value : depth === 0 ? position(value) : value.map((v) => walk(v, depth - 1));
  const convert = (g: Geometry, nesting: number): Geometry => {
    if (g.type === 'GeometryCollection') {
      // Nesting this deep is refused by the geometry check anyway; stop before the stack does.
      if (!Array.isArray(g.geometries) || nesting > 16) return g;
      return { type: g.type, geometries: g.geometries.map((member) => convert(member, nesting + 1)) };
    }
    const depth = POSITION_DEPTH[g.type];
    if (depth === undefined) return g;
    return { type: g.type, coordinates: walk(g.coordinates, depth) } as Geometry;
  };
  return convert(geometry, 0);
}
