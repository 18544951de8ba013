import { DEFAULT_IMPORT_LIMITS } from '../geo/import/types.js';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every configuration variable, parsed once. README "Configure" documents each one; keep both in step.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Set: a PostGIS server. Unset: the embedded PGlite database in PINGAN_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /**
   * With DATABASE_URL: the owner's connection, used only at start to apply migrations (and load the
   * demo). DATABASE_URL itself must be a plain login role: never a superuser, BYPASSRLS or the owner.
   */
  MIGRATION_DATABASE_URL: z.string().url().optional(),
  PINGAN_DATA_DIR: z.string().min(1).default('./data'),
  /** auto: load the demo county into an empty embedded database; on: also into an empty server; off: never. */
  PINGAN_DEMO: z.enum(['auto', 'on', 'off']).default('auto'),
  PINGAN_DEMO_SEED: z.coerce.number().int().default(20261123),
  PINGAN_DEMO_SCALE: z.coerce.number().positive().max(50).default(1),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30000),
  /** Folder of the built client; built on start when missing or stale. */
  PINGAN_WEB_DIST: z.string().min(1).default('./web/dist'),
  /** A session ends after this many minutes without a request… */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** …and this many hours after sign-in, whatever happens. */
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
  /** Mark the session cookie Secure (HTTPS only). auto: when the request came over HTTPS. */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Largest request body accepted on API routes, in bytes (chunked bodies are counted too). */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(512 * 1024 * 1024).default(1024 * 1024),
  /** Largest file one import takes, in bytes (also the most an archive may unpack to). */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(2 * 1024 * 1024 * 1024).default(DEFAULT_IMPORT_LIMITS.maxBytes),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * A MapLibre style to use as the base map instead of the built-in one: a path on this server
   * (`/basemap/style.json`) or an http(s) URL on the intranet (docs/basemap.md).
   */
  ATLAS_BASEMAP_STYLE: z.string().refine((v) => /^\/(?!\/)/.test(v) || (/^https?:\/\//i.test(v) && URL.canParse(v)), {
    message: 'must be a path on this server (/…) or an http(s) URL',
  }).optional(),
  /** A .pmtiles vector archive, served to signed-in clients at /api/basemap/tiles.pmtiles. */
  ATLAS_BASEMAP_PMTILES: z.string().min(1).optional(),
});

export type Config = z.infer<typeof envSchema>;

/** Every variable name the app reads. */
export const CONFIG_KEYS = Object.keys(envSchema.shape) as (keyof Config)[];

/** Parses the environment; throws one readable error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const pmtiles = parsed.data.ATLAS_BASEMAP_PMTILES === undefined ? undefined : resolve(parsed.data.ATLAS_BASEMAP_PMTILES);
  if (pmtiles !== undefined && !statSync(pmtiles, { throwIfNoEntry: false })?.isFile()) {
    throw new Error(`Invalid configuration: ATLAS_BASEMAP_PMTILES: no file at ${pmtiles}`);
  }
  return {
    ...parsed.data,
    PINGAN_DATA_DIR: resolve(parsed.data.PINGAN_DATA_DIR),
    PINGAN_WEB_DIST: resolve(parsed.data.PINGAN_WEB_DIST),
    ATLAS_BASEMAP_PMTILES: pmtiles,
  };
}
