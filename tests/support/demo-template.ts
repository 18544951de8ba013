import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPgliteInstance, wrapPglite } from '../../api/db/pglite.js';
import { migrate } from '../../api/db/migrate.js';
import type { Db } from '../../api/db/types.js';
import { generateDemoCounty } from '../../api/demo/generate.js';
import { loadDemoCounty, type DemoCounts } from '../../api/demo/load.js';

/** The demo every integration test runs on: fixed seed and clock, so figures are reproducible. */
export const TEST_DEMO = { seed: 20261123, scale: 1, now: new Date('2026-11-20T02:00:00Z') } as const;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Hash of what the template is made from, so a changed schema or generator rebuilds it. */
function templateKey(): string {
  const hash = createHash('sha256').update(JSON.stringify(TEST_DEMO));
  for (const dir of ['sql/migrations', 'api/demo']) {
    for (const f of readdirSync(join(ROOT, dir)).sort()) hash.update(f).update(readFileSync(join(ROOT, dir, f)));
  }
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/** Migrates `db` and loads the test demo into it. */
export async function loadTestDemo(db: Db): Promise<DemoCounts> {
  await migrate(db);
  return loadDemoCounty(db, generateDemoCounty(TEST_DEMO));
}

/**
 * Path of a PGlite tarball holding the migrated test demo, built once and cached in the temp dir
 * (a cold PGlite + PostGIS + demo load is ~30 s; restoring the tarball is a few seconds).
 */
export async function ensurePgliteTemplate(): Promise<string> {
  const dir = join(tmpdir(), 'pingan-atlas-test');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `pglite-demo-${templateKey()}.tar.gz`);
  if (existsSync(path)) return path;
  const pg = await createPgliteInstance(null);
  const db = await wrapPglite(pg);
  try {
    await loadTestDemo(db);
    const dump = await pg.dumpDataDir('gzip');
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, path);
  } finally {
    await db.close();
  }
  return path;
}

/** A fresh in-memory PGlite database restored from the template. */
export async function openPgliteFromTemplate(path: string): Promise<Db> {
  const pg = await createPgliteInstance(null, new Blob([readFileSync(path)]));
  return wrapPglite(pg);
}
