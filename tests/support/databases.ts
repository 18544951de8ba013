import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { openPostgres } from '../../api/db/postgres.js';
import type { Db, EngineKind } from '../../api/db/types.js';
import { reportMissing } from './environment.js';
import { openPgliteFromTemplate } from './demo-template.js';
import { createDatabase } from './postgis-server.js';

let dbCounter = 0;

/** A fresh demo database of one engine (PGlite restored from the template, or a server database cloned from the template database). */
export async function openTestDatabase(engine: EngineKind): Promise<Db> {
  if (engine === 'pglite') return openPgliteFromTemplate(inject('pgliteTemplate'));
  const adminUrl = inject('postgisAdminUrl');
  if (!adminUrl) throw new Error('no PostGIS server');
  const name = `atlas_t${process.pid}_${++dbCounter}`;
  const url = await createDatabaseFromTemplate(adminUrl, name, inject('postgisTemplateDb'));
  return openPostgres({ connectionString: url, poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 60_000 });
}

async function createDatabaseFromTemplate(adminUrl: string, name: string, template: string): Promise<string> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // CREATE DATABASE … TEMPLATE fails while another session copies the same template, and test
    // files open databases in parallel workers: serialise the copies.
    await admin.query('SELECT pg_advisory_lock(20261123)');
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (error) {
        // 55006 object_in_use: a backend of the template is still exiting; it goes within a second.
        if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await admin.query('SELECT pg_advisory_unlock(20261123)');
  } finally {
    await admin.end();
  }
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

/**
 * Runs the same suite against both engines: `describe('<title> [pglite]')` and `[postgres]`.
 * Without a PostGIS server the postgres half is skipped, or fails under CI.
 */
export function describeEachDatabase(title: string, suite: (ctx: { db: () => Db; engine: EngineKind }) => void): void {
  for (const engine of ['pglite', 'postgres'] as const) {
    const missing = engine === 'postgres' && !inject('postgisAdminUrl');
    if (missing) {
      const mustFail = reportMissing(`${title} [postgres]`, { available: false, reason: inject('postgisMissingReason') });
      describe(`${title} [postgres]`, () => {
        if (mustFail) it('needs a PostGIS server', () => { throw new Error(inject('postgisMissingReason')); });
        else it.skip(`skipped: ${inject('postgisMissingReason')}`, () => undefined);
      });
      continue;
    }
    describe(`${title} [${engine}]`, () => {
      let db: Db | null = null;
      beforeAll(async () => {
        db = await openTestDatabase(engine);
      });
      afterAll(async () => {
        await db?.close();
      });
      suite({
        db: () => {
          if (!db) throw new Error('database not open');
          return db;
        },
        engine,
      });
    });
  }
}
