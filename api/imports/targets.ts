import { z } from 'zod';
import type { Permission } from '../../geo/access.js';
import type { GeometryType } from '../../geo/geometry-check.js';
import {
  BUILDING_KINDS, CAMERA_KINDS, CAMERA_STATUSES, IMPORT_LAYER_IDS, INCIDENT_LEVELS, INCIDENT_SOURCES, KEY_PLACE_TYPES, RISK_LEVELS, type LayerId,
} from '../../geo/layers.js';

/**
 * What an import may write into each layer: the columns a file can fill (with the SQL type they
 * are cast to), how each is validated (zod, coercing the strings of CSV and DBF files), the names a
 * source column may go by, and how a row is recognised again on a second import. The village,
 * natural village and grid are never taken from the file: they are found from the geometry inside
 * the importer's region, exactly as for a single REST write.
 *
 * Grids are not imported (they are drawn and published in the grid editor, issue 7) and patrol
 * tracks come from the patrol devices, not from files.
 */
export type SqlType = 'text' | 'integer' | 'real' | 'date' | 'timestamptz';

export interface ImportColumn {
  readonly name: string;
  readonly type: SqlType;
  /** Other names a source column may have (compared case-insensitively, trimmed). */
  readonly aliases: readonly string[];
}

export interface ImportTarget {
  readonly layerId: ImportLayerId;
  readonly table: string;
  readonly permission: Permission;
  readonly geometryTypes: readonly GeometryType[];
  readonly columns: readonly ImportColumn[];
  /** Validates one row's mapped values (strings from text formats are coerced). */
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Free-text columns the privacy guard reads. */
  readonly freeText: readonly string[];
  /**
   * How a row is recognised on a second import: `column` = a natural key column of the table
   * (camera code, region code); `source_key` = the importer's key property or a content hash.
   */
  readonly identity: { readonly kind: 'column'; readonly column: string } | { readonly kind: 'source_key' };
  /** Place columns filled from the geometry; regions have none (their place is their code). */
  readonly placeColumns: readonly ('village_code' | 'natural_village_code' | 'grid_code')[];
}

// The list lives in the shared catalogue (the client's import dialog offers the same layers).
export { IMPORT_LAYER_IDS };
export type ImportLayerId = (typeof IMPORT_LAYER_IDS)[number] & LayerId;

/** '' and whitespace-only cells are "no value": a CSV has no other way to say null. */
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(t: T) => z.preprocess(blank, t.optional());
const req = <T extends z.ZodType>(t: T) => z.preprocess(blank, t);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);
const text = (max: number) => z.coerce.string().trim().min(1).max(max);
const code = z.coerce.string().trim().regex(/^[a-z0-9_.]{2,64}$/, 'a category code');
const timestamp = z.coerce.string().trim().pipe(z.iso.datetime({ offset: true, local: true }));

const col = (name: string, type: SqlType, ...aliases: string[]): ImportColumn => ({ name, type, aliases });

