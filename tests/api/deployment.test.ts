import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { CONFIG_KEYS, loadConfig } from '../../api/config.js';
import { openDatabase } from '../../api/db/open.js';
import { createLogger } from '../../api/logger.js';
import { reportMissing } from '../support/environment.js';
import { createDatabase } from '../support/postgis-server.js';

const quiet = createLogger('error', () => undefined);

describe('docker-compose.yml', () => {
  it('sets only configuration variables the app knows, and both database roles', () => {
    const compose = readFileSync('docker-compose.yml', 'utf8');
    const app = compose.slice(compose.indexOf('\n  app:'));
    const env = app.slice(app.indexOf('environment:'), app.indexOf('ports:'));
    const names = [...env.matchAll(/^\s{6}([A-Z_]+):/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['DATABASE_URL', 'MIGRATION_DATABASE_URL']));
    expect(names.filter((n) => !(CONFIG_KEYS as string[]).includes(n))).toEqual([]);
    expect(compose).toContain('./scripts/docker/initdb-app-role.sh:/docker-entrypoint-initdb.d/');
    // The login role of requests is not the image's superuser.
    expect(/DATABASE_URL: postgres:\/\/([a-z_]+):/.exec(env)![1]).not.toBe(/POSTGRES_USER: (\S+)/.exec(compose)![1]);
  });
});

const adminUrl = inject('postgisAdminUrl');
const mustFail = reportMissing('deployment on a PostGIS server', { available: !!adminUrl, reason: inject('postgisMissingReason') });

describe.skipIf(!adminUrl && !mustFail)('first start on an empty PostGIS server, as docker-compose does it', () => {
  it('init script → first start migrates as the owner and grants the login role → later starts need only DATABASE_URL', async () => {
    if (!adminUrl) throw new Error(inject('postgisMissingReason'));
    const ownerUrl = await createDatabase(adminUrl, `atlas_deploy_${process.pid}`);
    const u = new URL(ownerUrl);
    const init = spawnSync('sh', ['scripts/docker/initdb-app-role.sh'], {
      encoding: 'utf8',
      env: { ...process.env, POSTGRES_USER: 'postgres', POSTGRES_DB: u.pathname.slice(1), PGHOST: u.hostname, PGPORT: u.port, ATLAS_APP_USER: 'atlas_web', ATLAS_APP_PASSWORD: 'app-secret' },
    });
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const appUrl = ownerUrl.replace('postgres://postgres@', 'postgres://atlas_web:app-secret@');
    const base = { PINGAN_WEB_DIST: '/nonexistent', PINGAN_DEMO: 'off' };

    // Without the owner the app cannot create the schema, and says what to set.
    await expect(openDatabase(loadConfig({ ...base, DATABASE_URL: appUrl }), quiet)).rejects.toThrow(/MIGRATION_DATABASE_URL/);
    const first = await openDatabase(loadConfig({ ...base, DATABASE_URL: appUrl, MIGRATION_DATABASE_URL: ownerUrl }), quiet);
    const [who] = await first.query<{ u: string; n: number }>('SELECT current_user AS u, count(*)::int AS n FROM regions');
    expect(who).toEqual({ u: 'atlas_web', n: 0 });
    await first.close();
    const again = await openDatabase(loadConfig({ ...base, DATABASE_URL: appUrl }), quiet);
    await again.close();
    // Running the init script a second time is harmless.
    const rerun = spawnSync('sh', ['scripts/docker/initdb-app-role.sh'], {
      encoding: 'utf8',
      env: { ...process.env, POSTGRES_USER: 'postgres', POSTGRES_DB: u.pathname.slice(1), PGHOST: u.hostname, PGPORT: u.port, ATLAS_APP_PASSWORD: 'app-secret' },
    });
    expect(rerun.status).toBe(0);
  });
});
