import { Hono } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { databaseRoleOf } from '../../geo/access.js';
import { parseCrsName } from '../../geo/import/crs.js';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../../geo/import/types.js';
import type { AppEnv } from '../app.js';
import { assertPermission } from '../auth/middleware.js';
import { actorOf } from '../auth/principal.js';
import { withScope } from '../db/scope.js';
import { ApiError } from '../errors.js';
import { runImport, type ImportReport, type RowAction } from '../imports/pipeline.js';
import { ImportJobs, type ImportJob } from '../imports/jobs.js';
import { IMPORT_LAYER_IDS, IMPORT_TARGETS, isImportLayer } from '../imports/targets.js';
import type { Logger } from '../logger.js';
import { rejectUnknownParameters } from '../query-params.js';
import { neutraliseCell } from '../exports/export.js';
import { validationError } from './read-json.js';

/**
 * POST /api/imports?layer=…&mode=dry-run|commit — the file is the request body (any content type
 * but JSON forms; its name in `filename` or the X-File-Name header). Answers 202 with the job to
 * poll, or with `wait=true` the finished job. GET /api/imports/jobs/{id} gives progress and the
 * report (rows paged, filtered by action); …/report.csv the whole per-row report.
 */
const IMPORT_PARAMS = ['layer', 'mode', 'filename', 'crs', 'key', 'map', 'skipRejected', 'layerName', 'lon', 'lat', 'encoding', 'wait'];

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const importQuery = z.strictObject({
  layer: z.string().refine(isImportLayer, { message: `one of ${IMPORT_LAYER_IDS.join(', ')}` }),
  mode: z.enum(['dry-run', 'commit']).default('dry-run'),
  filename: z.string().min(1).max(255).optional(),
  crs: z.string().max(100).optional(),
  key: z.string().min(1).max(100).optional(),
  // column:property pairs, comma separated: map=households:户数,building_kind:类型
  map: z.string().max(2000).optional(),
  skipRejected: boolParam.optional(),
  layerName: z.string().min(1).max(200).optional(),
  lon: z.string().min(1).max(100).optional(),
  lat: z.string().min(1).max(100).optional(),
  encoding: z.enum(['utf-8', 'gbk', 'gb18030', 'big5']).optional(),
  wait: boolParam.optional(),
});

