import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Db } from './db/types.js';
import { ApiError, errorBody } from './errors.js';
import { buildHealthReport } from './health/health.repository.js';
import type { Logger } from './logger.js';
import { buildOpenApiDocument } from './openapi.js';
import { unavailableResponse } from './status-page.js';
import { findRegionTree } from './regions/region.repository.js';
import { layerRoutes } from './routes/layers.js';

export interface AppEnv {
  Variables: { db: Db; requestId: string };
}

export interface AppOptions {
  db: Db;
  log: Logger;
  /** Folder of the built client, or null to serve the API only. */
  webDist: string | null;
  /** While the client is still being built on first start: a short message page instead of 404. */
  webStatus?: () => 'ready' | 'building' | 'failed';
}

/**
 * The whole HTTP surface. Tests call `app.request(path)` without a socket.
 * Content-Security-Policy keeps the client on its own origin: the product must work offline.
 */
export function createApp({ db, log, webDist, webStatus = () => 'ready' }: AppOptions) {
  const app = new Hono<AppEnv>();

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

  app.onError((error, c) => {
    const id = c.var.requestId ?? 'unknown';
    if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, id), error.status);
    // Unexpected: log the cause, send nothing of it.
    log.error('unhandled error', { requestId: id, path: c.req.path, error: (error as Error).stack ?? String(error) });
    return c.json(errorBody('InternalError', 'Internal server error', id), 500);
  });
  app.notFound((c) => c.json(errorBody('NotFound', `No route for ${c.req.method} ${c.req.path}`, c.var.requestId ?? 'unknown'), 404));

  app.get('/health', async (c) => c.json(await buildHealthReport(c.var.db)));
  app.get('/api/openapi.json', (c) => c.json(buildOpenApiDocument()));
  app.get('/api/regions/tree', async (c) => {
    const root = await findRegionTree(c.var.db);
    if (!root) throw new ApiError(404, 'NotFound', 'No regions are loaded yet');
    return c.json({ root });
  });
  app.route('/api/layers', layerRoutes);
  app.all('/api/*', (c) => c.json(errorBody('NotFound', `No API route for ${c.req.method} ${c.req.path}`, c.var.requestId), 404));

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
