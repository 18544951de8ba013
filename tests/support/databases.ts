import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { openPostgres } from '../../api/db/postgres.js';
import type { Db, EngineKind } from '../../api/db/types.js';
import { reportMissing } from './environment.js';
import { openPgliteFromTemplate } from './demo-template.js';
import { assertSafeRoles } from '../../api/db/scope.js';
import { APP_LOGIN_ROLE } from './postgis-server.js';

let dbCounter = 0;

export interface TestDatabase {
  /** The app's connection: PGlite's (whose requests switch to the app roles), or the server's plain login role. */
  db: Db;
  /** The owner's connection to the same database, for setting up and for the ground truth tests compare with. */
  owner: Db;
  /** Server only: the owner's connection string of this database. */
  ownerUrl: string | null;
  /** Server only: the login role's connection string of this database. */
  appUrl: string | null;
  close(): Promise<void>;
}

/** A fresh demo database of one engine (PGlite restored from the template, or a server database cloned from the template database). */
export async function openTestDatabase(engine: EngineKind): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const db = await openPgliteFromTemplate(inject('pgliteTemplate'));
    await assertSafeRoles(db);
    return { db, owner: db, ownerUrl: null, appUrl: null, close: () => db.close() };
  }
  const adminUrl = inject('postgisAdminUrl');
  if (!adminUrl) throw new Error('no PostGIS server');
  const name = `atlas_t${process.pid}_${++dbCounter}`;
  const ownerUrl = await createDatabaseFromTemplate(adminUrl, name, inject('postgisTemplateDb'));
  const appUrl = ownerUrl.replace('postgres://postgres@', `postgres://${APP_LOGIN_ROLE}@`);
  const options = { poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 60_000 };
  const owner = await openPostgres({ ...options, connectionString: ownerUrl, poolMax: 2 });
  const db = await openPostgres({ ...options, connectionString: appUrl });
  await assertSafeRoles(db);
  return { db, owner, ownerUrl, appUrl, close: async () => { await db.close(); await owner.close(); } };
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
export interface DatabaseContext {
  db: () => Db;
  owner: () => Db;
  test: () => TestDatabase;
  engine: EngineKind;
}

export function describeEachDatabase(title: string, suite: (ctx: DatabaseContext) => void): void {
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
      let opened: TestDatabase | null = null;
      beforeAll(async () => {
        opened = await openTestDatabase(engine);
      });
      afterAll(async () => {
        await opened?.close();
      });
      const test = () => {
        if (!opened) throw new Error('database not open');
        return opened;
      };
      suite({ db: () => test().db, owner: () => test().owner, test, engine });
    });
  }
}
