import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Db, Transaction } from './db/types.js';
import { ApiError, errorBody, fromDatabaseError } from './errors.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { authenticate, scopedTransaction, type AuthSettings } from './auth/middleware.js';
import { actorOf, type Principal } from './auth/principal.js';
import { authRoutes } from './routes/auth.js';
import { auditRoutes, categoryRoutes, tokenRoutes, userRoutes } from './routes/admin.js';
import { incidentRoutes } from './routes/incidents.js';
import { tileRoutes } from './routes/tiles.js';
import { ogcRoutes } from './routes/ogc.js';
import { summaryRoutes } from './routes/summary.js';
import { exportRoutes } from './routes/export.js';
import { buildHealthReport } from './health/health.repository.js';
import type { Logger } from './logger.js';
import { importRoutes } from './routes/imports.js';
import { DEFAULT_IMPORT_LIMITS } from '../geo/import/types.js';
import { buildOpenApiDocument } from './openapi.js';
import { unavailableResponse } from './status-page.js';
import { findRegionTree } from './regions/region.repository.js';
import { layerRoutes } from './routes/layers.js';
import { analyticsRoutes } from './routes/analytics.js';
import { basemapRoutes, type BasemapSettings } from './routes/basemap.js';

export interface AppEnv {
  Variables: {
    /** The database itself: only for sign-in and health. Request work uses `tx`. */
    db: Db;
    requestId: string;
    /** The caller, on authenticated routes. */
    principal: Principal;
    /** The request's transaction, as the app role and scoped to the caller's region. */
    tx: Transaction;
    /** Why, for the request log (sign-in results). */
    auditReason: string;
  };
}

