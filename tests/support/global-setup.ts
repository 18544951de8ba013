import type { TestProject } from 'vitest/node';
import { isClientBuildFresh, buildClient } from '../../api/web-build.js';
import { openPostgres } from '../../api/db/postgres.js';
import { grantAppRoles } from '../../api/db/open.js';
import { chromiumAvailability } from './chromium.js';
import { ensurePgliteTemplate, loadTestDemo } from './demo-template.js';
import { APP_LOGIN_ROLE, createDatabase, postgisServerAvailability, startPostgisServer, type PostgisServer } from './postgis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the PGlite demo template tarball. */
    pgliteTemplate: string;
    /** Admin URL of the throwaway PostGIS server, or null when its binaries are missing. */
    postgisAdminUrl: string | null;
    /** Name of the server database holding the demo, used as CREATE DATABASE … TEMPLATE. */
    postgisTemplateDb: string;
    postgisMissingReason: string;
    chromiumMissingReason: string;
    webDist: string;
  }
}

let server: PostgisServer | null = null;
export const POSTGIS_TEMPLATE_DB = 'atlas_demo_template';


/**
 * Once per run: the PGlite demo template, a throwaway PostGIS server with the demo loaded in a
 * template database, and a fresh build of the client for the browser tests.
 */
export async function setup(project: TestProject) {
  const webDist = `${project.config.root}/web/dist`;
  const chromium = chromiumAvailability();
  const clientBuild = chromium.available && !isClientBuildFresh(webDist) ? buildClient(webDist, () => undefined) : Promise.resolve();

  project.provide('pgliteTemplate', await ensurePgliteTemplate());

  const postgis = postgisServerAvailability();
  project.provide('postgisMissingReason', postgis.reason);
  project.provide('postgisTemplateDb', POSTGIS_TEMPLATE_DB);
  if (postgis.available) {
    server = await startPostgisServer();
    const url = await createDatabase(server.adminUrl, POSTGIS_TEMPLATE_DB);
    const db = await openPostgres({ connectionString: url, poolMax: 2, connectTimeoutMs: 5000, statementTimeoutMs: 0 });
    try {
      await loadTestDemo(db);
      await db.query('ANALYZE'); // clones inherit the statistics
      // The app's login role (cluster-wide): a plain role, member of the app roles, like production.
      await db.execScript(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_LOGIN_ROLE}') THEN CREATE ROLE ${APP_LOGIN_ROLE} LOGIN; END IF;
      END $$`);
      await grantAppRoles(db, APP_LOGIN_ROLE);
    } finally {
      await db.close();
    }
    project.provide('postgisAdminUrl', server.adminUrl);
  } else {
    project.provide('postgisAdminUrl', null);
  }

  await clientBuild;
  project.provide('webDist', webDist);
  project.provide('chromiumMissingReason', chromium.reason);
}

export async function teardown() {
  await server?.stop();
}