function parseMapping(raw: string | undefined): Record<string, string> {
  const mapping: Record<string, string> = {};
  if (!raw) return mapping;
  for (const pair of raw.split(',')) {
    const at = pair.indexOf(':');
    if (at <= 0 || at === pair.length - 1) throw new ApiError(400, 'InvalidParameter', `map: "${pair}" is not column:property`);
    mapping[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return mapping;
}

const ROW_PAGE_MAX = 1000;

/** The job as JSON: state, progress and the report with one page of its rows. */
function jobJson(job: ImportJob, rows: { action?: RowAction; offset: number; limit: number }) {
  const report = job.report;
  let page: ImportReport['rows'] = [];
  let matched = 0;
  if (report) {
    const all = rows.action ? report.rows.filter((r) => r.action === rows.action) : report.rows;
    matched = all.length;
    page = all.slice(rows.offset, rows.offset + rows.limit);
  }
  return {
    id: job.id, layer: job.layer, fileName: job.fileName, state: job.state, progress: job.progress,
    startedAt: job.startedAt, endedAt: job.endedAt, error: job.error,
    report: report ? { ...report, rows: page, rowsMatched: matched, rowsOffset: rows.offset } : null,
    links: { self: `/api/imports/jobs/${job.id}`, report: `/api/imports/jobs/${job.id}/report.csv` },
  };
}

export function importRoutes(options: { maxBytes: number; log: Logger; limits?: Partial<ImportLimits> }) {
  const jobs = new ImportJobs();
  const limits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits, maxBytes: options.maxBytes };

  return new Hono<AppEnv>()
    .post('/', async (c) => {
      assertPermission(c, 'imports.run');
      rejectUnknownParameters(c.req.url, IMPORT_PARAMS);
      const parsed = importQuery.safeParse(c.req.query());
      if (!parsed.success) throw validationError(parsed.error);
      const q = parsed.data;
      const layer = q.layer as (typeof IMPORT_LAYER_IDS)[number];
      assertPermission(c, IMPORT_TARGETS[layer].permission);
      const type = c.req.header('content-type') ?? '';
      if (/^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i.test(type) && !/\.(csv|txt|tsv)$/i.test(q.filename ?? '')) {
        // Forms are what a cross-site page can send without asking: only raw uploads are taken.
        throw new ApiError(415, 'UnsupportedMediaType', 'Send the file itself as the body (application/octet-stream or its own type), not a form');
      }
      const declared = Number(c.req.header('content-length') ?? '0');
      if (declared > limits.maxBytes) throw new ApiError(413, 'PayloadTooLarge', `The file is larger than ${limits.maxBytes} bytes, the most one import takes`);
      const crs = q.crs === undefined ? undefined : parseCrsName(q.crs);
      if (crs === null) throw new ApiError(400, 'InvalidParameter', `crs: "${q.crs}" is not a coordinate system (EPSG:4326, EPSG:4490, EPSG:4549, gcj02, bd09...)`);
      const fileName = q.filename ?? decodeURIComponent(c.req.header('x-file-name') ?? '') ?? '';
      if (!fileName) throw new ApiError(400, 'InvalidParameter', 'Name the file: filename=… or the X-File-Name header (its extension helps tell the format)');
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.length === 0) throw new ApiError(400, 'ValidationFailed', 'The body is empty: send the file as the request body');
      const p = c.var.principal;
      const scope = { dbRole: databaseRoleOf(p.role), scope: p.scope, staffId: p.staffId, actor: actorOf(p), requestId: c.var.requestId };
      const job = jobs.start(
        p, layer, fileName,
        (onProgress) => runImport(c.var.db, scope, bytes, {
          layer, mode: q.mode, fileName, ...(crs ? { crs } : {}), ...(q.key ? { keyProperty: q.key } : {}),
          mapping: parseMapping(q.map), skipRejected: q.skipRejected ?? false, limits,
          read: { ...(q.layerName ? { layerName: q.layerName } : {}), ...(q.lon ? { lonColumn: q.lon } : {}), ...(q.lat ? { latColumn: q.lat } : {}), ...(q.encoding ? { encoding: q.encoding } : {}) },
        }, onProgress),
        (error) => options.log.error('import failed', { requestId: c.var.requestId, error: (error as Error).stack ?? String(error) }),
      );
      c.header('Location', `/api/imports/jobs/${job.id}`);
      if (!q.wait) return c.json(jobJson(job, { offset: 0, limit: 0 }), 202);
      await job.finished;
      if (job.error) return c.json({ ...jobJson(job, { offset: 0, limit: 0 }) }, job.error.status);
      return c.json(jobJson(job, { offset: 0, limit: ROW_PAGE_MAX }), 200);
    })
    .get('/jobs/:id', (c) => {
      rejectUnknownParameters(c.req.url, ['action', 'offset', 'limit']);
      const q = z.strictObject({
        action: z.enum(['create', 'update', 'unchanged', 'rejected']).optional(),
        offset: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(0).max(ROW_PAGE_MAX).default(100),
      }).safeParse(c.req.query());
      if (!q.success) throw validationError(q.error);
      return c.json(jobJson(jobs.get(c.var.principal, c.req.param('id')), q.data));
    })
    .get('/jobs/:id/report.csv', (c) => {
      const job = jobs.get(c.var.principal, c.req.param('id'));
      if (!job.report) throw new ApiError(409, 'Conflict', job.error ? `The import failed: ${job.error.message}` : 'The import is still running');
      const csv = stringify(job.report.rows.map((r) => [r.row, r.action, r.id ?? '', neutraliseCell(r.reason ?? '')]), {
        header: true, columns: ['row', 'action', 'id', 'reason'], bom: true,
      });
      c.header('Content-Disposition', `attachment; filename="import-${job.layer}-${job.id.slice(0, 8)}.csv"`);
      return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8' });
    })
    .get('/', async (c) => {
      // The history of committed imports in the caller's region (newest first).
      assertPermission(c, 'imports.run');
      rejectUnknownParameters(c.req.url, []);
      const p = c.var.principal;
      const scope = { dbRole: databaseRoleOf(p.role), scope: p.scope, staffId: p.staffId, actor: actorOf(p), requestId: c.var.requestId };
      const rows = await withScope(c.var.db, scope, (tx) =>
        tx.query(`SELECT id::int, layer_id AS layer, file_name AS "fileName", file_sha256 AS sha256, format, source_crs AS crs,
                                region_code AS "regionCode", actor, created, updated, unchanged, rejected, created_at AS "createdAt"
                         FROM import_batches ORDER BY id DESC LIMIT 200`));
      return c.json({ imports: rows });
    });
}