export const IMPORT_TARGETS: { readonly [K in ImportLayerId]: ImportTarget } = {
  address_points: {
    layerId: 'address_points',
    table: 'address_points',
    permission: 'places.write',
    geometryTypes: ['Point'],
    columns: [col('households', 'integer', '户数', 'hh', 'households_count'), col('building_kind', 'text', '建筑类型', 'kind')],
    schema: z.object({ households: req(int(0, 100_000)), building_kind: opt(z.enum(BUILDING_KINDS)).default('residential') }),
    freeText: [],
    identity: { kind: 'source_key' },
    placeColumns: ['village_code', 'grid_code'],
  },
  cameras: {
    layerId: 'cameras',
    table: 'cameras',
    permission: 'places.write',
    geometryTypes: ['Point'],
    columns: [
      col('code', 'text', '编号', '设备编码', 'camera_code', 'id'),
      col('kind', 'text', '类型', 'type'),
      col('heading_deg', 'real', '朝向', 'heading', 'azimuth'),
      col('fov_deg', 'real', '视场角', 'fov'),
      col('range_m', 'real', '可视距离', 'range'),
      col('status', 'text', '状态'),
      col('owner', 'text', '权属单位', '建设单位'),
      col('installed_on', 'date', '安装日期', 'installed'),
    ],
    schema: z.object({
      code: req(z.coerce.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'code: 1–64 of A–Z, 0–9, _ . -')),
      kind: req(z.enum(CAMERA_KINDS)),
      heading_deg: req(z.coerce.number().min(0).lt(360)),
      fov_deg: req(num(0.001, 360)),
      range_m: req(num(0.001, 2000)),
      status: opt(z.enum(CAMERA_STATUSES)).default('online'),
      owner: req(text(100)),
      installed_on: opt(z.iso.date()),
    }),
    freeText: ['owner'],
    identity: { kind: 'column', column: 'code' },
    placeColumns: ['village_code', 'natural_village_code', 'grid_code'],
  },
  key_places: {
    layerId: 'key_places',
    table: 'key_places',
    permission: 'places.write',
    geometryTypes: ['Point', 'Polygon', 'MultiPolygon'],
    columns: [col('name', 'text', '名称', 'NAME', 'mc'), col('place_type', 'text', '类型', 'type'), col('risk_level', 'text', '风险等级', 'risk')],
    schema: z.object({
      name: req(text(100)),
      place_type: req(z.enum(KEY_PLACE_TYPES)),
      risk_level: opt(z.enum(RISK_LEVELS)).default('medium'),
    }),
    freeText: ['name'],
    identity: { kind: 'source_key' },
    placeColumns: ['village_code', 'grid_code'],
  },
  incidents: {
    layerId: 'incidents',
    table: 'incidents',
    permission: 'imports.run',
    geometryTypes: ['Point'],
    columns: [
      col('category', 'text', '类别'),
      col('subcategory', 'text', '子类'),
      col('level', 'text', '等级'),
      col('source', 'text', '来源'),
      col('summary', 'text', '摘要', '简要情况'),
      col('people_involved', 'integer', '涉及人数', 'people'),
      col('occurred_at', 'timestamptz', '发生时间', 'time', 'occurred'),
      col('reported_at', 'timestamptz', '上报时间', 'reported'),
    ],
    schema: z.object({
      category: req(code),
      subcategory: opt(code),
      level: opt(z.enum(INCIDENT_LEVELS)).default('general'),
      source: opt(z.enum(INCIDENT_SOURCES)).default('grid_worker'),
      summary: opt(z.coerce.string().max(2000)),
      people_involved: opt(int(0, 100_000)),
      occurred_at: req(timestamp),
      reported_at: opt(timestamp),
    }).refine((r) => !r.reported_at || !r.occurred_at || Date.parse(r.reported_at) >= Date.parse(r.occurred_at), {
      message: 'reported_at is before occurred_at', path: ['reported_at'],
    }),
    freeText: ['summary'],
    identity: { kind: 'source_key' },
    placeColumns: ['village_code', 'grid_code'],
  },
  regions: {
    layerId: 'regions',
    table: 'regions',
    permission: 'regions.write',
    geometryTypes: ['Polygon', 'MultiPolygon'],
    columns: [
      col('code', 'text', '区划代码', 'QUHUADAIMA', 'adcode', 'division_code', 'dm'),
      col('name', 'text', '名称', 'NAME', 'mc'),
      col('kind', 'text', '类型'),
    ],
    schema: z.object({
      code: req(z.coerce.string().trim().transform(normaliseRegionCode).pipe(z.string().regex(/^\d{12}(\d{3})?$/, 'a division code of 6, 9, 12 or 15 digits'))),
      name: req(text(100)),
      kind: opt(z.enum(['town', 'township', 'street', 'village', 'community'])),
    }),
    freeText: [],
    identity: { kind: 'column', column: 'code' },
    placeColumns: [],
  },
};

/**
 * Division codes in files come as 6 (county), 9 (township) or 12 digits; the database keeps 12
 * (15 for natural villages). A longer statistical code with trailing zeros is the same region.
 */
export function normaliseRegionCode(raw: string): string {
  const digits = raw.replace(/\s/g, '');
  if (/^\d{6}$/.test(digits) || /^\d{9}$/.test(digits)) return digits.padEnd(12, '0');
  return digits;
}

/** Level and parent of a region from its code alone (the code path is the hierarchy). */
export function regionLevelOf(code: string): { level: 'county' | 'township' | 'village' | 'natural_village'; parent: string | null } {
  if (code.length === 15) return { level: 'natural_village', parent: code.slice(0, 12) };
  if (code.endsWith('000000')) return { level: 'county', parent: null };
  if (code.endsWith('000')) return { level: 'township', parent: code.slice(0, 6).padEnd(12, '0') };
  return { level: 'village', parent: code.slice(0, 9).padEnd(12, '0') };
}

export function isImportLayer(id: string): id is ImportLayerId {
  return (IMPORT_LAYER_IDS as readonly string[]).includes(id);
}
