import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import type { Db } from './db/types.js';
import { createLogger } from './logger.js';
import { unavailableResponse } from './status-page.js';
import { formatDemoCredentials } from './accounts/demo-accounts.js';
import { prepareDatabase, type StartupProgress } from './startup.js';
import { buildClient, isClientBuildFresh } from './web-build.js';

/**
 * `npm start`: listens at once (answering 503 with progress while starting), opens the database,
 * loads the demo county on first start, builds the client if it is missing or stale, then serves.
 */
const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const started = performance.now();

let progress: StartupProgress = { step: 'opening_database' };
let webStatus: 'ready' | 'building' | 'failed' = isClientBuildFresh(config.PINGAN_WEB_DIST) ? 'ready' : 'building';
let handler: ((request: Request) => Response | Promise<Response>) | null = null;
let db: Db | null = null;

const STEP_NAMES: Record<StartupProgress['step'], { zh: string; en: string }> = {
  opening_database: { zh: '打开数据库', en: 'opening the database' },
  generating_demo: { zh: '生成示范县数据', en: 'generating the demo county' },
  loading_demo: { zh: '载入示范县数据', en: 'loading the demo county' },
  ready: { zh: '就绪', en: 'ready' },
};

/** While starting: the one error shape (API) or a self-reloading notice (pages), naming the step. */
const startingResponse = (request: Request) => {
  const step = STEP_NAMES[progress.step];
  const share = progress.fraction === undefined ? '' : ` ${Math.round(progress.fraction * 100)}%`;
  const detail = progress.detail ? ` (${progress.detail}${share})` : share;
  return unavailableResponse(request, {
    zh: `平安一张图正在启动：${step.zh}${detail}…`,
    en: `Pingan Atlas is starting: ${step.en}${detail}…`,
  }, 503);
};

const publicHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.HOST) ? 'localhost' : config.HOST;
const server = serve({ fetch: (request) => (handler ? handler(request) : startingResponse(request)), port: config.PORT, hostname: config.HOST }, (info) => {
  log.info('listening', { url: `http://${publicHost}:${info.port}` });
  process.stdout.write(`\n  平安一张图 Pingan Atlas: http://${publicHost}:${info.port}\n\n`);
});
server.on('error', (error) => {
  log.error('cannot listen', { error: error.message, host: config.HOST, port: config.PORT });
  process.exit(1);
});

if (webStatus === 'building') {
  log.info('building the web client (first start or changed sources)…');
  buildClient(config.PINGAN_WEB_DIST, (line) => log.debug('vite', { line }))
    .then(() => {
      webStatus = 'ready';
      log.info('web client built', { seconds: Math.round((performance.now() - started) / 100) / 10 });
    })
    .catch((error: Error) => {
      webStatus = 'failed';
      log.error('web client build failed', { error: error.message });
    });
}

try {
  const prepared = await prepareDatabase(config, log, (p) => {
    if (p.step !== progress.step) log.info('startup', { step: p.step, detail: p.detail });
    progress = p;
  });
  db = prepared.db;
  if (prepared.demoAccounts.length) {
    process.stdout.write(`\n${formatDemoCredentials(prepared.demoAccounts, `http://${publicHost}:${config.PORT}/`)}\n\n`);
  }
  const app = createApp({
    db, log, webDist: config.PINGAN_WEB_DIST, webStatus: () => webStatus, maxBodyBytes: config.MAX_BODY_BYTES, importMaxBytes: config.IMPORT_MAX_BYTES,
    auth: { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS, cookieSecure: config.COOKIE_SECURE },
    basemap: { styleUrl: config.ATLAS_BASEMAP_STYLE, pmtilesPath: config.ATLAS_BASEMAP_PMTILES },
  });
  handler = app.fetch;
  log.info('ready', { database: db.kind, seconds: Math.round((performance.now() - started) / 100) / 10 });
} catch (error) {
  log.error('startup failed', { error: (error as Error).message });
  process.stderr.write(`\nPingan Atlas could not start: ${(error as Error).message}\n`);
  server.close();
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  server.close();
  await db?.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