export interface AppOptions {
  db: Db;
  log: Logger;
  /** Folder of the built client, or null to serve the API only. */
  webDist: string | null;
  /** While the client is still being built on first start: a short message page instead of 404. */
  webStatus?: () => 'ready' | 'building' | 'failed';
  /** Session timeouts; defaults 30 min idle, 12 h absolute. */
  auth?: Partial<AuthSettings> & { cookieSecure?: 'auto' | 'true' | 'false'; throttle?: LoginThrottle };
  /** Largest API request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Largest import file (POST /api/imports), in bytes. */
  importMaxBytes?: number;
  /** The base map's settings (ATLAS_BASEMAP_STYLE, ATLAS_BASEMAP_PMTILES); default the built-in one. */
  basemap?: BasemapSettings;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The whole HTTP surface. Tests call `app.request(path)` without a socket.
 * Content-Security-Policy keeps the client on its own origin: the product must work offline.
 */
export function createApp({ db, log, webDist, webStatus = () => 'ready', auth = {}, maxBodyBytes = 1024 * 1024, importMaxBytes = DEFAULT_IMPORT_LIMITS.maxBytes, basemap = {} }: AppOptions) {
  const app = new Hono<AppEnv>();
  const settings: AuthSettings = { idleMinutes: auth.idleMinutes ?? 30, absoluteHours: auth.absoluteHours ?? 12 };
  const throttle = auth.throttle ?? new LoginThrottle();

  app.use('*', requestId());
  // GeoJSON compresses ~6×: the 30,000-incident layer goes from ~14 MB to ~2 MB on the wire.
  app.use('*', compress());
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use('*', async (c, next) => {
    c.set('db', db);
    await next();
  });
  // The request log: who, region, action and outcome for every change and every refusal; never a
  // secret (no bodies, no cookies, no tokens).
  app.use('/api/*', async (c, next) => {
    await next();
    const status = c.res.status;
    if (!UNSAFE.has(c.req.method) && status < 400) return;
    const p = c.var.principal;
    const entry = {
      requestId: c.var.requestId, actor: p ? actorOf(p) : null, region: p?.regionCode ?? null, role: p?.role ?? null,
      action: `${c.req.method} ${c.req.path}`, status,
      reason: c.var.auditReason ?? (c.error instanceof ApiError ? `${c.error.code}: ${c.error.message}` : undefined),
    };
    if (status >= 500) log.error('request failed', entry);
    else if (status >= 400) log.warn('request refused', entry);
    else log.info('request', entry);
  });

  app.onError((error, c) => {
    const id = c.var.requestId ?? 'unknown';
    const known = error instanceof ApiError ? error : fromDatabaseError(error);
    if (known) {
      if (known !== error) log.warn('database refused', { requestId: id, path: c.req.path, cause: (error as Error).message });
      if (known.status === 401) c.header('WWW-Authenticate', 'Bearer realm="pingan-atlas"');
      return c.json(errorBody(known.code, known.message, id), known.status);
    }
    // Unexpected: log the cause, send nothing of it.
    log.error('unhandled error', { requestId: id, path: c.req.path, error: (error as Error).stack ?? String(error) });
    return c.json(errorBody('InternalError', 'Internal server error', id), 500);
  });
  app.notFound((c) => c.json(errorBody('NotFound', `No route for ${c.req.method} ${c.req.path}`, c.var.requestId ?? 'unknown'), 404));

  app.get('/health', async (c) => c.json(await buildHealthReport(c.var.db)));
  app.get('/api/openapi.json', (c) => c.json(buildOpenApiDocument()));

  // Bodies are counted as they stream in, so a chunked body without Content-Length is held to the
  // same limit.
  const limitBody = (maxSize: number) => bodyLimit({
    maxSize,
    onError: (c) => c.json(errorBody('PayloadTooLarge', `The request body is larger than ${maxSize} bytes`, c.var.requestId), 413),
  });
  const defaultLimit = limitBody(maxBodyBytes);
  const importLimit = limitBody(importMaxBytes);
  app.use('/api/*', (c, next) => (c.req.path === '/api/imports' ? importLimit(c, next) : defaultLimit(c, next)));
  app.route('/api/auth', authRoutes({ ...settings, throttle, cookieSecure: auth.cookieSecure ?? 'auto' }));

  // Everything below needs a caller and runs in one transaction scoped to the caller's region.
  const scoped = () => {
    const sub = new Hono<AppEnv>();
    sub.use('*', authenticate(settings), scopedTransaction());
    return sub;
  };
  // Imports run their own scoped transactions as jobs (a long import must not hold the request's).
  const imports = new Hono<AppEnv>();
  imports.use('*', authenticate(settings));
  app.route('/api/imports', imports.route('/', importRoutes({ maxBytes: importMaxBytes, log })));
  app.route('/api/basemap', basemapRoutes(settings, basemap));
  const api = scoped();
  api.get('/regions/tree', async (c) => {
    const root = await findRegionTree(c.var.tx);
    if (!root) throw new ApiError(404, 'NotFound', 'No regions are loaded yet');
    return c.json({ root });
  });
  api.route('/layers', layerRoutes);
  api.route('/summary', summaryRoutes);
  api.route('/analytics', analyticsRoutes());
  api.route('/export', exportRoutes);
  api.route('/incidents', incidentRoutes);
  api.route('/categories', categoryRoutes);
  api.route('/users', userRoutes);
  api.route('/tokens', tokenRoutes);
  api.route('/audit', auditRoutes);
  api.all('*', (c) => c.json(errorBody('NotFound', `No API route for ${c.req.method} ${c.req.path}`, c.var.requestId), 404));
  app.route('/api', api);
  app.route('/tiles', scoped().route('/', tileRoutes));
  app.route('/ogc', scoped().route('/', ogcRoutes));

  if (webDist) {
    const index = join(webDist, 'index.html');
    app.use('/*', async (c, next) => {
      const status = webStatus();
      if (status === 'ready') return next();
      return status === 'building'
        ? unavailableResponse(c.req.raw, { zh: '正在构建客户端，请稍候…', en: 'Building the web client, please wait…' }, 503, c.var.requestId)
        : unavailableResponse(c.req.raw, { zh: '客户端构建失败，请查看服务器日志。', en: 'The web client failed to build: see the server log.' }, 500, c.var.requestId);
    });
    app.use('/assets/*', serveStatic({ root: webDist, onFound: (_p, c) => { c.header('Cache-Control', 'public, max-age=31536000, immutable'); } }));
    app.use('/*', serveStatic({ root: webDist }));
    // Client-side routes (e.g. /wall) get the SPA's index.
    app.get('*', serveStatic({ path: index, root: '' }));
    app.get('*', (c) => (existsSync(index) ? c.notFound() : c.text('The web client is not built: run npm run build:web', 503)));
  }

  return app;
}
