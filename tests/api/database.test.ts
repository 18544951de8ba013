import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from '../../api/db/data-dir-lock.js';
import { migrate, readMigrations } from '../../api/db/migrate.js';
import { openPglite } from '../../api/db/pglite.js';
import { describeEachDatabase } from '../support/databases.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'atlas-db-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describeEachDatabase('migrations', ({ owner: db }) => {
  it('are idempotent: a second run applies nothing', async () => {
    expect(await migrate(db())).toEqual([]);
    const rows = await db().query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(readMigrations().map((m) => m.name));
  });

  it('refuse a shipped migration whose file changed', async () => {
    const changed = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db(), changed)).rejects.toThrow(/was changed after it was applied/);
  });

  it('give every geometry column SRID 4326 and a GiST index', async () => {
    const cols = await db().query<{ table: string; srid: number }>(
      `SELECT f_table_name AS table, srid FROM geometry_columns WHERE f_table_schema = 'public' AND f_table_name NOT IN ('current_grids')`,
    );
    expect(cols.length).toBeGreaterThanOrEqual(7);
    expect(cols.filter((c) => c.srid !== 4326)).toEqual([]);
    const gist = await db().query<{ tablename: string }>(`SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'`);
    for (const c of cols) expect(gist.map((g) => g.tablename)).toContain(c.table);
  });

  it('keep the county code on every large table', async () => {
    for (const table of ['incidents', 'patrol_tracks', 'cameras', 'address_points']) {
      const rows = await db().query(`SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = 'county_code'`, [table]);
      expect({ table, has: rows.length }).toEqual({ table, has: 1 });
    }
  });

  it('a transaction that throws writes nothing', async () => {
    await expect(
      db().transaction(async (tx) => {
        await tx.query(`INSERT INTO app_meta (key, value) VALUES ('tx-test', '1')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db().query(`SELECT 1 FROM app_meta WHERE key = 'tx-test'`)).toEqual([]);
  });
});

describe('embedded database folder', () => {
  it('keeps its data across a restart', async () => {
    const dir = tempDir();
    const first = await openPglite({ dataDir: dir });
    await migrate(first);
    await first.query(`INSERT INTO app_meta (key, value) VALUES ('restart-test', '"kept"')`);
    await first.close();
    const second = await openPglite({ dataDir: dir });
    try {
      expect(await migrate(second)).toEqual([]);
      expect(await second.query(`SELECT value FROM app_meta WHERE key = 'restart-test'`)).toEqual([{ value: 'kept' }]);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('refuses a second opener in the same process with a clear message', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    try {
      expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    } finally {
      lock.release();
    }
    acquireDataDirLock(dir).release(); // released: free again
  });

  it('refuses a second process on the same folder', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    try {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '-e', `import('./api/db/data-dir-lock.ts').then(m => m.acquireDataDirLock(${JSON.stringify(dir)}))`],
        { encoding: 'utf8', cwd: process.cwd() },
      );
      expect(child.status).not.toBe(0);
      expect(child.stderr).toContain(`already in use by process ${process.pid}`);
    } finally {
      lock.release();
    }
  });

  it('takes over a stale lock left by a dead process', () => {
    const dir = tempDir();
    // pid 2^22+1 is above Linux's default pid_max, so it cannot be alive.
    writeFileSync(join(dir, 'atlas.lock'), JSON.stringify({ pid: 4194305, host: hostname(), since: 'then' }));
    const lock = acquireDataDirLock(dir);
    lock.release();
  });
});
